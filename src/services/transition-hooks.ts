import type { Tx } from "../db/tx.js";
import type { UserErrorCode } from "../domain/errors.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { Actor, RefundStatus, RefundType } from "../domain/types.js";

/**
 * What the unit of work asks of whatever extends a transition (the plugin host today, apps'
 * synchronous checks later). Declared here, by the services that call it, so the services
 * depend on no implementation.
 */
export interface TransitionHooks {
  /** Runs inside the transition's transaction, before anything is written. */
  before(tx: Tx, event: BeforeTransitionEvent): Promise<HookOutcome>;
  /** Queues the after-transition work of these transitions in the same transaction: one insert for all. */
  enqueueAfter(tx: Tx, transitions: ReadonlyArray<CommittedTransition>): Promise<string[]>;
}

/** A transition as the unit of work writes it, enough to route its after-transition work. */
export interface CommittedTransition {
  id: string;
  shopId: string;
  refundId: string;
  action: RefundAction;
  fromStatus: RefundStatus | null;
  toStatus: RefundStatus;
  /** Units of the refund's line items passed inspection in it: inventory may put them back on sale. */
  restocks?: boolean;
}

/** The refund a hook is told about, as it was before the transition. */
export interface HookRefund {
  id: string;
  shopId: string;
  orderId: string;
  customerId: string;
  type: RefundType;
  status: RefundStatus;
  reasonTagId: string;
  requestedAmount: number;
  approvedAmount: number | null;
  currency: string;
  version: number;
}

export interface BeforeTransitionEvent {
  refund: HookRefund;
  action: RefundAction;
  from: RefundStatus;
  /** Where the transition would go. */
  to: RefundStatus;
  actor: Actor;
  note: string | null;
  amount: number | null;
}

/** The before-hooks' verdict: go on (empty), veto with a userError, or hold for review. */
export interface HookOutcome {
  veto?: { by: string; code: UserErrorCode; message: string };
  hold?: { by: string; reason: string };
}
