// `npm run soak`: a bounded load-and-fault run on loopback (RELIABILITY.md). Two server
// processes with every plugin on a private PostgreSQL cluster; customers request refunds and
// follow them live, staff take them through review, warehouse and finance, readers list them;
// meanwhile one server is killed with SIGKILL and started again, the soak's own Redis is
// restarted under the subscribers of both servers, PostgreSQL is restarted, and one server is
// frozen (SIGSTOP) for 10 s. Afterwards the database must hold every acknowledged transition
// exactly once, every queued effect must have run once, and every subscriber (customers
// following their refunds, staff consoles following the shop) must have seen its whole history.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { rawId } from "../../test/support/ids.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../../test/support/processes.js";
import { OUT_DIR } from "../lib/config.js";
import { closeHttp, gql } from "../lib/http.js";
import { sleep } from "../lib/measure.js";
import { type Outcome, REQUEST_TIMEOUT_MS, Tally, send } from "./client.js";
import { StaffConsole } from "./consoles.js";
import { type Followed, Follower } from "./followers.js";
import { type PrivatePostgres, startPrivatePostgres } from "./postgres.js";
import { type PrivateRedis, startPrivateRedis } from "./redis.js";
import { streamingAt } from "../../test/support/subscriptions.js";
import { type Check, verify } from "./verify.js";

function knob(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}
const DURATION_S = knob("SOAK_DURATION_S", 120);
/** New refunds per second (each then takes up to four more mutations and a subscription). */
const RATE = knob("SOAK_RATE", 2);
const CUSTOMERS = knob("SOAK_CUSTOMERS", 20);
/** How long one step keeps retrying before the soak gives up on it (a failure). */
const STEP_DEADLINE_MS = 90_000;
const SETTLE_MS = 90_000;

