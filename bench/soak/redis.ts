// A Redis of the soak's own: `redis-server` on a free loopback port with its files in a
// temporary directory, restarted once on purpose, removed at the end. The machine's shared
// Redis (6379) is never touched: other people's test runs use it at the same time.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface PrivateRedis {
  /** redis://127.0.0.1:<port> */
  url: string;
  /** Stops the server (SIGTERM, nothing saved) and waits until it exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** Stops it and deletes its directory (safe to call twice; synchronous, for `exit`). */
  remove(): void;
}

export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), "refund-soak-redis-"));
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  const start = async () => {
    // No persistence: a restart comes back empty, as the pub/sub it carries does anyway.
    server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--protected-mode", "no"], {
      stdio: "ignore",
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`redis-server exited (${server.exitCode}) on port ${port}`);
      const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on("error", () => {}); // a refused probe is expected until the server listens
      try {
        await probe.connect();
        await probe.ping();
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        probe.disconnect();
      }
    }
  };
  const stop = async () => {
    const running = server;
    server = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };
  let removed = false;
  try {
    await start();
  } catch (error) {
    // Not returned to the driver, whose exit handler could not remove it.
    server?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    start,
    stop,
    remove() {
      if (removed) return;
      removed = true;
      server?.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
