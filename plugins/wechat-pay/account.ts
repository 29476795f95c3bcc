import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { z } from "zod";

/** Parses a PEM private key; the reason when it does not, or is no RSA key of at least 2048 bits (WECHATPAY2-SHA256-RSA2048). */
function privateKeyProblem(pem: string): string | null {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "rsa") return `is a ${key.asymmetricKeyType} key: WeChat Pay API v3 signs with RSA`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? null : `is an RSA key of ${bits} bits: WeChat Pay needs 2048`;
  } catch (error) {
    return `does not parse as a PEM private key (apiclient_key.pem): ${(error as Error).message}`;
  }
}

/** The platform's public key (WeChat Pay public key, pub_key.pem) or a platform certificate. */
function publicKeyProblem(pem: string): string | null {
  try {
    if (pem.includes("BEGIN CERTIFICATE")) {
      const certificate = new X509Certificate(pem);
      if (new Date(certificate.validTo).getTime() < Date.now()) return `is a certificate that expired on ${certificate.validTo}`;
      return null;
    }
    createPublicKey(pem);
    return null;
  } catch (error) {
    return `does not parse as a PEM public key or certificate: ${(error as Error).message}`;
  }
}

const pem = (problem: (value: string) => string | null) =>
  z.string().superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: "custom", message: found });
  });

/**
 * A shop's WeChat Pay merchant account (API v3), as the merchant platform (pay.weixin.qq.com →
 * 账户中心 → API安全) gives it. `privateKey` and `apiV3Key` are secrets.
 */
export const wechatPayAccount = z.object({
  /** 商户号 */
  mchid: z.string().regex(/^\d{8,12}$/, "mchid is the merchant number: 8 to 12 digits"),
  /** 商户API证书序列号: the serial of the certificate whose private key signs requests. */
  merchantSerialNo: z.string().regex(/^[0-9A-Fa-f]{8,40}$/, "merchantSerialNo is the merchant API certificate's serial number (hex)"),
  /** apiclient_key.pem */
  privateKey: pem(privateKeyProblem),
  /** APIv3密钥: 32 characters; decrypts notifications (AEAD_AES_256_GCM). */
  apiV3Key: z.string().refine((value) => Buffer.byteLength(value, "utf8") === 32, "apiV3Key is 32 bytes (the APIv3 key set on the merchant platform)"),
  /** 微信支付公钥ID (PUB_KEY_ID_…) or the platform certificate's serial: what Wechatpay-Serial names. */
  platformKeyId: z.string().min(1).max(64),
  /** 微信支付公钥 (pub_key.pem) or the platform certificate: verifies answers and notifications. */
  platformPublicKey: pem(publicKeyProblem),
});

export type WechatPayAccount = z.infer<typeof wechatPayAccount>;

export const WECHAT_PAY_SECRETS = ["privateKey", "apiV3Key"] as const;
