// A timer whose run keeps throwing (a plugin's before-hook fails: an error, not a refusal by the
// state machine) is tried again with backoff, given up after its last attempt as a dead letter
// that SHOP_ADMIN sees (and no other role, no other shop), is never taken again by the sweeps,
// and runs again once the cause is gone and an admin retries it.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const TIMER = "No review within 2 min: approve";
const RETRY = { baseMs: 200, maxMs: 800, maxAttempts: 3 };

/**
 * The warehouse plugin fails the timer of every refund of this amount (known before the refund
 * exists, so however slow the request, its timer never runs unbroken) until the refund is healed.
 */
const BROKEN_AMOUNT = 13_579;
const healed = new Set<string>();
/** When each timer run reached the plugin, by refund row id. */
const runs = new Map<string, number[]>();
const warehouseGate = definePlugin({
  name: "warehouse-gate",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    beforeTransition(event) {
      if (event.actor.kind !== "RULE") return;
      runs.set(event.refund.id, [...(runs.get(event.refund.id) ?? []), Date.now()]);
      if (event.refund.requestedAmount === BROKEN_AMOUNT && !healed.has(event.refund.id)) throw new Error("warehouse system unreachable");
    },
  },
});

const DEAD_LETTERS = /* GraphQL */ `
  query { timerDeadLetters(first: 20) { edges { node { refund { id status } timerName action dueAt attempts lastError deadAt } } } }
`;
type DeadLetters = {
  timerDeadLetters: { edges: Array<{ node: { refund: { id: string; status: string }; timerName: string; action: string; dueAt: string; attempts: number; lastError: string | null; deadAt: string } }> };
};
const RETRY_TIMER = /* GraphQL */ `
  mutation ($input: RetryRefundTimerInput!) { retryRefundTimer(input: $input) { refund { id status } userErrors { code message field } } }
`;
type RetryTimer = { retryRefundTimer: { refund: { id: string; status: string } | null; userErrors: Array<{ code: string; message: string }> } };

/** A refund in PENDING_REVIEW whose timer the plugin fails. */
async function brokenRefund(shop: TestShop, externalId: string): Promise<string> {
  const customer = await shop.customer(externalId);
  const orderId = await shop.order(externalId, { paidAmount: BROKEN_AMOUNT, shippingStatus: "SHIPPED" });
  const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
  expect(requested.requestRefund.refund!.status).toBe("PENDING_REVIEW");
  return requested.requestRefund.refund!.id;
}

const deadOf = async (client: GraphQLClient) => (await client.request<DeadLetters>(DEAD_LETTERS)).timerDeadLetters.edges.map((edge) => edge.node);

