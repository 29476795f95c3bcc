// Stripe's webhook for a shop: `POST /plugins/stripe/webhook/<Shop id>`, the endpoint the shop
// adds in its Stripe dashboard for `refund.updated` and `charge.refund.updated`. The signature is
// checked by the SDK (`stripe.webhooks.constructEvent`: HMAC-SHA256 of "t.payload" with the
// endpoint's secret, the timestamp within the tolerance); the refund it carries settles the
// attempt with the same idempotency key, once.
import Stripe from "stripe";
import { type ProviderRouteContext, globalId } from "../../src/plugin/index.js";
import type { StripeAccount } from "./account.js";
import { KEY_METADATA, outcomeOf } from "./adapter.js";

/** How old a signed delivery may be (Stripe's default): older ones are replays. */
export const TOLERANCE_SECONDS = 300;
const MAX_BODY_BYTES = 256 * 1024;
/** The events that carry a refund whose status moved. */
export const REFUND_EVENTS: readonly string[] = ["refund.updated", "charge.refund.updated", "refund.failed"];

const answer = (status: number, body: Record<string, unknown>) => Response.json(body, { status });

export async function handleStripeWebhook(request: Request, payments: ProviderRouteContext<StripeAccount>, shopParam: string): Promise<Response> {
  const shopId = globalId.parse(shopParam, "Shop");
  if (!shopId) return answer(404, { error: "no such shop" });
  const account = await payments.accountFor(shopId);
  if (!account) return answer(404, { error: "this shop has no Stripe account set" });
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return answer(413, { error: "payload too large" });

  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(raw, request.headers.get("stripe-signature") ?? "", account.webhookSecret, TOLERANCE_SECONDS);
  } catch (error) {
    // Unsigned, wrongly signed, tampered or stale: refused, nothing read. Stripe retries a 4xx,
    // which a real delivery then passes.
    return answer(400, { error: error instanceof Error ? error.message : "signature verification failed" });
  }
  // Other events the endpoint may be subscribed to are acknowledged and left alone.
  if (!REFUND_EVENTS.includes(event.type)) return answer(200, { received: true, ignored: event.type });
  const refund = event.data.object as Stripe.Refund;
  const key = refund.metadata?.[KEY_METADATA];
  if (!key) return answer(200, { received: true, ignored: "a refund not made by this platform" });
  const settled = await payments.settle({ shopId, idempotencyKey: key, outcome: outcomeOf(refund) });
  if (settled === "NOT_FOUND") return answer(404, { error: "no refund attempt of this shop has this key" });
  return answer(200, { received: true, result: settled });
}
