import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import { type Tx, TRANSACTION_OPTIONS } from "../db/tx.js";
import type { RefundItemFacts } from "../domain/line-items.js";
import type { TransitionRows } from "../domain/transition-rows.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { RefundStatus, ResolutionKind, ShippingStatus } from "../domain/types.js";
import { Prisma, type Refund, type RefundTransition } from "../generated/prisma/client.js";
import type { RefundPubSub, StaffNotificationEvent } from "../realtime/refund-events.js";
import type { SlaMinutesByStatus } from "../domain/sla.js";
import type { CredentialChanges } from "./credential-changes.js";
import type { Clock } from "./clock.js";
import { type UnwrittenTransition, insertNumberedTransitions } from "./transition-sequence.js";
import type { PaymentAccounts } from "./payment-accounts.js";
import type { ShopCache } from "./shop-cache.js";
import type { ShopPolicies } from "./shop-policies.js";
import type { AppCheckRunner, TransitionHooks } from "./transition-hooks.js";
import { utc } from "../db/sql.js";

/** A payment attempt as a unit of work writes it. */
export type PaymentAttemptRow = NonNullable<TransitionRows["paymentAttempt"]>;

/** Sends a payment attempt to the provider after its transaction committed. */
export interface PaymentDispatch {
  /** `refund`: its refund as the unit left it, which the payment result's change plans from instead of reading it. */
  dispatch(attemptId: string, refund?: PlannedRefund): void;
  /** Resolves when the process has room for more settlement work (src/payments/settlement-pace.ts). */
  intakeRoom(): Promise<void>;
}

/** What planning a refund's next change needs, as a unit of work left it (refund-change.ts's LoadedRefund). */
export type PlannedRefund = NonNullable<WrittenRefund["loaded"]>;

/** Runs queued after-transition hooks after their transaction committed. */
export interface HookDispatch {
  /** The deliveries one commit queued, handled together. */
  dispatch(deliveryIds: readonly string[]): void;
}

/** Runs refunds' due timers now (src/services/timer-worker.ts): a dead letter a shop admin retried. */
export interface TimerDispatch {
  dispatch(refundIds: readonly string[]): void;
}

/** A refund changeRefunds just moved, as it now is. */
export interface WrittenRefund {
  refundId: string;
  shopId: string;
  status: RefundStatus;
  version: number;
  /** What planning its next change needs, when known without a read (null: read it again). */
  loaded: {
    refund: Refund;
    shippingStatus: ShippingStatus;
    refundBeforeReceipt: boolean;
    options: ReadonlyArray<{ id: string; kind: ResolutionKind; amount: number; accepted: boolean }>;
    nextOrderAt: Date | null;
    items: readonly RefundItemFacts[];
    payment: { id: string; provider: string } | null;
  } | null;
}

/**
 * The shop's automation rules (src/services/automation.ts), declared here so that the unit of
 * work and changeRefunds depend on no implementation.
 */
export interface RefundAutomation {
  /** How long a timer's minute lasts: 60 000 ms, shorter in tests. */
  readonly timerMinuteMs: number;
  /**
   * Runs the rules of the statuses just entered, as further changes in the same unit of work.
   * Answers the refunds it moved or assigned, as they end up.
   */
  afterTransitions(unit: UnitOfWork, hooks: TransitionHooks, written: readonly WrittenRefund[], policies: ReadonlyMap<string, ShopPolicies>): Promise<Map<string, Refund>>;
}

/** What refund services need from the running application. */
export interface RefundServiceDeps {
  db: Database;
  pubsub: RefundPubSub;
  payments: PaymentDispatch;
  hooks: TransitionHooks;
  hookDeliveries: HookDispatch;
  /** The time every unit of work records (tests fix it). */
  clock: Clock;
  automation: RefundAutomation;
  /** Configuration every transition reads, cached per shop. */
  shopConfig: ShopConfig;
  /** Apps' synchronous checks (src/apps/checks.ts); absent: no app is ever asked. */
  appChecks?: AppCheckRunner;
  /** The payment providers and the shops' accounts at them; absent (the demo seeder): the sandbox only. */
  paymentAccounts?: PaymentAccounts;
  /** Where services announce that a credential ended or changed (src/services/credentials.ts). */
  credentials: CredentialChanges;
  /** The timer worker, set once it runs (it needs these services); absent: a retried timer waits for a sweep. */
  timers?: TimerDispatch;
}

/** Per-shop configuration the unit of work reads on every transition, cached per process. */
export interface ShopConfig {
  /** Deadlines, timers and enabled rules (src/services/shop-policies.ts). */
  policies: ShopCache<ShopPolicies>;
  /** Drops a shop's cached configuration here and, through the pub/sub, in every other process. */
  changed(shopId: string): void;
}

