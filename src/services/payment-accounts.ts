import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import type { Database } from "../db/database.js";
import type { Tx } from "../db/tx.js";
import { fail } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { PaymentProviders, RegisteredProvider } from "../payments/registry.js";
import { recordAudit } from "./audit.js";
import { ShopCache } from "./shop-cache.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** What is kept of a secret field, and shown: never its value. */
export interface SecretShown {
  field: string;
  setAt: string;
  /** The first 16 hex digits of the SHA-256 of the value: the admin compares it with their own copy. */
  fingerprint: string;
  /** The value's last 4 characters behind stars; a PEM key or certificate shows its kind only. */
  masked: string;
}

interface StoredAccount {
  settings: Record<string, unknown>;
  secrets: Record<string, string>;
  secretsSet: SecretShown[];
}

/**
 * The platform key secrets are encrypted with (AES-256-GCM): PAYMENT_ACCOUNT_KEY, 32 bytes as
 * base64 or hex. Without one (development, tests) a fixed development key is used, which a
 * production process refuses.
 */
export function paymentAccountKey(raw: string | undefined, production: boolean): Buffer {
  if (!raw) {
    if (production) throw new Error("PAYMENT_ACCOUNT_KEY must be set in production (32 bytes, base64 or hex): it encrypts the shops' provider secrets");
    return createHash("sha256").update("refund-platform development payment account key").digest();
  }
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, "hex") : Buffer.from(raw, "base64");
  if (key.length !== 32) throw new Error("PAYMENT_ACCOUNT_KEY must be 32 bytes, as base64 or 64 hex digits");
  return key;
}

function encrypt(key: Buffer, value: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(".");
}

function decrypt(key: Buffer, sealed: string): Record<string, string> {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("a stored payment account is not in a known format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8")) as Record<string, string>;
}

function shownSecret(field: string, value: string, at: Date): SecretShown {
  const pem = /-----BEGIN ([A-Z ]+)-----/.exec(value);
  return {
    field,
    setAt: at.toISOString(),
    fingerprint: createHash("sha256").update(value).digest("hex").slice(0, 16),
    masked: pem ? `${pem[1]} (PEM)` : `****${value.length > 8 ? value.slice(-4) : ""}`,
  };
}

/**
 * The shops' merchant accounts at the providers: set by a SHOP_ADMIN (write-only secrets,
 * encrypted), read by the payment dispatcher and the providers' callback routes, cached per shop
 * like the other policies and dropped on the shop's config change (every process hears it).
 */
export class PaymentAccounts {
  private readonly cache: ShopCache<Map<string, StoredAccount>>;

  constructor(
    private readonly db: Database,
    private readonly key: Buffer,
    readonly providers: PaymentProviders,
  ) {
    this.cache = new ShopCache((client, shopIds) => this.load(client, shopIds));
  }

  private async load(client: Tx | PrismaClient, shopIds: readonly string[]): Promise<Map<string, Map<string, StoredAccount>>> {
    const rows = await client.paymentAccount.findMany({ where: { shopId: { in: [...shopIds] } } });
    const byShop = new Map(shopIds.map((shopId) => [shopId, new Map<string, StoredAccount>()]));
    for (const row of rows) {
      byShop.get(row.shopId)!.set(row.provider, {
        settings: row.settings as Record<string, unknown>,
        secrets: decrypt(this.key, row.secrets),
        secretsSet: row.secretsSet as unknown as SecretShown[],
      });
    }
    return byShop;
  }

  changed(shopId: string): void {
    this.cache.invalidate(shopId);
  }

  /** The shop's account of a provider, parsed by its schema; null when none is set (or it no longer parses). */
  async accountFor(code: string, shopId: string): Promise<unknown> {
    const provider = this.providers.get(code);
    if (!provider?.account) return null;
    const stored = (await this.cache.get(this.db.prisma, [shopId])).get(shopId)!.get(code);
    if (!stored) return null;
    const parsed = provider.account.safeParse({ ...stored.settings, ...stored.secrets });
    return parsed.success ? parsed.data : null;
  }

