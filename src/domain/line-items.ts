import { type UserError, userError } from "./errors.js";

/**
 * Line items of a refund (DESIGN.md "Line items and exchanges"): which units of which order
 * items a refund is for, what they are worth, and what the warehouse found. Pure.
 *
 * Quantities follow the order's amount invariant (money.ts `reservedAmount`): an open refund
 * holds the units it names, a REFUNDED one the units that passed inspection (all of them when
 * it was not inspected per item), a REJECTED or CANCELLED one none.
 *
 * What units are worth: the order's paid amount is spread over its lines in proportion to
 * quantity × unitPrice (a discount, or a shipping fee, falls on every line alike), whole minor
 * units by the largest remainder, so the lines add up to exactly what was paid. Within a line,
 * units are valued cumulatively (the first k units are worth ⌊share × k / quantity⌋), so a line
 * refunded one unit at a time still adds up to its share: the last unit takes the remainder.
 */

/** A refund line as the reservation and inspection rules read it. */
export interface RefundLineFacts {
  status: string;
  quantity: number;
  passedQuantity: number | null;
}

/** An order item with what the refunds of its order already hold of it. */
export interface OrderLine {
  id: string;
  quantity: number;
  unitPrice: number;
  refundLines: readonly RefundLineFacts[];
}

export interface RequestedItem {
  orderItemId: string;
  quantity: number;
}

/** One line of a refund to write, in the order requested. */
export interface PlannedRefundItem {
  orderItemId: string;
  quantity: number;
  /** The line's share of the refund's requested amount. */
  amount: number;
}

/** Units of an order item a refund line holds back from being refunded again. */
export function reservedQuantity(line: RefundLineFacts): number {
  switch (line.status) {
    case "REJECTED":
    case "CANCELLED":
    // An exchange holds its units while it is open; once EXCHANGED the customer has the
    // replacement of this line, which may be returned like the units it replaced.
    case "EXCHANGED":
      return 0;
    case "REFUNDED":
      return line.passedQuantity ?? line.quantity;
    default:
      return line.quantity;
  }
}

/** Units of an order item held by open and refunded refunds (`OrderItem.refundedQuantity`). */
export function refundedQuantity(lines: readonly RefundLineFacts[]): number {
  return lines.reduce((sum, line) => sum + reservedQuantity(line), 0);
}

/**
 * `total` split over `weights` in proportion, whole units, adding up exactly to `total` (largest
 * remainder; ties to the earlier). All weights zero: split evenly.
 */