/** What a committed transaction leaves to do: events to publish, payments and hooks to run. */
export interface CommittedEffects {
  /** Every transition the unit made; `sequence` is set when they are written, just before the commit. */
  transitions: Array<Pick<RefundTransition, "id" | "refundId" | "shopId" | "version" | "fromStatus" | "toStatus" | "action" | "actorKind" | "actorRole"> & { customerId: string; sequence?: number | null }>;
  paymentAttemptIds: string[];
  /** The refunds of those attempts as the unit left them, when known without a read. */
  paymentRefunds: Map<string, PlannedRefund>;
  hookDeliveryIds: string[];
  /** Inbox messages of NOTIFY rules, pushed to `staffNotificationAdded` after commit. */
  staffNotifications: StaffNotificationEvent[];
}

/** One transaction of refund changes, with what it leaves to do after commit. */
export interface UnitOfWork {
  tx: Tx;
  effects: CommittedEffects;
  /**
   * The transitions made and not yet written: they are inserted, numbered, by the unit's last
   * statement (writeTransitions), so that nothing is locked after the shop's counter.
   */
  transitionsToWrite: UnwrittenTransition[];
  /** The payment attempts made and not yet written: inserted by the same last statement (they are sent after the commit). */
  attemptsToWrite: PaymentAttemptRow[];
  /** The time every row of this unit of work records. */
  now: Date;
  newId(): string;
  shopConfig: ShopConfig;
  /** Absent only where a change is made with no rules (the demo test moves its open refunds on by hand). */
  automation?: RefundAutomation;
  /** Asks apps' checks about the changes no caller asked before the unit (see services/app-checks.ts). */
  appChecks?: AppCheckRunner;
}

/**
 * The commit sequence, the one place it is written: every refund change (a request, a staff
 * action, a batch, a plugin's route, a payment's result) runs its writes in `work` inside one
 * transaction; only after the commit are events published, payments sent and hook deliveries
 * started — subscribers never see a change that was rolled back, and a rolled-back attempt
 * (retried by the caller) leaves nothing behind.
 */
export async function inUnitOfWork<T>(deps: RefundServiceDeps, work: (unit: UnitOfWork) => Promise<T>): Promise<T> {
  let effects = noEffects();
  const result = await deps.db.prisma.$transaction(async (tx) => {
    effects = noEffects();
    const unit: UnitOfWork = { tx, effects, transitionsToWrite: [], attemptsToWrite: [], now: deps.clock(), newId: randomUUID, automation: deps.automation, shopConfig: deps.shopConfig, appChecks: deps.appChecks };
    const done = await work(unit);
    // Last: the shop counter's lock is held until the commit (why, in transition-sequence.ts).
    await writeTransitions(unit);
    return done;
  }, TRANSACTION_OPTIONS);
  runCommittedEffects(deps, effects);
  return result;
}

/**
 * Inserts the unit's transitions made so far, numbered, and sets their events' `sequence`; its
 * payment attempts go in the same statement. The unit of work calls it as its last statement;
 * a caller whose own rows must reference the transitions (a batch's report) calls it before
 * writing them, and takes no row lock after it that another unit could hold while it waits for
 * the shop's counter. The attempts' own key-share locks after the counter are on their refund,
 * updated by this unit, and on their payment, which reservePayments locked in it already.
 */
export async function writeTransitions(unit: Pick<UnitOfWork, "tx" | "effects" | "transitionsToWrite" | "attemptsToWrite">): Promise<void> {
  const numbers = await insertNumberedTransitions(unit.tx, unit.transitionsToWrite.splice(0), attemptsInsert(unit.attemptsToWrite.splice(0)));
  for (const transition of unit.effects.transitions) transition.sequence = numbers.get(transition.id) ?? transition.sequence;
}

function attemptsInsert(attempts: readonly PaymentAttemptRow[]): Prisma.Sql | null {
  if (attempts.length === 0) return null;
  const rows = attempts.map(
    (a) => Prisma.sql`(${a.id}::text, ${a.refundId}::text, ${a.idempotencyKey}::text, ${a.provider}::text, ${a.paymentId}::text, ${a.amount}::int, ${a.currency}::text,
      ${utc(a.createdAt)})`,
  );
  return Prisma.sql`INSERT INTO "PaymentRefundAttempt" (id, "refundId", "idempotencyKey", provider, "paymentId", amount, currency, "createdAt") VALUES ${Prisma.join(rows)}`;
}

function noEffects(): CommittedEffects {
  return { transitions: [], paymentAttemptIds: [], paymentRefunds: new Map(), hookDeliveryIds: [], staffNotifications: [] };
}

function runCommittedEffects(deps: RefundServiceDeps, effects: CommittedEffects): void {
  for (const transition of effects.transitions) {
    deps.pubsub.publish("refund:transition", transition.shopId, {
      transitionId: transition.id,
      refundId: transition.refundId,
      shopId: transition.shopId,
      customerId: transition.customerId,
      version: transition.version,
      sequence: transition.sequence!,
      from: transition.fromStatus,
      to: transition.toStatus,
      action: transition.action as RefundAction,
      actorKind: transition.actorKind,
      actorRole: transition.actorRole,
    });
  }
  for (const notification of effects.staffNotifications) deps.pubsub.publish("staff:notification", notification.shopId, notification);
  for (const attemptId of effects.paymentAttemptIds) deps.payments.dispatch(attemptId, effects.paymentRefunds.get(attemptId));
  deps.hookDeliveries.dispatch(effects.hookDeliveryIds);
}
