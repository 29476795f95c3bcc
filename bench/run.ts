// `npm run bench`: live-status fan-out. 1,000 graphql-ws subscribers to `refundEvents`; for
// each APPROVE, the time from the mutation's response to the last subscriber's delivery, and
// the server's memory. Run on one process (in-process pub/sub) and on two processes through
// Redis (subscribers split across both, mutations on the first). Needs PostgreSQL (and Redis
// for the second run) on 127.0.0.1; creates and drops its own `refund_bench_*` database.
// Knobs: SUBSCRIBERS (1000), ROUNDS (50), PG_URL, REDIS_URL.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GraphQLClient } from "graphql-request";
import { type Client, createClient } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SUBSCRIBERS = Number(process.env.SUBSCRIBERS ?? 1000);
const ROUNDS = Number(process.env.ROUNDS ?? 50);
const PG_URL = process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
}

async function withAdmin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", LOG_LEVEL: "error", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)));
  });
}

async function gql<T>(client: GraphQLClient, query: string, variables?: Record<string, unknown>): Promise<T> {
  return client.request<T>(query, variables);
}

async function runScenario(name: string, processCount: number) {
  const database = `refund_bench_${randomBytes(4).toString("hex")}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${database}`));
  const adminToken = `bench-${randomBytes(8).toString("hex")}`;
  const base = new URL(PG_URL);
  base.pathname = `/${database}`;
  const env: Record<string, string> = { DATABASE_URL: base.toString(), BOOTSTRAP_ADMIN_TOKEN: adminToken };
  if (processCount > 1) env.REDIS_URL = REDIS_URL;
  const servers: Array<{ child: ChildProcess; url: string }> = [];
  const sockets: Client[] = [];
  try {
    for (let i = 0; i < processCount; i += 1) servers.push(await startServer(env));
    const api = (url: string, token: string) => new GraphQLClient(url, { headers: { authorization: `Bearer ${token}` } });
    const admin = api(servers[0]!.url, adminToken);
    const shop = await gql<{ createShop: { shop: { id: string } } }>(admin, `mutation { createShop(input: { name: "bench", currency: "CNY" }) { shop { id } } }`);
    const token = async (role: string) =>
      (await gql<{ createApiToken: { token: string } }>(admin, `mutation ($s: ID!, $r: Role!) { createApiToken(input: { shopId: $s, role: $r }) { token } }`, { s: shop.createShop.shop.id, r: role })).createApiToken.token;
    const agent = api(servers[0]!.url, await token("AGENT"));
    const integration = api(servers[0]!.url, await token("INTEGRATION"));
    const agentToken = await token("AGENT");

    await gql(integration, `mutation { upsertCustomer(input: { externalId: "c", name: "bench" }) { customer { id } } }`);
    const refundIds: string[] = [];
    for (let i = 0; i < ROUNDS; i += 1) {
      const order = await gql<{ upsertOrder: { order: { id: string } } }>(integration, `mutation ($e: String!) { upsertOrder(input: { externalId: $e, customerExternalId: "c", items: [], paidAmount: 9900, paidAt: "2026-11-01T00:00:00Z", shippingStatus: SHIPPED }) { order { id } } }`, { e: `o${i}` });
      const refund = await gql<{ requestRefund: { refund: { id: string } } }>(agent, `mutation ($o: ID!) { requestRefund(input: { orderId: $o, type: REFUND_ONLY, reasonCode: "LOGISTICS" }) { refund { id } } }`, { o: order.upsertOrder.order.id });
      refundIds.push(refund.requestRefund.refund.id);
    }

    // Subscribers, spread over the processes; each round waits for all of them.
    const arrivals = new Map<string, number[]>();
    let connected = 0;
    for (let i = 0; i < SUBSCRIBERS; i += 1) {
      const url = servers[i % servers.length]!.url.replace(/^http/, "ws");
      const socket = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${agentToken}` }, retryAttempts: 0 });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.on("connected", () => resolve());
        socket.subscribe<{ refundEvents: { refund: { id: string } } }>(
          { query: `subscription { refundEvents(filter: { statuses: [AWAITING_WAREHOUSE] }) { refund { id } } }` },
          {
            next: ({ data }) => {
              const id = data!.refundEvents.refund.id;
              arrivals.set(id, [...(arrivals.get(id) ?? []), performance.now()]);
            },
            error: reject,
            complete: () => {},
          },
        );
      });
      connected += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000)); // every subscription registered
    const memory = servers.map(({ child }) => rssMiB(child.pid!));

    const latencies: number[] = [];
    for (const refundId of refundIds) {
      const result = await gql<{ transitionRefund: { userErrors: unknown[] } }>(agent, `mutation ($id: ID!) { transitionRefund(input: { refundId: $id, action: APPROVE }) { userErrors { code } } }`, { id: refundId });
      const answeredAt = performance.now();
      if (result.transitionRefund.userErrors.length) throw new Error(JSON.stringify(result.transitionRefund.userErrors));
      const deadline = Date.now() + 30_000;
      while ((arrivals.get(refundId)?.length ?? 0) < SUBSCRIBERS) {
        if (Date.now() > deadline) throw new Error(`only ${arrivals.get(refundId)?.length ?? 0} of ${SUBSCRIBERS} deliveries`);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      latencies.push(Math.max(0, Math.max(...arrivals.get(refundId)!) - answeredAt));
    }
    latencies.sort((a, b) => a - b);
    return {
      scenario: name,
      processes: processCount,
      subscribers: connected,
      rounds: ROUNDS,
      lastDeliveryAfterResponseMs: { p50: +percentile(latencies, 50).toFixed(1), p99: +percentile(latencies, 99).toFixed(1), max: +latencies.at(-1)!.toFixed(1) },
      serverRssMiB: memory,
    };
  } finally {
    await Promise.all(sockets.map((socket) => socket.dispose()));
    await Promise.all(servers.map(({ child }) => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    })));
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

const results = [await runScenario("one process, in-process pub/sub", 1), await runScenario("two processes through Redis", 2)];
console.log(JSON.stringify(results, null, 2));
mkdirSync(`${ROOT}/bench/out`, { recursive: true });
writeFileSync(`${ROOT}/bench/out/subscriptions-${Date.now()}.json`, JSON.stringify(results, null, 2));
process.exit(0);
