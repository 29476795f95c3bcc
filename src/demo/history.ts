/**
 * The demo shop's history, played in memory on the platform's pure core and written in bulk.
 *
 * Every change goes through the same steps as changeRefunds (src/services/refund-change.ts):
 * the state machine's plan (planChange, with the shop's approval limits), the rows it writes
 * (transitionRowsFor, withReturnAddress), and the shop's automation rules for the status the
 * refund enters (evaluateRules), each rule's change planned the same way in its name. What the
 * services would send as one transaction per change is kept here and written at the end in a
 * few multi-row inserts: three months of history in about as many statements as tables.
 *
 * Only what the demo needs of the services is played: no plugin hooks or app checks (the demo
 * shop has none while it is seeded), and rules that move refunds (TRANSITION, HOLD); a rule
 * with a side action (ASSIGN, TAG, NOTIFY) is refused, as the demo merchant sets none.
 */
import type { Database } from "../db/database.js";
import { type AutomationRuleDef, type RefundFacts, evaluateRules, movesRefund, rulesFor, whyMatched } from "../domain/automation-rules.js";
import { isTerminal } from "../domain/refund-machine.js";
import type { RefundAction } from "../domain/refund-machine.js";
import { withReturnAddress } from "../domain/return-address.js";
import type { TransitionRequest } from "../domain/transition-plan.js";
import { type TransitionRow, requestTransitionRow, transitionRowsFor } from "../domain/transition-rows.js";
import { type Actor, type RefundType, type ResolutionKind, SYSTEM_ACTOR, type ShippingStatus } from "../domain/types.js";
import type { Refund } from "../generated/prisma/client.js";
import { MAX_RULE_STEPS_PER_REFUND, NO_RULE_REFUNDS_AT_ONCE, ruleActor } from "../services/automation.js";
import { type LoadedRefund, planChange } from "../services/refund-change.js";
import type { ShopPolicies } from "../services/shop-policies.js";
import { timerNote } from "../services/timer-worker.js";

const DAY = 86_400_000;
const FACT_WINDOW_DAYS = 30;

export interface HistoryCustomer {
  id: string;
  name: string;
  tier: string;
  refundBeforeReceipt: boolean;
}

export interface HistoryOrder {
  id: string;
  customerId: string;
  paidAt: number;
  shippingStatus: ShippingStatus;
  currency: string;
}

export interface HistoryShop {
  id: string;
  policies: ShopPolicies;
  /** The shop's care list length (Shop.careDays), for the rules' onCareList fact. */
  careDays: number;
  /** Reason tag id → its code and its parent's code. */
  reasons: ReadonlyMap<string, { code: string; parentCode: string }>;
}

type OptionRow = { id: string; refundId: string; position: number; kind: ResolutionKind; amount: number; accepted: boolean; createdAt: Date };
type ShipmentRow = { id: string; refundId: string; carrier: string; trackingNumber: string; shopPaysShipping: boolean; submittedAt: Date; receivedAt: Date | null };
type AttemptRow = {
  id: string;
  refundId: string;
  idempotencyKey: string;
  provider: string;
  amount: number;
  currency: string;
  createdAt: Date;
  status: "PENDING" | "SUCCEEDED" | "FAILED";
  reference: string | null;
  failureReason: string | null;
  deliveries: number;
  completedAt: Date | null;
};

interface Held {
  refund: Refund;
  order: HistoryOrder;
  customer: HistoryCustomer;
  options: OptionRow[];
}

export type ChangeOutcome = { ok: true; refund: Refund } | { ok: false; reason: string };

export class RefundHistory {
  private readonly held = new Map<string, Held>();
  private readonly byCustomer = new Map<string, Held[]>();
  private readonly transitions: TransitionRow[] = [];
  private readonly shipments = new Map<string, ShipmentRow>();
  private readonly attempts = new Map<string, AttemptRow>();
  /** Payment attempts committed since the caller last took them. */
  private queued: AttemptRow[] = [];

