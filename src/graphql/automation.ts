import { filter as keepEvents, pipe } from "@graphql-yoga/subscription";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { MESSAGE_VARIABLES, NOTIFY_ROLES, RISK_LEVELS, RULE_FIELDS, RULE_OPERATORS, describeCondition } from "../domain/automation-rules.js";
import { TIMER_MAX_MINUTES, TIMER_MIN_MINUTES } from "../domain/timers.js";
import type { StaffNotificationEvent } from "../realtime/refund-events.js";
import { untilShutdown } from "../realtime/shutdown.js";
import {
  type RuleInput,
  automationReport,
  createAutomationRule,
  deleteAutomationRule,
  listAutomationRules,
  listAutomationTimers,
  setAutomationTimer,
  simulateAutomationRules,
  readsInboxMessage,
  staffInboxWhere,
  updateAutomationRule,
} from "../services/automation-admin.js";
import { ruleFromRow } from "../services/shop-policies.js";
import { deadTimersQuery, retryDeadTimer } from "../services/timer-dead-letters.js";
import { STAFF_ROLES } from "../services/viewer.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { OrderShippingStatusEnum, RefundActionEnum, RefundStatusEnum, RefundTypeEnum } from "./enums.js";
import { RefundRef } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

// Automation: the shop's rules and timers (SHOP_ADMIN), their dry run, and what they achieved.

const AutomationTriggerEnum = builder.enumType("AutomationTrigger", {
  description: "When a rule runs.",
  values: {
    REQUESTED: { description: "On a new request, before it is classified: the rule may approve it at once or hold it for review." },
    ENTERS_STATUS: { description: "When a refund enters the rule's `status`." },
  } as const,
});
const AutomationMatchEnum = builder.enumType("AutomationMatch", {
  description: "How a rule's conditions combine.",
  values: { ALL: { description: "Every condition must hold." }, ANY: { description: "At least one condition must hold." } } as const,
});
const AutomationOperatorEnum = builder.enumType("AutomationOperator", {
  description: "How a condition compares a refund fact with its value; a fact that is unknown never holds.",
  values: {
    EQ: { description: "Equal to the value." },
    NEQ: { description: "Not equal to the value." },
    LT: { description: "Less than the value (numbers)." },
    LTE: { description: "At most the value (numbers)." },
    GT: { description: "Greater than the value (numbers)." },
    GTE: { description: "At least the value (numbers)." },
    IN: { description: "One of the values of a list." },
  } satisfies Record<(typeof RULE_OPERATORS)[number], { description: string }>,
});
const AutomationActionKindEnum = builder.enumType("AutomationActionKind", {
  description: "What kind of thing a rule does when it matches.",
  values: {
    TRANSITION: { description: "Take `refundAction` in the rule's name." },
    HOLD: { description: "REQUESTED only: no refund at once, the request goes to review." },
    ASSIGN: { description: "Put the refund in a staff member's queue." },
    TAG: { description: "Put `label` on the refund (`Refund.labels`)." },
    NOTIFY: {
      description: "Leave `message` in a staff inbox (`staffNotifications`): the member's (`memberId`) or every member's of `recipientRole`, committed with the transition that triggered the rule.",
    },
  } as const,
});
const NotifyRoleEnum = builder.enumType("AutomationNotifyRole", {
  description: "A staff role whose every active member a NOTIFY rule writes to.",
  values: {
    SHOP_ADMIN: { description: "The shop's admins." },
    AGENT: { description: "Customer service." },
    WAREHOUSE: { description: "The warehouse." },
    FINANCE: { description: "Finance." },
  } satisfies Record<(typeof NOTIFY_ROLES)[number], { description: string }>,
});
const RiskLevelEnum = builder.enumType("AutomationRiskLevel", {
  description: "A customer's refund risk, as rules compare it (the crm-risk plugin sets it).",
  values: {
    LOW: { description: "Low refund risk; also a customer with no level recorded." },
    MEDIUM: { description: "Medium refund risk." },
    HIGH: { description: "High refund risk, as the shop's CRM marks it." },
  } satisfies Record<(typeof RISK_LEVELS)[number], { description: string }>,
});

