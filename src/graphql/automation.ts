import { encodeGlobalID } from "@pothos/plugin-relay";
import { MESSAGE_VARIABLES, NOTIFY_ROLES, RISK_LEVELS, RULE_FIELDS, RULE_OPERATORS, describeCondition } from "../domain/automation-rules.js";
import { TIMER_MAX_MINUTES, TIMER_MIN_MINUTES } from "../domain/timers.js";
import {
  type RuleInput,
  automationReport,
  createAutomationRule,
  deleteAutomationRule,
  listAutomationRules,
  listAutomationTimers,
  setAutomationTimer,
  simulateAutomationRules,
  staffInboxWhere,
  updateAutomationRule,
} from "../services/automation-admin.js";
import { ruleFromRow } from "../services/shop-policies.js";
import { STAFF_ROLES } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { OrderShippingStatusEnum, RefundActionEnum, RefundStatusEnum, RefundTypeEnum } from "./enums.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

// Automation: the shop's rules and timers (SHOP_ADMIN), their dry run, and what they achieved.

const AutomationTriggerEnum = builder.enumType("AutomationTrigger", { values: ["REQUESTED", "ENTERS_STATUS"] as const });
const AutomationMatchEnum = builder.enumType("AutomationMatch", { values: ["ALL", "ANY"] as const });
const AutomationOperatorEnum = builder.enumType("AutomationOperator", { values: RULE_OPERATORS });
const AutomationActionKindEnum = builder.enumType("AutomationActionKind", {
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
const NotifyRoleEnum = builder.enumType("AutomationNotifyRole", { values: NOTIFY_ROLES });
const RiskLevelEnum = builder.enumType("AutomationRiskLevel", { values: RISK_LEVELS });

const ConditionRef = builder.simpleObject("AutomationCondition", {
  fields: (t) => ({
    field: t.string(),
    operator: t.field({ type: AutomationOperatorEnum }),
    value: t.field({ type: "JSON" }),
  }),
});

const ActionRef = builder.simpleObject("AutomationAction", {
  fields: (t) => ({
    kind: t.field({ type: AutomationActionKindEnum }),
    refundAction: t.field({ type: RefundActionEnum, nullable: true }),
    memberId: t.id({ nullable: true, description: "The StaffMember of an ASSIGN, or of a NOTIFY to one member." }),
    label: t.string({ nullable: true, description: "TAG: the label put on the refund." }),
    recipientRole: t.field({ type: NotifyRoleEnum, nullable: true, description: "NOTIFY: the role whose inbox gets the message." }),
    message: t.string({ nullable: true, description: "NOTIFY: the message, with its variables as written." }),
  }),
});

export const AutomationRuleRef = builder.prismaNode("AutomationRule", {
  id: { field: "id" },
  nullable: true,
  // As `automationRules`: the shop's staff (a platform admin: every shop's), nobody else.
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    if (viewer.role === "PLATFORM_ADMIN") return { id };
    return STAFF_ROLES.has(viewer.role) ? { id, shopId: viewer.shopId! } : { id, AND: [{ id: { in: [] } }] };
  },
  fields: (t) => ({
    name: t.exposeString("name"),
    trigger: t.expose("trigger", { type: AutomationTriggerEnum }),
    status: t.expose("status", { type: RefundStatusEnum, nullable: true, description: "The status entered (ENTERS_STATUS)." }),
    match: t.field({ type: AutomationMatchEnum, resolve: (rule) => rule.match as "ALL" | "ANY" }),
    conditions: t.field({ type: [ConditionRef], resolve: (rule) => ruleFromRow(rule).conditions }),
    action: t.field({
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
    enabled: t.exposeBoolean("enabled"),
    stopAfterMatch: t.exposeBoolean("stopAfterMatch"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

const AutomationTimerRef = builder.prismaObject("AutomationTimer", {
  description: "A refund left in `status` for `minutes` gets `action`, in the timer's name.",
  fields: (t) => ({
    status: t.expose("status", { type: RefundStatusEnum }),
    minutes: t.exposeInt("minutes"),
    action: t.field({ type: RefundActionEnum, resolve: (timer) => timer.action as never }),
    name: t.exposeString("name"),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
  }),
});

builder.prismaObjectField("Refund", "nextTimeout", (t) =>
  t.field({
    type: builder.simpleObject("RefundTimeout", {
      fields: (p) => ({
        action: p.field({ type: RefundActionEnum }),
        dueAt: p.field({ type: "DateTime" }),
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
  fields: (t) => ({
    field: t.string({ required: true, description: `One of ${Object.keys(RULE_FIELDS).join(", ")}.` }),
    operator: t.field({ type: AutomationOperatorEnum, required: true }),
    value: t.field({ type: "JSON", required: true, description: "A number, a string, or (IN) a list of them." }),
  }),
});

const ActionInput = builder.inputType("AutomationActionInput", {
  fields: (t) => ({
    kind: t.field({ type: AutomationActionKindEnum, required: true }),
    refundAction: t.field({ type: RefundActionEnum }),
    memberId: t.id({ description: "ASSIGN: the member whose queue; NOTIFY: the member whose inbox (or recipientRole)." }),
    label: t.string({ description: "TAG: a label (src/domain/labels.ts rules: letters, digits, space, - _ : . ; up to 40)." }),
    recipientRole: t.field({ type: NotifyRoleEnum, description: "NOTIFY: every member of this role (or memberId)." }),
    message: t.string({ description: `NOTIFY: up to 500 characters; may use ${MESSAGE_VARIABLES.map((name) => `{{${name}}}`).join(", ")}.` }),
  }),
});

const ruleFields = (t: PothosSchemaTypes.InputFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<never>, "InputObject">) => ({
  name: t.string(),
  trigger: t.field({ type: AutomationTriggerEnum }),
  status: t.field({ type: RefundStatusEnum }),
  match: t.field({ type: AutomationMatchEnum }),
  conditions: t.field({ type: [ConditionInput] }),
  action: t.field({ type: ActionInput }),
  priority: t.int(),
  enabled: t.boolean(),
  stopAfterMatch: t.boolean(),
});

const CreateAutomationRuleInput = builder.inputType("CreateAutomationRuleInput", {
  fields: (t) => ({ shopId: t.id(), ...ruleFields(t as never) }),
});
const UpdateAutomationRuleInput = builder.inputType("UpdateAutomationRuleInput", {
  fields: (t) => ({ ruleId: t.id({ required: true }), ...ruleFields(t as never) }),
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
    rule: t.field({ type: AutomationRuleRef, nullable: true }),
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
    args: { input: t.arg({ type: builder.inputType("DeleteAutomationRuleInput", { fields: (f) => ({ ruleId: f.id({ required: true }) }) }), required: true }) },
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
          fields: (f) => ({
            shopId: f.id(),
            status: f.field({ type: RefundStatusEnum, required: true }),
            minutes: f.int(),
            action: f.field({ type: RefundActionEnum }),
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
  fields: (t) => ({
    field: t.string(),
    operator: t.field({ type: AutomationOperatorEnum }),
    expected: t.field({ type: "JSON" }),
    actual: t.field({ type: "JSON", nullable: true, description: "null: the fact is unknown (no condition on it is met)." }),
    met: t.boolean(),
    description: t.string({ description: "e.g. `amount 3000 < 5000 ✓`." }),
  }),
});

const RuleVerdictRef = builder.simpleObject("AutomationRuleVerdict", {
  fields: (t) => ({
    rule: t.field({ type: AutomationRuleRef }),
    matched: t.boolean(),
    notEvaluated: t.string({ nullable: true, description: "Why the rule did not run at all (an earlier rule stopped the run)." }),
    conditions: t.field({ type: [ConditionResultRef] }),
    wouldDo: t.string({ nullable: true }),
  }),
});

const SimulateInput = builder.inputType("SimulateAutomationRulesInput", {
  fields: (t) => ({
    shopId: t.id({ description: "For platform admins with a hypothetical refund." }),
    refundId: t.id({ description: "An existing refund: the rules of the status it is in, over its facts." }),
    refund: t.field({
      description: "Instead of refundId: a hypothetical refund entering `status` (default REQUESTED); facts left out are unknown.",
      type: builder.inputType("HypotheticalRefundInput", {
        fields: (f) => ({
          status: f.field({ type: RefundStatusEnum }),
          amount: f.int(),
          refundType: f.field({ type: RefundTypeEnum }),
          shippingStatus: f.field({ type: OrderShippingStatusEnum }),
          reasonCode: f.string(),
          parentReasonCode: f.string(),
          customerTier: f.string(),
          riskLevel: f.field({ type: RiskLevelEnum }),
          hoursSincePayment: f.int(),
          hoursSinceDelivery: f.int({ description: "Leave out for an order not delivered (unknown)." }),
          refundsLast30Days: f.int(),
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
      fields: (p) => ({
        status: p.field({ type: RefundStatusEnum, nullable: true, description: "The status whose rules ran." }),
        matchedRule: p.field({ type: AutomationRuleRef, nullable: true, description: "The rule that would act (the one moving the refund, if any)." }),
        wouldDo: p.stringList({ nullable: true, description: "Every action that would apply, in order." }),
        rules: p.field({ type: [RuleVerdictRef], nullable: true, description: "Every enabled rule of the status, in the order they run, and why it would or would not act." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description: "A dry run of the shop's rules on a refund or a hypothetical one (staff). Writes nothing.",
    args: { input: t.arg({ type: SimulateInput, required: true }) },
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
      fields: (p) => ({
        resolved: p.int({ description: "Refunds resolved (REFUNDED, REJECTED, CANCELLED) in [from, to)." }),
        withoutStaff: p.int({ description: "Of those, the ones no staff member acted on (platform, rules, timers, plugins and the customer only)." }),
        share: p.float({ nullable: true, description: "withoutStaff / resolved; null when nothing was resolved." }),
      }),
    }),
    description: "How much of the shop's refund work ended with no human touch (staff only).",
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }), shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
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
    ruleName: t.exposeString("ruleName"),
    message: t.exposeString("message"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
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

