// Apps' synchronous before-transition checks, end to end with a real HTTP receiver on a free
// loopback port: a check vetoes APPROVE above an amount and lets a smaller one pass; an app
// that sleeps past its timeout gets its failure policy (CONTINUE: the transition goes on; HOLD:
// it is held) within about the timeout; a broken app opens its circuit and App.health says so;
// answers that are not JSON or name an unknown decision count as failures; another shop's
// checks are never asked; bad input is refused with nothing saved.
import { createHmac } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { GET_REFUND, type GetRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer } from "../support/server.js";
import { rawId } from "../support/ids.js";
import { statementsOf } from "../support/statements.js";
import { PATIENCE_MS } from "../support/patience.js";

const SECRET = "check-secret-0123456789abcdef";

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateAppInput!) { createApp(input: $input) { app { id } userErrors { code message } } }
`;
const CREATE_CHECK = /* GraphQL */ `
  mutation ($input: CreateAppCheckInput!) {
    createAppCheck(input: $input) { check { id actions timeoutMs onFailure secretSet } userErrors { code message field } }
  }
`;
const APP_CHECKS = /* GraphQL */ `
  query ($id: ID!) {
    app(id: $id) {
      health { status consecutiveFailures lastError p50LatencyMs p99LatencyMs recentCalls }
      checks { id recentCalls { action outcome applied httpStatus latencyMs error refundId } }
    }
  }
`;
const BATCH = /* GraphQL */ `
  mutation ($input: BatchTransitionRefundsInput!) {
    batchTransitionRefunds(input: $input) { results { refundId ok userErrors { code message } } userErrors { code message } }
  }