const ConditionRef = builder.simpleObject("AutomationCondition", {
  description: "One condition of an automation rule: `field` compared by `operator` with `value`.",
  fields: (t) => ({
    field: t.string({ description: "The refund fact compared, e.g. amount, shippingStatus, customerTier (see `AutomationConditionInput.field`)." }),
    operator: t.field({ type: AutomationOperatorEnum, description: "How the fact is compared with `value`." }),
    value: t.field({ type: "JSON", description: "What the fact is compared with: a number (amounts in minor units), a string, or for IN a list." }),
  }),
});

const ActionRef = builder.simpleObject("AutomationAction", {
  description: "What an automation rule does when it matches.",
  fields: (t) => ({
    kind: t.field({ type: AutomationActionKindEnum, description: "The kind of action." }),
    refundAction: t.field({ type: RefundActionEnum, nullable: true, description: "TRANSITION: the refund action taken; null for other kinds." }),
    memberId: t.id({ nullable: true, description: "The StaffMember of an ASSIGN, or of a NOTIFY to one member." }),
    label: t.string({ nullable: true, description: "TAG: the label put on the refund." }),
    recipientRole: t.field({ type: NotifyRoleEnum, nullable: true, description: "NOTIFY: the role whose inbox gets the message." }),
    message: t.string({ nullable: true, description: "NOTIFY: the message, with its variables as written." }),
  }),
});

export const AutomationRuleRef = builder.prismaNode("AutomationRule", {
  description: "A shop's automation rule: when a refund is requested (or enters a status) and the conditions match, the platform acts in the rule's name, e.g. “amount < 5000 and NOT_SHIPPED → APPROVE”. Shop staff read them; SHOP_ADMIN changes them.",
  id: { field: "id" },
  nullable: true,
  // As `automationRules`: the shop's staff (a platform admin: every shop's), nobody else.
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    if (viewer.role === "PLATFORM_ADMIN") return { id };
    return STAFF_ROLES.has(viewer.role) ? { id, shopId: viewer.shopId! } : { id, AND: [{ id: { in: [] } }] };
  },
  fields: (t) => ({
    name: t.exposeString("name", { description: "The rule's name, unique in the shop: the actor's name of the transitions it makes." }),
    trigger: t.expose("trigger", { type: AutomationTriggerEnum, description: "When the rule runs: on a new request, or when a refund enters `status`." }),
    status: t.expose("status", { type: RefundStatusEnum, nullable: true, description: "The status entered (ENTERS_STATUS)." }),
    match: t.field({ type: AutomationMatchEnum, resolve: (rule) => rule.match as "ALL" | "ANY", description: "ALL: every condition must hold; ANY: one is enough." }),
    conditions: t.field({ type: [ConditionRef], resolve: (rule) => ruleFromRow(rule).conditions, description: "The conditions, in order; none: always matches." }),
    action: t.field({
      description: "What the rule does when it matches.",
      type: ActionRef,
      resolve: (rule) => {
        const action = ruleFromRow(rule).action;
        const memberId = action.kind === "ASSIGN" || action.kind === "NOTIFY" ? action.memberId : null;
        return {
          kind: action.kind,
          refundAction: action.kind === "TRANSITION" ? action.refundAction : null,
          memberId: memberId ? encodeGlobalID("StaffMember", memberId) : null,
          label: action.kind === "TAG" ? action.label : null,
          recipientRole: action.kind === "NOTIFY" ? action.role : null,
          message: action.kind === "NOTIFY" ? action.message : null,
        };
      },
    }),
    priority: t.exposeInt("priority", { description: "Lower runs first." }),
    enabled: t.exposeBoolean("enabled", { description: "false: the rule is kept but does not run." }),
    stopAfterMatch: t.exposeBoolean("stopAfterMatch", { description: "true: when it matches, rules after it (by priority) do not run for that event." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the rule was created (ISO 8601, UTC)." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the rule was last changed (ISO 8601, UTC)." }),
  }),
});

