import { type UserError, userError } from "./errors.js";
import { isPositiveAmount } from "./money.js";

/**
 * Exchanges (换货): the customer sends units of an order item back for another variant of the
 * same item (a size, a colour). Pure.
 *
 * What a variant is: the shop says so with the order. Each order item may list the other SKUs it
 * can be exchanged for with their prices (`upsertOrder` items' `variants: [{ sku, unitPrice }]`),
 * as the shop's catalogue had them when the order was placed; nothing else is a variant.
 *
 * What moves: an equal price moves no money; a cheaper variant refunds the difference; a dearer
 * one is refused (EXCHANGE_COSTS_MORE: the platform takes no payments). The difference is taken
 * from what the customer really paid for the units (their share of the order, discounts
 * included), in the ratio of the list prices: paid × (1 − variant price / item price), rounded so
 * the shop never refunds a fraction of a minor unit more.
 */

export interface OrderItemVariant {
  sku: string;
  unitPrice: number;
}

export const MAX_VARIANTS_PER_ITEM = 50;

/** The problems of an order item's `variants` (`field` is the item's), none when it may be stored. */
export function variantProblems(item: { sku: string }, variants: readonly OrderItemVariant[], field: readonly string[]): UserError[] {
  const errors: UserError[] = [];
  if (variants.length > MAX_VARIANTS_PER_ITEM) errors.push(userError("INVALID_INPUT", `At most ${MAX_VARIANTS_PER_ITEM} variants per item`, [...field, "variants"]));
  const seen = new Set<string>();
  variants.forEach((variant, index) => {
    const at = [...field, "variants", String(index)];
    const sku = variant.sku.trim();
    if (!sku || sku.length > 200) errors.push(userError("INVALID_INPUT", "A variant needs a SKU of at most 200 characters", [...at, "sku"]));
    else if (sku === item.sku) errors.push(userError("INVALID_INPUT", "A variant is another SKU than the item's own", [...at, "sku"]));
    else if (seen.has(sku)) errors.push(userError("INVALID_INPUT", "Each variant SKU may be listed once", [...at, "sku"]));
    seen.add(sku);
    if (!Number.isSafeInteger(variant.unitPrice) || variant.unitPrice < 0) {
      errors.push(userError("INVALID_AMOUNT", "unitPrice must be a whole number of minor units", [...at, "unitPrice"]));
    }
  });
  return errors;
}

/** An order line as an exchange reads it. */
export interface ExchangeLine {
  id: string;
  sku: string;
  unitPrice: number;
  variants: readonly OrderItemVariant[];
}

/** The units requested, with what was paid for them (line-items.ts `planRequestedItems`). */
export interface ValuedItem {
  orderItemId: string;
  quantity: number;
  value: number;
}

export interface PlannedExchangeItem {
  orderItemId: string;
  quantity: number;
  /** The price difference refunded for this line (0 for an equal price). */
  amount: number;
  exchangeSku: string;
  /** The variant's list price when it was requested. */
  exchangeUnitPrice: number;
}

/**
 * Checks, before anything is read, what a request says about exchanging: an EXCHANGE names its
 * items, each with the `exchangeSku` it wants and no `amount` (the amount is the price
 * difference); any other type names no `exchangeSku`.
 */
export function exchangeRequestProblems(request: {
  type: string;
  amount?: number | null;
  items?: ReadonlyArray<{ exchangeSku?: string | null }> | null;
}): UserError[] {
  const items = request.items ?? [];
  if (request.type !== "EXCHANGE") {
    return items.flatMap((item, index) =>
      item.exchangeSku != null ? [userError("EXCHANGE_SKU_NOT_ALLOWED", "exchangeSku is for requests of type EXCHANGE", ["input", "items", String(index), "exchangeSku"])] : [],
    );
  }
  const errors: UserError[] = [];
  if (items.length === 0) errors.push(userError("EXCHANGE_ITEMS_REQUIRED", "An exchange names the items to exchange, each with its exchangeSku", ["input", "items"]));
  items.forEach((item, index) => {
    if (!item.exchangeSku?.trim()) errors.push(userError("EXCHANGE_ITEMS_REQUIRED", "Each item of an exchange needs the exchangeSku it is exchanged for", ["input", "items", String(index), "exchangeSku"]));
  });
  if (request.amount != null) errors.push(userError("INVALID_INPUT", "An exchange takes no amount: a cheaper variant refunds the price difference", ["input", "amount"]));
  return errors;
}

/** The exchange's lines and its amount (the price difference, 0 for equal prices), or why not. */
export function planExchange(
  lines: readonly ExchangeLine[],
  requested: ReadonlyArray<{ orderItemId: string; exchangeSku?: string | null }>,
  valued: readonly ValuedItem[],
): { ok: true; items: PlannedExchangeItem[]; amount: number } | { ok: false; errors: UserError[] } {
  const errors: UserError[] = [];
  const byId = new Map(lines.map((line) => [line.id, line]));
  const items = valued.map((item, index): PlannedExchangeItem | null => {
    const field = ["input", "items", String(index), "exchangeSku"];
    const line = byId.get(item.orderItemId)!;
    const exchangeSku = requested[index]!.exchangeSku!.trim();
    if (exchangeSku === line.sku) {
      errors.push(userError("EXCHANGE_SAME_SKU", `${exchangeSku} is the item itself: name the variant you want instead`, field));
      return null;
    }
    const variant = line.variants.find((candidate) => candidate.sku === exchangeSku);
    if (!variant) {
      const offered = line.variants.map((candidate) => candidate.sku).join(", ");
      errors.push(userError("EXCHANGE_SKU_NOT_A_VARIANT", `${exchangeSku} is not a variant of ${line.sku}${offered ? ` (variants: ${offered})` : " (it has none)"}`, field));
      return null;
    }
    if (variant.unitPrice > line.unitPrice) {
      errors.push(userError("EXCHANGE_COSTS_MORE", `${exchangeSku} costs more than ${line.sku}: an exchange may not cost the customer more`, field));
      return null;
    }
    return { orderItemId: item.orderItemId, quantity: item.quantity, amount: priceDifference(item.value, line.unitPrice, variant.unitPrice), exchangeSku, exchangeUnitPrice: variant.unitPrice };
  });
  if (errors.length > 0) return { ok: false, errors };
  const planned = items as PlannedExchangeItem[];
  return { ok: true, items: planned, amount: planned.reduce((sum, item) => sum + item.amount, 0) };
}

/** What is refunded of `paid` when a unit of `itemPrice` is exchanged for one of `variantPrice` (≤ itemPrice). */
export function priceDifference(paid: number, itemPrice: number, variantPrice: number): number {
  if (variantPrice >= itemPrice || !isPositiveAmount(itemPrice)) return 0;
  // BigInt: paid × price can pass 2^53.
  const kept = (BigInt(paid) * BigInt(variantPrice) + BigInt(itemPrice) - 1n) / BigInt(itemPrice);
  return paid - Number(kept);
}
