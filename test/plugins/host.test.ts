// The plugin host's promises, with plugins written for the test: before-hooks veto or hold
// inside the transaction; after-hooks run from the outbox, retried, once in effect, and kept
// as dead letters that a shop admin can retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BeforeTransitionDecision, definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { GET_REFUND, type GetRefundResult, REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

/** Fails its first three calls for a transition, then records its effect by idempotency key. */
function flakyLedger() {
  const calls = new Map<string, number>();
  const effects = new Map<string, number>();
  const plugin = definePlugin({
    name: "flaky-ledger",
    version: "1.0.0",
    apiVersion: 1,
    hooks: {
      afterTransition(event, ctx) {
        if (event.transition.to !== "REFUNDED") return;
        const call = (calls.get(ctx.idempotencyKey) ?? 0) + 1;
        calls.set(ctx.idempotencyKey, call);
        if (call <= 3) throw new Error(`ledger unavailable (call ${call})`);
        effects.set(ctx.idempotencyKey, (effects.get(ctx.idempotencyKey) ?? 0) + 1);
      },
    },
  });
  return { plugin, calls, effects };
}

const vetoAndHold = definePlugin({
  name: "policy",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    beforeTransition(event) {
      if (event.action === "APPROVE" && event.note === "forbidden") return { veto: { message: "Policy says no" } };
      // A plugin in plain JavaScript may still name a code of its own.
      if (event.action === "APPROVE" && event.note === "own code") return { veto: { code: "POLICY_FORBIDS", message: "Policy says no" } } as unknown as BeforeTransitionDecision;
      if (event.action === "CLASSIFY" && event.refund.requestedAmount === 6_666) return { holdForReview: { reason: "suspicious amount" } };
    },
  },
});

let alwaysFail = true;
const brokenCrm = definePlugin({
  name: "broken-crm",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    afterTransition(event) {
      if (alwaysFail && event.transition.action === "REQUEST") throw new Error("CRM is down");
    },
  },
});

