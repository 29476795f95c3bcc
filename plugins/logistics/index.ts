// Return tracking from carriers: a signed webhook in, polling adapters, stuck-return flags.
import { definePlugin } from "../../src/plugin/index.js";
import { logisticsSchema } from "./schema.js";
import { logisticsSettings } from "./settings.js";
import { flagStuckReturns, pollCarriers } from "./tracking.js";
import { handleWebhook } from "./webhook.js";

export { type CarrierTrackingAdapter, registerCarrierAdapter } from "./adapters.js";
export { type LogisticsSettings, logisticsSettings } from "./settings.js";
export {
  type ApplyResult,
  type LogisticsContext,
  type TrackingEvent,
  CARRIER_EXCEPTION,
  applyTrackingEvent,
  flagStuckReturns,
  noMovementException,
  pollCarriers,
} from "./tracking.js";
export { SIGNATURE_HEADER, shopIdFromParam } from "./webhook.js";

export default definePlugin({
  name: "logistics",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["returnTracking", "replacementTracking", "carrierWebhookReceipt"],
  reads: ["refund", "returnShipment", "replacementShipment"],
  config: logisticsSettings,
  schema: logisticsSchema,
  routes: [{ method: "POST", path: "/webhook", handler: handleWebhook }],
  tasks: [
    { name: "poll-carriers", everyMs: 5 * 60_000, run: async (ctx) => void (await pollCarriers(ctx)) },
    { name: "flag-stuck-returns", everyMs: 30 * 60_000, run: async (ctx) => void (await flagStuckReturns(ctx)) },
  ],
});
