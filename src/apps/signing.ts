import { createHmac, timingSafeEqual } from "node:crypto";

/** The header every webhook POST carries (documented in docs/apps.md). */
export const SIGNATURE_HEADER = "X-Refund-Signature";

/** How far a receiver should let a signature's time be from its own clock (docs/apps.md). */
export const REPLAY_WINDOW_SECONDS = 300;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`: the time is signed with the body, so an old POST cannot be replayed later. */
export function webhookSignature(secret: string, body: string, unixSeconds: number): string {
  const digest = createHmac("sha256", secret).update(`${unixSeconds}.${body}`).digest("hex");
  return `t=${unixSeconds},v1=${digest}`;
}

/** A receiver's check, as docs/apps.md describes it: the signature matches and its time is within the window. */
export function verifyWebhookSignature(secret: string, body: string, header: string | null | undefined, nowSeconds = Math.floor(Date.now() / 1000)): boolean {
  const parts = new Map((header ?? "").split(",").map((part) => part.split("=", 2) as [string, string]));
  const t = Number(parts.get("t"));
  const given = parts.get("v1");
  if (!Number.isInteger(t) || !given || Math.abs(nowSeconds - t) > REPLAY_WINDOW_SECONDS) return false;
  const expected = Buffer.from(webhookSignature(secret, body, t).split("v1=")[1]!, "hex");
  const actual = Buffer.from(given, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
