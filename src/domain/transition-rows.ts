import type { RefundAction } from "./refund-machine.js";
import { isTerminal } from "./refund-machine.js";
import { type SlaMinutesByStatus, slaDueAt } from "./sla.js";
import { type TimerSchedule, nextTimeout } from "./timers.js";
import type { TransitionPlan } from "./transition-plan.js";
import type { ReturnAddressSnapshot } from "./return-address.js";
import type { Actor, RefundStatus, RefundType, ResolutionKind } from "./types.js";

/**
 * The rows a transition writes, from its plan: pure, so what a change writes is decided apart
 * from the I/O that writes it. Ids are made here (by
 * the caller's `newId`) so that every row can go out in one multi-row insert with no
 * RETURNING round trip.
 */

/** What a customer's request names of a new refund; everything else starts as every request starts. */
export interface RequestedRefundFields {
  id: string;
  shopId: string;
  orderId: string;
  customerId: string;
  reasonTagId: string;
  type: RefundType;
  requestedAmount: number;
  currency: string;
  description: string | null;
  idempotencyKey: string | null;
  repeatRequest: boolean;
}

/**
 * The row of a refund just requested: REQUESTED at version 1, nothing approved, paid, assigned or
 * timed yet. One definition for requestRefund and the demo history, which writes the same rows in bulk.
 */
export function requestedRefundRow(fields: RequestedRefundFields, at: Date) {
  return {
    ...fields,
    status: "REQUESTED" as const,
    approvedAmount: null,
    refundedAmount: 0,
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
    repurchased: false,
    labels: [] as string[],
  };
}

export interface RefundRowKey {
  id: string;
  shopId: string;
  currency: string;
  version: number;
  /** The deadline of the status it leaves, if any: a transition after it is past due. */
  slaDueAt?: Date | null;
  /** When staff first acted on it (refundMetrics' first response); absent: not yet. */
  firstStaffResponseAt?: Date | null;
}

export interface TransitionRow {
  id: string;
  shopId: string;
  refundId: string;
  version: number;
  fromStatus: RefundStatus | null;
  toStatus: RefundStatus;
  action: RefundAction;
  actorKind: Actor["kind"];
  actorRole: NonNullable<Actor["role"]> | null;
  actorName: string | null;
  actorMemberId: string | null;
  escalated: boolean;
  pastDue: boolean;
  note: string | null;
  amount: number | null;
  createdAt: Date;
}

export interface TransitionRows {
  /** The version-checked update: applied only where the refund is still at `fromVersion`. */
  refund: {
    fromVersion: number;
    status: RefundStatus;
    type: RefundType;
    approvedAmount: number | null;
    version: number;
    refundedAmount?: number;
    resolvedAt?: Date;
    /** refundMetrics' facts (schema.prisma): a person acted after the request; staff's first action. */
    personActed?: true;
    firstStaffResponseAt?: Date;
    /** The shop's deadline for the new status, counted from now (null: none). */
    slaDueAt: Date | null;
    /** The shop's timer for the new status (null: none); any earlier timer ends with its status. */
    nextTimeoutAt: Date | null;
    nextTimeoutAction: string | null;
    nextTimeoutName: string | null;
    timeoutClaimedUntil: null;
    /** A new status starts its timer afresh: the failures of the previous one are forgotten. */
    timeoutAttempts: 0;
    timeoutRetryAt: null;
    timeoutDeadAt: null;
    timeoutLastError: null;
    updatedAt: Date;
    /** Entering AWAITING_RETURN: where the parcel goes (src/domain/return-address.ts). */
    returnAddress?: ReturnAddressSnapshot;
  };
  transition: TransitionRow;
  /** OFFER_RESOLUTION replaces the options not yet accepted. */
  replaceOptions?: Array<{ id: string; refundId: string; position: number; kind: ResolutionKind; amount: number; createdAt: Date }>;
  acceptOptionId?: string;
  returnShipment?: { id: string; refundId: string; carrier: string; trackingNumber: string; shopPaysShipping: boolean; submittedAt: Date };
  returnReceivedAt?: Date;
  replacementShipment?: { id: string; refundId: string; carrier: string; trackingNumber: string; shippedAt: Date };
  /** PASS_INSPECTION per item: each line's result, written onto its RefundItem. */
  itemInspections?: Array<{ id: string; passedQuantity: number; note: string | null }>;
  paymentAttempt?: { id: string; refundId: string; idempotencyKey: string; provider: string; paymentId: string | null; amount: number; currency: string; createdAt: Date };
}

