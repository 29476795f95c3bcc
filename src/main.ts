// `npm start`: serves the GraphQL API. On a fresh embedded database (no DATABASE_URL) it puts
// in a demo shop with history and prints one token per role, unless DEMO_DATA=0. With
// WEB_CONCURRENCY=N > 1 this process is a node:cluster primary: it applies the migrations once,
// then runs N server processes on one port (src/cluster.ts).
import cluster from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createApp } from "./app.js";
import { prepareDatabase, runCluster } from "./cluster.js";
import { configFromEnv } from "./config.js";
import { embeddedDatabaseState, openDatabase } from "./db/database.js";
import { applyMigrations } from "./db/migrate.js";
import { DEMO_SHOP_NAME, seedDemoShop } from "./demo/demo-shop.js";
import { ROLES, type Role } from "./domain/types.js";
import { DEFAULT_LIMITS } from "./limits/limits.js";

const config = configFromEnv();
const clustered = config.webConcurrency > 1;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** Says what the start does, then how long it took: a first start creates its database and demo shop. */
async function step<T>(doing: string, work: () => Promise<T>, done: (result: T) => string = () => "done"): Promise<T> {
  const started = Date.now();
  process.stdout.write(`${doing} …`);
  const result = await work();
  process.stdout.write(` ${done(result)} (${seconds(Date.now() - started)})\n`);
  return result;
}

if (clustered && cluster.isPrimary) {
  await step("Applying migrations", () => prepareDatabase(config), ({ applied }) => (applied.length > 0 ? `${applied.length} applied` : "up to date"));
  runCluster(config);
} else {
  await serve();
}

/** One server process: the demo seed on a fresh embedded database, then the app. */
async function serve(): Promise<void> {
  // The demo shop is seeded before the app starts its workers: its history is played on a
  // simulated clock, and a timer sweep on the real clock would take up its timers out of turn.
  if (config.demoData && !config.databaseUrl) {
    const fresh = embeddedDatabaseState(config.dataDir) === "absent";
    const db = await step(`Opening the embedded database in ${config.dataDir}${fresh ? " (a first start creates it)" : ""}`, () => openDatabase(config));
    try {
      await step("Applying migrations", () => applyMigrations(db), ({ applied }) => (applied.length > 0 ? `${applied.length} applied` : "up to date"));
      if ((await db.prisma.shop.count()) === 0) {
        const started = Date.now();
        // One line, rewritten in place on a terminal; elsewhere (a log file) its start and its end.
        const tty = process.stdout.isTTY;
        const line = (text: string) => (tty ? process.stdout.write(`\r${text}`) : undefined);
        if (tty) process.stdout.write("Seeding the demo …");
        else console.log("Seeding the demo …");
        const demo = await seedDemoShop(db, { onProgress: ({ refunds, of }) => line(`Seeding the demo: ${refunds} of ${of} refunds`) });
        const refunds = await db.prisma.refund.count({ where: { shopId: demo.shopId } });
        const orders = await db.prisma.order.count({ where: { shopId: demo.shopId } });
        if (tty) process.stdout.write("\r\x1b[K");
        console.log(`Seeding the demo: ${refunds} of ${refunds} refunds, over ${orders} orders (${seconds(Date.now() - started)})`);
        console.log(`Demo shop "${DEMO_SHOP_NAME}": one API token per role (send as "Authorization: Bearer <token>"):`);
        const owner: Partial<Record<Role, string>> = {
          AGENT: `staff member ${demo.members.AGENT.name}`,
          WAREHOUSE: `staff member ${demo.members.WAREHOUSE.name}`,
          FINANCE: `staff member ${demo.members.FINANCE.name}`,
          CUSTOMER: `customer ${demo.customer.name} (${demo.customer.externalId})`,
        };
        for (const role of ROLES) console.log(`  ${role.padEnd(15)} ${demo.tokens[role]}${owner[role] ? `  ${owner[role]}` : ""}`);
      }
    } finally {
      await db.close();
    }
  }

  // The server logs the plugins it loads (name and version) while it starts: no same-line step here.
  console.log("Starting the server …");
  const serverStarting = Date.now();
  const app = await createApp({
    ...config,
    paymentClaimMs: config.workerClaimMs,
    hookDelivery: { retryBaseMs: config.pluginRetryBaseMs, claimMs: config.workerClaimMs },
    timers: { sweepIntervalMs: config.timerSweepMs, minuteMs: config.timerMinuteMs, claimMs: config.workerClaimMs },
    overload: { maxInFlight: config.maxInFlight, targetLatencyMs: config.targetLatencyMs, maxEventLoopDelayMs: config.maxEventLoopDelayMs },
    workerId: cluster.isWorker ? String(cluster.worker!.id) : undefined,
    limits: {
      budget: {
        max: config.costBudgetMax ?? DEFAULT_LIMITS.budget.max,
        refillPerSecond: config.costRefillPerSecond ?? DEFAULT_LIMITS.budget.refillPerSecond,
      },
    },
  });

  // Bench aid (BENCHMARKS.md), off unless asked for: GET /debug/statements answers how many SQL
  // statements Prisma has sent since start, so `npm run bench` can report statements per operation.
  if (process.env.BENCH_COUNT_STATEMENTS === "1") {
    let statements = 0;
    app.db.onQuery(() => (statements += 1));
    const [handler] = app.server.listeners("request") as Array<(request: IncomingMessage, response: ServerResponse) => void>;
    app.server.removeAllListeners("request");
    app.server.on("request", (request: IncomingMessage, response: ServerResponse) =>
      request.url === "/debug/statements" ? response.end(String(statements)) : handler!(request, response),
    );
  }

  const url = await app.listen(config.port, process.env.HOST ?? "127.0.0.1");
  if (cluster.isWorker) {
    // The primary says when every server process listens (with the line scripts wait for).
    console.log(`Server process ${cluster.worker!.id} (pid ${process.pid}) listening at ${url}; started in ${seconds(Date.now() - serverStarting)}`);
  } else console.log(
    // "GraphiQL at <url>" is what scripts and tests wait for (test/support/processes.ts, bench/lib/server.ts).
    `Refund platform ready: GraphiQL at ${url} (${app.db.kind === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"}); ` +
      `server started in ${seconds(Date.now() - serverStarting)}, ${seconds(process.uptime() * 1000)} after the process started`,
  );

  let stopping = false;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: finishing open requests and subscriptions`);
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    });
  }
}