const ADMIN_TOKEN = `soak-admin-${randomBytes(8).toString("hex")}`;
const started = Date.now();
const at = () => Math.round((Date.now() - started) / 100) / 10;
const log = (message: string) => console.log(`[soak ${at().toFixed(1).padStart(6)} s] ${message}`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// ---- the private database, the webhook receiver and the two server processes ----

let postgres: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
const nodes: Array<{ name: string; port: number; url: string; process?: ServerProcess; killedOnPurpose: boolean; logs: string[] }> = [];
const unexpectedExits: string[] = [];
// A driver that dies takes its servers and its database with it.
process.on("exit", () => {
  for (const node of nodes) node.process?.child.kill("SIGKILL");
  postgres?.remove();
  redis?.remove();
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

/** Notification webhook deliveries by Idempotency-Key (`notifications:<transitionId>`). */
const webhookCalls = new Map<string, number>();
const receiver = createServer((request, response) => {
  request.resume();
  request.on("end", () => {
    const key = String(request.headers["idempotency-key"]);
    webhookCalls.set(key, (webhookCalls.get(key) ?? 0) + 1);
    response.end("ok");
  });
});

async function startNode(index: number, databaseUrl: string): Promise<void> {
  const node = nodes[index]!;
  const serverProcess = await startServerProcess({
    PORT: String(node.port),
    HOST: "127.0.0.1",
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis!.url,
    BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
    DEMO_DATA: "0",
    PLUGINS: "crm-risk,coupons,logistics,notifications",
    // The soak measures faults, not the per-caller throttle (docs/limits.md).
    COST_BUDGET_MAX: "100000000",
    COST_REFILL_PER_SECOND: "100000000",
    // A killed process's claims free up in seconds, not the default 30 s, so the run stays short.
    WORKER_CLAIM_MS: "3000",
    PLUGIN_RETRY_BASE_MS: "500",
    OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
  });
  node.process = serverProcess;
  node.killedOnPurpose = false;
  serverProcess.child.once("exit", (code, signal) => {
    node.logs.push(serverProcess.output());
    if (!node.killedOnPurpose) unexpectedExits.push(`${node.name} exited by itself (${code ?? signal}) at ${at()} s`);
  });
}

// ---- clients ----

const tally = new Tally();
/** The server frozen on purpose (SIGSTOP) and when: its requests' timeouts are expected. */
const freezes: Array<{ url: string; from: number; to: number }> = [];
const frozenSince = (url: string, sentAt: number) => freezes.some((freeze) => freeze.url === url && freeze.to >= sentAt);
let turn = 0;
/** Clients rotate over both servers, as a load balancer without health checks would. */
const nextUrl = () => nodes[turn++ % nodes.length]!.url;

interface Ack {
  /** The row id, as the database holds it. */
  refundId: string;
  action: string;
  version: number;
}
const acks: Ack[] = [];
const failures: string[] = [];

type StepResult<T> = { ok: true; data: T } | { ok: false };

/** One client step: retried after network errors, error answers and timeouts (the same
 *  idempotency key makes a retry safe), until it is answered with data or a userError. */
async function step<T>(operation: string, token: string, query: string, variables: Record<string, unknown>): Promise<StepResult<T>> {
  const deadline = Date.now() + STEP_DEADLINE_MS;
  for (;;) {
    const outcome: Outcome<T> = await send<T>(nextUrl(), token, query, variables, tally, operation, frozenSince);
    if (outcome.kind === "ok") return { ok: true, data: outcome.data };
    if (outcome.kind === "userError") {
      failures.push(`${operation} ${JSON.stringify(variables)}: userError ${outcome.code}`);
      return { ok: false };
    }
    if (Date.now() > deadline) {
      failures.push(`${operation} ${JSON.stringify(variables)}: no answer within ${STEP_DEADLINE_MS} ms of retries`);
      return { ok: false };
    }
    await sleep(300 + 500 * Math.random());
  }
}

const UPSERT_ORDER = /* GraphQL */ `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code } } }`;
const REQUEST_REFUND = /* GraphQL */ `mutation ($input: RequestRefundInput!) {
  requestRefund(input: $input) { refund { id status version } userErrors { code } } }`;
const TRANSITION = /* GraphQL */ `mutation ($input: TransitionRefundInput!) {
  transitionRefund(input: $input) { refund { id status version } transition { action version } userErrors { code } } }`;
const LIST = /* GraphQL */ `{ refunds(first: 10, filter: { statuses: [PENDING_REVIEW] }) { edges { node { id status version } } } }`;
const READ = /* GraphQL */ `query ($id: ID!) { refund(id: $id) { id status version } }`;

type RefundView = { id: string; status: string; version: number };
type Transitioned = { transitionRefund: { refund: RefundView; transition: { action: string; version: number } } };

interface Tokens {
  agent: string;
  warehouse: string;
  finance: string;
  integration: string;
  customers: Array<{ externalId: string; token: string; follower: Follower }>;
}

const followed: Followed[] = [];
const known: Array<{ refundId: string; token: string }> = [];

/** One refund's life: the order, the customer's request, then the staff steps it needs. */
async function lifecycle(index: number, tokens: Tokens): Promise<void> {
  const customer = tokens.customers[index % tokens.customers.length]!;
  const shipped = index % 2 === 1;
  const think = () => sleep(200 + 1_300 * Math.random());
  const order = await step<{ upsertOrder: { order: { id: string } } }>("upsertOrder", tokens.integration, UPSERT_ORDER, {
    input: {
      externalId: `soak-order-${index}`,
      customerExternalId: customer.externalId,
      items: [{ sku: `SKU-${index % 7}`, name: "soak item", quantity: 1, unitPrice: 4_900 + index }],
      paidAmount: 4_900 + index,
      paidAt: new Date().toISOString(),
      shippingStatus: shipped ? "SHIPPED" : "NOT_SHIPPED",
    },
  });
  if (!order.ok) return;
  const requested = await step<{ requestRefund: { refund: RefundView } }>("requestRefund", customer.token, REQUEST_REFUND, {
    input: { orderId: order.data.upsertOrder.order.id, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND", idempotencyKey: `soak-request-${index}` },
  });
  if (!requested.ok) return;
  let refund = requested.data.requestRefund.refund;
  acks.push({ refundId: rawId(refund.id), action: "REQUEST", version: 1 });
  followed.push(customer.follower.follow(refund.id, 0));
  known.push({ refundId: refund.id, token: customer.token });
  if (refund.status !== "PENDING_REVIEW") return; // refunded with no person (the payment follows)

  const staffSteps: Array<[string, string]> =
    index % 10 === 3 ? [["CANCEL", customer.token]] : [["APPROVE", tokens.agent], ["CONFIRM_NOT_RECEIVED", tokens.warehouse], ["FINANCE_APPROVE", tokens.finance]];
  for (const [action, token] of staffSteps) {
    await think();
    const done = await step<Transitioned>(`transitionRefund ${action}`, token, TRANSITION, {
      input: { refundId: refund.id, action, expectedVersion: refund.version, idempotencyKey: `soak-${action}-${index}` },
    });
    if (!done.ok) return;
    refund = done.data.transitionRefund.refund;
    acks.push({ refundId: rawId(refund.id), action, version: done.data.transitionRefund.transition.version });
  }
}

/** Steady reads beside the writes: an agent's queue and customers opening their refunds. */
async function readers(tokens: Tokens, until: () => boolean): Promise<void> {
  for (let round = 0; !until(); round += 1) {
    const target = known[Math.floor(Math.random() * known.length)];
    if (round % 2 === 0 || !target) await send(nextUrl(), tokens.agent, LIST, {}, tally, "refunds (list)", frozenSince);
    else await send(nextUrl(), target.token, READ, { id: target.refundId }, tally, "refund (read)", frozenSince);
    await sleep(250);
  }
}

// ---- set-up ----

async function setUp(): Promise<Tokens> {
  const url = nodes[0]!.url;
  const { createShop } = await gql<{ createShop: { shop: { id: string } } }>(url, ADMIN_TOKEN, `mutation { createShop(input: { name: "soak", currency: "CNY" }) { shop { id } userErrors { code } } }`);
  const shopId = createShop.shop.id;
  const token = async (role: string, customerId?: string) =>
    (await gql<{ createApiToken: { token: string } }>(url, ADMIN_TOKEN, `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token userErrors { code } } }`, { input: { shopId, role, customerId } }))
      .createApiToken.token;
  const admin = await token("SHOP_ADMIN");
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/messages`;
  await gql(url, admin, `mutation ($s: JSON!) { updatePluginSettings(input: { plugin: "notifications", settings: $s }) { userErrors { code message } } }`, {
    s: { webhookUrl: webhook, webhookSecret: "soak-secret-of-16+chars" },
  });
  const integration = await token("INTEGRATION");
  const customers: Tokens["customers"] = [];
  for (let index = 0; index < CUSTOMERS; index += 1) {
    const externalId = `soak-customer-${index}`;
    const { upsertCustomer } = await gql<{ upsertCustomer: { customer: { id: string } } }>(url, integration, `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } userErrors { code } } }`, {
      input: { externalId, name: `Soak customer ${index}` },
    });
    const customerToken = await token("CUSTOMER", upsertCustomer.customer.id);
    // Each connection attempt goes to the next server in turn.
    customers.push({ externalId, token: customerToken, follower: new Follower(nextUrl, customerToken) });
  }
  return { agent: await token("AGENT"), warehouse: await token("WAREHOUSE"), finance: await token("FINANCE"), integration, customers };
}

// ---- the run ----

interface Fault {
  name: string;
  at: number;
  /** Until the server or database answered again. */
  backAfter: number;
}

async function main(): Promise<number> {
  const [pgPort, redisPort, ...serverPorts] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  postgres = startPrivatePostgres(pgPort!);
  log(`private ${postgres.version} on 127.0.0.1:${pgPort}`);
  redis = await startPrivateRedis(redisPort!);
  log(`private Redis on ${redis.url}`);
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  await admin.query("CREATE DATABASE refund_soak");
  await admin.end();
  const databaseUrl = postgres.url.replace(/\/postgres$/, "/refund_soak");

  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  for (const [index, port] of serverPorts.entries()) {
    nodes.push({ name: `server ${"AB"[index]}`, port: port!, url: `http://127.0.0.1:${port}/graphql`, killedOnPurpose: false, logs: [] });
    await startNode(index, databaseUrl); // one after the other: the first applies the migrations
  }
  log(`servers on ports ${serverPorts.join(", ")}; setting up the shop`);
  const tokens = await setUp();
  // One staff console on each server, following the whole shop from before its first transition.
  const consoles = nodes.map((node) => new StaffConsole(`console on ${node.name}`, node.url, tokens.agent));
  for (const node of nodes) while ((await streamingAt(node.url)) < 1) await sleep(50);

  const loadStart = Date.now();
  const loadOver = () => Date.now() - loadStart >= DURATION_S * 1000;
  log(`load for ${DURATION_S} s: ${RATE} new refunds/s, ${CUSTOMERS} customers following theirs`);
  const faults: Fault[] = [];
  const faultRun = (async () => {
    await sleep(DURATION_S * 300);
    const b = nodes[1]!;
    log(`SIGKILL ${b.name}`);
    const killedAt = at();
    b.killedOnPurpose = true;
    await stopServerProcess(b.process!, "SIGKILL");
    await sleep(3_000);
    await startNode(1, databaseUrl);
    faults.push({ name: `${b.name} killed with SIGKILL, started again 3 s later`, at: killedAt, backAfter: Math.round((at() - killedAt) * 10) / 10 });
    log(`${b.name} is back`);

    // Redis, once both servers are back and a console streams on each: under subscribers of two processes.
    await sleep(Math.max(0, loadStart + DURATION_S * 450 - Date.now()));
    for (const node of nodes) while ((await streamingAt(node.url).catch(() => 0)) < 1) await sleep(100);
    log("Redis: stopped");
    const redisStoppedAt = at();
    await redis!.stop();
    await sleep(2_000);
    await redis!.start();
    faults.push({ name: "Redis stopped, started again (empty) 2 s later, subscribers on both servers", at: redisStoppedAt, backAfter: Math.round((at() - redisStoppedAt) * 10) / 10 });
    log("Redis is back");

    await sleep(Math.max(0, loadStart + DURATION_S * 600 - Date.now()));
    log("PostgreSQL: fast shutdown");
    const stoppedAt = at();
    postgres!.stop();
    await sleep(5_000);
    postgres!.start();
    faults.push({ name: "PostgreSQL stopped (fast shutdown), started again 5 s later", at: stoppedAt, backAfter: Math.round((at() - stoppedAt) * 10) / 10 });
    log("PostgreSQL is back");

    await sleep(Math.max(0, loadStart + DURATION_S * 750 - Date.now()));
    const a = nodes[0]!;
    log(`SIGSTOP ${a.name} for 10 s`);
    const frozenAt = at();
    const freeze = { url: a.url, from: Date.now(), to: Number.POSITIVE_INFINITY };
    freezes.push(freeze);
    a.process!.child.kill("SIGSTOP");
    await sleep(10_000);
    a.process!.child.kill("SIGCONT");
    freeze.to = Date.now();
    // Answered again: its first answer after SIGCONT.
    while (!(await fetch(new URL("/health", a.url)).then((response) => response.ok, () => false))) await sleep(100);
    faults.push({ name: `${a.name} frozen with SIGSTOP, SIGCONT 10 s later`, at: frozenAt, backAfter: Math.round((at() - frozenAt) * 10) / 10 });
    log(`${a.name} answers again`);
  })();
  const lifecycles: Array<Promise<void>> = [];
  const reading = readers(tokens, loadOver);
  for (let index = 0; !loadOver(); index += 1) {
    lifecycles.push(lifecycle(index, tokens));
    await sleep(1000 / RATE);
  }
  log(`load over: ${lifecycles.length} refunds started; finishing their steps`);
  await Promise.all([faultRun, reading, ...lifecycles]);

  log("waiting for payments, hooks and subscribers to settle");
  const checks: Check[] = await verify({
    databaseUrl,
    acks,
    followed,
    consoles: consoles.map((console) => console.state),
    webhookCalls,
    settleMs: SETTLE_MS,
    refundsStarted: lifecycles.length,
  });
  for (const customer of tokens.customers) await customer.follower.close();
  for (const console of consoles) await console.close();
  const timeouts = tally.total((label) => label === "timeout");
  checks.push(
    { name: "requests that hung (no answer within the client's timeout)", figure: timeouts, ok: timeouts === 0 },
    { name: "error answers without a code and a message", figure: tally.unclear.length, ok: tally.unclear.length === 0, detail: tally.unclear.slice(0, 5) },
    { name: "client steps given up (userError or no answer after retries)", figure: failures.length, ok: failures.length === 0, detail: failures.slice(0, 5) },
    { name: "server processes that exited by themselves", figure: unexpectedExits.length, ok: unexpectedExits.length === 0, detail: unexpectedExits },
  );

  for (const node of nodes) {
    node.killedOnPurpose = true;
    if (node.process) await stopServerProcess(node.process, "SIGTERM");
  }
  const maskedErrors = nodes.flatMap((node) => node.logs.join("\n").split("\n").filter((line) => line.includes('"internal error (masked)"')));
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, "soak-masked-errors.log"), maskedErrors.join("\n"));
  await new Promise((resolve) => receiver.close(resolve));
  closeHttp();
  postgres.remove();
  redis.remove();

  const report = summary({ faults, checks, maskedErrors, refunds: lifecycles.length, acks: acks.length });
  console.log(`\n${report}`);
  writeFileSync(join(OUT_DIR, "soak.md"), report);
  log(`summary written to ${join(OUT_DIR, "soak.md")}`);
  return checks.every((check) => check.ok) ? 0 : 1;
}