export function transitionRowsFor(
  plan: TransitionPlan,
  refund: RefundRowKey,
  actor: Actor,
  at: Date,
  newId: () => string,
  slaMinutes: SlaMinutesByStatus = {},
  timers: TimerSchedule = {},
  /** The order's payment: the attempt goes back through its provider (none: the sandbox). */
  payment: { id: string; provider: string } | null = null,
): TransitionRows {
  const version = refund.version + 1;
  const timeout = nextTimeout(timers, plan.to, at);
  const rows: TransitionRows = {
    refund: {
      fromVersion: refund.version,
      status: plan.to,
      type: plan.type,
      approvedAmount: plan.approvedAmount,
      version,
      // The provider paid: REFUNDED, or EXCHANGED with the price difference paid.
      ...(plan.rule.action === "PAYMENT_SUCCEEDED" && { refundedAmount: plan.amount ?? 0 }),
      ...(isTerminal(plan.to) && { resolvedAt: at }),
      // Every transition here comes after the request (version ≥ 2).
      ...(actor.kind === "USER" && { personActed: true as const }),
      ...(actor.kind === "USER" && actor.role && actor.role !== "CUSTOMER" && !refund.firstStaffResponseAt && { firstStaffResponseAt: at }),
      slaDueAt: slaDueAt(slaMinutes, plan.to, at),
      nextTimeoutAt: timeout?.at ?? null,
      nextTimeoutAction: timeout?.action ?? null,
      nextTimeoutName: timeout?.name ?? null,
      timeoutClaimedUntil: null,
      timeoutAttempts: 0,
      timeoutRetryAt: null,
      timeoutDeadAt: null,
      timeoutLastError: null,
      updatedAt: at,
    },
    transition: {
      id: newId(),
      shopId: refund.shopId,
      refundId: refund.id,
      version,
      fromStatus: plan.from,
      toStatus: plan.to,
      action: plan.rule.action,
      ...actorColumns(actor),
      escalated: plan.escalated ?? false,
      pastDue: refund.slaDueAt != null && refund.slaDueAt.getTime() < at.getTime(),
      note: plan.note,
      amount: plan.amount,
      createdAt: at,
    },
  };
  if (plan.newOptions) {
    rows.replaceOptions = plan.newOptions.map((option, position) => ({ id: newId(), refundId: refund.id, position, ...option, createdAt: at }));
  }
  if (plan.acceptedOptionId) rows.acceptOptionId = plan.acceptedOptionId;
  if (plan.returnShipment) rows.returnShipment = { id: newId(), refundId: refund.id, ...plan.returnShipment, submittedAt: at };
  if (plan.returnReceived) rows.returnReceivedAt = at;
  if (plan.replacementShipment) rows.replacementShipment = { id: newId(), refundId: refund.id, ...plan.replacementShipment, shippedAt: at };
  if (plan.itemInspections) {
    rows.itemInspections = plan.itemInspections.map((inspection) => ({ id: inspection.refundItemId, passedQuantity: inspection.passedQuantity, note: inspection.note }));
  }
  if (plan.paymentAmount != null) {
    rows.paymentAttempt = {
      id: newId(),
      refundId: refund.id,
      // One key per entry into REFUNDING: redelivering this attempt can never pay twice,
      // while RETRY_PAYMENT after a decline is a new attempt with a new key.
      idempotencyKey: `refund:${refund.id}:v${version}`,
      provider: payment?.provider ?? "SANDBOX",
      paymentId: payment?.id ?? null,
      amount: plan.paymentAmount,
      currency: refund.currency,
      createdAt: at,
    };
  }
  return rows;
}

/** The first transition of every refund: its request (none → REQUESTED, version 1). */
export function requestTransitionRow(
  refund: { id: string; shopId: string; requestedAmount: number; description: string | null },
  actor: Actor,
  at: Date,
  newId: () => string,
): TransitionRow {
  return {
    id: newId(),
    shopId: refund.shopId,
    refundId: refund.id,
    version: 1,
    fromStatus: null,
    toStatus: "REQUESTED",
    action: "REQUEST",
    ...actorColumns(actor),
    escalated: false,
    pastDue: false,
    note: refund.description,
    amount: refund.requestedAmount,
    createdAt: at,
  };
}

function actorColumns(actor: Actor) {
  return { actorKind: actor.kind, actorRole: actor.role ?? null, actorName: actor.name ?? null, actorMemberId: actor.memberId ?? null };
}
