import { UserErrorsException, fail } from "../domain/errors.js";
import { type ExchangeLine, exchangeRequestProblems, planExchange } from "../domain/exchanges.js";
import { type OrderLine, type RequestedItem, planRequestedItems, refundItemAmounts } from "../domain/line-items.js";
import { isPositiveAmount, refundableAmount } from "../domain/money.js";
import { requestTransitionRow, requestedRefundRow } from "../domain/transition-rows.js";
import type { RefundStatus, RefundType, ShippingStatus } from "../domain/types.js";
import type { Tx } from "../db/tx.js";
import { Prisma } from "../generated/prisma/client.js";
import { selectableReasonTag } from "./reason-tags.js";
import { checkReturnPolicy } from "./return-policies.js";
import { decideRequested } from "./automation.js";
import { type LoadedRefund, changeRefunds } from "./refund-change.js";
import { FOLLOW_UP_DAYS } from "./refund-metrics.js";
import { NO_POLICIES } from "./shop-policies.js";
import { type RefundServiceDeps, type UnitOfWork, inUnitOfWork } from "./unit-of-work.js";
import { type Viewer, actorOf, orderScope, requireRole } from "./viewer.js";
import { utc } from "../db/sql.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export interface RequestRefundInput {
  orderId: string;
  type: RefundType;
  reasonCode: string;
  amount?: number | null;
  description?: string | null;
  idempotencyKey?: string | null;
  /** Some units of some order items; absent: the whole order. EXCHANGE: each with the variant wanted. */
  items?: ReadonlyArray<RequestedItem & { exchangeSku?: string | null }> | null;
  /** Staff only: request it although the return policy refuses it, saying why (recorded on the refund). */
  overridePolicy?: { reason: string } | null;
}

/**
 * `requestRefund`: records the request and classifies it at once, as the shop's REQUESTED rules
 * decide (the default rule: unshipped → refunded with no human touch; otherwise → review),
 * all in one transaction under the order's row lock, so
 * concurrent requests can never reserve more than the order's paid amount, nor more units of an
 * order item than were bought.
 */
export async function requestRefund(deps: RefundServiceDeps, viewer: Viewer | null, input: RequestRefundInput) {
  const caller = requireRole(viewer, ["CUSTOMER", "AGENT", "SHOP_ADMIN", "PLATFORM_ADMIN", "INTEGRATION"]);
  const exchangeErrors = exchangeRequestProblems(input);
  if (exchangeErrors.length > 0) throw new UserErrorsException(exchangeErrors);
  if (input.amount != null && !isPositiveAmount(input.amount)) {
    fail("INVALID_AMOUNT", "The amount must be a positive whole number of minor units", ["input", "amount"]);
  }
  const idempotencyKey = input.idempotencyKey?.trim() || null;
  // Before anything is read: a request that may settle at once waits while this process is behind on settling.
  await deps.payments.intakeRoom();
  const run = () => inUnitOfWork(deps, (unit) => createAndClassify(unit, deps, caller, input, idempotencyKey));
  try {
    return await run();
  } catch (error) {
    // Two first requests with one key on two orders race past the lock; the unique index
    // lets one win, and the other answers with the winner.
    if (!(idempotencyKey && isUniqueViolation(error))) throw error;
    return run();
  }
}

