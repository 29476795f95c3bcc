// Return tracking from carriers: a signed webhook in, polling adapters, stuck-return flags.
import { definePlugin } from "../../src/plugin/index.js";
import { logisticsSchema } from "./schema.js";
import { logisticsSettings } from "./settings.js";
import { TRACKED_ACTIONS, handleKuaidi100Push, pollKuaidi100, subscribeParcel } from "./kuaidi100.js";
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
export { TRACKED_ACTIONS, applyKuaidi100Result, callbackUrl, handleKuaidi100Push, pollKuaidi100, subscribeParcel } from "./kuaidi100.js";
export { KUAIDI100_STATES, companyCodeFor, kuaidi100Urls, pushSignature, querySignature } from "./kuaidi100-api.js";

export default definePlugin({
  name: "logistics",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["returnTracking", "replacementTracking", "carrierWebhookReceipt", "carrierSubscription"],
  reads: ["refund", "returnShipment", "replacementShipment"],
  config: logisticsSettings,
  secrets: ["kuaidi100.key", "kuaidi100.customer"],
  hooks: {
    // A parcel is handed to Kuaidi100 after the transition that gave it its number commits.
    afterTransitionFor: (transition) => (TRACKED_ACTIONS as readonly string[]).includes(transition.action),
    afterTransition: subscribeParcel,
  },
  schema: logisticsSchema,
  routes: [
    { method: "POST", path: "/webhook", handler: handleWebhook },
    { method: "POST", path: "/kuaidi100", handler: handleKuaidi100Push },
  ],
  tasks: [
    { name: "poll-carriers", everyMs: 5 * 60_000, run: async (ctx) => void (await pollCarriers(ctx)) },
    // Kuaidi100 asks for at least half an hour between queries of a number.
    { name: "poll-kuaidi100", everyMs: 30 * 60_000, run: async (ctx) => void (await pollKuaidi100(ctx)) },
    { name: "flag-stuck-returns", everyMs: 30 * 60_000, run: async (ctx) => void (await flagStuckReturns(ctx)) },
  ],
});
