// Case 6: what apps cost a staff APPROVE (`transitionRefund`) at concurrency 1, each in a shop
// of its own: with no app, with one app holding an async webhook on REFUND_TRANSITIONED (its
// delivery is queued in the transition's transaction and POSTed after commit), and with one app
// holding a sync before-transition check on APPROVE (a loopback receiver in this driver answering
// CONTINUE at once: the APPROVE waits for that HTTP call). The check's own HTTP call is reported
// as the server measured it (App.health p50/p99: request written to answer read).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { APPROVE, type Shop, createShop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { type Latency, latency, perOp, sleep, withCost } from "../lib/measure.js";
import type { Server } from "../lib/server.js";

const WARMUP = 10;
const SECRET = "bench-app-secret-0123456789abcdef";

export interface AppsResult {
  none: Latency & { statementsPerOp: number };
  /** `delivered`: POSTs the receiver got, two per refund (its CLASSIFY and its APPROVE), warm-up included. */
  webhook: Latency & { statementsPerOp: number; delivered: number };
  check: Latency & { statementsPerOp: number };
  /** The check's HTTP call, measured by the server (App.health over its recent calls, at most 100). */
  checkCall: { p50: number | null; p99: number | null; calls: number };
}

async function approveAll(shop: Shop, ids: readonly string[]): Promise<number[]> {
  const samples: number[] = [];
  for (const id of ids) {
    // gql throws on a userError: an APPROVE an app refused fails the case.
    const { ms } = await gql(shop.url, shop.tokens.agent, APPROVE, { id });
    samples.push(ms);
  }
  return samples;
}

/** A shop admin's token and one app of the shop. */
async function appOf(server: Server, shop: Shop): Promise<{ adminToken: string; appId: string }> {
  const { createApiToken } = await gql<{ createApiToken: { token: string } }>(server.url, server.adminToken, `mutation ($s: ID!) { createApiToken(input: { shopId: $s, role: SHOP_ADMIN }) { token userErrors { code } } }`, { s: shop.shopId });
  const adminToken = createApiToken.token;
  const { createApp } = await gql<{ createApp: { app: { id: string } } }>(server.url, adminToken, `mutation { createApp(input: { name: "bench app", permissions: [READ_REFUNDS] }) { app { id } userErrors { code message } } }`);
  return { adminToken, appId: createApp.app.id };
}

/** Waits (at most 30 s) until `done()`: deliveries are sent after commit, off the request. */
async function until(done: () => boolean): Promise<void> {
  for (const deadline = performance.now() + 30_000; !done() && performance.now() < deadline; ) await sleep(100);
}

/** `settled`: what the setup set off is done, so that the measured window counts only the measured APPROVEs' work. */
async function measured(server: Server, shop: Shop, ops: number, settled: () => Promise<void> = async () => {}) {
  const ids = await pendingReviewRefunds(shop, WARMUP + ops);
  await approveAll(shop, ids.slice(0, WARMUP));
  await settled();
  const { result, cost } = await withCost(server, () => approveAll(shop, ids.slice(WARMUP)));
  return { ...latency(result), statementsPerOp: perOp(cost, result.length).statementsPerOp };
}

export async function appsCase(server: Server, options: { ops: number }): Promise<AppsResult> {
  let webhookPosts = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      if (request.url === "/webhook") webhookPosts += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(request.url === "/check" ? '{"decision":"CONTINUE"}' : "{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  try {
    const none = await measured(server, await createShop(server), options.ops);

    const webhookShop = await createShop(server);
    const webhookApp = await appOf(server, webhookShop);
    await gql(
      server.url,
      webhookApp.adminToken,
      `mutation ($input: CreateAppWebhookInput!) { createAppWebhook(input: $input) { userErrors { code message } } }`,
      { input: { appId: webhookApp.appId, event: "REFUND_TRANSITIONED", targetUrl: `${base}/webhook`, query: "subscription { refundEvents { to refund { status } } }", secret: SECRET } },
    );
    // Every transition of the shop is posted: each refund's CLASSIFY (into PENDING_REVIEW) and its APPROVE.
    const webhook = await measured(server, webhookShop, options.ops, () => until(() => webhookPosts >= WARMUP + options.ops + WARMUP));
    await until(() => webhookPosts >= 2 * (WARMUP + options.ops));

    const checkShop = await createShop(server);
    const checkApp = await appOf(server, checkShop);
    await gql(
      server.url,
      checkApp.adminToken,
      `mutation ($input: CreateAppCheckInput!) { createAppCheck(input: $input) { userErrors { code message } } }`,
      { input: { appId: checkApp.appId, actions: ["APPROVE"], targetUrl: `${base}/check`, secret: SECRET } },
    );
    const check = await measured(server, checkShop, options.ops);
    const { app } = await gql<{ app: { health: { p50LatencyMs: number | null; p99LatencyMs: number | null; recentCalls: number } } }>(
      server.url,
      checkApp.adminToken,
      `query ($id: ID!) { app(id: $id) { health { p50LatencyMs p99LatencyMs recentCalls } } }`,
      { id: checkApp.appId },
    );
    return {
      none,
      webhook: { ...webhook, delivered: webhookPosts },
      check,
      checkCall: { p50: app.health.p50LatencyMs, p99: app.health.p99LatencyMs, calls: app.health.recentCalls },
    };
  } finally {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  }
}