function summary(run: { faults: Fault[]; checks: Check[]; maskedErrors: string[]; refunds: number; acks: number }): string {
  const lines: string[] = [];
  lines.push(`Soak run of ${new Date().toISOString()}: ${DURATION_S} s of load at ${RATE} new refunds/s (${run.refunds} refunds, ${run.acks} acknowledged transitions), ${CUSTOMERS} customers following theirs over graphql-ws, a staff console on each of the two server processes (refundEvents), every plugin, client timeout ${REQUEST_TIMEOUT_MS / 1000} s; whole run ${at()} s.`);
  lines.push("", "| fault | at (s) | back after (s) |", "|---|---:|---:|");
  for (const fault of run.faults) lines.push(`| ${fault.name} | ${fault.at} | ${fault.backAfter} |`);
  const kinds = tally.byKind().map(([label]) => label);
  lines.push("", `| requests | ${kinds.join(" | ")} | total |`, `|---|${kinds.map(() => "---:").join("|")}|---:|`);
  for (const [operation, row] of [...tally.counts].sort()) {
    const total = [...row.values()].reduce((a, b) => a + b, 0);
    lines.push(`| ${operation} | ${kinds.map((kind) => row.get(kind) ?? 0).join(" | ")} | ${total} |`);
  }
  lines.push(`| **all** | ${tally.byKind().map(([, count]) => count).join(" | ")} | ${tally.total()} |`);
  lines.push("", "| check | figure | holds |", "|---|---:|:-:|");
  for (const check of run.checks) lines.push(`| ${check.name} | ${check.figure} | ${check.ok ? "yes" : "**NO**"} |`);
  lines.push("", `Server log lines "internal error (masked)": ${run.maskedErrors.length}.`);
  const details = run.checks.filter((check) => !check.ok && check.detail?.length);
  for (const check of details) lines.push("", `${check.name}:`, ...check.detail!.map((line) => `    ${line}`));
  lines.push("", run.checks.every((check) => check.ok) ? "Result: PASS" : "Result: FAIL");
  return lines.join("\n");
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error);
  for (const node of nodes) if (node.process) console.error(`--- ${node.name} output ---\n${node.process.output().slice(-5_000)}`);
  return 1;
});
process.exit();
