import { z } from "zod";
import { verifySignature } from "../../src/plugin/index.js";
import type { LogisticsSettings } from "./settings.js";
import { type LogisticsContext, TRACKING_STATUSES, applyTrackingEvent } from "./tracking.js";

export const SIGNATURE_HEADER = "x-logistics-signature";
const MAX_BODY_BYTES = 64 * 1024;

const webhookBody = z.object({
  carrier: z.string().trim().min(1).max(100),
  trackingNumber: z.string().trim().min(1).max(100),
  status: z.enum(TRACKING_STATUSES),
  occurredAt: z.iso.datetime({ offset: true }),
  description: z.string().max(500).nullish(),
});

const json = (status: number, body: Record<string, unknown>) => Response.json(body, { status });

/**
 * `?shop=` takes the shop's Relay global ID, the `id` the GraphQL API shows for the shop
 * (`Shop:<uuid>` in base64); raw database ids are never shown to shops, so not accepted.
 */
export function shopIdFromParam(value: string | null): string | null {
  if (!value || value.length > 200) return null;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const match = /^Shop:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(decoded);
  return match ? match[1]!.toLowerCase() : null;
}

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

/**
 * `POST /plugins/logistics/webhook?shop=<shop global id>`: one carrier event, signed with the
 * shop's `webhookSecret`. 401 for a missing or wrong signature (or no secret configured),
 * before the body is even parsed; 400 for a malformed event; 404 for a tracking number the
 * shop has no return under; 200 otherwise, also for a repeat (which changes nothing).
 */
export async function handleWebhook(request: Request, ctx: LogisticsContext): Promise<Response> {
  const shopId = shopIdFromParam(new URL(request.url).searchParams.get("shop"));
  if (!shopId) return json(400, { error: "pass ?shop=<the shop's global id>" });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return json(413, { error: "body too large" });
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_BODY_BYTES) return json(413, { error: "body too large" });
  // The signature covers the bytes sent: decoded exactly (a BOM kept), or not verifiable.
  let raw: string | null;
  try {
    raw = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    raw = null;
  }

  // An unknown shop has no secret: refused like a bad signature, so shops cannot be probed.
  const settings: LogisticsSettings = await ctx.settingsFor(shopId);
  if (raw === null || !settings.webhookSecret || !verifySignature(settings.webhookSecret, raw, request.headers.get(SIGNATURE_HEADER))) {
    return json(401, { error: "missing or invalid X-Logistics-Signature" });
  }
  if (!settings.enabled) return json(403, { error: "logistics is disabled for this shop" });

  let body: unknown;
  try {
    body = JSON.parse(raw.replace(/^\uFEFF/, ""));
  } catch {
    return json(400, { error: "the body is not JSON" });
  }
  const parsed = webhookBody.safeParse(body);
  if (!parsed.success) {
    return json(400, { error: "invalid event", issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`) });
  }
  const event = { ...parsed.data, occurredAt: new Date(parsed.data.occurredAt) };
  const result = await applyTrackingEvent(ctx, shopId, event);
  switch (result.outcome) {
    case "UNKNOWN_TRACKING_NUMBER":
      return json(404, { error: `no return is shipped under ${event.trackingNumber}` });
    case "EVENT_IN_FUTURE":
      return json(400, { error: "occurredAt is in the future" });
    case "APPLIED":
      return json(200, {
        ok: true,
        refundId: globalId("Refund", result.refundId),
        status: result.refundStatus,
        changed: result.trackingChanged || result.received,
        ...(result.receiveRefused && { receiveRefused: result.receiveRefused }),
      });
  }
}