  constructor(
    private readonly shop: HistoryShop,
    private readonly newId: () => string,
  ) {}

  /** A customer's request, as requestRefund writes it, classified at once by the shop's REQUESTED rules. */
  request(
    input: { order: HistoryOrder; customer: HistoryCustomer; type: RefundType; reasonTagId: string; amount: number; description: string },
    at: Date,
  ): Refund {
    const { order, customer } = input;
    const refund: Refund = {
      id: this.newId(),
      shopId: this.shop.id,
      orderId: order.id,
      customerId: customer.id,
      reasonTagId: input.reasonTagId,
      type: input.type,
      status: "REQUESTED",
      requestedAmount: input.amount,
      approvedAmount: null,
      refundedAmount: 0,
      currency: order.currency,
      description: input.description,
      idempotencyKey: null,
      version: 1,
      createdAt: at,
      updatedAt: at,
      resolvedAt: null,
      assigneeId: null,
      slaDueAt: null,
      nextTimeoutAt: null,
      nextTimeoutAction: null,
      nextTimeoutName: null,
      timeoutClaimedUntil: null,
      timeoutAttempts: 0,
      timeoutRetryAt: null,
      timeoutDeadAt: null,
      timeoutLastError: null,
      personActed: false,
      firstStaffResponseAt: null,
      repeatRequest: false,
      repurchased: false,
      labels: [],
      returnAddress: null,
      policyOverrideCode: null,
      policyOverrideReason: null,
    };
    const held: Held = { refund, order, customer, options: [] };
    this.held.set(refund.id, held);
    this.byCustomer.set(customer.id, [...(this.byCustomer.get(customer.id) ?? []), held]);
    this.transitions.push(requestTransitionRow(refund, { kind: "USER", role: "CUSTOMER", name: customer.name }, at, this.newId));

    // decideRequested: the first matched REQUESTED rule that moves the refund decides; none holds it for review.
    const rules = rulesFor(this.shop.policies.rules, "REQUESTED");
    const evaluation = evaluateRules(rules, "REQUESTED", this.facts(held, at));
    this.refuseSideActions(evaluation.applied);
    const move = evaluation.applied.find((rule) => movesRefund(rule.action));
    const why = move && whyMatched(evaluation.explanations.find((explanation) => explanation.rule.id === move.id)!);
    const decision: { actor: Actor; note?: string; hold?: string } = !move
      ? { actor: SYSTEM_ACTOR, hold: NO_RULE_REFUNDS_AT_ONCE }
      : { actor: ruleActor(move), ...(move.action.kind === "HOLD" ? { hold: why } : { note: why }) };
    const classified = this.change(refund.id, { action: "CLASSIFY", note: decision.note ?? null }, decision.actor, at, { hold: decision.hold });
    if (!classified.ok) throw new Error(`demo history: classifying ${refund.id} was refused: ${classified.reason}`);
    return classified.refund;
  }

