import { runBench } from "./run-bench.ts";

// `npm run bench -- [--quick] [--json]`: exit explicitly so nothing left behind can hold the run open.
const code = await runBench(process.argv.slice(2));
process.exit(code);
