// `npm start`: serves the GraphQL API. On a fresh embedded database (no DATABASE_URL) it puts
// in a demo shop with history and prints one token per role, unless DEMO_DATA=0.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createApp } from "./app.js";
import { configFromEnv } from "./config.js";
import { seedDemoShop } from "./demo/demo-shop.js";
import { rebuildRefundMetricsFacts } from "./services/refund-metrics-facts.js";
import { DEFAULT_LIMITS } from "./limits/limits.js";

const config = configFromEnv();
const app = await createApp({
  ...config,
  paymentClaimMs: config.workerClaimMs,
  hookDelivery: { retryBaseMs: config.pluginRetryBaseMs, claimMs: config.workerClaimMs },
  timers: { sweepIntervalMs: config.timerSweepMs, minuteMs: config.timerMinuteMs, claimMs: config.workerClaimMs },
  limits: {
    budget: {
      max: config.costBudgetMax ?? DEFAULT_LIMITS.budget.max,
      refillPerSecond: config.costRefillPerSecond ?? DEFAULT_LIMITS.budget.refillPerSecond,
    },
  },
});

if (config.demoData && !config.databaseUrl && (await app.db.prisma.shop.count()) === 0) {
  const started = Date.now();
  const demo = await seedDemoShop(app.db);
  // The seeder writes its history in bulk: derive refundMetrics' facts from it.
  await rebuildRefundMetricsFacts(app.db, demo.shopId);
  console.log(`Demo shop created in ${Date.now() - started} ms. One API token per role (send as "Authorization: Bearer <token>"):`);
  for (const [role, token] of Object.entries(demo.tokens)) console.log(`  ${role.padEnd(15)} ${token}`);
}

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
console.log(`Refund platform ready: GraphiQL at ${url} (${app.db.kind === "pglite" ? `embedded database in ${config.dataDir}` : "PostgreSQL"})`);

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
