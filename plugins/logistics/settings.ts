import { z } from "zod";

/** Per-shop settings of the logistics plugin; `{}` gives the defaults. */
export const logisticsSettings = z
  .object({
    enabled: z.boolean().default(true),
    /**
     * Shared with the carrier (or the aggregator) to sign webhooks: `X-Logistics-Signature:
     * t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. Without it the webhook refuses everything.
     */
    webhookSecret: z.string().min(16, "use at least 16 characters").max(256).optional(),
    /** A return with no carrier event for this many days is flagged `NO_MOVEMENT_<n>_DAYS`. */
    stuckAfterDays: z.number().int().min(1).max(60).default(5),
    /**
     * Kuaidi100 (快递100), the tracking source: the shop's 授权key and customer (both write-only).
     * PUSH: each parcel is subscribed and Kuaidi100 pushes to PUBLIC_BASE_URL; POLL: the
     * platform asks Kuaidi100's real-time query instead (no public address needed).
     */
    kuaidi100: z
      .object({
        key: z.string().trim().min(1).max(100),
        customer: z.string().trim().min(1).max(100),
        mode: z.enum(["PUSH", "POLL"]).default("PUSH"),
      })
      .strict()
      .optional(),
  })
  .strict();

export type LogisticsSettings = z.output<typeof logisticsSettings>;
