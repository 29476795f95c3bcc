import type { Tx } from "../db/tx.js";
import type { UserErrorCode } from "../domain/errors.js";
import type { AppCheckDef, CheckHealth } from "../domain/app-checks.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { Actor, ActorKind, RefundStatus, RefundType, Role } from "../domain/types.js";

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
  /** Queues the work of a batch whose report was just stored, in the batch's transaction (apps' REFUND_BATCH_FINISHED). */
  enqueueBatchFinished?(tx: Tx, batch: { id: string; shopId: string }): Promise<string[]>;
}

/**
 * A transition as the unit of work writes it: enough to route its after-transition work and to
 * tell it to hooks (the unit writes it by its last statement, after the deliveries are queued).
 */
export interface CommittedTransition {
  id: string;
  shopId: string;
  refundId: string;
  version: number;
  action: RefundAction;
  fromStatus: RefundStatus | null;
  toStatus: RefundStatus;
  actorKind: ActorKind;
  actorRole: Role | null;
  actorName: string | null;
  note: string | null;
  amount: number | null;
  createdAt: Date;
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

/**
 * Apps' synchronous before-transition checks (src/apps/checks.ts), declared here like the hooks.
 * `ask` makes the HTTP calls and answers the outcome with every failure already turned into its
 * check's failure policy; it never throws for an app's fault.
 */
export interface AppCheckRunner {
  ask(checks: readonly AppCheckDef[], event: BeforeTransitionEvent, options?: { awaitRecord?: boolean }): Promise<AppCheckOutcome>;
  /** The circuits of these checks as this process has seen them; null when none was called here. */
  healthOf(checkIds: readonly string[]): CheckHealth | null;
  /** A check was deleted: its circuit is dropped. */
  forget(checkId: string): void;
}

/** The apps' verdict on one transition: go on (empty), veto with a userError, or hold it for a person. */
export interface AppCheckOutcome {
  veto?: { by: string; code: UserErrorCode; message: string };
  hold?: { by: string; reason: string };
}
