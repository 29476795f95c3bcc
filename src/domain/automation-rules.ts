import { type UserError, userError } from "./errors.js";
import { normalizeLabel } from "./labels.js";
import { REFUND_TRANSITIONS, type RefundAction, findRule } from "./refund-machine.js";
import { REFUND_STATUSES, REFUND_TYPES, type RefundStatus, SHIPPING_STATUSES } from "./types.js";

/**
 * A shop's automation rules as data, and the pure function that evaluates them: which rule
 * matches a refund's facts, why each other did not (condition by condition), and what it does.
 * The services read the rules and the facts (src/services/automation.ts) and act through the
 * unit of work; nothing here does I/O.
 */

export const RISK_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
export const RULE_OPERATORS = ["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "IN"] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

type FieldType = { kind: "number" } | { kind: "text" } | { kind: "enum"; values: readonly string[] };

/** The facts a condition may test, with their types; `local` ones are known without a query. */
export const RULE_FIELDS = {
  amount: { type: { kind: "number" }, local: true, description: "requested amount, minor units" },
  refundType: { type: { kind: "enum", values: REFUND_TYPES }, local: true, description: "REFUND_ONLY, RETURN_AND_REFUND or EXCHANGE" },
  shippingStatus: { type: { kind: "enum", values: SHIPPING_STATUSES }, local: true, description: "the order's shipping status" },
  reasonCode: { type: { kind: "text" }, local: false, description: "the reason tag's code" },
  parentReasonCode: { type: { kind: "text" }, local: false, description: "the parent reason's code (a top-level reason's own code)" },
  customerTier: { type: { kind: "text" }, local: false, description: "the customer's tier" },
  riskLevel: { type: { kind: "enum", values: RISK_LEVELS }, local: false, description: "crm-risk's level of the customer; LOW when none is recorded" },
  hoursSincePayment: { type: { kind: "number" }, local: false, description: "whole hours since the order was paid" },
  hoursSinceDelivery: { type: { kind: "number" }, local: false, description: "whole hours since the order was delivered; unknown (no condition met) while it has not been" },
  refundsLast30Days: { type: { kind: "number" }, local: false, description: "the customer's other refund requests of the last 30 days" },
  onCareList: { type: { kind: "enum", values: ["YES", "NO"] }, local: false, description: "YES while the customer is on the shop's care list (a refund of theirs ended within the shop's careDays)" },
} as const satisfies Record<string, { type: FieldType; local: boolean; description: string }>;
export type RuleField = keyof typeof RULE_FIELDS;

const OPERATORS_BY_KIND: Record<FieldType["kind"], readonly RuleOperator[]> = {
  number: RULE_OPERATORS,
  text: ["EQ", "NEQ", "IN"],
  enum: ["EQ", "NEQ", "IN"],
};

export type RuleValue = number | string | ReadonlyArray<number | string>;

export interface RuleCondition {
  field: RuleField;
  operator: RuleOperator;
  value: RuleValue;
}

/** Staff inboxes a NOTIFY rule may write to by role (a customer is told by plugins/notifications). */
export const NOTIFY_ROLES = ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"] as const;
export type NotifyRole = (typeof NOTIFY_ROLES)[number];

/** What a NOTIFY message may name; filled in when the rule runs. */
export const MESSAGE_VARIABLES = ["rule", "status", "refundId"] as const;
export const MAX_MESSAGE_LENGTH = 500;

export type RuleActionDef =
  | { kind: "TRANSITION"; refundAction: RefundAction }
  /** Only on REQUESTED: no automatic refund at once; the refund goes to PENDING_REVIEW. */
  | { kind: "HOLD" }
  | { kind: "ASSIGN"; memberId: string }
  /** Puts a label on the refund (src/domain/labels.ts), stored normalized. */
  | { kind: "TAG"; label: string }
  /**
   * Leaves a message in a staff inbox: one member's (memberId) or every member's of a role;
   * exactly one of the two is set. `message` may name MESSAGE_VARIABLES as `{{status}}`.
   */
  | { kind: "NOTIFY"; memberId: string | null; role: NotifyRole | null; message: string };

/** Whether an action moves the refund (and so ends the rules of the status it leaves). */
export function movesRefund(action: RuleActionDef): boolean {
  return action.kind === "TRANSITION" || action.kind === "HOLD";
}

export type RuleTrigger = { trigger: "REQUESTED"; status: null } | { trigger: "ENTERS_STATUS"; status: RefundStatus };

export type AutomationRuleDef = RuleTrigger & {
  id: string;
  name: string;
  match: "ALL" | "ANY";
  conditions: RuleCondition[];
  action: RuleActionDef;
  /** Lower runs first. */
  priority: number;
  enabled: boolean;
  stopAfterMatch: boolean;
};

/** What the rules see of a refund; a fact left out is unknown, and no condition on it is met. */
export type RefundFacts = Partial<Record<RuleField, number | string>>;

/** The status a rule's trigger stands for: REQUESTED is the status a request enters. */
export function triggerStatus(rule: RuleTrigger): RefundStatus {
  return rule.trigger === "REQUESTED" ? "REQUESTED" : rule.status;
}

/** Whether any rule needs facts beyond the refund row and its order's shipping status. */
export function needsStoredFacts(rules: readonly AutomationRuleDef[]): boolean {
  return rules.some((rule) => rule.conditions.some((condition) => !RULE_FIELDS[condition.field].local));
}

// ---------------------------------------------------------------------------------------
// Validation: everything a SHOP_ADMIN may save.

/** The rule as the API hands it in, before it is known to be well typed. */
export interface RuleDraft {
  name: string;
  trigger: "REQUESTED" | "ENTERS_STATUS";
  status?: RefundStatus | null;
  match: "ALL" | "ANY";
  conditions: ReadonlyArray<{ field: string; operator: RuleOperator; value: unknown }>;
  action: {
    kind: RuleActionDef["kind"];
    refundAction?: RefundAction | null;
    memberId?: string | null;
    label?: string | null;
    role?: string | null;
    message?: string | null;
  };
  priority: number;
  enabled: boolean;
  stopAfterMatch: boolean;
}

/** Platform-only actions a rule may never take: the provider's answers. */
const NEVER_BY_RULE: ReadonlySet<RefundAction> = new Set(["REQUEST", "PAYMENT_SUCCEEDED", "PAYMENT_FAILED"]);

/**
 * Actions the platform takes only for a customer's silence: a timer may cancel a request the
 * customer left waiting, a rule (which acts the moment a status is entered) may not.
 */
const ONLY_BY_TIMER: ReadonlySet<RefundAction> = new Set(["CANCEL"]);

/**
 * Why the platform may not take `action` by itself from `status`, or null when it may: the row
 * must exist, be open to SYSTEM, and need no input a rule cannot give (a note it can: why it
 * matched).
 */
export function automaticActionProblem(status: RefundStatus, action: RefundAction, by: "RULE" | "TIMER"): string | null {
  const row = findRule(status, action);
  if (!row || NEVER_BY_RULE.has(action)) return `${action} is never possible from ${status}`;
  if (by === "RULE" && ONLY_BY_TIMER.has(action) && row.performers.includes("SYSTEM")) return `${action} is the customer's; the platform takes it only when the customer stays silent: use a timer`;
  if (!row.performers.includes("SYSTEM")) return `${action} from ${status} is the ${row.performers.join("/")}'s to take, not the platform's`;
  const { offerOptions, optionId, returnShipment, replacementShipment } = row.inputs ?? {};
  if (offerOptions || optionId || returnShipment || replacementShipment) return `${action} needs input only a person can give`;
  return null;
}

/** Checks a draft; answers the rule to store or every problem, each with a stable code. */
export function validateRule(draft: RuleDraft, id: string): { ok: true; rule: AutomationRuleDef } | { ok: false; errors: UserError[] } {
  const errors: UserError[] = [];
  const name = draft.name.trim();
  if (!name || name.length > 200) errors.push(userError("INVALID_INPUT", "A rule needs a name of at most 200 characters", ["input", "name"]));
  if (!Number.isSafeInteger(draft.priority)) errors.push(userError("INVALID_INPUT", "priority must be a whole number", ["input", "priority"]));

  let trigger: RuleTrigger | null = null;
  if (draft.trigger === "REQUESTED") trigger = { trigger: "REQUESTED", status: null };
  else if (!draft.status) errors.push(userError("INVALID_INPUT", "ENTERS_STATUS needs the status entered", ["input", "status"]));
  else if (draft.status === "REQUESTED") errors.push(userError("INVALID_INPUT", "A request enters REQUESTED: use the REQUESTED trigger", ["input", "status"]));
  else trigger = { trigger: "ENTERS_STATUS", status: draft.status };

  const conditions: RuleCondition[] = [];
  draft.conditions.forEach((condition, index) => {
    const checked = validateCondition(condition, ["input", "conditions", String(index)]);
    if ("error" in checked) errors.push(checked.error);
    else conditions.push(checked.condition);
  });

  let action: RuleActionDef | null = null;
  const actionField = ["input", "action"];
  if (draft.action.kind === "TRANSITION") {
    if (!draft.action.refundAction) errors.push(userError("INVALID_INPUT", "A TRANSITION action names the refundAction", [...actionField, "refundAction"]));
    else if (trigger) {
      const problem = automaticActionProblem(triggerStatus(trigger), draft.action.refundAction, "RULE");
      if (problem) errors.push(userError("ACTION_NOT_ALLOWED_FROM_TRIGGER", problem, [...actionField, "refundAction"]));
      else action = { kind: "TRANSITION", refundAction: draft.action.refundAction };
    }
  } else if (draft.action.kind === "HOLD") {
    if (trigger && trigger.trigger !== "REQUESTED") {
      errors.push(userError("ACTION_NOT_ALLOWED_FROM_TRIGGER", "HOLD stops the refund at once of a new request: it needs the REQUESTED trigger", [...actionField, "kind"]));
    } else action = { kind: "HOLD" };
  } else if (draft.action.kind === "ASSIGN") {
    if (!draft.action.memberId) errors.push(userError("INVALID_INPUT", "An ASSIGN action names the staff member", [...actionField, "memberId"]));
    else action = { kind: "ASSIGN", memberId: draft.action.memberId };
  } else if (draft.action.kind === "TAG") {
    const checked = normalizeLabel(draft.action.label ?? "");
    if ("problem" in checked) errors.push(userError("INVALID_LABEL", `A TAG action's label: ${checked.problem}`, [...actionField, "label"]));
    else action = { kind: "TAG", label: checked.label };
  } else {
    const checked = validateNotify(draft.action, actionField);
    if ("errors" in checked) errors.push(...checked.errors);
    else action = checked.action;
  }

  if (errors.length > 0 || !trigger || !action) return { ok: false, errors };
  return {
    ok: true,
    rule: { id, name, ...trigger, match: draft.match, conditions, action, priority: draft.priority, enabled: draft.enabled, stopAfterMatch: draft.stopAfterMatch },
  };
}

function validateNotify(draft: RuleDraft["action"], field: string[]): { action: RuleActionDef } | { errors: UserError[] } {
  const errors: UserError[] = [];
  const { memberId, role } = draft;
  if (!memberId === !role) errors.push(userError("INVALID_RECIPIENT", "A NOTIFY action names one recipient: a staff member (memberId) or a role (recipientRole)", [...field, "memberId"]));
  else if (role && !(NOTIFY_ROLES as readonly string[]).includes(role)) {
    errors.push(userError("INVALID_RECIPIENT", `recipientRole is one of ${NOTIFY_ROLES.join(", ")}: the shop's staff inboxes`, [...field, "recipientRole"]));
  }
  const message = draft.message?.trim() ?? "";
  if (!message || message.length > MAX_MESSAGE_LENGTH) {
    errors.push(userError("INVALID_MESSAGE_TEMPLATE", `A NOTIFY action needs a message of at most ${MAX_MESSAGE_LENGTH} characters`, [...field, "message"]));
  } else {
    const unknown = [...message.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((match) => match[1]!).filter((name) => !(MESSAGE_VARIABLES as readonly string[]).includes(name));
    if (unknown.length > 0) {
      errors.push(userError("INVALID_MESSAGE_TEMPLATE", `Unknown ${unknown.map((name) => `{{${name}}}`).join(", ")}; a message may use ${MESSAGE_VARIABLES.map((name) => `{{${name}}}`).join(", ")}`, [...field, "message"]));
    }
  }
  if (errors.length > 0) return { errors };
  return { action: { kind: "NOTIFY", memberId: memberId ?? null, role: (role as NotifyRole | null) ?? null, message } };
}

/** A NOTIFY message with its variables filled in. */
export function renderMessage(template: string, variables: Record<(typeof MESSAGE_VARIABLES)[number], string>): string {
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => (Object.hasOwn(variables, name) ? variables[name as keyof typeof variables] : whole));
}

function validateCondition(
  condition: RuleDraft["conditions"][number],
  field: string[],
): { condition: RuleCondition } | { error: UserError } {
  if (!Object.hasOwn(RULE_FIELDS, condition.field)) {
    return { error: userError("UNKNOWN_RULE_FIELD", `Unknown field ${condition.field}; one of ${Object.keys(RULE_FIELDS).join(", ")}`, [...field, "field"]) };
  }
  const name = condition.field as RuleField;
  const type: FieldType = RULE_FIELDS[name].type;
  if (!OPERATORS_BY_KIND[type.kind].includes(condition.operator)) {
    return { error: userError("OPERATOR_NOT_FOR_FIELD", `${condition.operator} does not apply to ${name} (${type.kind}); use ${OPERATORS_BY_KIND[type.kind].join(", ")}`, [...field, "operator"]) };
  }
  const fits = (value: unknown) =>
    type.kind === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === "string" && (type.kind === "text" ? value.length > 0 : type.values.includes(value));
  const value = condition.value;
  const ok = condition.operator === "IN" ? Array.isArray(value) && value.length > 0 && value.every(fits) : fits(value);
  if (!ok) {
    const expected = type.kind === "enum" ? `one of ${type.values.join(", ")}` : `a ${type.kind}`;
    return { error: userError("INVALID_RULE_VALUE", `${name} ${condition.operator} needs ${condition.operator === "IN" ? `a non-empty list, each ${expected}` : expected}`, [...field, "value"]) };
  }
  return { condition: { field: name, operator: condition.operator, value: value as RuleValue } };
}

/** Statuses the platform leaves by itself, whatever the rules say: the payment provider answers. */
const PLATFORM_MOVES: Partial<Record<RefundStatus, readonly RefundStatus[]>> = { REFUNDING: ["REFUNDED", "REFUND_FAILED"] };

/** Where the action may lead from `status`, for a refund of any type (an exchange has rows of its own). */
function targetsOf(status: RefundStatus, action: RefundAction): RefundStatus[] {
  const rows = REFUND_TRANSITIONS.filter((row) => row.from === status && row.action === action);
  return [...new Set(rows.flatMap((row) => (typeof row.to === "string" ? [row.to] : (Object.values(row.to.cases) as RefundStatus[]))))];
}

/**
 * A cycle the enabled rules could run around with no person acting: rule edges (a status's
 * rule moves the refund on) and the platform's own moves (REFUNDING → REFUND_FAILED), e.g. a
 * rule retrying a declined payment on every decline. Conditions are not considered: two rules
 * that could re-trigger each other are refused even if their conditions never both hold.
 * Answers the rules on the cycle, or null.
 */
export function findRuleCycle(rules: readonly AutomationRuleDef[]): string[] | null {
  const edges = new Map<RefundStatus, Array<{ to: RefundStatus; rule: string | null }>>();
  const add = (from: RefundStatus, to: RefundStatus, rule: string | null) => edges.set(from, [...(edges.get(from) ?? []), { to, rule }]);
  for (const [from, targets] of Object.entries(PLATFORM_MOVES)) for (const to of targets) add(from as RefundStatus, to, null);
  for (const rule of rules) {
    if (!rule.enabled || rule.action.kind !== "TRANSITION") continue;
    const from = triggerStatus(rule);
    for (const to of targetsOf(from, rule.action.refundAction)) add(from, to, rule.name);
  }
  const state = new Map<RefundStatus, "open" | "done">();
  const path: Array<string | null> = [];
  const visit = (status: RefundStatus): string[] | null => {
    state.set(status, "open");
    for (const edge of edges.get(status) ?? []) {
      path.push(edge.rule);
      if (state.get(edge.to) === "open") return path.filter((rule): rule is string => rule !== null);
      if (!state.has(edge.to)) {
        const found = visit(edge.to);
        if (found) return found;
      }
      path.pop();
    }
    state.set(status, "done");
    return null;
  };
  for (const status of REFUND_STATUSES) {
    if (state.has(status)) continue;
    const found = visit(status);
    if (found) return found;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Evaluation.

export interface ConditionResult {
  field: RuleField;
  operator: RuleOperator;
  expected: RuleValue;
  actual: number | string | null;
  met: boolean;
}

export interface RuleExplanation {
  rule: AutomationRuleDef;
  matched: boolean;
  conditions: ConditionResult[];
  /** Set when the rule was not evaluated: an earlier rule stopped the run. */
  notEvaluated?: string;
}

export interface RulesEvaluation {
  /** Every rule of the trigger, in the order they run. */
  explanations: RuleExplanation[];
  /** The matched rules whose actions apply, in order; at most one moves the refund. */
  applied: AutomationRuleDef[];
}

/** Rules of a shop that run when a refund enters `status` (REQUESTED: when it is requested). */
export function rulesFor(rules: readonly AutomationRuleDef[], status: RefundStatus): AutomationRuleDef[] {
  return rules
    .filter((rule) => rule.enabled && triggerStatus(rule) === status)
    .sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}

/**
 * Runs the rules of `status` over a refund's facts, lowest priority first. A matched rule that
 * moves the refund (TRANSITION or HOLD) is the last one to run (ASSIGN, TAG and NOTIFY rules
 * before it all apply) — the others belong to the
 * status the refund is leaving — and so is any matched rule with stopAfterMatch.
 */
export function evaluateRules(rules: readonly AutomationRuleDef[], status: RefundStatus, facts: RefundFacts): RulesEvaluation {
  const explanations: RuleExplanation[] = [];
  const applied: AutomationRuleDef[] = [];
  let stoppedBy: AutomationRuleDef | null = null;
  for (const rule of rulesFor(rules, status)) {
    const conditions = rule.conditions.map((condition) => checkCondition(condition, facts));
    if (stoppedBy) {
      explanations.push({ rule, matched: false, conditions, notEvaluated: `not run: rule "${stoppedBy.name}" matched first` });
      continue;
    }
    const matched = conditions.length === 0 || (rule.match === "ALL" ? conditions.every((c) => c.met) : conditions.some((c) => c.met));
    explanations.push({ rule, matched, conditions });
    if (!matched) continue;
    applied.push(rule);
    if (rule.stopAfterMatch || movesRefund(rule.action)) stoppedBy = rule;
  }
  return { explanations, applied };
}

function checkCondition(condition: RuleCondition, facts: RefundFacts): ConditionResult {
  const actual = facts[condition.field] ?? null;
  const expected = condition.value;
  let met: boolean;
  if (actual === null) return { field: condition.field, operator: condition.operator, expected, actual, met: false };
  switch (condition.operator) {
    case "EQ":
      met = actual === expected;
      break;
    case "NEQ":
      met = actual !== expected;
      break;
    case "IN":
      met = Array.isArray(expected) && expected.includes(actual);
      break;
    default: {
      const [a, b] = [Number(actual), Number(expected)];
      met = condition.operator === "LT" ? a < b : condition.operator === "LTE" ? a <= b : condition.operator === "GT" ? a > b : a >= b;
    }
  }
  return { field: condition.field, operator: condition.operator, expected, actual, met };
}

const OPERATOR_SIGNS: Record<RuleOperator, string> = { EQ: "=", NEQ: "≠", LT: "<", LTE: "≤", GT: ">", GTE: "≥", IN: "in" };

/** One condition in words: `amount 3000 < 5000 ✓`. */
export function describeCondition(result: ConditionResult): string {
  const expected = Array.isArray(result.expected) ? `[${result.expected.join(", ")}]` : String(result.expected);
  return `${result.field} ${result.actual ?? "unknown"} ${OPERATOR_SIGNS[result.operator]} ${expected} ${result.met ? "✓" : "✗"}`;
}

/** Why a rule matched, for the note of the transition it makes. */
export function whyMatched(explanation: RuleExplanation): string {
  const met = explanation.conditions.filter((condition) => condition.met);
  const reasons = met.length > 0 ? met.map(describeCondition).join("; ") : "no conditions";
  return `Rule "${explanation.rule.name}" matched: ${reasons}`;
}

/** What a rule's action does, in words. */
export function describeAction(action: RuleActionDef): string {
  switch (action.kind) {
    case "TRANSITION":
      return action.refundAction === "CLASSIFY" ? "CLASSIFY (an unshipped order is refunded at once)" : action.refundAction;
    case "HOLD":
      return "HOLD for review (no refund at once)";
    case "ASSIGN":
      return `ASSIGN to staff member ${action.memberId}`;
    case "TAG":
      return `TAG with label "${action.label}"`;
    case "NOTIFY":
      return `NOTIFY ${action.memberId ? `staff member ${action.memberId}` : `every ${action.role}`}: ${action.message}`;
  }
}

// ---------------------------------------------------------------------------------------
// Defaults: the built-in classification and the field account, as rules a shop sees and edits.

/** A rule before it has an id (Omit per trigger, so REQUESTED and ENTERS_STATUS stay distinct). */
export type DefaultRule = AutomationRuleDef extends infer R ? (R extends AutomationRuleDef ? Omit<R, "id"> : never) : never;

export const DEFAULT_RULE_NAMES = {
  refundUnshipped: "Unshipped: refund at once",
  approveSmall: "Small amounts from good customers: approve",
} as const;

export const DEFAULT_AUTOMATION_RULES: readonly DefaultRule[] = [
  {
    name: DEFAULT_RULE_NAMES.refundUnshipped,
    trigger: "REQUESTED",
    status: null,
    match: "ALL",
    conditions: [{ field: "shippingStatus", operator: "EQ", value: "NOT_SHIPPED" }],
    action: { kind: "TRANSITION", refundAction: "CLASSIFY" },
    priority: 100,
    enabled: true,
    stopAfterMatch: true,
  },
  {
    // Off until the shop turns it on: approving without a person is the shop's call to make.
    name: DEFAULT_RULE_NAMES.approveSmall,
    trigger: "ENTERS_STATUS",
    status: "PENDING_REVIEW",
    match: "ALL",
    conditions: [
      { field: "amount", operator: "LT", value: 5000 },
      { field: "refundsLast30Days", operator: "LT", value: 2 },
    ],
    action: { kind: "TRANSITION", refundAction: "APPROVE" },
    priority: 100,
    enabled: false,
    stopAfterMatch: true,
  },
];


/** The default rules as rows to create with a new shop (fresh copies: the rows are JSON). */
export function defaultRuleRows() {
  return DEFAULT_AUTOMATION_RULES.map((rule) => ({ ...rule, conditions: rule.conditions.map((condition) => ({ ...condition })), action: { ...rule.action } }));
}
