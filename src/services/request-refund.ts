import { fail } from "../domain/errors.js";
import { isPositiveAmount, refundableAmount } from "../domain/money.js";
import { SYSTEM_ACTOR, type RefundType } from "../domain/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { type Tx, TRANSACTION_OPTIONS, noEffects, runCommittedEffects } from "./refund-effects.js";
import type { AppServices } from "./clock.js";
import { applyTransition } from "./transition-refund.js";
import { type Viewer, actorOf, orderScope, requireRole } from "./viewer.js";

export interface RequestRefundInput {
  orderId: string;
  type: RefundType;
  reasonCode: string;
  amount?: number | null;
  description?: string | null;
  idempotencyKey?: string | null;
}

/**
 * `requestRefund`: records the request and classifies it at once (unshipped → refunded with
 * no human touch; shipped → review), all in one transaction under the order's row lock, so
 * concurrent requests can never reserve more than the order's paid amount.
 */
export async function requestRefund(deps: AppServices, viewer: Viewer | null, input: RequestRefundInput) {
  const caller = requireRole(viewer, ["CUSTOMER", "AGENT", "SHOP_ADMIN", "PLATFORM_ADMIN", "INTEGRATION"]);
  if (input.amount != null && !isPositiveAmount(input.amount)) {
    fail("INVALID_AMOUNT", "The amount must be a positive whole number of minor units", ["input", "amount"]);
  }
  const idempotencyKey = input.idempotencyKey?.trim() || null;
  const order = await deps.db.prisma.order.findFirst({ where: { id: input.orderId, ...orderScope(caller) } });
  if (!order) fail("NOT_FOUND", "No such order", ["input", "orderId"]);
  const reason = await deps.db.prisma.reasonTag.findUnique({
    where: { shopId_code: { shopId: order.shopId, code: input.reasonCode } },
  });
  if (!reason) fail("UNKNOWN_REASON_CODE", `Unknown reason code ${input.reasonCode}: see reasonTags`, ["input", "reasonCode"]);

  const run = (tx: Tx) => createAndClassify(tx, deps, caller, input, { order, reasonTagId: reason.id, idempotencyKey });
  let result: Awaited<ReturnType<typeof createAndClassify>>;
  try {
    result = await deps.db.prisma.$transaction(run, TRANSACTION_OPTIONS);
  } catch (error) {
    // Two first requests with one key on two orders race past the lock; the unique index
    // lets one win, and the other answers with the winner.
    if (!(idempotencyKey && error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    result = await deps.db.prisma.$transaction(run, TRANSACTION_OPTIONS);
  }
  runCommittedEffects(deps, result.effects);
  return result.refund;
}

async function createAndClassify(
  tx: Tx,
  deps: AppServices,
  caller: Viewer,
  input: RequestRefundInput,
  context: { order: { id: string; shopId: string; customerId: string; paidAmount: number; currency: string }; reasonTagId: string; idempotencyKey: string | null },
) {
  const { order, idempotencyKey } = context;
  const effects = noEffects();
  // Serialises every request on this order; reads below see all committed refunds.
  await tx.$queryRaw`SELECT id FROM "Order" WHERE id = ${order.id} FOR UPDATE`;

  if (idempotencyKey) {
    const existing = await tx.refund.findUnique({ where: { shopId_idempotencyKey: { shopId: order.shopId, idempotencyKey } } });
    if (existing) {
      if (existing.orderId !== order.id) {
        fail("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for a refund of another order", ["input", "idempotencyKey"]);
      }
      return { refund: existing, effects };
    }
  }

  const refunds = await tx.refund.findMany({
    where: { orderId: order.id },
    select: { status: true, requestedAmount: true, refundedAmount: true },
  });
  const refundable = refundableAmount(order.paidAmount, refunds);
  const amount = input.amount ?? refundable;
  if (refundable === 0) fail("AMOUNT_EXCEEDS_REFUNDABLE", "Nothing is left to refund on this order", ["input", "orderId"]);
  if (amount > refundable) fail("AMOUNT_EXCEEDS_REFUNDABLE", `At most ${refundable} can still be refunded on this order`, ["input", "amount"]);

  const actor = actorOf(caller);
  const refund = await tx.refund.create({
    data: {
      shopId: order.shopId,
      orderId: order.id,
      customerId: order.customerId,
      reasonTagId: context.reasonTagId,
      type: input.type,
      status: "REQUESTED",
      requestedAmount: amount,
      currency: order.currency,
      description: input.description?.trim() || null,
      idempotencyKey,
      transitions: {
        create: {
          shopId: order.shopId,
          version: 1,
          toStatus: "REQUESTED",
          action: "REQUEST",
          actorKind: actor.kind,
          actorRole: actor.role ?? null,
          actorName: actor.name ?? null,
          amount,
          note: input.description?.trim() || null,
        },
      },
    },
    include: { transitions: true },
  });
  const { transitions, ...created } = refund;
  effects.transitions.push(...transitions.map((transition) => ({ ...transition, customerId: created.customerId })));
  for (const transition of transitions) effects.hookDeliveryIds.push(...(await deps.plugins.enqueueAfterTransition(tx, transition)));
  const classified = await applyTransition(tx, created.id, { action: "CLASSIFY" }, SYSTEM_ACTOR, { plugins: deps.plugins, now: deps.clock() }, effects);
  return { refund: classified.refund, effects };
}
