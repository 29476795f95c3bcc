import { fail, UserErrorsException } from "../domain/errors.js";
import { isTerminal } from "../domain/refund-machine.js";
import { slaDueAt } from "../domain/sla.js";
import { type TransitionRequest, holdForReview, planTransition } from "../domain/transition-plan.js";
import type { Actor } from "../domain/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { type PluginHost, vetoError } from "../plugin/host.js";
import {
  type CommittedEffects,
  type Tx,
  TRANSACTION_OPTIONS,
  noEffects,
  runCommittedEffects,
} from "./refund-effects.js";
import type { AppServices } from "./clock.js";
import { slaMinutesByStatus } from "./sla.js";
import { type Viewer, actorOf, refundScope, requireViewer } from "./viewer.js";

/**
 * The one place that changes `Refund.status`. Reads the refund, lets the pure state machine
 * decide, and writes the status, the transition record and its consequences inside the
 * caller's transaction; the version check makes each transition apply exactly once.
 */
export async function applyTransition(
  tx: Tx,
  refundId: string,
  request: TransitionRequest,
  actor: Actor,
  options: {
    plugins: PluginHost;
    expectedVersion?: number | null;
    scope?: { shopId?: string; customerId?: string };
    /** When the refund enters its new status (its deadline counts from here); default: now. */
    now?: Date;
  },
  effects: CommittedEffects = noEffects(),
) {
  const refund = await tx.refund.findFirst({
    where: { id: refundId, ...options.scope },
    include: {
      order: { select: { shippingStatus: true, externalId: true } },
      customer: { select: { refundBeforeReceipt: true } },
      resolutionOptions: true,
    },
  });
  if (!refund) fail("NOT_FOUND", "No such refund", ["input", "refundId"]);
  if (options.expectedVersion != null && options.expectedVersion !== refund.version && !isTerminal(refund.status)) {
    fail("VERSION_CONFLICT", `The refund is at version ${refund.version}, not ${options.expectedVersion}: reload it`, ["input", "expectedVersion"]);
  }

  const planned = planTransition(refund, request, actor, {
    shippingStatus: refund.order.shippingStatus,
    refundBeforeReceipt: refund.customer.refundBeforeReceipt,
    offeredOptions: refund.resolutionOptions.filter((option) => !option.accepted),
  });
  if (!planned.ok) throw new UserErrorsException(planned.errors);
  let plan = planned.plan;
  const { order: _order, customer: _customer, resolutionOptions: _options, ...hookRefund } = refund;
  const hooks = await options.plugins.runBeforeTransition(tx, {
    refund: hookRefund,
    action: request.action,
    from: plan.from,
    to: plan.to,
    actor,
    note: plan.note,
    amount: plan.amount,
  });
  if (hooks.veto) throw new UserErrorsException([vetoError(hooks.veto)]);
  if (hooks.hold) {
    const held = holdForReview(plan, refund, hooks.hold.reason);
    if (held !== plan) {
      plan = held;
      actor = { kind: "PLUGIN", name: hooks.hold.plugin };
    }
  }
  const version = refund.version + 1;
  const slaPolicies = await slaMinutesByStatus(tx, refund.shopId);

  let updated;
  try {
    updated = await tx.refund.update({
      // The version in the WHERE is the optimistic lock: a concurrent transition that
      // committed first leaves no row to update here.
      where: { id: refund.id, version: refund.version },
      data: {
        status: plan.to,
        type: plan.type,
        approvedAmount: plan.approvedAmount,
        version,
        ...(plan.to === "REFUNDED" && { refundedAmount: plan.amount ?? 0 }),
        ...(isTerminal(plan.to) && { resolvedAt: new Date() }),
        slaDueAt: slaDueAt(slaPolicies, plan.to, options.now ?? new Date()),
      },
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") {
      fail("VERSION_CONFLICT", "The refund changed while this action was being applied: reload it", ["input", "expectedVersion"]);
    }
    throw error;
  }

  if (plan.newOptions) {
    await tx.resolutionOption.deleteMany({ where: { refundId: refund.id, accepted: false } });
    await tx.resolutionOption.createMany({
      data: plan.newOptions.map((option, position) => ({ refundId: refund.id, position, ...option })),
    });
  }
  if (plan.acceptedOptionId) {
    await tx.resolutionOption.update({ where: { id: plan.acceptedOptionId }, data: { accepted: true } });
  }
  if (plan.returnShipment) {
    const shopPaysShipping = refund.resolutionOptions.some((option) => option.accepted && option.kind === "RETURN_WITH_FULL_REFUND");
    await tx.returnShipment.create({ data: { refundId: refund.id, ...plan.returnShipment, shopPaysShipping } });
  }
  if (request.action === "RECEIVE_RETURN") {
    await tx.returnShipment.updateMany({ where: { refundId: refund.id }, data: { receivedAt: new Date() } });
  }
  if (plan.paymentAmount != null) {
    const attempt = await tx.paymentRefundAttempt.create({
      data: {
        refundId: refund.id,
        // One key per entry into REFUNDING: redelivering this attempt can never pay twice,
        // while RETRY_PAYMENT after a decline is a new attempt with a new key.
        idempotencyKey: `refund:${refund.id}:v${version}`,
        provider: "sandbox",
        amount: plan.paymentAmount,
        currency: refund.currency,
      },
    });
    effects.paymentAttemptIds.push(attempt.id);
  }

  const transition = await tx.refundTransition.create({
    data: {
      shopId: refund.shopId,
      refundId: refund.id,
      version,
      fromStatus: plan.from,
      toStatus: plan.to,
      action: request.action,
      actorKind: actor.kind,
      actorRole: actor.role ?? null,
      actorName: actor.name ?? null,
      note: plan.note,
      amount: plan.amount,
    },
  });
  effects.transitions.push({ ...transition, customerId: refund.customerId });
  effects.hookDeliveryIds.push(...(await options.plugins.enqueueAfterTransition(tx, transition)));
  return { refund: updated, transition, effects };
}

export interface TransitionRefundInput extends TransitionRequest {
  refundId: string;
  expectedVersion?: number | null;
}

/** `transitionRefund`: a person or an API client takes an action on one refund. */
export async function transitionRefund(deps: AppServices, viewer: Viewer | null, input: TransitionRefundInput) {
  const caller = requireViewer(viewer);
  const { refundId, expectedVersion, ...request } = input;
  const result = await deps.db.prisma.$transaction(
    (tx) => applyTransition(tx, refundId, request, actorOf(caller), { plugins: deps.plugins, expectedVersion, scope: refundScope(caller), now: deps.clock() }),
    TRANSACTION_OPTIONS,
  );
  runCommittedEffects(deps, result.effects);
  return { refund: result.refund, transition: result.transition };
}
