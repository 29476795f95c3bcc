// A shop's Alipay merchant account: what `setPaymentAccount(input: { provider: ALIPAY, … })`
// takes, checked when it is set so that a key pasted wrong is refused with the reason instead of
// failing the first refund.
import { type KeyObject, createPrivateKey, createPublicKey } from "node:crypto";
import { z } from "zod";

/** RSA2 is SHA256withRSA over a key of at least 2048 bits (Alipay's key tool makes 2048). */
const MIN_RSA_BITS = 2048;

function bare(text: string): Buffer | null {
  const body = text.replace(/\s+/g, "");
  return /^[A-Za-z0-9+/]+={0,2}$/.test(body) ? Buffer.from(body, "base64") : null;
}

/**
 * A private key as Alipay's key tool gives it: PEM (`PRIVATE KEY` or `RSA PRIVATE KEY`), or the
 * bare base64 body of either (PKCS#8, PKCS#1). Null when it is none of those.
 */
export function parsePrivateKey(text: string): KeyObject | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    try {
      return createPrivateKey(trimmed);
    } catch {
      return null;
    }
  }
  const der = bare(trimmed);
  if (!der) return null;
  for (const type of ["pkcs8", "pkcs1"] as const) {
    try {
      return createPrivateKey({ key: der, format: "der", type });
    } catch {
      // the other encoding, then
    }
  }
  return null;
}

/** A public key as Alipay's open platform shows it: PEM, or the bare base64 body (SPKI or PKCS#1). */
export function parsePublicKey(text: string): KeyObject | null {
  const trimmed = text.trim();
  if (trimmed.startsWith("-----BEGIN")) {
    try {
      return createPublicKey(trimmed);
    } catch {
      return null;
    }
  }
  const der = bare(trimmed);
  if (!der) return null;
  for (const type of ["spki", "pkcs1"] as const) {
    try {
      return createPublicKey({ key: der, format: "der", type });
    } catch {
      // the other encoding, then
    }
  }
  return null;
}

function rsaProblem(key: KeyObject): string | null {
  if (key.asymmetricKeyType !== "rsa") return `an RSA key is needed for RSA2, not ${key.asymmetricKeyType}`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits < MIN_RSA_BITS ? `RSA2 needs a key of at least ${MIN_RSA_BITS} bits; this one has ${bits}` : null;
}

export const alipayAccount = z
  .object({
    /** The app's id on Alipay's open platform (开放平台 APPID), 16 digits. */
    appId: z.string().trim().regex(/^\d{16}$/, "an Alipay app id (APPID) is 16 digits"),
    /** The app's private key (应用私钥), RSA2: PEM or the bare base64 the key tool shows. Secret. */
    privateKey: z.string().min(1, "the app private key is required"),
    /** Alipay's public key (支付宝公钥) from the app's settings, to verify Alipay's answers. */
    alipayPublicKey: z.string().min(1, "Alipay's public key is required"),
  })
  .superRefine((account, ctx) => {
    const privateKey = parsePrivateKey(account.privateKey);
    const privateProblem = privateKey ? rsaProblem(privateKey) : "not a private key (PEM, or the base64 body of a PKCS#8 or PKCS#1 key)";
    if (privateProblem) ctx.addIssue({ code: "custom", path: ["privateKey"], message: privateProblem });
    const publicKey = parsePublicKey(account.alipayPublicKey);
    const publicProblem = publicKey ? rsaProblem(publicKey) : "not a public key (PEM, or the base64 body of an SPKI or PKCS#1 key)";
    if (publicProblem) {
      ctx.addIssue({ code: "custom", path: ["alipayPublicKey"], message: publicProblem });
      return;
    }
    // The usual slip: the app's own public key pasted where Alipay's belongs.
    if (privateKey && !privateProblem && publicKey!.export({ type: "spki", format: "der" }).equals(createPublicKey(privateKey).export({ type: "spki", format: "der" }))) {
      ctx.addIssue({ code: "custom", path: ["alipayPublicKey"], message: "this is the app's own public key (应用公钥); paste Alipay's public key (支付宝公钥) from the app's settings" });
    }
  });

export type AlipayAccount = z.infer<typeof alipayAccount>;

/** The account's keys as the SDK takes them: PKCS#8 and SPKI PEM, trimmed. */
export function sdkKeys(account: AlipayAccount): { privateKey: string; alipayPublicKey: string } {
  return {
    privateKey: parsePrivateKey(account.privateKey)!.export({ type: "pkcs8", format: "pem" }).toString().trim(),
    alipayPublicKey: parsePublicKey(account.alipayPublicKey)!.export({ type: "spki", format: "pem" }).toString().trim(),
  };
}
