// Automation rules and timers over real HTTP: the default rules, a shop's own rules, holds, the
// dry run, bad input, and timers that act once and never after a person acted.
import { decodeGlobalID } from "@pothos/plugin-relay";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { globalId } from "../support/ids.js";
import { GET_REFUND, type GetRefundResult, REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { statementsOf } from "../support/statements.js";

const RULE_FIELDS = `id name trigger status match priority enabled stopAfterMatch conditions { field operator value } action { kind refundAction }`;
const RULES = `query { automationRules { ${RULE_FIELDS} } }`;
const CREATE_RULE = `mutation ($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { ${RULE_FIELDS} } userErrors { code message field } } }`;
const UPDATE_RULE = `mutation ($input: UpdateAutomationRuleInput!) { updateAutomationRule(input: $input) { rule { ${RULE_FIELDS} } userErrors { code message field } } }`;
const DELETE_RULE = `mutation ($id: ID!) { deleteAutomationRule(input: { ruleId: $id }) { rule { id } userErrors { code } } }`;
const SET_TIMER = `mutation ($input: SetAutomationTimerInput!) { setAutomationTimer(input: $input) { timer { status minutes action name } userErrors { code message field } } }`;
const SIMULATE = `query ($input: SimulateAutomationRulesInput!) { simulateAutomationRules(input: $input) {
  status matchedRule { name } wouldDo
  rules { rule { name } matched notEvaluated wouldDo conditions { field operator expected actual met description } }
  userErrors { code message } } }`;

type Rule = { id: string; name: string; enabled: boolean; action: { kind: string; refundAction: string | null } };
type UserErrors = Array<{ code: string; message: string; field: string[] | null }>;

/** Rules made here are removed again, so each test starts from the shop's defaults. */
async function withRule<T>(admin: GraphQLClient, input: Record<string, unknown>, body: (rule: Rule) => Promise<T>): Promise<T> {
  const created = await admin.request<{ createAutomationRule: { rule: Rule | null; userErrors: UserErrors } }>(CREATE_RULE, { input });
  expect(created.createAutomationRule.userErrors).toEqual([]);
  try {
    return await body(created.createAutomationRule.rule!);
  } finally {
    await admin.request(DELETE_RULE, { id: created.createAutomationRule.rule!.id });
  }
}

describe.each(backends)("automation rules on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let customers = 0;
  /** The shop's row id, for reading the database behind the API. */
  const shopRow = () => decodeGlobalID(shop.shopId).id;

  beforeAll(async () => {
    server = await startTestServer(kind, { timers: { minuteMs: 150, sweepIntervalMs: 50 } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  async function request(shippingStatus: "NOT_SHIPPED" | "SHIPPED" | "DELIVERED", paidAmount: number, type = "REFUND_ONLY") {
    customers += 1;
    const externalId = `c-auto-${customers}`;
    const customer = await shop.customer(externalId);
    const orderId = await shop.order(externalId, { paidAmount, shippingStatus });
    const result = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type, reasonCode: "LOGISTICS" } });
    expect(result.requestRefund.userErrors).toEqual([]);
    return { customer, refund: result.requestRefund.refund! };
  }

  const history = async (refundId: string) => (await shop.staff.AGENT.request<GetRefundResult>(GET_REFUND, { id: refundId })).refund!;
  const namesOf = async (refundId: string) =>
    (await shop.staff.AGENT.request<{ refund: { transitions: Array<{ action: string; actor: { kind: string; name: string | null }; note: string | null }> } }>(
      `query ($id: ID!) { refund(id: $id) { transitions { action actor { kind name } note } } }`,
      { id: refundId },
    )).refund.transitions;

  it("gives a new shop the default rules, and refunds an unshipped request by the default rule with no staff action", async () => {
    const { automationRules } = await shop.staff.SHOP_ADMIN.request<{ automationRules: Rule[] }>(RULES);
    expect(automationRules.map((rule) => [rule.name, rule.enabled, rule.action.refundAction])).toEqual([
      ["Small amounts from good customers: approve", false, "APPROVE"],
      ["Unshipped: refund at once", true, "CLASSIFY"],
    ]);

    const { refund } = await request("NOT_SHIPPED", 8900);
    await waitForStatus(shop.staff.AGENT, refund.id, "REFUNDED");
    const transitions = await namesOf(refund.id);
    expect(transitions.map((t) => `${t.action}:${t.actor.kind}:${t.actor.kind === "USER" ? "-" : t.actor.name}`)).toEqual([
      "REQUEST:USER:-",
      "CLASSIFY:RULE:Unshipped: refund at once",
      "PAYMENT_SUCCEEDED:SYSTEM:platform",
    ]);
    expect(transitions[1]!.note).toContain("shippingStatus NOT_SHIPPED = NOT_SHIPPED ✓");

    // Switched off, the decision is visible: the same request waits for a person.
    const unshippedRule = automationRules.find((rule) => rule.name === "Unshipped: refund at once")!;
    const off = await shop.staff.SHOP_ADMIN.request<{ updateAutomationRule: { rule: Rule; userErrors: UserErrors } }>(UPDATE_RULE, { input: { ruleId: unshippedRule.id, enabled: false } });
    expect(off.updateAutomationRule.userErrors).toEqual([]);
    try {
      const held = await request("NOT_SHIPPED", 8900);
      expect(held.refund.status).toBe("PENDING_REVIEW");
      expect((await namesOf(held.refund.id))[1]).toMatchObject({ action: "CLASSIFY", actor: { kind: "SYSTEM" }, note: "No enabled automation rule refunds it at once" });
    } finally {
      await shop.staff.SHOP_ADMIN.request(UPDATE_RULE, { input: { ruleId: unshippedRule.id, enabled: true } });
    }
    const audit = await server.app.db.prisma.automationChange.findMany({ where: { shopId: shopRow(), subjectId: decodeGlobalID(unshippedRule.id).id } });
    expect(audit.map((change) => change.change)).toEqual(["UPDATE", "UPDATE"]);
  });

  it("moves a shipped small refund-only request on by a shop's rule, in the same response", async () => {
    await withRule(
      shop.staff.SHOP_ADMIN,
      {
        name: "Under ¥50 refund-only: approve",
        trigger: "ENTERS_STATUS",
        status: "PENDING_REVIEW",
        conditions: [
          { field: "amount", operator: "LT", value: 5000 },
          { field: "refundType", operator: "EQ", value: "REFUND_ONLY" },
        ],
        action: { kind: "TRANSITION", refundAction: "APPROVE" },
      },
      async () => {
        const small = await request("SHIPPED", 3900);
        expect(small.refund.status).toBe("AWAITING_WAREHOUSE");
        const transitions = await namesOf(small.refund.id);
        expect(transitions.map((t) => `${t.action}:${t.actor.kind}:${t.actor.kind === "USER" ? "-" : t.actor.name}`)).toEqual([
          "REQUEST:USER:-",
          "CLASSIFY:SYSTEM:platform",
          "APPROVE:RULE:Under ¥50 refund-only: approve",
        ]);
        expect(transitions[2]!.note).toBe('Rule "Under ¥50 refund-only: approve" matched: amount 3900 < 5000 ✓; refundType REFUND_ONLY = REFUND_ONLY ✓');

        const large = await request("SHIPPED", 9900);
        expect(large.refund.status).toBe("PENDING_REVIEW");
        const returned = await request("SHIPPED", 3900, "RETURN_AND_REFUND");
        expect(returned.refund.status).toBe("PENDING_REVIEW");
      },
    );
  });

  it("costs no statement for rules when none triggers on the status entered", async () => {
    const { refund } = await request("SHIPPED", 15900);
    let approved!: TransitionRefundResult;
    const statements = await statementsOf(server.app, async () => {
      approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: refund.id, action: "APPROVE" } });
    });
    expect(approved.transitionRefund.refund!.status).toBe("AWAITING_WAREHOUSE");
    // The unit of work, from the refund's load to COMMIT: the load (one statement), the UPDATE,
    // the transition insert numbered in the shop's stream, and COMMIT. The shop's rules, timers
    // and deadlines come from the per-shop cache the earlier requests filled: no statement at all.
    const first = statements.findIndex((sql) => sql.includes('FROM "Refund" r'));
    const unit = statements.slice(first, statements.findIndex((sql, index) => index > first && /COMMIT/.test(sql)) + 1);
    expect(unit, unit.join("\n")).toHaveLength(4);
    expect(statements.filter((sql) => /AutomationRule/.test(sql))).toEqual([]);
  });

  it("holds a HIGH-risk customer's unshipped request by a HOLD rule that runs first", async () => {
    await withRule(
      shop.staff.SHOP_ADMIN,
      { name: "High risk: hold", trigger: "REQUESTED", priority: 10, conditions: [{ field: "riskLevel", operator: "EQ", value: "HIGH" }], action: { kind: "HOLD" } },
      async () => {
        customers += 1;
        const externalId = `c-auto-${customers}`;
        const risky = await shop.customer(externalId);
        // crm-risk records the level it last pushed; the rules read it from there.
        await server.app.db.prisma.customerRiskFlag.create({ data: { customerId: decodeGlobalID(risky.id).id, shopId: shopRow(), level: "HIGH", score: 90 } });
        const orderId = await shop.order(externalId, { paidAmount: 8900, shippingStatus: "NOT_SHIPPED" });
        const held = await risky.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } });
        expect(held.requestRefund.refund!.status).toBe("PENDING_REVIEW");
        const classify = (await namesOf(held.requestRefund.refund!.id))[1]!;
        expect(classify).toMatchObject({ action: "CLASSIFY", actor: { kind: "RULE", name: "High risk: hold" } });
        expect(classify.note).toContain("riskLevel HIGH = HIGH ✓");

        // A customer with no recorded level is LOW: the default rule refunds at once.
        const { refund } = await request("NOT_SHIPPED", 8900);
        expect(refund.status).toBe("REFUNDING");
      },
    );
  });

  it("explains a match and a non-match in a dry run, condition by condition, writing nothing", async () => {
    const { refund } = await request("SHIPPED", 15900);
    const before = await server.app.db.prisma.refundTransition.count({ where: { shopId: shopRow() } });
    const hypothetical = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, {
      input: { refund: { status: "REQUESTED", amount: 2000, refundType: "REFUND_ONLY", shippingStatus: "NOT_SHIPPED" } },
    });
    expect(hypothetical.simulateAutomationRules).toMatchObject({
      status: "REQUESTED",
      matchedRule: { name: "Unshipped: refund at once" },
      wouldDo: ["Unshipped: refund at once: CLASSIFY (an unshipped order is refunded at once)"],
      rules: [{ rule: { name: "Unshipped: refund at once" }, matched: true, conditions: [{ field: "shippingStatus", actual: "NOT_SHIPPED", met: true }] }],
      userErrors: [],
    });
    // An existing shipped refund, asked about the REQUESTED rules it met when it came in.
    const existing = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, { input: { refundId: refund.id } });
    expect(existing.simulateAutomationRules).toMatchObject({ status: "PENDING_REVIEW", matchedRule: null, wouldDo: [], rules: [], userErrors: [] });
    await withRule(
      shop.staff.SHOP_ADMIN,
      { name: "Small shipped: approve", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", match: "ALL", conditions: [{ field: "amount", operator: "LT", value: 5000 }, { field: "refundsLast30Days", operator: "LT", value: 2 }], action: { kind: "TRANSITION", refundAction: "APPROVE" } },
      async () => {
        const miss = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, { input: { refundId: refund.id } });
        expect(miss.simulateAutomationRules.matchedRule).toBeNull();
        expect(miss.simulateAutomationRules.rules).toEqual([
          {
            rule: { name: "Small shipped: approve" },
            matched: false,
            notEvaluated: null,
            wouldDo: null,
            conditions: [
              { field: "amount", operator: "LT", expected: 5000, actual: 15900, met: false, description: "amount 15900 < 5000 ✗" },
              { field: "refundsLast30Days", operator: "LT", expected: 2, actual: 0, met: true, description: "refundsLast30Days 0 < 2 ✓" },
            ],
          },
        ]);
      },
    );
    expect(await server.app.db.prisma.refundTransition.count({ where: { shopId: shopRow() } })).toBe(before);
  });

  it("refuses every bad rule and timer with a stable code, saving nothing", async () => {
    const admin = shop.staff.SHOP_ADMIN;
    const rulesBefore = await server.app.db.prisma.automationRule.count({ where: { shopId: shopRow() } });
    const auditBefore = await server.app.db.prisma.automationChange.count({ where: { shopId: shopRow() } });
    const base = { name: "bad", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", action: { kind: "TRANSITION", refundAction: "APPROVE" } };
    const cases: Array<[Record<string, unknown>, string, string[]]> = [
      [{ ...base, conditions: [{ field: "colour", operator: "EQ", value: "red" }] }, "UNKNOWN_RULE_FIELD", ["input", "conditions", "0", "field"]],
      [{ ...base, conditions: [{ field: "shippingStatus", operator: "LT", value: "SHIPPED" }] }, "OPERATOR_NOT_FOR_FIELD", ["input", "conditions", "0", "operator"]],
      [{ ...base, conditions: [{ field: "amount", operator: "GT", value: "lots" }] }, "INVALID_RULE_VALUE", ["input", "conditions", "0", "value"]],
      [{ ...base, action: { kind: "TRANSITION", refundAction: "FINANCE_APPROVE" } }, "ACTION_NOT_ALLOWED_FROM_TRIGGER", ["input", "action", "refundAction"]],
      [{ ...base, status: "AWAITING_RETURN", action: { kind: "TRANSITION", refundAction: "CANCEL" } }, "ACTION_NOT_ALLOWED_FROM_TRIGGER", ["input", "action", "refundAction"]],
      [{ ...base, action: { kind: "HOLD" } }, "ACTION_NOT_ALLOWED_FROM_TRIGGER", ["input", "action", "kind"]],
      [{ ...base, name: "Small amounts from good customers: approve" }, "DUPLICATE_RULE_NAME", ["input", "name"]],
      // A declined payment retried by a rule on every decline would never stop.
      [{ ...base, status: "REFUND_FAILED", action: { kind: "TRANSITION", refundAction: "RETRY_PAYMENT" } }, "AUTOMATION_RULE_CYCLE", ["input", "action"]],
      [{ ...base, conditions: [{ field: "hoursSinceDelivery", operator: "IN", value: "soon" }] }, "INVALID_RULE_VALUE", ["input", "conditions", "0", "value"]],
      [{ ...base, action: { kind: "TAG", label: "  " } }, "INVALID_LABEL", ["input", "action", "label"]],
      [{ ...base, action: { kind: "TAG", label: "fraud<script>" } }, "INVALID_LABEL", ["input", "action", "label"]],
      [{ ...base, action: { kind: "TAG" } }, "INVALID_LABEL", ["input", "action", "label"]],
      [{ ...base, action: { kind: "NOTIFY", message: "look" } }, "INVALID_RECIPIENT", ["input", "action", "memberId"]],
      [{ ...base, action: { kind: "NOTIFY", recipientRole: "AGENT", memberId: globalId("StaffMember", "00000000-0000-0000-0000-000000000000"), message: "look" } }, "INVALID_RECIPIENT", ["input", "action", "memberId"]],
      [{ ...base, action: { kind: "NOTIFY", memberId: globalId("StaffMember", "00000000-0000-0000-0000-000000000000"), message: "look" } }, "INVALID_RECIPIENT", ["input", "action", "memberId"]],
      [{ ...base, action: { kind: "NOTIFY", recipientRole: "AGENT", message: "see {{customerPhone}}" } }, "INVALID_MESSAGE_TEMPLATE", ["input", "action", "message"]],
      [{ ...base, action: { kind: "NOTIFY", recipientRole: "AGENT", message: "" } }, "INVALID_MESSAGE_TEMPLATE", ["input", "action", "message"]],
    ];
    for (const [input, code, field] of cases) {
      const result = await admin.request<{ createAutomationRule: { rule: Rule | null; userErrors: UserErrors } }>(CREATE_RULE, { input });
      expect(result.createAutomationRule.rule, code).toBeNull();
      expect(result.createAutomationRule.userErrors.map((error) => [error.code, error.field]), JSON.stringify(input)).toEqual([[code, field]]);
    }
    const timerCases: Array<[Record<string, unknown>, string]> = [
      [{ status: "PENDING_REVIEW", minutes: 60 * 24 * 61, action: "APPROVE" }, "TIMER_OUT_OF_RANGE"],
      [{ status: "PENDING_REVIEW", minutes: -5, action: "APPROVE" }, "TIMER_OUT_OF_RANGE"],
      [{ status: "PENDING_REVIEW", minutes: 60, action: "FINANCE_APPROVE" }, "ACTION_NOT_ALLOWED_FROM_TRIGGER"],
    ];
    for (const [input, code] of timerCases) {
      const result = await admin.request<{ setAutomationTimer: { timer: unknown; userErrors: UserErrors } }>(SET_TIMER, { input });
      expect(result.setAutomationTimer.timer).toBeNull();
      expect(result.setAutomationTimer.userErrors.map((error) => error.code)).toEqual([code]);
    }
    // Only SHOP_ADMIN manages rules.
    const agent = await shop.staff.AGENT.request<{ createAutomationRule: { userErrors: UserErrors } }>(CREATE_RULE, { input: { ...base, name: "agent's" } });
    expect(agent.createAutomationRule.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);

    expect(await server.app.db.prisma.automationRule.count({ where: { shopId: shopRow() } })).toBe(rulesBefore);
    expect(await server.app.db.prisma.automationTimer.count({ where: { shopId: shopRow() } })).toBe(0);
    expect(await server.app.db.prisma.automationChange.count({ where: { shopId: shopRow() } })).toBe(auditBefore);
  });

  it("applies a timer once when nobody reviews in time, and never after a person acted first", async () => {
    const set = await shop.staff.SHOP_ADMIN.request<{ setAutomationTimer: { timer: unknown; userErrors: UserErrors } }>(SET_TIMER, {
      input: { status: "PENDING_REVIEW", minutes: 20, action: "APPROVE", name: "No review within 20 min: approve" },
    });
    expect(set.setAutomationTimer.userErrors).toEqual([]);
    try {
      const waiting = await request("SHIPPED", 15900);
      const acted = await request("SHIPPED", 15900);
      const { refund: withTimer } = await shop.staff.AGENT.request<{ refund: { nextTimeout: { action: string; dueAt: string; name: string } | null } }>(
        `query ($id: ID!) { refund(id: $id) { nextTimeout { action dueAt name } } }`,
        { id: waiting.refund.id },
      );
      expect(withTimer.nextTimeout).toMatchObject({ action: "APPROVE", name: "No review within 20 min: approve" });
      const rejected = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: acted.refund.id, action: "REJECT", note: "photos show no damage" } });
      expect(rejected.transitionRefund.userErrors).toEqual([]);

      // 20 timer minutes of 150 ms: 3 s.
      await waitForStatus(shop.staff.AGENT, waiting.refund.id, "AWAITING_WAREHOUSE");
      await new Promise((resolve) => setTimeout(resolve, 600)); // several more sweeps
      const moved = await history(waiting.refund.id);
      expect(moved.transitions.filter((t) => t.action === "APPROVE")).toHaveLength(1);
      expect((await namesOf(waiting.refund.id)).at(-1)).toMatchObject({ action: "APPROVE", actor: { kind: "RULE", name: "No review within 20 min: approve" } });
      const left = await history(acted.refund.id);
      expect(left.status).toBe("REJECTED");
      expect(left.transitions.map((t) => t.action)).toEqual(["REQUEST", "CLASSIFY", "REJECT"]);
    } finally {
      await shop.staff.SHOP_ADMIN.request(SET_TIMER, { input: { status: "PENDING_REVIEW", minutes: 0 } });
    }
  });
  it("tags and notifies by rule in the request's own unit of work, and tests hours since delivery", async () => {
    const admin = shop.staff.SHOP_ADMIN;
    const tag = { name: "Large: fraud check", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", priority: 10, stopAfterMatch: false, conditions: [{ field: "amount", operator: "GTE", value: 10000 }], action: { kind: "TAG", label: " Fraud-Check " } };
    const notify = {
      name: "Delivered lately: tell agents",
      trigger: "ENTERS_STATUS",
      status: "PENDING_REVIEW",
      priority: 20,
      stopAfterMatch: false,
      conditions: [{ field: "hoursSinceDelivery", operator: "LT", value: 72 }],
      action: { kind: "NOTIFY", recipientRole: "AGENT", message: "{{rule}}: {{refundId}} is {{status}}" },
    };
    await withRule(admin, tag, (tagRule) =>
      withRule(admin, notify, async (notifyRule) => {
        expect(tagRule.action).toMatchObject({ kind: "TAG" });
        expect(notifyRule.action).toMatchObject({ kind: "NOTIFY" });
        const delivered = await request("DELIVERED", 15900);
        const shipped = await request("SHIPPED", 15900);
        expect(delivered.refund.status).toBe("PENDING_REVIEW");

        const LABELS = `query ($id: ID!) { refund(id: $id) { labels version } }`;
        const staffView = await shop.staff.AGENT.request<{ refund: { labels: string[]; version: number } }>(LABELS, { id: delivered.refund.id });
        expect(staffView.refund).toEqual({ labels: ["fraud-check"], version: 2 });
        // Labels are the shop's: the customer sees none and cannot filter by them.
        expect((await delivered.customer.client.request<{ refund: { labels: string[] } }>(LABELS, { id: delivered.refund.id })).refund.labels).toEqual([]);
        await expect(delivered.customer.client.request(`query { refunds(filter: { labels: ["fraud-check"] }) { edges { node { id } } } }`)).rejects.toThrow(/FORBIDDEN|staff/);
        const listed = await shop.staff.AGENT.request<{ refunds: { edges: Array<{ node: { id: string } }> } }>(
          `query { refunds(first: 50, filter: { labels: ["FRAUD-CHECK"] }) { edges { node { id } } } }`,
        );
        expect(listed.refunds.edges.map((edge) => edge.node.id).sort()).toEqual([delivered.refund.id, shipped.refund.id].sort());

        // Only the delivered order's refund told the agents: a shipped order's delivery time is unknown.
        const INBOX = `query { staffNotifications(first: 10) { edges { node { ruleName message role member refund { id } } } } }`;
        type Inbox = { staffNotifications: { edges: Array<{ node: { ruleName: string; message: string; role: string | null; member: string | null; refund: { id: string } } }> } };
        const agentInbox = (await shop.staff.AGENT.request<Inbox>(INBOX)).staffNotifications.edges.map((edge) => edge.node);
        expect(agentInbox).toEqual([
          { ruleName: notify.name, message: `${notify.name}: ${delivered.refund.id} is PENDING_REVIEW`, role: "AGENT", member: null, refund: { id: delivered.refund.id } },
        ]);
        expect((await admin.request<Inbox>(INBOX)).staffNotifications.edges).toHaveLength(1);
        expect((await shop.staff.WAREHOUSE.request<Inbox>(INBOX)).staffNotifications.edges).toEqual([]);
        await expect(delivered.customer.client.request(INBOX)).rejects.toThrow(/FORBIDDEN|roles/);

        const runs = await server.app.db.prisma.automationRun.findMany({ where: { refundId: { in: [delivered.refund.id, shipped.refund.id].map((id) => decodeGlobalID(id).id) } }, orderBy: { name: "asc" } });
        expect(runs.map((run) => [run.refundId === decodeGlobalID(delivered.refund.id).id ? "delivered" : "shipped", run.name, run.outcome, run.reason])).toEqual([
          ["delivered", notify.name, "APPLIED", "notified every AGENT"],
          ["delivered", tag.name, "APPLIED", 'labelled "fraud-check"'],
          ["shipped", tag.name, "APPLIED", 'labelled "fraud-check"'],
        ].sort((a, b) => a[1]!.localeCompare(b[1]!) || a[0]!.localeCompare(b[0]!)));

        // The dry run says what each would do, and why the shipped one would not notify.
        const dry = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, { input: { refundId: shipped.refund.id } });
        expect(dry.simulateAutomationRules.wouldDo).toEqual(['Large: fraud check: TAG with label "fraud-check"']);
        expect(dry.simulateAutomationRules.rules[1].conditions[0].description).toBe("hoursSinceDelivery unknown < 72 ✗");
        const wet = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, { input: { refundId: delivered.refund.id } });
        expect(wet.simulateAutomationRules.wouldDo).toEqual(['Large: fraud check: TAG with label "fraud-check"', `${notify.name}: NOTIFY every AGENT: ${notify.action.message}`]);
      }),
    );
  });

  it("lets staff add and remove labels, refusing bad ones with nothing saved", async () => {
    const { refund, customer } = await request("SHIPPED", 12900);
    const ADD = `mutation ($input: RefundLabelsInput!) { addRefundLabels(input: $input) { refund { labels version } userErrors { code field } } }`;
    const REMOVE = `mutation ($input: RefundLabelsInput!) { removeRefundLabels(input: $input) { refund { labels } userErrors { code field } } }`;
    type Added = { addRefundLabels: { refund: { labels: string[]; version: number } | null; userErrors: UserErrors } };
    const added = await shop.staff.AGENT.request<Added>(ADD, { input: { refundId: refund.id, labels: ["VIP", "vip", "待复核"] } });
    expect(added.addRefundLabels).toEqual({ refund: { labels: ["vip", "待复核"], version: refund.version }, userErrors: [] });
    const removed = await shop.staff.FINANCE.request<{ removeRefundLabels: { refund: { labels: string[] } } }>(REMOVE, { input: { refundId: refund.id, labels: ["VIP", "absent"] } });
    expect(removed.removeRefundLabels.refund.labels).toEqual(["待复核"]);

    const bad: Array<[unknown, string, string[]]> = [
      [{ refundId: refund.id, labels: [] }, "INVALID_LABEL", ["input", "labels"]],
      [{ refundId: refund.id, labels: ["ok", "-leading"] }, "INVALID_LABEL", ["input", "labels", "1"]],
      [{ refundId: refund.id, labels: ["x".repeat(41)] }, "INVALID_LABEL", ["input", "labels", "0"]],
      [{ refundId: refund.id, labels: Array.from({ length: 21 }, (_, index) => `l${index}`) }, "INVALID_LABEL", ["input", "labels"]],
      [{ refundId: refund.id, labels: Array.from({ length: 20 }, (_, index) => `l${index}`) }, "TOO_MANY_LABELS", ["input", "labels"]],
    ];
    for (const [input, code, field] of bad) {
      const result = await shop.staff.AGENT.request<Added>(ADD, { input });
      expect(result.addRefundLabels.refund, JSON.stringify(input)).toBeNull();
      expect(result.addRefundLabels.userErrors.map((error) => [error.code, error.field]), JSON.stringify(input)).toEqual([[code, field]]);
    }
    // A customer may not label its own refund.
    const forbidden = await customer.client.request<Added>(ADD, { input: { refundId: refund.id, labels: ["mine"] } });
    expect(forbidden.addRefundLabels.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);
    const row = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: decodeGlobalID(refund.id).id } });
    expect(row.labels).toEqual(["待复核"]);
  });

  it("cancels a return the customer never shipped by a CANCEL timer, and leaves a shipped one alone", async () => {
    const set = await shop.staff.SHOP_ADMIN.request<{ setAutomationTimer: { timer: unknown; userErrors: UserErrors } }>(SET_TIMER, {
      input: { status: "AWAITING_RETURN", minutes: 20, action: "CANCEL", name: "No return shipment within 20 min: cancel" },
    });
    expect(set.setAutomationTimer.userErrors).toEqual([]);
    try {
      const silent = await request("SHIPPED", 15900, "RETURN_AND_REFUND");
      const shipping = await request("SHIPPED", 15900, "RETURN_AND_REFUND");
      for (const { refund } of [silent, shipping]) {
        const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: refund.id, action: "APPROVE" } });
        expect(approved.transitionRefund.refund!.status).toBe("AWAITING_RETURN");
      }
      // Staff still may not cancel for the customer.
      expect((await shop.staff.SHOP_ADMIN.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: silent.refund.id, action: "CANCEL" } })).transitionRefund.userErrors.map((e) => e.code)).toEqual(["ACTION_NOT_PERMITTED"]);
      const shipped = await shipping.customer.client.request<TransitionRefundResult>(TRANSITION_REFUND, {
        input: { refundId: shipping.refund.id, action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF Express", trackingNumber: "SF100" },
      });
      expect(shipped.transitionRefund.refund!.status).toBe("RETURN_IN_TRANSIT");

      // 20 timer minutes of 150 ms: 3 s.
      await waitForStatus(shop.staff.AGENT, silent.refund.id, "CANCELLED");
      await new Promise((resolve) => setTimeout(resolve, 600)); // several more sweeps
      const transitions = await namesOf(silent.refund.id);
      expect(transitions.filter((t) => t.action === "CANCEL")).toHaveLength(1);
      expect(transitions.at(-1)).toMatchObject({ action: "CANCEL", actor: { kind: "RULE", name: "No return shipment within 20 min: cancel" } });
      const left = await history(shipping.refund.id);
      expect(left.status).toBe("RETURN_IN_TRANSIT");
      expect(left.transitions.map((t) => t.action)).toEqual(["REQUEST", "CLASSIFY", "APPROVE", "SUBMIT_RETURN_SHIPMENT"]);
    } finally {
      await shop.staff.SHOP_ADMIN.request(SET_TIMER, { input: { status: "AWAITING_RETURN", minutes: 0 } });
    }
  });
  it("notifies one member's inbox, and counts hours since delivery from the order's deliveredAt", async () => {
    const admin = shop.staff.SHOP_ADMIN;
    const created = await admin.request<{ createStaffMember: { staffMember: { id: string } } }>(
      `mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { staffMember { id } } }`,
      { input: { name: "Ming", role: "FINANCE" } },
    );
    const memberId = created.createStaffMember.staffMember.id;
    const token = await admin.request<{ createApiToken: { token: string } }>(
      `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`,
      { input: { role: "FINANCE", staffMemberId: memberId, label: "ming" } },
    );
    const ming = server.client(token.createApiToken.token);
    const INBOX = `query { staffNotifications(first: 10) { edges { node { message member role } } } }`;
    type Inbox = { staffNotifications: { edges: Array<{ node: { message: string; member: string | null; role: string | null } }> } };
    await withRule(
      admin,
      { name: "Late return: tell Ming", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", stopAfterMatch: false, conditions: [{ field: "hoursSinceDelivery", operator: "GTE", value: 48 }], action: { kind: "NOTIFY", memberId, message: "{{refundId}} came late" } },
      async () => {
        customers += 1;
        const externalId = `c-auto-${customers}`;
        const customer = await shop.customer(externalId);
        const paidAt = new Date(Date.now() - 10 * 24 * 3_600_000);
        const UPSERT = `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id deliveredAt } userErrors { code field } } }`;
        const order = (deliveredAt: Date | null, shippingStatus = "DELIVERED") => ({
          externalId: `late-${customers}`,
          customerExternalId: externalId,
          items: [{ sku: "S", name: "鞋", quantity: 1, unitPrice: 9900 }],
          paidAmount: 9900,
          paidAt: paidAt.toISOString(),
          shippingStatus,
          ...(deliveredAt && { deliveredAt: deliveredAt.toISOString() }),
        });
        type Upserted = { upsertOrder: { order: { id: string; deliveredAt: string | null } | null; userErrors: UserErrors } };
        // A delivery time needs a delivered order, after its payment.
        for (const input of [order(new Date(), "SHIPPED"), order(new Date(paidAt.getTime() - 1_000))]) {
          const refused = await shop.staff.INTEGRATION.request<Upserted>(UPSERT, { input });
          expect(refused.upsertOrder.userErrors.map((error) => [error.code, error.field])).toEqual([["INVALID_INPUT", ["input", "deliveredAt"]]]);
        }
        const deliveredAt = new Date(Date.now() - 72 * 3_600_000);
        const upserted = await shop.staff.INTEGRATION.request<Upserted>(UPSERT, { input: order(deliveredAt) });
        expect(upserted.upsertOrder.order!.deliveredAt).toBe(deliveredAt.toISOString());
        // Sent again as DELIVERED with no time, it keeps the first.
        const again = await shop.staff.INTEGRATION.request<Upserted>(UPSERT, { input: order(null) });
        expect(again.upsertOrder.order!.deliveredAt).toBe(deliveredAt.toISOString());

        const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: upserted.upsertOrder.order!.id, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND" } });
        const refundId = requested.requestRefund.refund!.id;
        expect((await ming.request<Inbox>(INBOX)).staffNotifications.edges.map((edge) => edge.node)).toEqual([{ message: `${refundId} came late`, member: memberId, role: null }]);
        // Another FINANCE token, not Ming's, does not see Ming's inbox.
        expect((await shop.staff.FINANCE.request<Inbox>(INBOX)).staffNotifications.edges).toEqual([]);
        const dry = await shop.staff.AGENT.request<{ simulateAutomationRules: any }>(SIMULATE, { input: { refundId } });
        expect(dry.simulateAutomationRules.rules[0].conditions[0]).toMatchObject({ field: "hoursSinceDelivery", actual: 72, met: true });
        // A label filter is checked like a label.
        await expect(shop.staff.AGENT.request(`query { refunds(filter: { labels: ["no/slash"] }) { edges { node { id } } } }`)).rejects.toThrow(/INVALID_LABEL|label/);
      },
    );
  });
});
