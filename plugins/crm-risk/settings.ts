import { z } from "zod";

/** A shop's settings of crm-risk; `{}` gives the defaults. Unknown keys are refused. */
export const crmRiskSettings = z
  .strictObject({
    /** Off: no hold and no CRM push for this shop (Customer.refundRisk is still answered). */
    enabled: z.boolean().default(true),
    /** How far back the history goes. */
    windowDays: z.number().int().min(1).max(365).default(90),
    /** Scores from this on are MEDIUM. */
    mediumThreshold: z.number().int().min(1).max(100).default(40),
    /** Scores from this on are HIGH. */
    highThreshold: z.number().int().min(1).max(100).default(70),
    /** Reason codes that weigh on the score. */
    riskyReasons: z.array(z.string().min(1).max(64)).max(50).default(["NOT_AS_DESCRIBED", "CHANGED_MIND"]),
    /** HIGH-risk customers' refunds go to PENDING_REVIEW instead of being refunded at once. */
    holdHighRisk: z.boolean().default(true),
    /** Where level changes are POSTed; unset: nothing is pushed. */
    crmWebhookUrl: z.url({ protocol: /^https?$/, error: "crmWebhookUrl must be an http(s) URL" }).max(2_000).optional(),
    /** The HMAC-SHA256 key of `X-Refund-Signature`; required with crmWebhookUrl. */
    crmWebhookSecret: z.string().min(16).max(256).optional(),
  })
  .refine((settings) => settings.mediumThreshold < settings.highThreshold, {
    message: "mediumThreshold must be below highThreshold",
    path: ["mediumThreshold"],
  })
  .refine((settings) => !settings.crmWebhookUrl || settings.crmWebhookSecret, {
    message: "crmWebhookSecret is required with crmWebhookUrl",
    path: ["crmWebhookSecret"],
  });

export type CrmRiskSettings = z.output<typeof crmRiskSettings>;
