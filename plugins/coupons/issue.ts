import { type PluginDb, isUniqueViolation } from "../../src/plugin/index.js";
import { type CouponKind, couponCode, triggerKey } from "./rules.js";

type Db = PluginDb<"coupon">;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Issues the coupon of a trigger once, whatever the retries or races: the insert fails on a row
 * whose `triggerKey` (or, by a one-in-10^14 chance, `code`) exists and otherwise answers the row
 * it wrote; only when it wrote none (a retry, a race, a code collision) is the trigger's coupon
 * read. A code collision leaves none, and is retried with a new code. A single-row `create`
 * (the after-hook runs outside a transaction), not `createManyAndReturn`: Prisma caches its
 * plan, where it compiles every createMany anew.
 */
export async function issueCoupon(
  db: Db,
  input: { kind: CouponKind; shopId: string; customerId: string; refundId: string; currency: string; value: number; minimumSpend: number; validityDays: number },
) {
  const key = triggerKey(input.kind, input.refundId);
  const createdAt = new Date();
  for (let tries = 0; tries < 5; tries += 1) {
    try {
      return await db.coupon.create({
        data: {
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
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
    const coupon = await db.coupon.findUnique({ where: { triggerKey: key } });
    if (coupon) return coupon;
  }
  throw new Error(`no free coupon code for ${key} after 5 tries`);
}