  /** What a shop admin sees of the shop's accounts: settings without secrets, and each secret as set-at, fingerprint, mask. */
  async list(viewer: Viewer | null, shopId: string | null) {
    const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
    const stored = (await this.cache.get(this.db.prisma, [shop])).get(shop)!;
    return [...stored.entries()].map(([provider, account]) => ({ provider, settings: account.settings, secrets: account.secretsSet }));
  }

  /**
   * Sets a shop's account of a provider. Secret fields left out keep their stored value (a
   * console cannot send back what it was never shown); the whole account is validated by the
   * provider's schema (keys and certificates parsed) before anything is written; audited with
   * the secrets as set, never their values.
   */
  async set(config: { changed(shopId: string): void }, viewer: Viewer | null, input: { shopId?: string | null; provider: string; account: unknown }) {
    const caller = requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]);
    const shopId = resolveShopId(caller, input.shopId);
    const provider = this.providers.get(input.provider);
    if (!provider || !provider.account) fail("UNKNOWN_PAYMENT_PROVIDER", `${input.provider} is not a provider with accounts on this platform (${this.codesWithAccounts().join(", ") || "none loaded"})`, ["input", "provider"]);
    if (typeof input.account !== "object" || input.account === null || Array.isArray(input.account)) fail("INVALID_PAYMENT_ACCOUNT", "The account is an object of the provider's fields", ["input", "account"]);
    if (JSON.stringify(input.account).includes("\\u0000")) fail("INVALID_INPUT", "The account must not contain the NUL character", ["input", "account"]);
    if (!(await this.db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
    const before = (await this.cache.get(this.db.prisma, [shopId])).get(shopId)!.get(provider.code);
    const given = input.account as Record<string, unknown>;
    // A partial update keeps the fields it leaves out (settings and secrets alike).
    const merged: Record<string, unknown> = { ...before?.settings, ...before?.secrets, ...given };
    for (const [field, value] of Object.entries(merged)) if (value === null) delete merged[field];
    const parsed = provider.account.safeParse(merged);
    if (!parsed.success) {
      const [first] = parsed.error.issues;
      fail("INVALID_PAYMENT_ACCOUNT", parsed.error.issues.map((issue) => `${issue.path.join(".") || "account"}: ${issue.message}`).join("; "), ["input", "account", ...(first?.path.map(String) ?? [])]);
    }
    const value = parsed.data as Record<string, unknown>;
    const now = new Date();
    const secrets: Record<string, string> = {};
    const secretsSet: SecretShown[] = [];
    const settings: Record<string, unknown> = {};
    for (const [field, fieldValue] of Object.entries(value)) {
      if (!provider.secretFields.includes(field)) {
        settings[field] = fieldValue;
        continue;
      }
      if (typeof fieldValue !== "string" || fieldValue === "") continue;
      secrets[field] = fieldValue;
      const kept = before?.secretsSet.find((shown) => shown.field === field);
      // A secret sent again unchanged keeps when it was set.
      secretsSet.push(kept && before?.secrets[field] === fieldValue ? kept : shownSecret(field, fieldValue, now));
    }
    const data = { settings: settings as object, secrets: encrypt(this.key, secrets), secretsSet: secretsSet as unknown as object };
    await this.db.prisma.$transaction(async (tx) => {
      await tx.paymentAccount.upsert({ where: { shopId_provider: { shopId, provider: provider.code } }, create: { shopId, provider: provider.code, ...data }, update: data });
      await recordAudit(tx, caller, {
        shopId,
        action: "SET_PAYMENT_ACCOUNT",
        targetType: "PaymentAccount",
        targetId: `${shopId}:${provider.code}`,
        details: { provider: provider.code, settings, secrets: secretsSet.map(({ field, fingerprint, setAt }) => ({ field, fingerprint, setAt })) },
      });
    });
    config.changed(shopId);
    return { provider: provider.code, settings, secrets: secretsSet };
  }

  private codesWithAccounts(): string[] {
    return [...this.providers.values()].filter((provider: RegisteredProvider) => provider.account).map((provider) => provider.code);
  }
}
