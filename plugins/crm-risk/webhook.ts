import { outboundFetch, signPayload } from "../../src/plugin/index.js";
import type { RiskLevel } from "./score.js";

/** The JSON body POSTed to the shop's CRM when a customer's level changes. */
export interface RiskFlagPayload {
  event: "customer.refund_risk_changed";
  /** Relay global IDs, as the GraphQL API names them. */
  shopId: string;
  customer: { id: string; externalId: string; name: string };
  level: RiskLevel;
  /** The level last pushed; null the first time. */
  previousLevel: RiskLevel | null;
  score: number;
  reasons: string[];
  /** The transition that led to the new level. */
  refundId: string;
  transitionId: string;
  occurredAt: string;
}

export const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * POSTs the flag, signed: `X-Refund-Signature: sha256=<hex HMAC-SHA256 of the body>`, and
 * `Idempotency-Key` for the CRM to drop repeats. Anything but a 2xx answer throws, so the
 * host retries the delivery with backoff (with the same key).
 */
export async function pushRiskFlag(url: string, secret: string, idempotencyKey: string, payload: RiskFlagPayload): Promise<void> {
  const body = JSON.stringify(payload);
  let response: Response;
  try {
    response = await outboundFetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": "refund-platform-crm-risk",
        "x-refund-event": payload.event,
        "x-refund-signature": `sha256=${signPayload(secret, body)}`,
        "idempotency-key": idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    throw new Error(`CRM webhook unreachable: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status < 200 || response.status >= 300) {
    const text = await response.text().catch(() => "");
    throw new Error(`CRM webhook answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ""}`);
  }
  await response.body?.cancel().catch(() => undefined);
}