  /**
   * One change as changeRefunds makes it: planned by the state machine, its rows applied, then
   * the rules of the status it entered, each acting at most once on it in this change.
   */
  change(
    refundId: string,
    request: TransitionRequest,
    actor: Actor,
    at: Date,
    options: { expectedVersion?: number; hold?: string; steps?: Set<string> } = {},
  ): ChangeOutcome {
    const held = this.held.get(refundId);
    if (!held) return { ok: false, reason: "NOT_FOUND" };
    const { refund } = held;
    if (options.expectedVersion !== undefined && options.expectedVersion !== refund.version && !isTerminal(refund.status)) {
      return { ok: false, reason: `VERSION_CONFLICT: at version ${refund.version}, not ${options.expectedVersion}` };
    }
    const loaded: LoadedRefund = {
      refund,
      shippingStatus: held.order.shippingStatus,
      refundBeforeReceipt: held.customer.refundBeforeReceipt,
      options: held.options,
      nextOrderAt: null,
      items: [],
      payment: null, // the demo's orders carry no payment: the sandbox pays
    };
    const planning = planChange({ refundId, request, actor, hold: options.hold }, loaded, this.shop.policies);
    if (!planning.ok) return { ok: false, reason: planning.errors.map((error) => `${error.code}: ${error.message}`).join("; ") };
    const { policies } = this.shop;
    const rows = withReturnAddress(transitionRowsFor(planning.plan, refund, actor, at, this.newId, policies.sla, policies.timers), policies.returns.defaultAddress);

    const { fromVersion: _, ...update } = rows.refund;
    held.refund = { ...refund, ...update };
    this.transitions.push(rows.transition);
    if (rows.replaceOptions) held.options = [...held.options.filter((option) => option.accepted), ...rows.replaceOptions.map((option) => ({ ...option, accepted: false }))];
    if (rows.acceptOptionId) held.options = held.options.map((option) => (option.id === rows.acceptOptionId ? { ...option, accepted: true } : option));
    if (rows.returnShipment) this.shipments.set(refundId, { ...rows.returnShipment, receivedAt: null });
    if (rows.returnReceivedAt) this.shipments.get(refundId)!.receivedAt = rows.returnReceivedAt;
    if (rows.paymentAttempt) {
      const attempt: AttemptRow = { ...rows.paymentAttempt, status: "PENDING", reference: null, failureReason: null, deliveries: 0, completedAt: null };
      this.attempts.set(attempt.id, attempt);
      this.queued.push(attempt);
    }
    this.automate(held, at, options.steps ?? new Set());
    return { ok: true, refund: held.refund };
  }

  /** The provider's answer to a payment attempt, recorded as the PaymentDispatcher records it. */
  settle(attemptId: string, outcome: { status: "SUCCEEDED"; reference: string } | { status: "FAILED"; reason: string }, at: Date): Refund {
    const attempt = this.attempts.get(attemptId)!;
    Object.assign(attempt, {
      status: outcome.status,
      completedAt: at,
      deliveries: attempt.deliveries + 1,
      reference: outcome.status === "SUCCEEDED" ? outcome.reference : null,
      failureReason: outcome.status === "FAILED" ? outcome.reason : null,
    });
    const request = { action: outcome.status === "SUCCEEDED" ? "PAYMENT_SUCCEEDED" : "PAYMENT_FAILED", note: outcome.status === "FAILED" ? outcome.reason : null } as const;
    const result = this.change(attempt.refundId, request, SYSTEM_ACTOR, at);
    if (!result.ok) throw new Error(`demo history: payment result for ${attempt.refundId} refused: ${result.reason}`);
    return result.refund;
  }

  /** A due timer, applied as the TimerWorker applies it: in the timer's name, only at the version that started it. */
  applyTimer(refundId: string, version: number, at: Date): Refund {
    const held = this.held.get(refundId)!;
    const { nextTimeoutAt, nextTimeoutAction, nextTimeoutName } = held.refund;
    if (held.refund.version !== version || !nextTimeoutAt || nextTimeoutAt.getTime() > at.getTime() || !nextTimeoutAction || !nextTimeoutName) return held.refund;
    const result = this.change(refundId, { action: nextTimeoutAction as RefundAction, note: timerNote(nextTimeoutName) }, { kind: "RULE", name: nextTimeoutName }, at, { expectedVersion: version });
    if (result.ok) return result.refund;
    held.refund = { ...held.refund, nextTimeoutAt: null, nextTimeoutAction: null, nextTimeoutName: null, timeoutClaimedUntil: null };
    return held.refund;
  }

  /** Payment attempts committed since the last call: the caller settles them as the provider answers. */
  takeQueuedPayments(): Array<{ id: string; refundId: string; idempotencyKey: string; amount: number; currency: string; orderId: string; shopId: string }> {
    const queued = this.queued.map((attempt) => ({ ...attempt, orderId: this.held.get(attempt.refundId)!.order.id, shopId: this.held.get(attempt.refundId)!.refund.shopId }));
    this.queued = [];
    return queued;
  }

