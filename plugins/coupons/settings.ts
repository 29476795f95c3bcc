import { z } from "zod";

const MAX_AMOUNT = 100_000_000; // 1,000,000.00 in a two-digit currency

/** The terms of one kind of coupon; amounts in the shop currency's minor units (fen). */
function couponTerms(defaults: { value: number; minimumSpend: number; validityDays: number }) {
  return {
    enabled: z.boolean().default(true),
    /** What the coupon takes off. */
    value: z.number().int().min(1).max(MAX_AMOUNT).default(defaults.value),
    /** The order total from which it applies; 0 = any order. */
    minimumSpend: z.number().int().min(0).max(MAX_AMOUNT).default(defaults.minimumSpend),
    /** Valid for this many days from issue. */
    validityDays: z.number().int().min(1).max(3650).default(defaults.validityDays),
    /** Only for customers on the shop's care list when the trigger happens (Customer.care). */
    onlyOnCareList: z.boolean().default(false),
  };
}

const valueWithinMinimum = {
  check: (terms: { value: number; minimumSpend: number }) => terms.minimumSpend === 0 || terms.value <= terms.minimumSpend,
  message: { message: "value must not exceed minimumSpend (or set minimumSpend to 0)", path: ["value"] },
};

/** A shop's settings of coupons; `{}` gives the defaults, a partial object fills in the rest. */
export const couponSettings = z.strictObject({
  /** Off: no coupon of any kind for this shop. */
  enabled: z.boolean().default(true),
  /** Issued once a refund is REFUNDED: ¥10 off ¥99, 30 days, by default. */
  refundCoupon: z
    .strictObject(couponTerms({ value: 1000, minimumSpend: 9900, validityDays: 30 }))
    .refine(valueWithinMinimum.check, valueWithinMinimum.message)
    .prefault({}),
  /**
   * Issued when a wrong-size return ships back (SUBMIT_RETURN_SHIPMENT) so the customer
   * re-orders the right size: ¥20 off any order, 30 days, by default. A return is wrong-size
   * when its reason code is one of `reasonCodes` or its description contains one of
   * `sizeKeywords` (case-insensitive).
   */
  reorderCoupon: z
    .strictObject({
      ...couponTerms({ value: 2000, minimumSpend: 0, validityDays: 30 }),
      reasonCodes: z.array(z.string().min(1).max(64)).max(50).default(["ORDERED_BY_MISTAKE"]),
      sizeKeywords: z.array(z.string().min(1).max(32)).max(50).default(["尺码", "码数", "尺寸", "大小", "偏大", "偏小", "size"]),
    })
    .refine(valueWithinMinimum.check, valueWithinMinimum.message)
    .prefault({}),
});

export type CouponSettings = z.output<typeof couponSettings>;
