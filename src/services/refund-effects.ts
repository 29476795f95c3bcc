import type { Database } from "../db/database.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { Prisma, RefundTransition } from "../generated/prisma/client.js";
import type { PluginHost } from "../plugin/host.js";
import type { RefundPubSub } from "../realtime/refund-events.js";

export type Tx = Prisma.TransactionClient;

/** Sends a payment attempt to the provider after its transaction committed. */
export interface PaymentDispatch {
  dispatch(attemptId: string): void;
}

/** Runs queued after-transition hooks after their transaction committed. */
export interface HookDispatch {
  dispatch(deliveryId: string): void;
}

/** What refund services need from the running application. */
export interface RefundServiceDeps {
  db: Database;
  pubsub: RefundPubSub;
  payments: PaymentDispatch;
  plugins: PluginHost;
  hookDeliveries: HookDispatch;
}

/** What a committed transaction leaves to do: events to publish, payments and hooks to run. */
export interface CommittedEffects {
  transitions: Array<RefundTransition & { customerId: string }>;
  paymentAttemptIds: string[];
  hookDeliveryIds: string[];
}

export function noEffects(): CommittedEffects {
  return { transitions: [], paymentAttemptIds: [], hookDeliveryIds: [] };
}

/** Interactive transactions wait for a pooled connection under load rather than fail at 2 s. */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;

/** Runs only after commit: subscribers never see a transition that was rolled back. */
export function runCommittedEffects(deps: RefundServiceDeps, effects: CommittedEffects): void {
  for (const transition of effects.transitions) {
    deps.pubsub.publish("refund:transition", transition.shopId, {
      transitionId: transition.id,
      refundId: transition.refundId,
      shopId: transition.shopId,
      customerId: transition.customerId,
      version: transition.version,
      from: transition.fromStatus,
      to: transition.toStatus,
      action: transition.action as RefundAction,
      actorKind: transition.actorKind,
      actorRole: transition.actorRole,
    });
  }
  for (const attemptId of effects.paymentAttemptIds) deps.payments.dispatch(attemptId);
  for (const deliveryId of effects.hookDeliveryIds) deps.hookDeliveries.dispatch(deliveryId);
}