export function splitProportionally(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  // BigInt: an amount times a weight can pass 2^53 (¥10 million × ¥10 million in fen).
  const sum = weights.reduce((a, b) => a + b, 0);
  const effective = (sum > 0 ? weights : weights.map(() => 1)).map(BigInt);
  const effectiveSum = effective.reduce((a, b) => a + b, 0n);
  const big = BigInt(total);
  const shares = effective.map((weight) => Number((big * weight) / effectiveSum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = effective
    .map((weight, index) => ({ index, remainder: (big * weight) % effectiveSum }))
    .sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const { index } of byRemainder) {
    if (left === 0) break;
    shares[index]! += 1;
    left -= 1;
  }
  return shares;
}

/**
 * The refund lines a request names, each with its paid value, or the userErrors of the request
 * (`field` under `input.items`). Checks: at least one line, positive whole quantities, each order
 * item once and one of this order's, at most what was bought and what is still refundable.
 */
export function planRequestedItems(
  paidAmount: number,
  lines: readonly OrderLine[],
  requested: readonly RequestedItem[],
): { ok: true; items: Array<{ orderItemId: string; quantity: number; value: number }>; value: number } | { ok: false; errors: UserError[] } {
  const errors: UserError[] = [];
  if (requested.length === 0) {
    return { ok: false, errors: [userError("INVALID_INPUT", "items must name at least one order item, or be left out for the whole order", ["input", "items"])] };
  }
  const shares = splitProportionally(paidAmount, lines.map((line) => line.quantity * line.unitPrice));
  const lineIndex = new Map(lines.map((line, index) => [line.id, index]));
  const seen = new Set<string>();
  const items: Array<{ orderItemId: string; quantity: number; value: number }> = [];
  requested.forEach((item, position) => {
    const field = (name: string) => ["input", "items", String(position), name];
    const index = lineIndex.get(item.orderItemId);
    // Another order's (or shop's) item is answered exactly as one that does not exist.
    if (index === undefined) return errors.push(userError("ORDER_ITEM_NOT_IN_ORDER", "This is not an item of the order", field("orderItemId")));
    if (seen.has(item.orderItemId)) return errors.push(userError("DUPLICATE_ORDER_ITEM", "Each order item may be named once per request", field("orderItemId")));
    seen.add(item.orderItemId);
    const line = lines[index]!;
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) {
      return errors.push(userError("INVALID_QUANTITY", "quantity must be a whole number of at least 1", field("quantity")));
    }
    if (item.quantity > line.quantity) {
      return errors.push(userError("QUANTITY_EXCEEDS_PURCHASED", `Only ${line.quantity} of this item were bought`, field("quantity")));
    }
    const taken = refundedQuantity(line.refundLines);
    const left = Math.max(0, line.quantity - taken);
    if (item.quantity > left) {
      const message = left === 0 ? "Every unit of this item is refunded or requested already" : `Only ${left} of this item can still be refunded`;
      return errors.push(userError("QUANTITY_EXCEEDS_REFUNDABLE", message, field("quantity")));
    }
    const share = shares[index]!;
    const value = Math.floor((share * (taken + item.quantity)) / line.quantity) - Math.floor((share * taken) / line.quantity);
    items.push({ orderItemId: item.orderItemId, quantity: item.quantity, value });
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, items, value: items.reduce((sum, item) => sum + item.value, 0) };
}

/** The requested `amount` over the planned lines, in proportion to their value, adding up exactly. */
export function refundItemAmounts(amount: number, items: ReadonlyArray<{ orderItemId: string; quantity: number; value: number }>): PlannedRefundItem[] {
  const amounts = splitProportionally(amount, items.map((item) => item.value));
  return items.map((item, index) => ({ orderItemId: item.orderItemId, quantity: item.quantity, amount: amounts[index]! }));
}

/** A refund line as inspection reads it. */
export interface RefundItemFacts {
  id: string;
  quantity: number;
  amount: number;
  passedQuantity: number | null;
}

export interface ItemResult {
  refundItemId: string;
  passedQuantity: number;
  note?: string | null;
}

export interface ItemInspection {
  refundItemId: string;
  passedQuantity: number;
  note: string | null;
}

/**
 * What PASS_INSPECTION finds per line, and the amount it is worth (each line's amount × passed /
 * quantity, rounded down: the shop never pays a fraction of a unit it did not get). No results on
 * a refund with lines: every unit passed. Results must name each line of the refund exactly once,
 * passed quantities 0..quantity, and at least one unit must pass (otherwise FAIL_INSPECTION).
 */
export function planItemInspection(
  items: readonly RefundItemFacts[],
  results: readonly ItemResult[] | null | undefined,
  errors: UserError[],
): { inspections: ItemInspection[]; value: number } | null {
  const field = ["input", "itemResults"];
  if (results == null) {
    if (items.length === 0) return null;
    return { inspections: items.map((item) => ({ refundItemId: item.id, passedQuantity: item.quantity, note: null })), value: items.reduce((sum, item) => sum + item.amount, 0) };
  }
  if (items.length === 0) {
    errors.push(userError("ITEM_RESULTS_MISMATCH", "This refund is for the whole order: it has no items to give results for", field));
    return null;
  }
  const byId = new Map(items.map((item) => [item.id, item]));
  const seen = new Set<string>();
  const before = errors.length;
  results.forEach((result, index) => {
    const at = [...field, String(index)];
    const item = byId.get(result.refundItemId);
    if (!item) return errors.push(userError("ITEM_RESULTS_MISMATCH", "Not an item of this refund", [...at, "refundItemId"]));
    if (seen.has(item.id)) return errors.push(userError("ITEM_RESULTS_MISMATCH", "Each item of the refund gets one result", [...at, "refundItemId"]));
    seen.add(item.id);
    if (!Number.isSafeInteger(result.passedQuantity) || result.passedQuantity < 0 || result.passedQuantity > item.quantity) {
      errors.push(userError("INVALID_QUANTITY", `passedQuantity must be a whole number from 0 to ${item.quantity}`, [...at, "passedQuantity"]));
    }
  });
  const missing = items.filter((item) => !seen.has(item.id)).length;
  if (missing > 0 && errors.length === before) {
    errors.push(userError("ITEM_RESULTS_MISMATCH", `${missing} item(s) of the refund have no result: give one for each`, field));
  }
  if (errors.length > before) return null;
  const inspections = results.map((result) => ({ refundItemId: result.refundItemId, passedQuantity: result.passedQuantity, note: result.note?.trim() || null }));
  if (inspections.every((inspection) => inspection.passedQuantity === 0)) {
    errors.push(userError("NOTHING_PASSED_INSPECTION", "No unit passed: use FAIL_INSPECTION with a note", field));
    return null;
  }
  const value = inspections.reduce((sum, inspection) => {
    const item = byId.get(inspection.refundItemId)!;
    return sum + Math.floor((item.amount * inspection.passedQuantity) / item.quantity);
  }, 0);
  return { inspections, value };
}
