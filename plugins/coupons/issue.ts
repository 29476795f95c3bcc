import type { PluginDb } from "../../src/plugin/index.js";
import { type CouponKind, couponCode, triggerKey } from "./rules.js";

type Db = PluginDb<"coupon">;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues the coupon of a trigger once, whatever the retries or races: the insert skips a row
 * whose `triggerKey` (or, by a one-in-10^14 chance, `code`) exists and answers the row it
 * wrote; only when it wrote none (a retry, a race, a code collision) is the trigger's coupon
 * read. A code collision leaves none, and is retried with a new code.
 */
export async function issueCoupon(
  db: Db,
  input: { kind: CouponKind; shopId: string; customerId: string; refundId: string; currency: string; value: number; minimumSpend: number; validityDays: number },
) {
  const key = triggerKey(input.kind, input.refundId);
  const createdAt = new Date();
  for (let tries = 0; tries < 5; tries += 1) {
    const [issued] = await db.coupon.createManyAndReturn({
      data: [
        {
          shopId: input.shopId,
          customerId: input.customerId,
          refundId: input.refundId,
          kind: input.kind,
          code: couponCode(input.kind),
          value: input.value,
          minimumSpend: input.minimumSpend,
          currency: input.currency,
          expiresAt: new Date(createdAt.getTime() + input.validityDays * DAY_MS),
          triggerKey: key,
          createdAt,
        },
      ],
      skipDuplicates: true,
    });
    if (issued) return issued;
    const coupon = await db.coupon.findUnique({ where: { triggerKey: key } });
    if (coupon) return coupon;
  }
  throw new Error(`no free coupon code for ${key} after 5 tries`);
}