describe.each(backends)("dead timers on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let other: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: [warehouseGate], timers: { minuteMs: 150, sweepIntervalMs: 50, retry: RETRY } });
    [shop, other] = await Promise.all([setupShop(server), setupShop(server)]);
    const set = await shop.staff.SHOP_ADMIN.request<{ setAutomationTimer: { userErrors: unknown[] } }>(
      `mutation ($input: SetAutomationTimerInput!) { setAutomationTimer(input: $input) { userErrors { code message } } }`,
      { input: { status: "PENDING_REVIEW", minutes: 2, action: "APPROVE", name: TIMER } },
    );
    expect(set.setAutomationTimer.userErrors).toEqual([]);
  });
  afterAll(() => server?.stop());

  it("retries a failing timer with backoff, keeps it as a dead letter for SHOP_ADMIN, and runs it again on retry", async () => {
    const refundId = await brokenRefund(shop, `gate-${kind}`);
    const id = rawId(refundId);

    // Tried, failed, tried again after each backoff, given up after the third run.
    const [dead] = await eventually(() => deadOf(shop.staff.SHOP_ADMIN), (letters) => letters.length === 1);
    expect(dead).toMatchObject({ refund: { id: refundId, status: "PENDING_REVIEW" }, timerName: TIMER, action: "APPROVE", attempts: 3, lastError: "warehouse system unreachable" });
    const times = runs.get(id)!;
    expect(times).toHaveLength(3);
    // Each retry waited at least its backoff (200 ms, then 400 ms): a slower machine only waits longer.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(RETRY.baseMs);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(RETRY.baseMs * 2);
    expect(new Date(dead!.deadAt).getTime()).toBeGreaterThanOrEqual(new Date(dead!.dueAt).getTime());

    // Never taken again: a later timer of the shop is applied by the sweeps meanwhile, and the
    // dead one was not run once more.
    const { refundId: later } = await requestShippedRefund(shop, `later-${kind}`);
    await waitForStatus(shop.staff.AGENT, later, "AWAITING_WAREHOUSE");
    expect(runs.get(id)).toHaveLength(3);
    const row = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "PENDING_REVIEW", timeoutAttempts: 3, timeoutRetryAt: null, nextTimeoutName: TIMER });
    expect(row.timeoutDeadAt).not.toBeNull();

    // Shown to the shop's admins only: every other role is refused, another shop sees none.
    for (const role of ["AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION"] as const) {
      await expect(shop.staff[role].request(DEAD_LETTERS)).rejects.toThrow(/FORBIDDEN/);
      const refused = await shop.staff[role].request<RetryTimer>(RETRY_TIMER, { input: { refundId } });
      expect(refused.retryRefundTimer.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);
    }
    const { customer } = await requestShippedRefund(shop, `nosy-${kind}`);
    await expect(customer.client.request(DEAD_LETTERS)).rejects.toThrow(/FORBIDDEN/);
    expect(await deadOf(other.staff.SHOP_ADMIN)).toEqual([]);
    const foreign = await other.staff.SHOP_ADMIN.request<RetryTimer>(RETRY_TIMER, { input: { refundId } });
    expect(foreign.retryRefundTimer.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    expect(runs.get(id)).toHaveLength(3);

    // The cause is gone: a retry runs it again, once, and the refund moves in the timer's name.
    healed.add(id);
    const retried = await shop.staff.SHOP_ADMIN.request<RetryTimer>(RETRY_TIMER, { input: { refundId } });
    expect(retried.retryRefundTimer.userErrors).toEqual([]);
    await waitForStatus(shop.staff.AGENT, refundId, "AWAITING_WAREHOUSE");
    expect(runs.get(id)).toHaveLength(4);
    const { refund } = await shop.staff.AGENT.request<{ refund: { transitions: Array<{ action: string; actor: { kind: string; name: string } }> } }>(
      `query ($id: ID!) { refund(id: $id) { transitions { action actor { kind name } } } }`,
      { id: refundId },
    );
    expect(refund.transitions.filter((transition) => transition.action === "APPROVE")).toEqual([{ action: "APPROVE", actor: { kind: "RULE", name: TIMER } }]);
    expect(await deadOf(shop.staff.SHOP_ADMIN)).toEqual([]);
    expect(await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id } })).toMatchObject({ timeoutAttempts: 0, timeoutDeadAt: null, timeoutLastError: null });

    // Only a dead timer is retried.
    const again = await shop.staff.SHOP_ADMIN.request<RetryTimer>(RETRY_TIMER, { input: { refundId } });
    expect(again.retryRefundTimer.userErrors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
  });

  it("forgets a failing timer's attempts when a person moves the refund on", async () => {
    const refundId = await brokenRefund(shop, `moved-${kind}`);
    const id = rawId(refundId);
    // Failed at least once (and maybe dead by now); then an agent acts.
    await eventually(() => server.app.db.prisma.refund.findUniqueOrThrow({ where: { id } }), (row) => row.timeoutLastError !== null);
    const rejected = await shop.staff.AGENT.request<{ transitionRefund: { userErrors: unknown[] } }>(
      `mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { userErrors { code message } } }`,
      { input: { refundId, action: "REJECT", note: "not eligible" } },
    );
    expect(rejected.transitionRefund.userErrors).toEqual([]);
    expect(await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "REJECTED",
      nextTimeoutAt: null,
      timeoutAttempts: 0,
      timeoutRetryAt: null,
      timeoutDeadAt: null,
      timeoutLastError: null,
    });
    expect((await deadOf(shop.staff.SHOP_ADMIN)).map((letter) => letter.refund.id)).not.toContain(refundId);
  });
});
