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
  })
  .strict();

export type LogisticsSettings = z.output<typeof logisticsSettings>;
