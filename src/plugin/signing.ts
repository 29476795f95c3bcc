import { createHmac, timingSafeEqual } from "node:crypto";

/** HMAC-SHA256 hex of a body: webhooks out carry it, webhooks in must match it. */
export function signPayload(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

export function verifySignature(secret: string, body: string, signature: string | null): boolean {
  if (!signature) return false;
  const expected = Buffer.from(signPayload(secret, body), "hex");
  const given = Buffer.from(signature.replace(/^sha256=/, ""), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