async function createAndClassify(unit: UnitOfWork, deps: RefundServiceDeps, caller: Viewer, input: RequestRefundInput, idempotencyKey: string | null) {
  const { tx } = unit;
  // Serialises every request on this order; reads below see all committed refunds.
  const order = await lockOrderToRefund(tx, caller, input.orderId);
  if (!order) fail("NOT_FOUND", "No such order", ["input", "orderId"]);
  // The shop's policies (cached: 0 statements) carry its reason tags and serve changeRefunds too.
  const policies = await unit.shopConfig.policies.get(tx, [order.shopId]);
  const shop = policies.get(order.shopId) ?? NO_POLICIES;
  const reason = selectableReasonTag(shop, input.reasonCode);
  const override = await checkReturnPolicy({ tx, now: unit.now, policies: shop }, caller, order, reason, input.overridePolicy, idempotencyKey, input.items?.map((item) => item.orderItemId));
  const payment = order.paymentId && order.provider ? { id: order.paymentId, provider: order.provider } : null;

  if (idempotencyKey) {
    const existing = await tx.refund.findUnique({ where: { shopId_idempotencyKey: { shopId: order.shopId, idempotencyKey } } });
    if (existing) {
      if (existing.orderId !== order.id) {
        fail("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for a refund of another order", ["input", "idempotencyKey"]);
      }
      return existing;
    }
  }

  const id = unit.newId();
  const { refunds, repeatRequest, nextOrderAt, lines } = (await customerHistory(unit, order, id, input.items != null))[0]!;
  const refundable = refundableAmount(order.paidAmount, refunds);
  // Items first: a unit already taken is named as such, even when the order has no amount left either.
  const { amount, items } = requestedAmountAndItems(input, order.paidAmount, lines, refundable);
  if (refundable === 0) fail("AMOUNT_EXCEEDS_REFUNDABLE", "Nothing is left to refund on this order", ["input", "orderId"]);
  // An exchange for a variant of the same price moves no money: its amount is 0.
  if (amount === 0 && input.type !== "EXCHANGE") fail("INVALID_AMOUNT", "The items named were paid nothing: there is no amount to refund", ["input", "items"]);
  if (amount > refundable) fail("AMOUNT_EXCEEDS_REFUNDABLE", `At most ${refundable} can still be refunded on this order`, ["input", "amount"]);
  if (order.left != null && amount > order.left) {
    fail("AMOUNT_EXCEEDS_PAYMENT", `At most ${order.left} is left of this order's payment (other refunds of it took or hold the rest)`, ["input", "amount"]);
  }

  const requested = {
    ...requestedRefundRow(
      {
        id,
        shopId: order.shopId,
        orderId: order.id,
        customerId: order.customerId,
        reasonTagId: reason.id,
        type: input.type,
        requestedAmount: amount,
        currency: order.currency,
        description: input.description?.trim() || null,
        idempotencyKey,
        repeatRequest,
      },
      unit.now,
    ),
    ...override,
  };
  const transition = requestTransitionRow(requested, actorOf(caller), unit.now, unit.newId);
  await tx.refund.create({ data: requested });
  const itemRows = items.map((item, position) => ({ id: unit.newId(), refundId: id, position, ...item }));
  // A refund of line items: one multi-row insert (the only statement items add to a request).
  if (itemRows.length > 0) await tx.refundItem.createMany({ data: itemRows });
  unit.effects.transitions.push({ ...transition, customerId: requested.customerId });

  // Classified at once, in the same transaction, from what was just written (no re-read), as
  // the shop's REQUESTED rules decide.
  const loaded: LoadedRefund = { refund: { ...requested, returnAddress: null }, shippingStatus: order.shippingStatus, refundBeforeReceipt: order.refundBeforeReceipt, options: [], nextOrderAt, items: itemRows.map((item) => ({ id: item.id, quantity: item.quantity, amount: item.amount, passedQuantity: null })), payment };
  const decision = await decideRequested(unit, shop, loaded);
  if (decision.patch) loaded.refund = { ...loaded.refund, ...decision.patch };
  const classify = { refundId: requested.id, request: { action: "CLASSIFY" as const, note: decision.note }, actor: decision.actor, hold: decision.hold, loaded };
  const [classified] = await changeRefunds(unit, deps.hooks, [classify], { alsoWrite: [transition], policies });
  if (!classified!.ok) throw new UserErrorsException(classified!.userErrors);
  return classified!.refund;
}

/**
 * The refund's amount and, for a request of line items, its lines: the amount defaults to the
 * items' paid value (at most what the order has left) and may be lower, never higher.
 */
function requestedAmountAndItems(input: RequestRefundInput, paidAmount: number, lines: ReadonlyArray<OrderLine & ExchangeLine>, refundable: number) {
  if (input.type === "EXCHANGE") return exchangeAmountAndItems(input.items!, paidAmount, lines);
  if (input.items == null) return { amount: input.amount ?? refundable, items: [] };
  const planned = planRequestedItems(paidAmount, lines, input.items);
  if (!planned.ok) throw new UserErrorsException(planned.errors);
  if (input.amount != null && input.amount > planned.value) {
    fail("AMOUNT_EXCEEDS_ITEMS_VALUE", `The items named were paid ${planned.value}: the amount may not be more`, ["input", "amount"]);
  }
  const amount = input.amount ?? Math.min(planned.value, refundable);
  return { amount, items: amount > 0 ? refundItemAmounts(amount, planned.items) : [] };
}

/**
 * An exchange's lines (its units, held like a refund's) and its amount: the price difference of
 * the variants asked for, 0 when they cost the same (exchanges.ts).
 */
