// crm-risk: scores each customer's refund risk from its recent history, holds HIGH-risk
// customers' automatic refunds for a person, and pushes level changes to the shop's CRM.
import { definePlugin, globalId } from "../../src/plugin/index.js";
import { addRiskSchema } from "./graphql.js";
import { riskOf } from "./history.js";
import type { RiskLevel } from "./score.js";
import { crmRiskSettings } from "./settings.js";
import { pushRiskFlag } from "./webhook.js";

/** Transitions after which a customer's level may have changed (and may be pushed). */
function changesHistory(transition: { from: string | null; to: string }): boolean {
  return transition.from === null || transition.to === "REFUNDED" || transition.to === "CANCELLED";
}

export default definePlugin({
  name: "crm-risk",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["customerRiskFlag"],
  reads: ["customer", "order", "refund", "reasonTag"],
  config: crmRiskSettings,
  hooks: {
    /**
     * On the automatic no-touch path (CLASSIFY into REFUNDING), a HIGH-risk customer's refund
     * is held: it goes to PENDING_REVIEW for an agent, with the reasons as the note.
     */
    async beforeTransition(event, ctx) {
      if (!ctx.settings.holdHighRisk || event.action !== "CLASSIFY" || event.to !== "REFUNDING") return;
      const risk = await riskOf(ctx.db, ctx.shopId, event.refund.customerId, ctx.settings);
      if (risk.level !== "HIGH") return;
      return { holdForReview: { reason: `High refund risk (score ${risk.score}): ${risk.reasons.join("; ")}` } };
    },

    /** Only transitions that change the customer's history (a request, a refund, a cancellation). */
    afterTransitionFor: changesHistory,

    /**
     * When the customer's level differs from the last one pushed (none counts as LOW), POSTs
     * it to the CRM webhook and only then records it. A failure throws: the host retries.
     */
    async afterTransition(event, ctx) {
      const { crmWebhookUrl, crmWebhookSecret } = ctx.settings;
      if (!crmWebhookUrl || !crmWebhookSecret) return;
      const customerId = event.refund.customerId;
      const risk = await riskOf(ctx.db, ctx.shopId, customerId, ctx.settings);
      const flag = await ctx.db.customerRiskFlag.findUnique({ where: { customerId } });
      const previousLevel = (flag?.level as RiskLevel | undefined) ?? null;
      if (risk.level === (previousLevel ?? "LOW")) return;
      const { customer } = event;
      await pushRiskFlag(crmWebhookUrl, crmWebhookSecret, ctx.idempotencyKey, {
        event: "customer.refund_risk_changed",
        shopId: globalId.encode("Shop", ctx.shopId),
        customer: { id: globalId.encode("Customer", customerId), externalId: customer.externalId, name: customer.name },
        level: risk.level,
        previousLevel,
        score: risk.score,
        reasons: risk.reasons,
        refundId: globalId.encode("Refund", event.refund.id),
        transitionId: globalId.encode("RefundTransition", event.transition.id),
        occurredAt: new Date(event.transition.createdAt).toISOString(),
      });
      const recorded = { level: risk.level, score: risk.score, pushedAt: new Date() };
      await ctx.db.customerRiskFlag.upsert({
        where: { customerId },
        create: { customerId, shopId: ctx.shopId, ...recorded },
        update: recorded,
      });
    },
  },
  schema: addRiskSchema,
});
