// The people around a refund, end to end on both backends with the app's clock fixed:
// discretion limits (refused, or sent on to finance), the customer's rating, staffMetrics
// against figures computed by hand, and the care list entered and left by the clock.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const CREATE_MEMBER = /* GraphQL */ `
  mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { staffMember { id } userErrors { code } } }
`;
const CREATE_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token userErrors { code message } } }
`;
const SET_LIMIT = /* GraphQL */ `
  mutation ($input: SetApprovalLimitInput!) {
    setApprovalLimit(input: $input) { approvalLimit { role automationRules staffMember { name } maxAmount { amount formatted } } userErrors { code message field } }
  }
`;
const LIMITS = /* GraphQL */ `query { approvalLimits { role automationRules staffMember { name } maxAmount { amount } } }`;
const SETTINGS = /* GraphQL */ `
  mutation ($input: UpdateShopSettingsInput!) { updateShopSettings(input: $input) { shop { overLimit careDays } userErrors { code field } } }
`;
const AUDIT = /* GraphQL */ `query { auditEntries(first: 50) { action targetId details } }`;
const RATE = /* GraphQL */ `
  mutation ($input: RateRefundInput!) {
    rateRefund(input: $input) { refund { id rating { score comment createdAt } } userErrors { code message field } }
  }
`;
const RATED = /* GraphQL */ `
  query ($filter: RefundFilter) { refunds(first: 50, filter: $filter) { edges { node { id rating { score } } } } }
`;
const CARE = /* GraphQL */ `query ($id: ID!) { node(id: $id) { ... on Customer { care { until reason } } } }`;
const CUSTOMERS = /* GraphQL */ `
  query ($filter: CustomerFilter) { customers(first: 100, filter: $filter) { edges { node { id care { until } } } } }
`;
const CREATE_RULE = /* GraphQL */ `
  mutation ($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { id } userErrors { code message field } } }
`;
const ASSIGNEE = /* GraphQL */ `query ($id: ID!) { refund(id: $id) { status assignee { id } } }`;
const SLA = /* GraphQL */ `
  mutation ($input: SetSlaPolicyInput!) { setSlaPolicy(input: $input) { userErrors { code } } }
`;
const STAFF_METRICS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $timeZone: String) {
    staffMetrics(from: $from, to: $to, timeZone: $timeZone) {
      timeZone
      members {
        member { name role }
        refundsHandled escalatedCount reopenedCount reopenedOrEscalatedShare deadlineBreaches ratingCount averageRating
        firstResponse { count averageSeconds p50Seconds p90Seconds }
        handlingTime { count averageSeconds p50Seconds p90Seconds }
      }
    }
  }