  offeredOptions(refundId: string): ReadonlyArray<{ id: string; kind: ResolutionKind; accepted: boolean }> {
    return this.held.get(refundId)!.options;
  }

  refunds(): Refund[] {
    return [...this.held.values()].map((held) => held.refund);
  }

  /** Puts refunds in staff members' queues (not a change: no transition, no version). */
  assign(refundId: string, memberId: string): void {
    const held = this.held.get(refundId)!;
    held.refund = { ...held.refund, assigneeId: memberId };
  }

  /** Writes the whole history: refunds, transitions, options, shipments and payment attempts, each in multi-row inserts. */
  async write(db: Database): Promise<void> {
    await insertRows(db, "Refund", this.refunds());
    await insertRows(db, "RefundTransition", this.transitions);
    await insertRows(db, "ResolutionOption", [...this.held.values()].flatMap((held) => held.options));
    await insertRows(db, "ReturnShipment", [...this.shipments.values()]);
    await insertRows(db, "PaymentRefundAttempt", [...this.attempts.values()]);
  }

  /** automate(): the rules of the status the refund entered; a TRANSITION rule's change is made in its name, in this change. */
  private automate(held: Held, at: Date, steps: Set<string>): void {
    const { status, version, id } = held.refund;
    const rules = rulesFor(this.shop.policies.rules, status);
    if (rules.length === 0) return;
    const evaluation = evaluateRules(rules, status, this.facts(held, at));
    this.refuseSideActions(evaluation.applied);
    for (const rule of evaluation.applied) {
      if (rule.action.kind !== "TRANSITION" || steps.has(rule.id) || steps.size >= MAX_RULE_STEPS_PER_REFUND) continue;
      steps.add(rule.id);
      const explanation = evaluation.explanations.find((candidate) => candidate.rule.id === rule.id)!;
      this.change(id, { action: rule.action.refundAction, note: whyMatched(explanation) }, ruleActor(rule), at, { expectedVersion: version, steps });
    }
  }

  private refuseSideActions(applied: readonly AutomationRuleDef[]): void {
    const side = applied.find((rule) => !movesRefund(rule.action));
    if (side) throw new Error(`demo history: rule "${side.name}" (${side.action.kind}) is not played by the demo's history`);
  }

  /** The facts a rule may test (storedFacts in src/services/automation.ts), from what the history holds. */
  private facts(held: Held, at: Date): RefundFacts {
    const { refund, order, customer } = held;
    const reason = this.shop.reasons.get(refund.reasonTagId)!;
    const now = at.getTime();
    const others = (this.byCustomer.get(customer.id) ?? []).filter((other) => other !== held);
    const careSince = now - this.shop.careDays * DAY;
    return {
      amount: refund.requestedAmount,
      refundType: refund.type,
      shippingStatus: order.shippingStatus,
      reasonCode: reason.code,
      parentReasonCode: reason.parentCode,
      customerTier: customer.tier,
      riskLevel: "LOW",
      hoursSincePayment: Math.floor((now - order.paidAt) / 3_600_000),
      refundsLast30Days: others.filter((other) => other.refund.createdAt.getTime() >= now - FACT_WINDOW_DAYS * DAY).length,
      onCareList: this.shop.careDays > 0 && others.some((other) => (other.refund.resolvedAt?.getTime() ?? -Infinity) > careSince) ? "YES" : "NO",
    };
  }
}

/**
 * Rows into a table in ONE statement: they travel as a single JSON parameter that the table's
 * own row type reads (json_populate_recordset), so neither Prisma's query compiler nor the
 * database parses a value list per row (a 14,000-row createMany spent seconds in both). Every
 * row has the first row's keys, which are the table's column names; columns left out take
 * their database defaults.
 */
export async function insertRows(db: Pick<Database, "query">, table: string, rows: readonly object[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!).map((column) => `"${column}"`).join(", ");
  await db.query(`INSERT INTO "${table}" (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::"${table}", $1::json)`, [JSON.stringify(rows)]);
}
