import { z } from "zod";
import { globalId, signPayload, verifySignature } from "../../src/plugin/index.js";
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

/** How far a signature's timestamp may be from now, either way; older deliveries are replays. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as X-Refund-Signature has it. */
export function signWebhook(secret: string, raw: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${signPayload(secret, `${t}.${raw}`)}`;
}

/** The signature's v1 part when it is valid for `raw` and recent, else null. */
function verifiedSignature(secret: string, raw: string, header: string | null, now: Date): string | null {
  const match = header ? /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim()) : null;
  if (!match) return null;
  const t = Number(match[1]);
  if (Math.abs(now.getTime() / 1000 - t) > REPLAY_WINDOW_SECONDS) return null;
  return verifySignature(secret, `${t}.${raw}`, match[2]!) ? match[2]! : null;
}

/**
 * `?shop=` takes the shop's Relay global ID, the `id` the GraphQL API shows for the shop
 * (`Shop:<uuid>` in base64); raw database ids are never shown to shops, so not accepted.
 */
export function shopIdFromParam(value: string | null): string | null {
  const id = value && value.length <= 200 ? globalId.parse(value, "Shop") : null;
  return id && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id.toLowerCase() : null;
}

/**
 * `POST /plugins/logistics/webhook?shop=<shop global id>`: one carrier event, signed with the
 * shop's `webhookSecret` with a timestamp. 401 for a missing, wrong or expired signature (or no
 * secret configured), before the body is even parsed; 409 for a signature seen before; 400 for a malformed event; 404 for a tracking number the
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
  const now = new Date();
  const signature = raw === null || !settings.webhookSecret ? null : verifiedSignature(settings.webhookSecret, raw, request.headers.get(SIGNATURE_HEADER), now);
  if (raw === null || signature === null) {
    return json(401, { error: `missing, invalid or expired X-Logistics-Signature (t=<unix seconds>,v1=<HMAC>, within ${REPLAY_WINDOW_SECONDS} s)` });
  }
  if (!settings.enabled) return json(403, { error: "logistics is disabled for this shop" });

  // A signature is accepted once: someone who captured a delivery cannot send it again within
  // the window (after it, the timestamp refuses it). Receipts older than the window go.
  await ctx.db.carrierWebhookReceipt.deleteMany({ where: { shopId, receivedAt: { lt: new Date(now.getTime() - REPLAY_WINDOW_SECONDS * 2000) } } });
  const { count } = await ctx.db.carrierWebhookReceipt.createMany({ data: [{ shopId, signature }], skipDuplicates: true });
  if (count === 0) return json(409, { error: "this signed delivery was received already (replay)" });

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
        refundId: globalId.encode("Refund", result.refundId),
        status: result.refundStatus,
        changed: result.trackingChanged || result.received,
        ...(result.receiveRefused && { receiveRefused: result.receiveRefused }),
      });
  }
}
