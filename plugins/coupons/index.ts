// coupons: a coupon after a completed refund, and an exclusive re-order coupon when a
// wrong-size item is sent back; one per trigger, whatever the retries.
import { customerCare, definePlugin } from "../../src/plugin/index.js";
import { addCouponSchema } from "./graphql.js";
import { issueCoupon } from "./issue.js";
import { isWrongSizeReturn } from "./rules.js";
import { couponSettings } from "./settings.js";

export default definePlugin({
  name: "coupons",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["coupon"],
  reads: ["customer", "refund"],
  config: couponSettings,
  hooks: {
    afterTransitionFor: (transition) => transition.to === "REFUNDED" || transition.action === "SUBMIT_RETURN_SHIPMENT",
    async afterTransition({ refund, transition }, ctx) {
      const { refundCoupon, reorderCoupon } = ctx.settings;
      const owner = { shopId: ctx.shopId, customerId: refund.customerId, refundId: refund.id, currency: refund.currency };
      // "On the care list" as of the transition, so a retried delivery decides the same way.
      const cared = async (terms: { onlyOnCareList: boolean }) => !terms.onlyOnCareList || (await customerCare(ctx.db, refund.customerId, transition.createdAt)) !== null;

      if (transition.to === "REFUNDED" && refundCoupon.enabled && (await cared(refundCoupon))) {
        await issueCoupon(ctx.db, { kind: "REFUND_COMPLETED", ...owner, ...refundCoupon });
      }

      if (transition.action === "SUBMIT_RETURN_SHIPMENT" && reorderCoupon.enabled && (await cared(reorderCoupon))) {
        const returned = await ctx.db.refund.findUniqueOrThrow({
          where: { id: refund.id },
          select: { description: true, reason: { select: { code: true } } },
        });
        if (isWrongSizeReturn({ reasonCode: returned.reason.code, description: returned.description }, reorderCoupon)) {
          await issueCoupon(ctx.db, { kind: "REORDER", ...owner, ...reorderCoupon });
        }
      }
    },
  },
  schema: addCouponSchema,
});
