// Real server processes (`node --import tsx src/main.ts`), as deployments run them.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { GraphQLClient } from "graphql-request";
import { type TestDatabase, createTestDatabase } from "./databases.js";
import { type TestServer, type TestShop, setupShop } from "./server.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

/** Starts a server with PORT=0 and resolves with its GraphQL URL once it listens. */
export function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    // The event-loop and latency signals of overload are off unless a test sets them: on a busy
    // machine a test process lags for reasons that are not its load, and a refusal would fail
    // the test (the in-flight limit stays at MAX_IN_FLIGHT).
    env: { ...process.env, PORT: "0", LOG_LEVEL: "warn", MAX_EVENT_LOOP_DELAY_MS: "0", TARGET_LATENCY_MS: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    });
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${output}`)));
  });
}

/** Sends a signal and resolves with how the process ended. */
export function stopServerProcess(server: ServerProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => {
    child.once("exit", (code, exitSignal) => resolve({ code, signal: exitSignal }));
    child.kill(signal);
  });
}

/** Two server processes on one new PostgreSQL database with Redis between them, and a shop made through the first. */
export interface ProcessPair {
  database: TestDatabase;
  processes: [ServerProcess, ServerProcess];
  shop: TestShop;
  stop(): Promise<void>;
}

export async function startProcessPair(redisUrl: string, adminToken: string): Promise<ProcessPair> {
  const database = await createTestDatabase("postgres");
  const env = { DATABASE_URL: database.options.databaseUrl!, REDIS_URL: redisUrl, BOOTSTRAP_ADMIN_TOKEN: adminToken };
  // One after the other: the second start finds the migrations applied.
  const processes: [ServerProcess, ServerProcess] = [await startServerProcess(env), await startServerProcess(env)];
  const first = processes[0].url;
  const viaFirst = {
    url: first,
    admin: new GraphQLClient(first, { headers: { authorization: `Bearer ${adminToken}` } }),
    client: (token?: string) => new GraphQLClient(first, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
  } as TestServer;
  return {
    database,
    processes,
    shop: await setupShop(viaFirst),
    async stop() {
      await Promise.all(processes.map((server) => stopServerProcess(server)));
      await database.drop();
    },
  };
}
