#!/usr/bin/env node
// The `funil` command: runs the TypeScript entry through tsx (a runtime dependency).
import { register } from "tsx/esm/api";

register();
await import("../src/main.ts");