describe.each(backends)("plugin host on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  const ledger = flakyLedger();

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: [ledger.plugin, vetoAndHold, brokenCrm], hookDelivery: { retryBaseMs: 30, maxAttempts: 5 } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  async function request(externalId: string, amount: number, shippingStatus: "NOT_SHIPPED" | "SHIPPED", type = "REFUND_ONLY") {
    const customer = await shop.customer(externalId);
    const orderId = await shop.order(externalId, { paidAmount: amount, shippingStatus });
    const result = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type, reasonCode: "OTHER" } });
    return { customer, refund: result.requestRefund.refund! };
  }

  it("applies an after-hook that fails three times, then succeeds, exactly once; the transition commits once", async () => {
    const { customer, refund } = await request("c-flaky", 8_900, "NOT_SHIPPED");
    await waitForStatus(customer.client, refund.id, "REFUNDED");
    const refundRow = Buffer.from(refund.id, "base64").toString().split(":")[1]!;
    const delivery = async () =>
      server.app.db.prisma.pluginDelivery.findFirstOrThrow({
        where: { plugin: "flaky-ledger", refundId: refundRow, transitionId: (await server.app.db.prisma.refundTransition.findFirstOrThrow({ where: { refundId: refundRow, toStatus: "REFUNDED" } })).id },
      });
    const deadline = Date.now() + PATIENCE_MS;
    while ((await delivery()).status !== "DELIVERED" && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    const done = await delivery();
    expect(done).toMatchObject({ status: "DELIVERED", attempts: 4, lastError: null });
    const key = `flaky-ledger:${done.transitionId}`;
    expect(ledger.calls.get(key)).toBe(4);
    expect(ledger.effects.get(key)).toBe(1);
    const transitions = await server.app.db.prisma.refundTransition.findMany({ where: { refundId: refundRow } });
    expect(transitions.filter((t) => t.toStatus === "REFUNDED")).toHaveLength(1);
    // Delivering it again changes nothing: the row is no longer pending.
    await server.app.services.hookDeliveries.dispatch([done.id]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ledger.calls.get(key)).toBe(4);
  });

  it("leaves the refund and its history untouched when a before-hook vetoes", async () => {
    const { refund } = await request("c-veto", 12_000, "SHIPPED");
    const before = await shop.staff.AGENT.request<GetRefundResult>(GET_REFUND, { id: refund.id });
    const deliveriesBefore = await server.app.db.prisma.pluginDelivery.count();
    const vetoed = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: refund.id, action: "APPROVE", note: "forbidden" } });
    expect(vetoed.transitionRefund.userErrors).toEqual([{ code: "PLUGIN_VETO", message: "Policy says no (policy)", field: ["input", "action"] }]);
    // A code outside the closed list reaches the client as PLUGIN_VETO, the plugin's code in the message.
    const ownCode = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: refund.id, action: "APPROVE", note: "own code" } });
    expect(ownCode.transitionRefund.userErrors).toEqual([{ code: "PLUGIN_VETO", message: "POLICY_FORBIDS: Policy says no (policy)", field: ["input", "action"] }]);
    expect(vetoed.transitionRefund.refund).toBeNull();
    const after = await shop.staff.AGENT.request<GetRefundResult>(GET_REFUND, { id: refund.id });
    expect(after).toEqual(before);
    expect(await server.app.db.prisma.pluginDelivery.count()).toBe(deliveriesBefore);
  });

  it("holds an automatic refund for review when a before-hook says so, as the plugin", async () => {
    const { refund } = await request("c-hold", 6_666, "NOT_SHIPPED", "RETURN_AND_REFUND");
    expect(refund.status).toBe("PENDING_REVIEW");
    // Nothing was shipped, so nothing is to come back: approving it must not await a return.
    expect(refund.type).toBe("REFUND_ONLY");
    expect(refund.transitions.at(-1)).toMatchObject({ from: "REQUESTED", to: "PENDING_REVIEW", action: "CLASSIFY", actor: { kind: "PLUGIN" }, note: "suspicious amount" });
    expect(await server.app.db.prisma.paymentRefundAttempt.count({ where: { refund: { customer: { externalId: "c-hold" } } } })).toBe(0);
  });

  it("keeps hooks that keep failing as dead letters that a shop admin lists and retries", async () => {
    alwaysFail = true;
    const { refund } = await request("c-dead", 3_000, "SHIPPED");
    const DEAD = `query { pluginDeadLetters { id plugin status attempts lastError refundId } }`;
    type Dead = { pluginDeadLetters: Array<{ id: string; plugin: string; status: string; attempts: number; lastError: string; refundId: string }> };
    let dead: Dead["pluginDeadLetters"] = [];
    const deadline = Date.now() + PATIENCE_MS;
    while (Date.now() < deadline) {
      dead = (await shop.staff.SHOP_ADMIN.request<Dead>(DEAD)).pluginDeadLetters.filter((d) => d.refundId === refund.id);
      if (dead.length) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(dead).toEqual([{ id: expect.any(String), plugin: "broken-crm", status: "DEAD", attempts: 5, lastError: "CRM is down", refundId: refund.id }]);
    await expect(shop.staff.AGENT.request(DEAD)).rejects.toThrow(/"code":"FORBIDDEN"/);

    alwaysFail = false;
    const RETRY = `mutation ($id: ID!) { retryPluginDelivery(input: { deliveryId: $id }) { delivery { status } userErrors { code } } }`;
    const retried = await shop.staff.SHOP_ADMIN.request<{ retryPluginDelivery: { delivery: { status: string }; userErrors: unknown[] } }>(RETRY, { id: dead[0]!.id });
    expect(retried.retryPluginDelivery).toEqual({ delivery: { status: "PENDING" }, userErrors: [] });
    const settled = Date.now() + PATIENCE_MS;
    while ((await server.app.db.prisma.pluginDelivery.findUniqueOrThrow({ where: { id: rawId(dead[0]!.id) } })).status !== "DELIVERED" && Date.now() < settled) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await server.app.db.prisma.pluginDelivery.findUniqueOrThrow({ where: { id: rawId(dead[0]!.id) } })).status).toBe("DELIVERED");
    const again = await shop.staff.SHOP_ADMIN.request<{ retryPluginDelivery: { userErrors: Array<{ code: string }> } }>(RETRY, { id: dead[0]!.id });
    expect(again.retryPluginDelivery.userErrors.map((e) => e.code)).toEqual(["INVALID_INPUT"]);
  });

  it("lists loaded plugins with the shop's settings and refuses unknown ones", async () => {
    const listed = await shop.staff.SHOP_ADMIN.request<{ plugins: Array<{ name: string; settings: unknown }> }>(`query { plugins { name version settings } }`);
    expect(listed.plugins.map((p) => p.name)).toEqual(["flaky-ledger", "policy", "broken-crm"]);
    const unknown = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { userErrors: Array<{ code: string }> } }>(
      `mutation { updatePluginSettings(input: { plugin: "nope", settings: {} }) { userErrors { code } } }`,
    );
    expect(unknown.updatePluginSettings.userErrors.map((e) => e.code)).toEqual(["NOT_FOUND"]);
    const byAgent = await shop.staff.AGENT.request<{ updatePluginSettings: { userErrors: Array<{ code: string }> } }>(
      `mutation { updatePluginSettings(input: { plugin: "policy", settings: {} }) { userErrors { code } } }`,
    );
    expect(byAgent.updatePluginSettings.userErrors.map((e) => e.code)).toEqual(["FORBIDDEN"]);
  });
});
