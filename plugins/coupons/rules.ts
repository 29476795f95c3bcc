// What earns a coupon, and coupon codes: pure, so the rules are tested without a database.
import { randomInt } from "node:crypto";
import type { CouponSettings } from "./settings.js";

export const COUPON_KINDS = ["REFUND_COMPLETED", "REORDER"] as const;
export type CouponKind = (typeof COUPON_KINDS)[number];

/** One coupon per trigger: the unique `Coupon.triggerKey`. */
export function triggerKey(kind: CouponKind, refundId: string): string {
  return `${kind === "REFUND_COMPLETED" ? "refunded" : "reorder"}:${refundId}`;
}

/**
 * The wrong-size rule: the return's reason code is one of `reasonCodes` (ORDERED_BY_MISTAKE
 * by default), or its description mentions a size (`sizeKeywords`, case-insensitive).
 */
export function isWrongSizeReturn(
  refund: { reasonCode: string; description: string | null },
  rule: Pick<CouponSettings["reorderCoupon"], "reasonCodes" | "sizeKeywords">,
): boolean {
  if (rule.reasonCodes.includes(refund.reasonCode)) return true;
  const text = (refund.description ?? "").toLowerCase();
  return rule.sizeKeywords.some((keyword) => text.includes(keyword.toLowerCase()));
}

// No 0/O, 1/I/L: codes are read out over the phone and typed from screenshots.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_LENGTH = 10;

/** A random code, e.g. `RF-7KQ2MX9P4T` (REORDER: `RO-…`); 31^10 ≈ 8·10^14 codes. */
export function couponCode(kind: CouponKind): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${kind === "REFUND_COMPLETED" ? "RF" : "RO"}-${code}`;
}