const AutomationTimerRef = builder.prismaObject("AutomationTimer", {
  description: "A refund left in `status` for `minutes` gets `action`, in the timer's name.",
  fields: (t) => ({
    status: t.expose("status", { type: RefundStatusEnum, description: "The status a refund waits in." }),
    minutes: t.exposeInt("minutes", { description: "How long a refund may wait in `status` before the timer acts, in minutes." }),
    action: t.field({ type: RefundActionEnum, resolve: (timer) => timer.action as never, description: "The action the timer takes (e.g. CANCEL after the customer stayed silent)." }),
    name: t.exposeString("name", { description: "The timer's name: the actor's name of the transition it makes." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the timer was last set (ISO 8601, UTC)." }),
  }),
});

builder.prismaObjectField("Refund", "nextTimeout", (t) =>
  t.field({
    type: builder.simpleObject("RefundTimeout", {
      description: "What the shop's timer will do to a refund that waits, and when.",
      fields: (p) => ({
        action: p.field({ type: RefundActionEnum, description: "The action the timer will take." }),
        dueAt: p.field({ type: "DateTime", description: "When it falls due (ISO 8601, UTC), unless the refund moves first." }),
        name: p.string({ description: "The timer's name: the actor of the transition it makes." }),
      }),
    }),
    nullable: true,
    description: "What the shop's timer does if nothing happens first, and when.",
    select: { nextTimeoutAt: true, nextTimeoutAction: true, nextTimeoutName: true },
    resolve: (refund) =>
      refund.nextTimeoutAt && refund.nextTimeoutAction
        ? { action: refund.nextTimeoutAction as never, dueAt: refund.nextTimeoutAt, name: refund.nextTimeoutName ?? "" }
        : null,
  }),
);

const ConditionInput = builder.inputType("AutomationConditionInput", {
  description: "One condition of a rule: a refund fact compared with a value.",
  fields: (t) => ({
    field: t.string({ required: true, description: `One of ${Object.keys(RULE_FIELDS).join(", ")}.` }),
    operator: t.field({ type: AutomationOperatorEnum, required: true, description: "How the fact is compared with `value`; not every operator applies to every field (OPERATOR_NOT_FOR_FIELD)." }),
    value: t.field({ type: "JSON", required: true, description: "A number, a string, or (IN) a list of them." }),
  }),
});

const ActionInput = builder.inputType("AutomationActionInput", {
  description: "What a rule does when it matches.",
  fields: (t) => ({
    kind: t.field({ type: AutomationActionKindEnum, required: true, description: "The kind of action; each other field says which kind takes it." }),
    refundAction: t.field({ type: RefundActionEnum, description: "TRANSITION: the refund action to take; it must be possible from the trigger's status (ACTION_NOT_ALLOWED_FROM_TRIGGER)." }),
    memberId: t.id({ description: "ASSIGN: the member whose queue; NOTIFY: the member whose inbox (or recipientRole)." }),
    label: t.string({ description: "TAG: a label (src/domain/labels.ts rules: letters, digits, space, - _ : . ; up to 40)." }),
    recipientRole: t.field({ type: NotifyRoleEnum, description: "NOTIFY: every member of this role (or memberId)." }),
    message: t.string({ description: `NOTIFY: up to 500 characters; may use ${MESSAGE_VARIABLES.map((name) => `{{${name}}}`).join(", ")}.` }),
  }),
});

const ruleFields = (t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<never>, "InputObject">) => ({
  name: t.string({ description: "The rule's name, unique in the shop (DUPLICATE_RULE_NAME)." }),
  trigger: t.field({ type: AutomationTriggerEnum, description: "When the rule runs: REQUESTED (a new request) or ENTERS_STATUS (with `status`)." }),
  status: t.field({ type: RefundStatusEnum, description: "ENTERS_STATUS: the status entered." }),
  match: t.field({ type: AutomationMatchEnum, description: "ALL (default): every condition must hold; ANY: one is enough." }),
  conditions: t.field({ type: [ConditionInput], description: "The conditions; none: always matches." }),
  action: t.field({ type: ActionInput, description: "What the rule does." }),
  priority: t.int({ description: "Lower runs first." }),
  enabled: t.boolean({ description: "false keeps the rule without running it." }),
  stopAfterMatch: t.boolean({ description: "true: when it matches, later rules do not run for that event." }),
});

const CreateAutomationRuleInput = builder.inputType("CreateAutomationRuleInput", {
  description: "A new automation rule; `name`, `trigger` and `action` are required.",
  fields: (t) => ({ shopId: t.id({ description: "The shop: a platform admin names it; shop admins act on their own." }), ...ruleFields(t as never) }),
});
const UpdateAutomationRuleInput = builder.inputType("UpdateAutomationRuleInput", {
  description: "Changes to an automation rule; a field left out stays as it is.",
  fields: (t) => ({ ruleId: t.id({ required: true, description: "The rule's global id (`AutomationRule.id`)." }), ...ruleFields(t as never) }),
});

type RuleInputValue = {
  name?: string | null;
  trigger?: "REQUESTED" | "ENTERS_STATUS" | null;
  status?: string | null;
  match?: "ALL" | "ANY" | null;
  conditions?: Array<{ field: string; operator: string; value: unknown }> | null;
  action?: { kind: string; refundAction?: string | null; memberId?: string | null; label?: string | null; recipientRole?: string | null; message?: string | null } | null;
  priority?: number | null;
  enabled?: boolean | null;
  stopAfterMatch?: boolean | null;
};

function ruleInput(input: RuleInputValue): RuleInput {
  const { action, ...rest } = input as RuleInputValue & object;
  return {
    ...rest,
    ...(action && {
      action: {
        kind: action.kind,
        refundAction: action.refundAction,
        memberId: action.memberId ? parseGlobalId(action.memberId, "StaffMember", ["input", "action", "memberId"]) : null,
        label: action.label,
        role: action.recipientRole,
        message: action.message,
      },
    }),
  } as RuleInput;
}

const RulePayload = builder.simpleObject("AutomationRulePayload", {
  fields: (t) => ({
    rule: t.field({ type: AutomationRuleRef, nullable: true, description: "The rule as stored now; null when `userErrors` is not empty." }),
    userErrors: t.field({ type: [UserErrorRef] }),
  }),
});

builder.mutationFields((t) => ({
  createAutomationRule: t.field({
    type: RulePayload,
    description: "Adds a rule (SHOP_ADMIN); audited. Defaults: match ALL, no conditions, priority 100, enabled, stopAfterMatch.",
    args: { input: t.arg({ type: CreateAutomationRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        rule: await createAutomationRule(ctx.db, ctx.services.shopConfig, viewer, { ...ruleInput(input as RuleInputValue), shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
  updateAutomationRule: t.field({
    type: RulePayload,
    description: "Changes the fields given (SHOP_ADMIN), e.g. `enabled: false` to switch a rule off; audited.",
    args: { input: t.arg({ type: UpdateAutomationRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        const { ruleId, ...rest } = input;
        return { rule: await updateAutomationRule(ctx.db, ctx.services.shopConfig, viewer, parseGlobalId(ruleId, "AutomationRule", ["input", "ruleId"]), ruleInput(rest as RuleInputValue)) };
      }),
  }),
  deleteAutomationRule: t.field({
    type: RulePayload,
    description: "Deletes a rule (SHOP_ADMIN); audited. Answers the rule as it was.",
    args: { input: t.arg({ type: builder.inputType("DeleteAutomationRuleInput", { description: "The rule to delete.", fields: (f) => ({ ruleId: f.id({ required: true, description: "The rule's global id (`AutomationRule.id`)." }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        rule: await deleteAutomationRule(ctx.db, ctx.services.shopConfig, viewer, parseGlobalId(input.ruleId, "AutomationRule", ["input", "ruleId"])),
      })),
  }),
  setAutomationTimer: t.field({
    type: builder.simpleObject("SetAutomationTimerPayload", {
      fields: (p) => ({
        timer: p.field({ type: AutomationTimerRef, nullable: true, description: "null when the timer was removed." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description: `Sets the shop's timer for one status (SHOP_ADMIN; ${TIMER_MIN_MINUTES} minute to ${TIMER_MAX_MINUTES} minutes = 60 days; null or 0 removes it); audited. Applies to refunds entering the status from now on.`,
    args: {
      input: t.arg({
        type: builder.inputType("SetAutomationTimerInput", {
          description: "The shop's timer for one status: set it, or remove it (minutes null or 0).",
          fields: (f) => ({
            shopId: f.id({ description: "The shop: a platform admin names it; shop admins act on their own." }),
            status: f.field({ type: RefundStatusEnum, required: true, description: "The status a refund waits in." }),
            minutes: f.int({ description: "Minutes before the timer acts; null or 0 removes the timer of `status`." }),
            action: f.field({ type: RefundActionEnum, description: "The action to take; required with `minutes`." }),
            name: f.string({ description: "The actor name of its transitions; a default says what it does." }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({ timer: await setAutomationTimer(ctx.db, ctx.services.shopConfig, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }) })),
  }),
}));

const ConditionResultRef = builder.simpleObject("AutomationConditionResult", {
  description: "How one condition of a rule fared in a simulation.",
  fields: (t) => ({
    field: t.string({ description: "The refund fact compared." }),
    operator: t.field({ type: AutomationOperatorEnum, description: "The comparison." }),
    expected: t.field({ type: "JSON", description: "The value the rule compares with." }),
    actual: t.field({ type: "JSON", nullable: true, description: "null: the fact is unknown (no condition on it is met)." }),
    met: t.boolean({ description: "true when the condition held; false also when the fact was unknown." }),
    description: t.string({ description: "e.g. `amount 3000 < 5000 ✓`." }),
  }),
});

const RuleVerdictRef = builder.simpleObject("AutomationRuleVerdict", {
  description: "How one rule fared in a simulation.",
  fields: (t) => ({
    rule: t.field({ type: AutomationRuleRef, description: "The rule." }),
    matched: t.boolean({ description: "true when the rule matched." }),
    notEvaluated: t.string({ nullable: true, description: "Why the rule did not run at all (an earlier rule stopped the run)." }),
    conditions: t.field({ type: [ConditionResultRef], description: "Each condition and whether it held." }),
    wouldDo: t.string({ nullable: true, description: "What the rule would do, for people (e.g. “APPROVE”); null when it did not match." }),
  }),
});

const SimulateInput = builder.inputType("SimulateAutomationRulesInput", {
  description: "The refund to run the rules over: `refundId`, or a hypothetical `refund`.",
  fields: (t) => ({
    shopId: t.id({ description: "For platform admins with a hypothetical refund." }),
    refundId: t.id({ description: "An existing refund: the rules of the status it is in, over its facts." }),
    refund: t.field({
      description: "Instead of refundId: a hypothetical refund entering `status` (default REQUESTED); facts left out are unknown.",
      type: builder.inputType("HypotheticalRefundInput", {
        description: "The facts of a refund that does not exist; a fact left out is unknown (a condition on it does not hold).",
        fields: (f) => ({
          status: f.field({ type: RefundStatusEnum, description: "The status the refund enters (default REQUESTED): whose rules run." }),
          amount: f.int({ description: "The requested amount in minor units." }),
          refundType: f.field({ type: RefundTypeEnum, description: "The refund's type." }),
          shippingStatus: f.field({ type: OrderShippingStatusEnum, description: "The order's shipping status." }),
          reasonCode: f.string({ description: "The reason tag's code." }),
          parentReasonCode: f.string({ description: "The code of the reason's parent tag, for a sub-reason." }),
          customerTier: f.string({ description: "The customer's tier (e.g. VIP)." }),
          riskLevel: f.field({ type: RiskLevelEnum, description: "The customer's refund risk level." }),
          hoursSincePayment: f.int({ description: "Hours since the order was paid." }),
          hoursSinceDelivery: f.int({ description: "Leave out for an order not delivered (unknown)." }),
          refundsLast30Days: f.int({ description: "How many refunds the customer asked for in the last 30 days." }),
        }),
      }),
    }),
  }),
});

builder.queryFields((t) => ({
  automationRules: t.field({
    type: [AutomationRuleRef],
    description: "The shop's automation rules in the order they run (staff only).",
    args: { shopId: t.arg.id({ description: "For platform admins: whose rules." }) },
    resolve: (_root, { shopId }, ctx) => listAutomationRules(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null),
  }),
  automationTimers: t.field({
    type: [AutomationTimerRef],
    description: "The shop's timers by status (staff only): at most one per RefundStatus, so a bounded list.",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (_root, { shopId }, ctx) => listAutomationTimers(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null),
  }),
  simulateAutomationRules: t.field({
    type: builder.simpleObject("AutomationSimulation", {
      description: "What the shop's rules would do to a refund, rule by rule.",
      fields: (p) => ({
        status: p.field({ type: RefundStatusEnum, nullable: true, description: "The status whose rules ran." }),
        matchedRule: p.field({ type: AutomationRuleRef, nullable: true, description: "The rule that would act (the one moving the refund, if any)." }),
        wouldDo: p.stringList({ nullable: true, description: "Every action that would apply, in order." }),
        rules: p.field({ type: [RuleVerdictRef], nullable: true, description: "Every enabled rule of the status, in the order they run, and why it would or would not act." }),
        userErrors: p.field({ type: [UserErrorRef], description: "Why the simulation could not run (an unknown refund or reason code, a bad fact); empty otherwise." }),
      }),
    }),
    description: "A dry run of the shop's rules on a refund or a hypothetical one (staff). Writes nothing.",
    args: { input: t.arg({ type: SimulateInput, required: true, description: "The refund to simulate: an existing one, or hypothetical facts." }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        const { refund, ...rest } = input;
        const simulation = await simulateAutomationRules(
          ctx.db,
          viewer,
          {
            shopId: parseShopIdInput(rest.shopId),
            refundId: rest.refundId ? parseGlobalId(rest.refundId, "Refund", ["input", "refundId"]) : null,
            refund: (refund ?? null) as never,
          },
          ctx.services.clock(),
        );
        return {
          status: simulation.status,
          matchedRule: simulation.matchedRule,
          wouldDo: simulation.wouldDo,
          rules: simulation.rules.map((verdict) => ({
            rule: verdict.row,
            matched: verdict.matched,
            notEvaluated: verdict.notEvaluated ?? null,
            conditions: verdict.conditions.map((condition) => ({ ...condition, description: describeCondition(condition) })),
            wouldDo: verdict.wouldDo,
          })),
        };
      }),
  }),
  automationReport: t.field({
    type: builder.simpleObject("AutomationReport", {
      description: "How much of the refund work ended with no human touch over a period.",
      fields: (p) => ({
        resolved: p.int({ description: "Refunds resolved (REFUNDED, REJECTED, CANCELLED) in [from, to)." }),
        withoutStaff: p.int({ description: "Of those, the ones no staff member acted on (platform, rules, timers, plugins and the customer only)." }),
        share: p.float({ nullable: true, description: "withoutStaff / resolved; null when nothing was resolved." }),
      }),
    }),
    description: "How much of the shop's refund work ended with no human touch (staff only).",
    args: { from: t.arg({ type: "DateTime", required: true, description: "Start of the period, inclusive (ISO 8601)." }), to: t.arg({ type: "DateTime", required: true, description: "End of the period, exclusive (ISO 8601)." }), shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (_root, { from, to, shopId }, ctx) => automationReport(ctx.db, queryViewer(ctx), { from, to, shopId: shopId ? decodeGlobalIdOf(shopId, "Shop") : null }),
  }),
}));

const StaffNotificationRef = builder.prismaNode("StaffNotification", {
  description: "A message a NOTIFY rule left in a staff inbox.",
  id: { field: "id" },
  nullable: true,
  // As `staffNotifications`: the inboxes the caller reads; none for a non-staff caller.
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return STAFF_ROLES.has(viewer.role) ? { id, AND: [staffInboxWhere(viewer)] } : { id, AND: [{ id: { in: [] } }] };
  },
  fields: (t) => ({
    refund: t.relation("refund", { description: "The refund the rule ran on." }),
    member: t.id({ nullable: true, description: "The StaffMember whose inbox, or null for a role's.", resolve: (row) => (row.memberId ? encodeGlobalID("StaffMember", row.memberId) : null) }),
    role: t.field({ type: NotifyRoleEnum, nullable: true, description: "The role whose inbox, or null for a member's.", resolve: (row) => row.role as never }),
    ruleName: t.exposeString("ruleName", { description: "The name of the rule that left the message." }),
    message: t.exposeString("message", { description: "The message, with its variables filled in." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When it was left (ISO 8601, UTC)." }),
  }),
});

builder.queryField("staffNotifications", (t) =>
  t.prismaConnection({
    type: StaffNotificationRef,
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    description: "The caller's inbox of NOTIFY rules' messages, newest first: a SHOP_ADMIN sees the shop's every inbox, other staff their role's and their own.",
    resolve: (query, _root, _args, ctx) => {
      return ctx.db.prisma.staffNotification.findMany({ ...query, where: staffInboxWhere(queryViewer(ctx)), orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
    },
  }),
);


builder.subscriptionField("staffNotificationAdded", (t) =>
  t.prismaField({
    type: StaffNotificationRef,
    nullable: false,
    description:
      "Each new message in the caller's inbox as it is committed, the live counterpart of `staffNotifications`: a staff member gets their own messages and their role's; a SHOP_ADMIN every inbox of the shop. Only messages from the moment the subscription starts: after a reconnect, read `staffNotifications` for what came meanwhile.",
    args: { shopId: t.arg.id({ description: "Required for platform admins: whose inboxes." }) },
    subscribe: (_root, { shopId: shopArg }, ctx) => {
      const viewer = queryViewer(ctx);
      if (!STAFF_ROLES.has(viewer.role)) {
        throw new GraphQLError("staffNotificationAdded is for shop staff", { extensions: { code: "FORBIDDEN" } });
      }
      const shopId = viewer.role === "PLATFORM_ADMIN" ? (shopArg ? decodeGlobalIdOf(shopArg, "Shop") : null) : viewer.shopId;
      if (!shopId) throw new GraphQLError("A platform admin must name the shop: shopId", { extensions: { code: "INVALID_INPUT" } });
      return pipe(
        untilShutdown(ctx.services.pubsub.subscribe("staff:notification", shopId), ctx.shutdown),
        keepEvents((message: StaffNotificationEvent) => readsInboxMessage(viewer, message)),
      );
    },
    resolve: (query, message, _args, ctx) =>
      ctx.db.prisma.staffNotification.findUniqueOrThrow({ ...query, where: { id: (message as unknown as StaffNotificationEvent).notificationId } }),
  }),
);

// Timers whose run kept throwing: dead letters beside the plugins' (pluginDeadLettersConnection),
// for the same people, with a retry.
const TimerDeadLetterRef = builder.prismaObject("Refund", {
  variant: "TimerDeadLetter",
  description:
    "A refund whose timer kept failing (its run threw, e.g. a plugin's hook; a refusal by the state machine is not a failure): tried `attempts` times with backoff, then given up. Retry it with retryRefundTimer once the cause is fixed.",
  fields: (t) => ({
    refund: t.variant("Refund", { description: "The refund the timer is for, as it is now." }),
    timerName: t.string({ description: "The timer's name (the actor of the transition it would make).", resolve: (refund) => refund.nextTimeoutName ?? "" }),
    action: t.field({ type: RefundActionEnum, description: "What the timer does.", resolve: (refund) => refund.nextTimeoutAction as never }),
    dueAt: t.field({ type: "DateTime", description: "When the timer was due.", resolve: (refund) => refund.nextTimeoutAt! }),
    attempts: t.exposeInt("timeoutAttempts", { description: "How many times it was run." }),
    lastError: t.exposeString("timeoutLastError", { nullable: true, description: "What the last run failed with." }),
    deadAt: t.field({ type: "DateTime", description: "When it was given up.", resolve: (refund) => refund.timeoutDeadAt! }),
  }),
});

builder.queryField("timerDeadLetters", (t) =>
  t.prismaConnection({
    type: TimerDeadLetterRef,
    cursor: "id",
    description: "Timers that kept failing, the latest given up first; retry them with retryRefundTimer (SHOP_ADMIN; platform admins name the shop).",
    args: { shopId: t.arg.id({ description: "For platform admins: whose timers." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.refund.findMany({ ...query, ...deadTimersQuery(viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null) }));
    },
  }),
);

const RetryRefundTimerInput = builder.inputType("RetryRefundTimerInput", {
  description: "The refund whose dead timer to run again.",
  fields: (t) => ({ refundId: t.id({ required: true, description: "The `refund { id }` of a timerDeadLetters entry." }) }),
});

builder.mutationField("retryRefundTimer", (t) =>
  t.field({
    type: builder.simpleObject("RetryRefundTimerPayload", {
      description: "The refund whose timer runs again now (its attempts start from nought); null with userErrors.",
      fields: (p) => ({
        refund: p.field({ type: RefundRef, nullable: true, description: "The refund, as it is before the timer runs again (it runs in the background)." }),
        userErrors: p.field({ type: [UserErrorRef], description: "Why nothing was retried: FORBIDDEN, NOT_FOUND, or INVALID_INPUT for a timer that is not dead." }),
      }),
    }),
    description: "Runs a dead timer again now, once its cause is fixed (SHOP_ADMIN, or a platform admin). A timer that is not dead is INVALID_INPUT.",
    args: { input: t.arg({ type: RetryRefundTimerInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        const refundId = await retryDeadTimer(ctx.services, viewer, { refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]) });
        return { refund: await ctx.db.prisma.refund.findUniqueOrThrow({ where: { id: refundId } }) };
      }),
  }),
);