`;

interface Call { path: string; body: Record<string, any>; signatureValid: boolean }

/** The app's side: answers each path its own way, and keeps what it was sent. */
function startReceiver() {
  const calls: Call[] = [];
  const answer = (response: ServerResponse, status: number, body: string) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(body);
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      // Verified as docs/apps.md tells a receiver to, by hand: HMAC-SHA256 of "t.body", t recent.
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers["x-refund-signature"])) ?? [];
      const signatureValid = Boolean(t && Math.abs(Date.now() / 1000 - Number(t)) < 300 && v1 === createHmac("sha256", SECRET).update(`${t}.${raw}`).digest("hex"));
      const body = JSON.parse(raw) as Record<string, any>;
      calls.push({ path: request.url!, body, signatureValid });
      switch (request.url) {
        case "/limit":
          if (body.note === "listed") return answer(response, 200, JSON.stringify({ decision: "VETO", code: "APPROVAL_LIMIT_EXCEEDED", message: "Ask finance" }));
          return answer(response, 200, JSON.stringify(body.amount > 10_000 ? { decision: "VETO", code: "AMOUNT_TOO_HIGH", message: "Over 100 yuan" } : { decision: "CONTINUE" }));
        case "/slow":
          return void setTimeout(() => answer(response, 200, JSON.stringify({ decision: "CONTINUE" })), 1_500);
        case "/broken":
          return answer(response, 500, JSON.stringify({ error: "down" }));
        case "/not-json":
          return answer(response, 200, "OK");
        case "/unknown-decision":
          return answer(response, 200, JSON.stringify({ decision: "MAYBE" }));
        default:
          return answer(response, 404, "{}");
      }
    });
  });
  return {
    calls,
    url: async (path: string) => {
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(backends)("apps' sync checks on %s", (kind) => {
  let server: TestServer;
  // The receiver listens on loopback: vitest.config allows 127.0.0.1 (OUTBOUND_ALLOW_HOSTS).
  const receiver = startReceiver();

  beforeAll(async () => {
    server = await startTestServer(kind, { appChecks: { failureThreshold: 3, openMs: 60_000 } });
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.close();
  });

  /** A fresh shop with one app whose one check covers APPROVE. */
  async function shopWithCheck(path: string, options: { timeoutMs?: number; onFailure?: "CONTINUE" | "HOLD" } = {}) {
    const shop = await setupShop(server);
    const appId = await createApp(shop.staff.SHOP_ADMIN);
    const created = await shop.staff.SHOP_ADMIN.request<{ createAppCheck: { check: { id: string } | null; userErrors: unknown[] } }>(CREATE_CHECK, {
      input: { appId, actions: ["APPROVE"], targetUrl: await receiver.url(path), secret: SECRET, ...options },
    });
    expect(created.createAppCheck.userErrors).toEqual([]);
    return { shop, appId, checkId: created.createAppCheck.check!.id };
  }

  async function createApp(admin: GraphQLClient): Promise<string> {
    const created = await admin.request<{ createApp: { app: { id: string } | null; userErrors: unknown[] } }>(CREATE_APP, {
      input: { name: "Limits", permissions: ["READ_REFUNDS"] },
    });
    expect(created.createApp.userErrors).toEqual([]);
    return created.createApp.app!.id;
  }

  function approve(shop: TestShop, refundId: string, extra: { amount?: number; note?: string } = {}) {
    return shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE", ...extra } });
  }

  async function statusOf(shop: TestShop, refundId: string) {
    return (await shop.staff.AGENT.request<GetRefundResult>(GET_REFUND, { id: refundId })).refund!.status;
  }

  type AppView = {
    health: { status: string; consecutiveFailures: number; lastError: string | null; p50LatencyMs: number | null; p99LatencyMs: number | null; recentCalls: number };
    checks: Array<{ id: string; recentCalls: Array<{ action: string; outcome: string; applied: string; httpStatus: number | null; latencyMs: number | null; error: string | null; refundId: string }> }>;
  };
  async function appView(shop: TestShop, appId: string): Promise<AppView> {
    return (await shop.staff.SHOP_ADMIN.request<{ app: AppView }>(APP_CHECKS, { id: appId })).app;
  }

  it("vetoes APPROVE above an amount with the app's code, and lets a smaller one pass; each call signed and recorded", async () => {
    const { shop, appId } = await shopWithCheck("/limit");
    const { refundId } = await requestShippedRefund(shop, "veto");
    const before = receiver.calls.length;

    const refused = await approve(shop, refundId);
    expect(refused.transitionRefund.refund).toBeNull();
    expect(refused.transitionRefund.userErrors).toEqual([
      { code: "APP_VETO", message: "AMOUNT_TOO_HIGH: Over 100 yuan (app Limits)", field: ["input", "action"] },
    ]);
    expect(await statusOf(shop, refundId)).toBe("PENDING_REVIEW");

    // A code of the closed list is kept as it is.
    const listed = await approve(shop, refundId, { amount: 5_000, note: "listed" });
    expect(listed.transitionRefund.userErrors.map((error) => error.code)).toEqual(["APPROVAL_LIMIT_EXCEEDED"]);

    const partial = await approve(shop, refundId, { amount: 5_000 });
    expect(partial.transitionRefund.userErrors).toEqual([]);
    expect(partial.transitionRefund.refund!.status).toBe("AWAITING_WAREHOUSE");

    const sent = receiver.calls.slice(before);
    expect(sent.map((call) => [call.path, call.body.action, call.body.amount, call.signatureValid])).toEqual([
      ["/limit", "APPROVE", 15_900, true],
      ["/limit", "APPROVE", 5_000, true],
      ["/limit", "APPROVE", 5_000, true],
    ]);
    expect(sent[0]!.body).toMatchObject({ type: "BEFORE_TRANSITION", from: "PENDING_REVIEW", to: "AWAITING_WAREHOUSE", refund: { id: refundId, status: "PENDING_REVIEW", requestedAmount: 15_900, currency: "CNY" } });
    const view = await appView(shop, appId);
    expect(view.checks[0]!.recentCalls.map((call) => [call.outcome, call.applied, call.httpStatus, call.refundId])).toEqual([
      ["CONTINUE", "CONTINUE", 200, refundId],
      ["VETO", "VETO", 200, refundId],
      ["VETO", "VETO", 200, refundId],
    ]);
    expect(view.health).toMatchObject({ status: "CLOSED", consecutiveFailures: 0, recentCalls: 3 });
    expect(view.health.p50LatencyMs).toBeGreaterThanOrEqual(0);
  });

  it("an app that sleeps past its timeout gets its failure policy: CONTINUE goes on, HOLD holds, within about the timeout", async () => {
    const going = await shopWithCheck("/slow", { timeoutMs: 300, onFailure: "CONTINUE" });
    const { refundId } = await requestShippedRefund(going.shop, "slow-continue");
    let started = performance.now();
    const went = await approve(going.shop, refundId);
    expect(performance.now() - started).toBeLessThan(300 + 3_000);
    expect(went.transitionRefund.userErrors).toEqual([]);
    expect(went.transitionRefund.refund!.status).toBe("AWAITING_WAREHOUSE");
    const [call] = (await appView(going.shop, going.appId)).checks[0]!.recentCalls;
    expect(call).toMatchObject({ outcome: "TIMEOUT", applied: "CONTINUE", httpStatus: null, error: "no answer within 300 ms" });
    // Waited for the timeout (timers are not exact to the millisecond), not for the app's 1.5 s.
    expect(call!.latencyMs).toBeGreaterThanOrEqual(250);
    expect(call!.latencyMs).toBeLessThan(1_500);

    const holding = await shopWithCheck("/slow", { timeoutMs: 300, onFailure: "HOLD" });
    const held = await requestShippedRefund(holding.shop, "slow-hold");
    started = performance.now();
    const answer = await approve(holding.shop, held.refundId);
    expect(performance.now() - started).toBeLessThan(300 + 3_000);
    expect(answer.transitionRefund.userErrors.map((error) => error.code)).toEqual(["HELD_FOR_REVIEW"]);
    expect(answer.transitionRefund.userErrors[0]!.message).toContain("TIMEOUT");
    expect(await statusOf(holding.shop, held.refundId)).toBe("PENDING_REVIEW");
    expect((await appView(holding.shop, holding.appId)).checks[0]!.recentCalls[0]).toMatchObject({ outcome: "TIMEOUT", applied: "HOLD" });
  });

  it("a broken app opens its circuit after 3 failures in a row: it is no longer called, and App.health says so", async () => {
    const { shop, appId } = await shopWithCheck("/broken", { onFailure: "CONTINUE" });
    const calledBefore = receiver.calls.filter((call) => call.path === "/broken").length;
    for (let round = 0; round < 4; round += 1) {
      const { refundId } = await requestShippedRefund(shop, `broken-${round}`);
      const answer = await approve(shop, refundId);
      expect(answer.transitionRefund.userErrors).toEqual([]); // CONTINUE: each transition goes on
    }
    expect(receiver.calls.filter((call) => call.path === "/broken").length - calledBefore).toBe(3);
    const view = await appView(shop, appId);
    expect(view.health).toMatchObject({ status: "OPEN", consecutiveFailures: 3, lastError: "BAD_STATUS: answered HTTP 500", recentCalls: 3 });
    expect(view.checks[0]!.recentCalls.map((call) => [call.outcome, call.applied, call.httpStatus])).toEqual([
      ["CIRCUIT_OPEN", "CONTINUE", null],
      ["BAD_STATUS", "CONTINUE", 500],
      ["BAD_STATUS", "CONTINUE", 500],
      ["BAD_STATUS", "CONTINUE", 500],
    ]);
  });

  it("an answer that is not JSON, or names an unknown decision, is a failure: the failure policy applies", async () => {
    for (const [path, problem] of [["/not-json", "the answer is not JSON"], ["/unknown-decision", 'unknown decision "MAYBE"']] as const) {
      const { shop, appId } = await shopWithCheck(path, { onFailure: "HOLD" });
      const { refundId } = await requestShippedRefund(shop, `bad-${path.slice(1)}`);
      const answer = await approve(shop, refundId);
      expect(answer.transitionRefund.userErrors.map((error) => error.code)).toEqual(["HELD_FOR_REVIEW"]);
      expect((await appView(shop, appId)).checks[0]!.recentCalls[0]).toMatchObject({ outcome: "BAD_ANSWER", applied: "HOLD", httpStatus: 200, error: problem });
    }
  });

  it("a batch asks the checks of each refund before its transaction: one is vetoed, the other goes on", async () => {
    const { shop } = await shopWithCheck("/limit");
    const big = await requestShippedRefund(shop, "batch-big");
    const customer = await shop.customer("batch-small");
    const orderId = await shop.order("batch-small", { paidAmount: 8_000, shippingStatus: "SHIPPED" });
    const small = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(
      `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id } } }`,
      { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } },
    );
    const result = await shop.staff.AGENT.request<{ batchTransitionRefunds: { results: Array<{ refundId: string; ok: boolean; userErrors: Array<{ code: string }> }> } }>(BATCH, {
      input: { refundIds: [big.refundId, small.requestRefund.refund.id], action: "APPROVE" },
    });
    expect(result.batchTransitionRefunds.results.map((item) => [item.ok, item.userErrors.map((error) => error.code)])).toEqual([
      [false, ["APP_VETO"]],
      [true, []],
    ]);
  });

  it("applies exactly one of 10 parallel APPROVEs, each asked about the refund as it read it", async () => {
    const { shop } = await shopWithCheck("/limit");
    const { refundId } = await requestShippedRefund(shop, "race");
    const results = await Promise.all(Array.from({ length: 10 }, () => approve(shop, refundId, { amount: 5_000 })));
    const succeeded = results.filter((result) => result.transitionRefund.userErrors.length === 0);
    expect(succeeded).toHaveLength(1);
    for (const failed of results.filter((result) => result.transitionRefund.userErrors.length > 0)) {
      // Asked about version 2 but lost the version-checked write, or read the refund after the winner committed.
      expect(["VERSION_CONFLICT", "ACTION_NOT_ALLOWED_IN_STATUS"]).toContain(failed.transitionRefund.userErrors[0]!.code);
    }
    const transitions = await server.app.db.prisma.refundTransition.findMany({ where: { refundId: rawId(refundId) }, orderBy: { version: "asc" } });
    expect(transitions.map((transition) => transition.action)).toEqual(["REQUEST", "CLASSIFY", "APPROVE"]);
    expect((await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } })).approvedAmount).toBe(5_000);
  });

  it("asks the checks of a rule's action too (inside its unit of work): a veto leaves the refund for a person", async () => {
    const { shop, appId } = await shopWithCheck("/limit");
    const rule = await shop.staff.SHOP_ADMIN.request<{ createAutomationRule: { userErrors: unknown[] } }>(
      `mutation ($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { id } userErrors { code message } } }`,
      { input: { name: "Under ¥200: approve", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", conditions: [{ field: "amount", operator: "LT", value: 20_000 }], action: { kind: "TRANSITION", refundAction: "APPROVE" } } },
    );
    expect(rule.createAutomationRule.userErrors).toEqual([]);
    const request = async (externalId: string, paidAmount: number) => {
      const customer = await shop.customer(externalId);
      const orderId = await shop.order(externalId, { paidAmount, shippingStatus: "SHIPPED" });
      const answer = await customer.client.request<{ requestRefund: { refund: { id: string; status: string } } }>(
        `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id status } } }`,
        { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } },
      );
      return answer.requestRefund.refund;
    };
    // 159 yuan: the rule would approve it, the app vetoes (over 100 yuan): a person decides.
    expect((await request("rule-big", 15_900)).status).toBe("PENDING_REVIEW");
    expect((await request("rule-small", 8_000)).status).toBe("AWAITING_WAREHOUSE");
    // Recorded after the unit of work (the embedded database's one connection is the unit's until then).
    let calls: AppView["checks"][number]["recentCalls"] = [];
    for (const deadline = Date.now() + PATIENCE_MS; calls.length < 2 && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      calls = (await appView(shop, appId)).checks[0]!.recentCalls;
    }
    expect(calls.map((call) => call.outcome).sort()).toEqual(["CONTINUE", "VETO"]);
  });

  it("stops asking a disabled app's or a deleted check, in the process's cached policies too, and asks again once enabled", async () => {
    const { shop, appId, checkId } = await shopWithCheck("/limit");
    const calls = () => receiver.calls.filter((call) => call.body.refund.id === refundId).length;
    const { refundId } = await requestShippedRefund(shop, "disabled");
    expect((await approve(shop, refundId)).transitionRefund.userErrors.map((error) => error.code)).toEqual(["APP_VETO"]);
    const setEnabled = (enabled: boolean) =>
      shop.staff.SHOP_ADMIN.request(`mutation ($input: UpdateAppInput!) { updateApp(input: $input) { userErrors { code } } }`, { input: { appId, enabled } });
    await setEnabled(false);
    expect((await approve(shop, refundId, { amount: 12_000 })).transitionRefund.userErrors).toEqual([]);
    expect(calls()).toBe(1);

    const second = await requestShippedRefund(shop, "enabled-again");
    await setEnabled(true);
    expect((await approve(shop, second.refundId)).transitionRefund.userErrors.map((error) => error.code)).toEqual(["APP_VETO"]);
    const deleted = await shop.staff.SHOP_ADMIN.request<{ deleteAppCheck: { deletedCheckId: string | null; userErrors: unknown[] } }>(
      `mutation ($input: DeleteAppCheckInput!) { deleteAppCheck(input: $input) { deletedCheckId userErrors { code } } }`,
      { input: { checkId } },
    );
    expect(deleted.deleteAppCheck).toEqual({ deletedCheckId: checkId, userErrors: [] });
    expect((await approve(shop, second.refundId)).transitionRefund.userErrors).toEqual([]);
    expect((await appView(shop, appId)).checks).toEqual([]);
  });

  it("another shop's checks are never asked, and its admins cannot see or extend them", async () => {
    const mine = await shopWithCheck("/limit");
    const other = await setupShop(server);
    const before = receiver.calls.length;
    const { refundId } = await requestShippedRefund(other, "other-shop");
    const answer = await approve(other, refundId);
    expect(answer.transitionRefund.userErrors).toEqual([]);
    expect(receiver.calls.length).toBe(before);

    const seen = await other.staff.SHOP_ADMIN.request<{ node: unknown }>(`query ($id: ID!) { node(id: $id) { id } }`, { id: mine.checkId });
    expect(seen.node).toBeNull();
    const foreign = await other.staff.SHOP_ADMIN.request<{ createAppCheck: { userErrors: Array<{ code: string }> } }>(CREATE_CHECK, {
      input: { appId: mine.appId, actions: ["APPROVE"], targetUrl: await receiver.url("/limit"), secret: SECRET },
    });
    expect(foreign.createAppCheck.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    // Nor may the agents of the app's own shop register one.
    const agent = await mine.shop.staff.AGENT.request<{ createAppCheck: { userErrors: Array<{ code: string }> } }>(CREATE_CHECK, {
      input: { appId: mine.appId, actions: ["APPROVE"], targetUrl: await receiver.url("/limit"), secret: SECRET },
    });
    expect(agent.createAppCheck.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);
  });

  it("costs a shop with a check one statement per transition (the call's record), and a shop with none nothing", async () => {
    const plain = await setupShop(server);
    const checked = await shopWithCheck("/limit");
    const count = (shop: TestShop, refundId: string) =>
      statementsOf(server.app, async () => {
        expect((await approve(shop, refundId, { amount: 5_000 })).transitionRefund.userErrors).toEqual([]);
      });
    // Each shop's cached policies warmed by a first APPROVE, as on a running server.
    for (const shop of [plain, checked.shop]) await count(shop, (await requestShippedRefund(shop, "warm-up")).refundId);
    const without = await count(plain, (await requestShippedRefund(plain, "count")).refundId);
    const withCheck = await count(checked.shop, (await requestShippedRefund(checked.shop, "count")).refundId);
    expect(withCheck.length, withCheck.join("\n")).toBe(without.length + 1);
    expect(withCheck.filter((sql) => sql.includes('"AppCheckCall"'))).toHaveLength(1);
    expect(without.filter((sql) => sql.includes("AppCheck"))).toEqual([]);
  });

  it("refuses bad input with a stable code and saves nothing", async () => {
    const shop = await setupShop(server);
    const appId = await createApp(shop.staff.SHOP_ADMIN);
    const valid = { appId, actions: ["APPROVE"], targetUrl: await receiver.url("/limit"), secret: SECRET };
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [{ timeoutMs: 50 }, "INVALID_INPUT", ["input", "timeoutMs"]],
      [{ timeoutMs: 5_001 }, "INVALID_INPUT", ["input", "timeoutMs"]],
      [{ actions: [] }, "INVALID_INPUT", ["input", "actions"]],
      [{ actions: ["APPROVE", "PAYMENT_SUCCEEDED"] }, "INVALID_INPUT", ["input", "actions"]],
      [{ targetUrl: "http://10.0.0.7/check" }, "URL_NOT_ALLOWED", ["input", "targetUrl"]],
      [{ targetUrl: "ftp://127.0.0.1/check" }, "URL_NOT_ALLOWED", ["input", "targetUrl"]],
      [{ secret: "short" }, "WEBHOOK_SECRET_TOO_SHORT", ["input", "secret"]],
    ];
    for (const [change, code, field] of cases) {
      const answer = await shop.staff.SHOP_ADMIN.request<{ createAppCheck: { check: unknown; userErrors: Array<{ code: string; field: string[] }> } }>(CREATE_CHECK, {
        input: { ...valid, ...change },
      });
      expect([answer.createAppCheck.check, answer.createAppCheck.userErrors.map((error) => [error.code, error.field])], JSON.stringify(change)).toEqual([null, [[code, field]]]);
    }
    expect((await appView(shop, appId)).checks).toEqual([]);
    const defaults = await shop.staff.SHOP_ADMIN.request<{ createAppCheck: { check: Record<string, unknown> } }>(CREATE_CHECK, { input: valid });
    expect(defaults.createAppCheck.check).toMatchObject({ actions: ["APPROVE"], timeoutMs: 2_000, onFailure: "CONTINUE", secretSet: true });
  });
});