`;

interface UserErrorView {
  code: string;
  message: string;
  field: string[] | null;
}

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

describe.each(backends)("people around a refund on %s", (kind) => {
  let server: TestServer;
  let now = new Date("2026-11-02T00:00:00Z");
  const at = (offset: number) => (now = new Date(Date.parse("2026-11-02T00:00:00Z") + offset));

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => now });
  });
  afterAll(() => server?.stop());

  /** A staff member of the shop, with a token of its own. */
  async function member(shop: TestShop, name: string, role: string): Promise<{ id: string; client: GraphQLClient }> {
    const created = await shop.staff.SHOP_ADMIN.request<{ createStaffMember: { staffMember: { id: string } } }>(CREATE_MEMBER, { input: { name, role } });
    const id = created.createStaffMember.staffMember.id;
    const token = await shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { role, staffMemberId: id, label: name } });
    return { id, client: server.client(token.createApiToken.token) };
  }

  async function setLimit(client: GraphQLClient, input: Record<string, unknown>) {
    return (await client.request<{ setApprovalLimit: { approvalLimit: Record<string, unknown> | null; userErrors: UserErrorView[] } }>(SET_LIMIT, { input })).setApprovalLimit;
  }

  async function act(client: GraphQLClient, refundId: string, input: Record<string, unknown>) {
    return (await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } })).transitionRefund;
  }

  /** A customer's refund of a shipped order, in PENDING_REVIEW. */
  async function shippedRefund(shop: TestShop, customerRef: string, paidAmount = 15900) {
    const customer = await shop.customer(customerRef);
    const orderId = await shop.order(customerRef, { paidAmount, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    expect(requested.requestRefund.userErrors).toEqual([]);
    return { customer, orderId, refundId: requested.requestRefund.refund!.id };
  }

  /** A customer's unshipped order, refunded at once and paid. */
  async function refundedRefund(shop: TestShop, customerRef: string) {
    const customer = await shop.customer(customerRef);
    const orderId = await shop.order(customerRef, { paidAmount: 8900, shippingStatus: "NOT_SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } });
    const refundId = requested.requestRefund.refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED");
    return { customer, refundId };
  }

  describe("discretion limits", () => {
    let shop: TestShop;
    let ann: { id: string; client: GraphQLClient };

    beforeAll(async () => {
      at(0);
      shop = await setupShop(server);
      ann = await member(shop, "Ann", "AGENT");
    });

    it("accepts an offer of ¥20 from an agent with a ¥20 limit and refuses ¥21, writing nothing", async () => {
      const set = await setLimit(shop.staff.SHOP_ADMIN, { memberId: ann.id, maxAmount: 2000 });
      expect(set).toEqual({ approvalLimit: { role: null, automationRules: false, staffMember: { name: "Ann" }, maxAmount: { amount: 2000, formatted: "¥20.00" } }, userErrors: [] });

      const over = await shippedRefund(shop, "limit-over");
      const refused = await act(ann.client, over.refundId, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2100 }] });
      expect(refused.refund).toBeNull();
      expect(refused.userErrors).toEqual([
        { code: "APPROVAL_LIMIT_EXCEEDED", message: "OFFER_RESOLUTION of ¥21.00 is over Ann's limit of ¥20.00: ask someone with a higher limit", field: ["input", "offerOptions"] },
      ]);
      const unchanged = await shop.staff.AGENT.request<{ refund: { status: string; version: number; resolutionOptions: unknown[] } }>(
        `query ($id: ID!) { refund(id: $id) { status version resolutionOptions { id } } }`,
        { id: over.refundId },
      );
      expect(unchanged.refund).toEqual({ status: "PENDING_REVIEW", version: 2, resolutionOptions: [] });

      const within = await act(ann.client, over.refundId, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2000 }] });
      expect(within.userErrors).toEqual([]);
      expect(within.refund!.status).toBe("AWAITING_CUSTOMER");
      // An APPROVE over the limit is refused the same way.
      const approve = await shippedRefund(shop, "limit-approve");
      expect((await act(ann.client, approve.refundId, { action: "APPROVE", amount: 2001 })).userErrors[0]!.code).toBe("APPROVAL_LIMIT_EXCEEDED");
      expect((await act(ann.client, approve.refundId, { action: "APPROVE", amount: 2000 })).refund!.status).toBe("AWAITING_WAREHOUSE");
    });

    it("sends ¥21 on to PENDING_FINANCE for a second person when the shop says so", async () => {
      const settings = await shop.staff.SHOP_ADMIN.request<{ updateShopSettings: { shop: unknown; userErrors: unknown[] } }>(SETTINGS, { input: { overLimit: "SEND_TO_FINANCE" } });
      expect(settings.updateShopSettings).toEqual({ shop: { overLimit: "SEND_TO_FINANCE", careDays: 30 }, userErrors: [] });

      const offer = await shippedRefund(shop, "finance-offer");
      const sent = await act(ann.client, offer.refundId, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2100 }] });
      expect(sent.userErrors).toEqual([]);
      expect(sent.refund).toMatchObject({ status: "PENDING_FINANCE", approvedAmount: { amount: 2100 }, resolutionOptions: [] });
      expect(sent.refund!.transitions.at(-1)).toMatchObject({
        action: "OFFER_RESOLUTION",
        to: "PENDING_FINANCE",
        amount: { amount: 2100 },
        note: "OFFER_RESOLUTION of ¥21.00 is over Ann's limit of ¥20.00: sent on to finance",
      });
      // Finance, the second person, decides.
      const paid = await act(shop.staff.FINANCE, offer.refundId, { action: "FINANCE_APPROVE" });
      expect(paid.refund!.status).toBe("REFUNDING");

      const approve = await shippedRefund(shop, "finance-approve");
      expect((await act(ann.client, approve.refundId, { action: "APPROVE", amount: 2100 })).refund).toMatchObject({ status: "PENDING_FINANCE", approvedAmount: { amount: 2100 } });
      // An offer that includes a return is the customer's choice: finance cannot make it for them.
      const withReturn = await shippedRefund(shop, "finance-return");
      const refused = await act(ann.client, withReturn.refundId, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }] });
      expect(refused.userErrors[0]!.code).toBe("APPROVAL_LIMIT_EXCEEDED");
      await shop.staff.SHOP_ADMIN.request(SETTINGS, { input: { overLimit: "REFUSE" } });
    });

    it("binds tokens without a member to their role's limit, and a member's own limit replaces it", async () => {
      expect((await setLimit(shop.staff.SHOP_ADMIN, { role: "AGENT", maxAmount: 1000 })).userErrors).toEqual([]);
      const agentRefund = await shippedRefund(shop, "role-limit");
      expect((await act(shop.staff.AGENT, agentRefund.refundId, { action: "APPROVE", amount: 1500 })).userErrors[0]!.message).toBe(
        "APPROVE of ¥15.00 is over the AGENT role's limit of ¥10.00: ask someone with a higher limit",
      );
      // Ann's ¥20 is higher than her role's ¥10.
      expect((await act(ann.client, agentRefund.refundId, { action: "APPROVE", amount: 1500 })).refund!.status).toBe("AWAITING_WAREHOUSE");
      // A shop admin has no limit unless one is set for SHOP_ADMIN.
      const adminRefund = await shippedRefund(shop, "admin-limit");
      expect((await act(shop.staff.SHOP_ADMIN, adminRefund.refundId, { action: "APPROVE" })).refund!.status).toBe("AWAITING_WAREHOUSE");
      // Removed: the agent role is free again.
      expect(await setLimit(shop.staff.SHOP_ADMIN, { role: "AGENT", maxAmount: null })).toEqual({ approvalLimit: null, userErrors: [] });
      const free = await shippedRefund(shop, "role-free");
      expect((await act(shop.staff.AGENT, free.refundId, { action: "APPROVE" })).refund!.status).toBe("AWAITING_WAREHOUSE");
    });

    it("gives the automation rules their own limit: a rule over it is skipped and the refund waits for a person", async () => {
      const rule = await shop.staff.SHOP_ADMIN.request<{ createAutomationRule: { userErrors: unknown[] } }>(CREATE_RULE, {
        input: { name: "Small: approve", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", conditions: [{ field: "amount", operator: "LT", value: 5000 }], action: { kind: "TRANSITION", refundAction: "APPROVE" } },
      });
      expect(rule.createAutomationRule.userErrors).toEqual([]);
      expect((await setLimit(shop.staff.SHOP_ADMIN, { automationRules: true, maxAmount: 3000 })).userErrors).toEqual([]);
      const small = await shippedRefund(shop, "rule-small", 2900);
      expect((await shop.staff.AGENT.request<{ refund: { status: string } }>(ASSIGNEE, { id: small.refundId })).refund.status).toBe("AWAITING_WAREHOUSE");
      const larger = await shippedRefund(shop, "rule-larger", 4000);
      expect((await shop.staff.AGENT.request<{ refund: { status: string } }>(ASSIGNEE, { id: larger.refundId })).refund.status).toBe("PENDING_REVIEW");
      const run = await server.app.db.prisma.automationRun.findFirstOrThrow({ where: { refundId: rawId(larger.refundId) } });
      expect(run).toMatchObject({ outcome: "SKIPPED", reason: "APPROVAL_LIMIT_EXCEEDED: APPROVE of ¥40.00 is over the automation rules' limit of ¥30.00: ask someone with a higher limit" });
      // The built-in "refund at once" rule is bound too: above the limit a person looks first.
      const customer = await shop.customer("rule-unshipped");
      const request = async (paidAmount: number) => {
        const orderId = await shop.order("rule-unshipped", { paidAmount, shippingStatus: "NOT_SHIPPED" });
        return (await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } })).requestRefund.refund!;
      };
      const held = await request(6000);
      expect(held.status).toBe("PENDING_REVIEW");
      expect(held.transitions.at(-1)).toMatchObject({ action: "CLASSIFY", to: "PENDING_REVIEW", note: "CLASSIFY of ¥60.00 is over the automation rules' limit of ¥30.00: held for review" });
      expect((await request(3000)).status).toBe("REFUNDING");
      await shop.staff.SHOP_ADMIN.request(`mutation ($input: UpdateAutomationRuleInput!) { updateAutomationRule(input: $input) { userErrors { code } } }`, {
        input: { ruleId: (await shop.staff.SHOP_ADMIN.request<{ automationRules: Array<{ id: string; name: string }> }>(`{ automationRules { id name } }`)).automationRules.find((r) => r.name === "Small: approve")!.id, enabled: false },
      });
    });

    it("refuses bad limits with a stable code and writes nothing; every change is audited", async () => {
      const other = await setupShop(server);
      const stranger = await member(other, "Stranger", "AGENT");
      const before = (await shop.staff.AGENT.request<{ approvalLimits: unknown[] }>(LIMITS)).approvalLimits;
      const auditBefore = (await shop.staff.SHOP_ADMIN.request<{ auditEntries: unknown[] }>(AUDIT)).auditEntries.length;
      const cases: Array<[Record<string, unknown>, string, string[] | null]> = [
        [{ role: "AGENT", maxAmount: -1 }, "INVALID_AMOUNT", ["input", "maxAmount"]],
        [{ role: "AGENT", maxAmount: 2_000_000_000 }, "INVALID_AMOUNT", ["input", "maxAmount"]],
        [{ memberId: stranger.id, maxAmount: 2000 }, "NOT_FOUND", ["input", "memberId"]],
        [{ role: "AGENT", memberId: ann.id, maxAmount: 2000 }, "INVALID_INPUT", ["input"]],
        [{ maxAmount: 2000 }, "INVALID_INPUT", ["input"]],
        [{ role: "CUSTOMER", maxAmount: 2000 }, "INVALID_INPUT", ["input", "role"]],
      ];
      for (const [input, code, field] of cases) {
        const result = await setLimit(shop.staff.SHOP_ADMIN, input);
        expect([result.approvalLimit, result.userErrors.map((error) => [error.code, error.field])], JSON.stringify(input)).toEqual([null, [[code, field]]]);
      }
      expect((await setLimit(shop.staff.AGENT, { role: "AGENT", maxAmount: 100_000 })).userErrors[0]!.code).toBe("FORBIDDEN");
      expect((await setLimit(other.staff.SHOP_ADMIN, { memberId: ann.id, maxAmount: 100_000 })).userErrors[0]!.code).toBe("NOT_FOUND");
      expect((await shop.staff.AGENT.request<{ approvalLimits: unknown[] }>(LIMITS)).approvalLimits).toEqual(before);
      const audit = (await shop.staff.SHOP_ADMIN.request<{ auditEntries: Array<{ action: string; targetId: string; details: unknown }> }>(AUDIT)).auditEntries;
      expect(audit.length).toBe(auditBefore);
      expect(audit.filter((entry) => entry.action.startsWith("approvalLimit")).map((entry) => [entry.action, entry.targetId, entry.details])).toEqual([
        ["approvalLimit.set", "RULES", { before: null, after: 3000 }],
        ["approvalLimit.remove", "ROLE:AGENT", { before: 1000, after: null }],
        ["approvalLimit.set", "ROLE:AGENT", { before: null, after: 1000 }],
        ["approvalLimit.set", `MEMBER:${rawId(ann.id)}`, { before: null, after: 2000 }],
      ]);
      expect(audit.filter((entry) => entry.action === "shopSettings.update").map((entry) => entry.details)).toEqual([{ overLimit: "REFUSE" }, { overLimit: "SEND_TO_FINANCE" }]);
    });
  });

  describe("the customer's rating", () => {
    let shop: TestShop;

    beforeAll(async () => {
      at(0);
      shop = await setupShop(server);
    });

    it("lets the customer rate its refunded request once; a second time is refused", async () => {
      const { customer, refundId } = await refundedRefund(shop, "rater");
      at(H);
      const rated = await customer.client.request<{ rateRefund: { refund: unknown; userErrors: unknown[] } }>(RATE, { input: { refundId, score: 5, comment: "  fast  " } });
      expect(rated.rateRefund).toEqual({ refund: { id: refundId, rating: { score: 5, comment: "fast", createdAt: "2026-11-02T01:00:00.000Z" } }, userErrors: [] });
      const again = await customer.client.request<{ rateRefund: { refund: unknown; userErrors: UserErrorView[] } }>(RATE, { input: { refundId, score: 1 } });
      expect(again.rateRefund).toEqual({ refund: null, userErrors: [{ code: "ALREADY_RATED", message: "This refund was rated already; a rating cannot be changed", field: ["input", "refundId"] }] });
      // Staff see it on the refund.
      expect((await shop.staff.AGENT.request<{ refunds: { edges: Array<{ node: unknown }> } }>(RATED, { filter: { ratingMin: 5 } })).refunds.edges).toEqual([{ node: { id: refundId, rating: { score: 5 } } }]);
    });

    it("refuses bad ratings with a stable code and writes nothing", async () => {
      at(2 * H);
      const ended = await refundedRefund(shop, "bad-rater");
      const open = await shippedRefund(shop, "open-rater");
      const other = await shop.customer("someone-else");
      const foreign = await setupShop(server);
      const foreignCustomer = await foreign.customer("foreign");
      const rate = async (client: GraphQLClient, input: Record<string, unknown>) =>
        (await client.request<{ rateRefund: { refund: unknown; userErrors: UserErrorView[] } }>(RATE, { input })).rateRefund;
      const cases: Array<[GraphQLClient, Record<string, unknown>, string]> = [
        [ended.customer.client, { refundId: ended.refundId, score: 0 }, "INVALID_INPUT"],
        [ended.customer.client, { refundId: ended.refundId, score: 6 }, "INVALID_INPUT"],
        [ended.customer.client, { refundId: ended.refundId, score: 4, comment: "x".repeat(2001) }, "INVALID_INPUT"],
        [other.client, { refundId: ended.refundId, score: 4 }, "NOT_FOUND"],
        [foreignCustomer.client, { refundId: ended.refundId, score: 4 }, "NOT_FOUND"],
        [shop.staff.AGENT, { refundId: ended.refundId, score: 4 }, "FORBIDDEN"],
        [open.customer.client, { refundId: open.refundId, score: 4 }, "REFUND_NOT_ENDED"],
      ];
      for (const [client, input, code] of cases) {
        const result = await rate(client, input);
        expect([result.refund, result.userErrors.map((error) => error.code)], JSON.stringify(input).slice(0, 80)).toEqual([null, [code]]);
      }
      // More than 30 days after the end.
      at(2 * H + 30 * D + 1);
      expect((await rate(ended.customer.client, { refundId: ended.refundId, score: 4 })).userErrors.map((error) => error.code)).toEqual(["RATING_WINDOW_CLOSED"]);
      expect(await server.app.db.prisma.refundRating.count({ where: { refundId: { in: [rawId(ended.refundId), rawId(open.refundId)] } } })).toBe(0);
    });

    it("filters the staff's lists by score and by when it was rated", async () => {
      at(40 * D);
      const low = await refundedRefund(shop, "unhappy");
      at(40 * D + H);
      await low.customer.client.request(RATE, { input: { refundId: low.refundId, score: 2 } });
      const ids = async (filter: Record<string, unknown>) =>
        (await shop.staff.AGENT.request<{ refunds: { edges: Array<{ node: { id: string } }> } }>(RATED, { filter })).refunds.edges.map((edge) => edge.node.id);
      const thisWeek = { ratedAfter: new Date(Date.parse("2026-11-02T00:00:00Z") + 38 * D).toISOString(), ratedBefore: new Date(Date.parse("2026-11-02T00:00:00Z") + 45 * D).toISOString() };
      expect(await ids({ ratingMin: 1, ratingMax: 2, ...thisWeek })).toEqual([low.refundId]);
      expect(await ids({ ratingMin: 1, ratingMax: 2, ratedBefore: thisWeek.ratedAfter })).toEqual([]);
      expect((await ids({ ratingMin: 1 })).length).toBe(2);
    });
  });

  describe("staffMetrics", () => {
    let shop: TestShop;
    const FROM = "2026-11-02T00:00:00.000Z";
    const TO = "2026-11-03T00:00:00.000Z";

    beforeAll(async () => {
      at(-H);
      shop = await setupShop(server);
      expect((await shop.staff.SHOP_ADMIN.request<{ setSlaPolicy: { userErrors: unknown[] } }>(SLA, { input: { status: "PENDING_REVIEW", minutes: 60 } })).setSlaPolicy.userErrors).toEqual([]);
      await shop.staff.SHOP_ADMIN.request(SETTINGS, { input: { overLimit: "SEND_TO_FINANCE" } });
      const ann = await member(shop, "Ann", "AGENT");
      const bob = await member(shop, "Bob", "AGENT");
      const fay = await member(shop, "Fay", "FINANCE");
      await member(shop, "Idle", "WAREHOUSE");
      await setLimit(shop.staff.SHOP_ADMIN, { memberId: ann.id, maxAmount: 2000 });

      // R1: requested at 0:00, Ann approves ¥20 at 0:10 (due 1:00), the warehouse token (no member)
      // confirms at 0:20, Fay pays at 0:30: ended after 30 minutes; its customer rates it 4.
      at(0);
      const r1 = await shippedRefund(shop, "m-r1", 10000);
      at(10 * M);
      expect((await act(ann.client, r1.refundId, { action: "APPROVE", amount: 2000 })).refund!.status).toBe("AWAITING_WAREHOUSE");
      at(20 * M);
      expect((await act(shop.staff.WAREHOUSE, r1.refundId, { action: "CONFIRM_NOT_RECEIVED" })).userErrors).toEqual([]);
      at(30 * M);
      expect((await act(fay.client, r1.refundId, { action: "FINANCE_APPROVE" })).userErrors).toEqual([]);
      await waitForStatus(r1.customer.client, r1.refundId, "REFUNDED");
      // R2: requested at 1:00 (due 2:00), Bob rejects it at 3:00, late: ended after 2 hours.
      at(H);
      const r2 = await shippedRefund(shop, "m-r2", 10000);
      at(3 * H);
      expect((await act(bob.client, r2.refundId, { action: "REJECT", note: "no proof" })).userErrors).toEqual([]);
      // R3: requested at 4:00, Ann offers ¥30 at 4:20, over her ¥20: on to finance.
      at(4 * H);
      const r3 = await shippedRefund(shop, "m-r3", 10000);
      at(4 * H + 20 * M);
      const offered = await act(ann.client, r3.refundId, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 3000 }] });
      expect(offered.refund!.status).toBe("PENDING_FINANCE");
      // Ratings at 5:00: R1 4, R2 2.
      at(5 * H);
      await r1.customer.client.request(RATE, { input: { refundId: r1.refundId, score: 4 } });
      await r2.customer.client.request(RATE, { input: { refundId: r2.refundId, score: 2 } });
      // R4 at 6:00: R2's order is asked about again after R2 ended (R2 reopened).
      at(6 * H);
      const again = await r2.customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: r2.orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
      expect(again.requestRefund.userErrors).toEqual([]);
      // After the period: Ann answers R4, which the period leaves out of what she handled — but
      // R4 was requested in the period, so it counts in her first responses (19 h).
      at(D + H);
      expect((await act(ann.client, again.requestRefund.refund!.id, { action: "APPROVE", amount: 1000 })).userErrors).toEqual([]);
    });

    it("matches figures computed by hand", async () => {
      const { staffMetrics } = await shop.staff.AGENT.request<{ staffMetrics: { timeZone: string; members: unknown[] } }>(STAFF_METRICS, { from: FROM, to: TO });
      const duration = (count: number, averageSeconds: number, p50Seconds: number, p90Seconds: number) => ({ count, averageSeconds, p50Seconds, p90Seconds });
      expect(staffMetrics.timeZone).toBe("Asia/Shanghai");
      expect(staffMetrics.members).toEqual([
        {
          member: { name: "Ann", role: "AGENT" },
          refundsHandled: 2, // R1, R3
          escalatedCount: 1, // R3
          reopenedCount: 0,
          reopenedOrEscalatedShare: 0.5,
          deadlineBreaches: 0,
          ratingCount: 1,
          averageRating: 4,
          // First staff response: R1 after 600 s, R3 after 1200 s, R4 after 68400 s; p90 is
          // interpolated at 1.8 of the 3 sorted values: 1200 + 0.8 × (68400 − 1200).
          firstResponse: duration(3, 23400, 1200, 54960),
          // Of R1 and R3 only R1 ended, after 1800 s.
          handlingTime: duration(1, 1800, 1800, 1800),
        },
        {
          member: { name: "Bob", role: "AGENT" },
          refundsHandled: 1,
          escalatedCount: 0,
          reopenedCount: 1, // R4 came after R2 ended
          reopenedOrEscalatedShare: 1,
          deadlineBreaches: 1, // rejected an hour after R2 was due
          ratingCount: 1,
          averageRating: 2,
          firstResponse: duration(1, 7200, 7200, 7200),
          handlingTime: duration(1, 7200, 7200, 7200),
        },
        {
          member: { name: "Fay", role: "FINANCE" },
          refundsHandled: 1, // R1 (paid); R3 waits for her
          escalatedCount: 0,
          reopenedCount: 0,
          reopenedOrEscalatedShare: 0,
          deadlineBreaches: 0,
          ratingCount: 1,
          averageRating: 4,
          firstResponse: duration(0, 0, 0, 0),
          handlingTime: duration(1, 1800, 1800, 1800),
        },
        {
          member: { name: "Idle", role: "WAREHOUSE" },
          refundsHandled: 0,
          escalatedCount: 0,
          reopenedCount: 0,
          reopenedOrEscalatedShare: 0,
          deadlineBreaches: 0,
          ratingCount: 0,
          averageRating: null,
          firstResponse: duration(0, 0, 0, 0),
          handlingTime: duration(0, 0, 0, 0),
        },
      ]);
    });

    it("answers staff of its own shop only, over a valid period", async () => {
      const customer = await shop.customer("m-nosy");
      const ask = (client: GraphQLClient, variables: Record<string, unknown>) =>
        client.request(STAFF_METRICS, { from: FROM, to: TO, ...variables }).then(
          () => "ok",
          (error: { response?: { errors?: Array<{ extensions?: { code?: string } }> } }) => error.response?.errors?.[0]?.extensions?.code,
        );
      expect(await ask(customer.client, {})).toBe("FORBIDDEN");
      expect(await ask(server.admin, {})).toBe("INVALID_INPUT");
      expect(await ask(shop.staff.AGENT, { from: TO, to: FROM })).toBe("INVALID_INPUT");
      expect(await ask(shop.staff.AGENT, { timeZone: "Mars/Olympus" })).toBe("INVALID_INPUT");
      // Another shop's staff see their own (empty) figures, never these.
      const other = await setupShop(server);
      expect((await other.staff.AGENT.request<{ staffMetrics: { members: unknown[] } }>(STAFF_METRICS, { from: FROM, to: TO })).staffMetrics.members).toEqual([]);
    });
  });

  describe("the care list", () => {
    let shop: TestShop;
    let ended: { customer: { id: string; client: GraphQLClient }; refundId: string };
    let ruleMember: string;
    const start = 100 * D;

    beforeAll(async () => {
      at(start);
      shop = await setupShop(server);
      ruleMember = (await member(shop, "Carer", "AGENT")).id;
      const rule = await shop.staff.SHOP_ADMIN.request<{ createAutomationRule: { userErrors: unknown[] } }>(CREATE_RULE, {
        input: { name: "Care list to Carer", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", conditions: [{ field: "onCareList", operator: "EQ", value: "YES" }], action: { kind: "ASSIGN", memberId: ruleMember } },
      });
      expect(rule.createAutomationRule.userErrors).toEqual([]);
      ended = await refundedRefund(shop, "cared");
    });

    const careOf = async (customerId: string) => (await shop.staff.AGENT.request<{ node: { care: { until: string; reason: string } | null } }>(CARE, { id: customerId })).node.care;
    const inCare = async (value: boolean) =>
      (await shop.staff.AGENT.request<{ customers: { edges: Array<{ node: { id: string } }> } }>(CUSTOMERS, { filter: { inCare: value } })).customers.edges.map((edge) => edge.node.id);
    const newRequest = async (customerRef: string) => {
      const client = customerRef === "cared" ? ended.customer.client : (await shop.customer(customerRef)).client;
      const orderId = await shop.order(customerRef, { paidAmount: 15900, shippingStatus: "SHIPPED" });
      const requested = await client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
      return (await shop.staff.AGENT.request<{ refund: { status: string; assignee: { id: string } | null } }>(ASSIGNEE, { id: requested.requestRefund.refund!.id })).refund;
    };

    it("puts a customer whose refund ended on the list, and a rule condition on it matches", async () => {
      const until = new Date(Date.parse("2026-11-02T00:00:00Z") + start + 30 * D).toISOString();
      expect(await careOf(ended.customer.id)).toEqual({
        until,
        reason: `A refund of theirs ended REFUNDED on ${new Date(Date.parse("2026-11-02T00:00:00Z") + start).toISOString().slice(0, 10)} (UTC); the shop keeps such customers on its care list for 30 days`,
      });
      const newcomer = await shop.customer("newcomer");
      expect(await careOf(newcomer.id)).toBeNull();
      expect(await inCare(true)).toEqual([ended.customer.id]);
      expect(await inCare(false)).toContain(newcomer.id);
      at(start + 30 * D - M);
      expect(await newRequest("cared")).toEqual({ status: "PENDING_REVIEW", assignee: { id: ruleMember } });
      expect(await newRequest("not-cared")).toEqual({ status: "PENDING_REVIEW", assignee: null });
    });

    it("lets the customer leave the list by the clock, with nothing written", async () => {
      at(start + 30 * D + M);
      expect(await careOf(ended.customer.id)).toBeNull();
      expect(await inCare(true)).toEqual([]);
      expect(await inCare(false)).toContain(ended.customer.id);
      expect(await newRequest("cared")).toEqual({ status: "PENDING_REVIEW", assignee: null });
    });

    it("follows the shop's careDays, 0 meaning no care list, and refuses absurd ones", async () => {
      const set = (careDays: number) => shop.staff.SHOP_ADMIN.request<{ updateShopSettings: { shop: unknown; userErrors: Array<{ code: string; field: string[] }> } }>(SETTINGS, { input: { careDays } });
      expect((await set(60)).updateShopSettings.userErrors).toEqual([]);
      expect(await inCare(true)).toEqual([ended.customer.id]);
      expect((await set(0)).updateShopSettings.userErrors).toEqual([]);
      expect(await careOf(ended.customer.id)).toBeNull();
      expect(await inCare(true)).toEqual([]);
      for (const careDays of [-1, 366]) expect((await set(careDays)).updateShopSettings).toEqual({ shop: null, userErrors: [{ code: "INVALID_INPUT", field: ["input", "careDays"] }] });
      expect((await shop.staff.AGENT.request(SETTINGS, { input: { careDays: 5 } }) as { updateShopSettings: { userErrors: Array<{ code: string }> } }).updateShopSettings.userErrors[0]!.code).toBe("FORBIDDEN");
    });
  });
});
