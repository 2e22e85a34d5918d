import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";

const OUTPUT_TAIL_BYTES = 64 * 1024;

export interface ChildServer {
  name: string;
  port: number;
  baseUrl: string;
  pid: number;
  /** performance.now() when the process was spawned (to place windows in its CPU profile). */
  spawnedAt: number;
  /** The last 64 KB the process wrote (stdout and stderr), for error reports. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
  readonly hasExited: boolean;
  /** How it ended, e.g. "code 1" or "signal SIGKILL" (null while running). */
  readonly exitStatus: string | null;
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

const live = new Set<ChildServer>();

/** Every child still running (for a last-resort cleanup). */
export function liveChildren(): ChildServer[] {
  return [...live];
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // The child leads its own process group: reach anything it started too.
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts `node [nodeArgs] --import tsx <script> [args]` in `cwd` as its own process group, with
 * output captured, and resolves once `GET <healthPath>` answers 200.
 */
export async function startChildServer(options: {
  name: string;
  cwd: string;
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env: Record<string, string>;
  port: number;
  healthPath?: string;
  readyTimeoutMs: number;
}): Promise<ChildServer> {
  const spawnedAt = performance.now();
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), "--import", "tsx", options.script, ...(options.args ?? [])],
    { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = child.exitCode !== null;
  let exitStatus: string | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exitStatus = signal ? `signal ${signal}` : `code ${code}`;
      exited = true;
      resolve();
    });
    child.once("error", (error) => {
      keep(Buffer.from(`spawn error: ${error.message}\n`));
      exited = true;
      resolve();
    });
  });
  const baseUrl = `http://127.0.0.1:${options.port}`;
  let stopping: Promise<void> | null = null;
  const server: ChildServer = {
    name: options.name,
    port: options.port,
    baseUrl,
    pid: child.pid ?? -1,
    spawnedAt,
    output: () => tail,
    get hasExited() {
      return exited;
    },
    get exitStatus() {
      return exitStatus;
    },
    stop(graceMs = 15_000) {
      stopping ??= (async () => {
        if (!exited) {
          signalGroup(child, "SIGTERM");
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<"timeout">((resolve) => {
            timer = setTimeout(() => resolve("timeout"), graceMs);
          });
          const outcome = await Promise.race([exitPromise, timeout]);
          clearTimeout(timer);
          if (outcome === "timeout") {
            signalGroup(child, "SIGKILL");
            await exitPromise;
          }
        }
        live.delete(server);
      })();
      return stopping;
    },
  };
  live.add(server);

  const deadline = Date.now() + options.readyTimeoutMs;
  const healthUrl = `${baseUrl}${options.healthPath ?? "/health"}`;
  while (true) {
    if (exited) {
      await server.stop();
      throw new Error(`${options.name} exited before it was ready:\n${tail.slice(-4000)}`);
    }
    try {
      const response = await fetch(healthUrl, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return server;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await server.stop(2_000);
      throw new Error(
        `${options.name} was not ready within ${options.readyTimeoutMs} ms:\n${tail.slice(-4000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