function exchangeAmountAndItems(requested: NonNullable<RequestRefundInput["items"]>, paidAmount: number, lines: ReadonlyArray<OrderLine & ExchangeLine>) {
  const valued = planRequestedItems(paidAmount, lines, requested);
  if (!valued.ok) throw new UserErrorsException(valued.errors);
  const exchange = planExchange(lines, requested, valued.items);
  if (!exchange.ok) throw new UserErrorsException(exchange.errors);
  return exchange;
}

/**
 * In one statement, under the order's lock: the order's refunds (what is left to refund), and
 * for refundMetrics whether the customer requested another refund in the 30 days before this
 * one (ordered by createdAt, then id, as rebuildRefundMetricsFacts orders them) and the
 * customer's first order paid after now; for a request of line items, the order's items with the
 * refund lines that name them (read under the lock: what is left of each item).
 */
async function customerHistory(unit: UnitOfWork, order: OrderToRefund, refundId: string, withLines: boolean) {
  const now = utc(unit.now);
  const lines = withLines
    ? Prisma.sql`COALESCE((SELECT json_agg(json_build_object('id', i.id, 'quantity', i.quantity, 'unitPrice', i."unitPrice", 'sku', i.sku, 'variants', i.variants, 'refundLines',
          COALESCE((SELECT json_agg(json_build_object('status', lr.status, 'quantity', li.quantity, 'passedQuantity', li."passedQuantity"))
                      FROM "RefundItem" li JOIN "Refund" lr ON lr.id = li."refundId" WHERE li."orderItemId" = i.id), '[]'::json)) ORDER BY i.id)
        FROM "OrderItem" i WHERE i."orderId" = ${order.id}), '[]'::json)`
    : Prisma.sql`'[]'::json`;
  return unit.tx.$queryRaw<
    Array<{
      refunds: Array<{ status: RefundStatus; requestedAmount: number; refundedAmount: number }>;
      repeatRequest: boolean;
      nextOrderAt: Date | null;
      lines: Array<OrderLine & ExchangeLine>;
    }>
  >`
    SELECT
      COALESCE((SELECT json_agg(json_build_object('status', r.status, 'requestedAmount', r."requestedAmount", 'refundedAmount', r."refundedAmount"))
                  FROM "Refund" r WHERE r."orderId" = ${order.id}), '[]'::json) AS refunds,
      EXISTS (SELECT 1 FROM "Refund" e
               WHERE e."customerId" = ${order.customerId}
                 AND e."createdAt" >= ${now} - ${Prisma.raw(`interval '${FOLLOW_UP_DAYS} days'`)}
                 AND (e."createdAt", e.id) < (${now}, ${refundId})) AS "repeatRequest",
      (SELECT min(o."paidAt") FROM "Order" o
        WHERE o."customerId" = ${order.customerId} AND o."paidAt" > ${now}) AS "nextOrderAt",
      ${lines} AS lines`;
}

interface OrderToRefund {
  id: string;
  shopId: string;
  customerId: string;
  paidAmount: number;
  currency: string;
  shippingStatus: ShippingStatus;
  refundBeforeReceipt: boolean;
  /** The order's payment (null: the sandbox), and what is left of it. */
  paymentId: string | null;
  provider: string | null;
  left: number | null;
}

/**
 * The order the caller may refund, locked, with what classification needs of its customer and
 * its payment, in one statement. The order's refunds are read by the next one (customerHistory):
 * a statement that waited for the lock still reads with the snapshot it started with, which
 * misses the refund the lock's holder just committed.
 */
async function lockOrderToRefund(tx: Tx, caller: Viewer, orderId: string): Promise<OrderToRefund | null> {
  const scope = orderScope(caller);
  const [order] = await tx.$queryRaw<OrderToRefund[]>`
    SELECT o.id, o."shopId", o."customerId", o."paidAmount", o.currency, o."shippingStatus"::text AS "shippingStatus", c."refundBeforeReceipt",
           o."paymentId", p.provider, p."totalAmount" - p."reservedAmount" AS "left"
      FROM "Order" o JOIN "Customer" c ON c.id = o."customerId" LEFT JOIN "Payment" p ON p.id = o."paymentId"
     WHERE o.id = ${orderId}
       AND (${scope.shopId ?? null}::text IS NULL OR o."shopId" = ${scope.shopId ?? null})
       AND (${scope.customerId ?? null}::text IS NULL OR o."customerId" = ${scope.customerId ?? null})
       FOR UPDATE OF o`;
  return order ?? null;
}
