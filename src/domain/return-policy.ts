// Return policies: when goods may come back. Pure: the services read the shop's policies
// (cached with its other policies) and the order, and ask here.
import type { UserErrorCode } from "./errors.js";

/** Goods that come back only with a quality problem (the exemptions of China's 7-day rule). */
export const EXEMPTION_KINDS = ["FRESH_FOOD", "MADE_TO_ORDER", "DIGITAL", "OPENED_HYGIENE"] as const;
export type ExemptionKind = (typeof EXEMPTION_KINDS)[number];

/** A return without a reason (the customer's choice) or for a quality problem (the shop's fault). */
export type ReasonClass = "NO_REASON" | "QUALITY";

/** Days from delivery a return without a reason may be requested: China's consumer law for most online goods. */
export const DEFAULT_NO_REASON_DAYS = 7;
export const DEFAULT_QUALITY_DAYS = 15;
/** A new shop's quality reasons: the goods or their delivery were at fault, not the customer's mind. */
export const DEFAULT_QUALITY_REASON_CODES: readonly string[] = ["NOT_AS_DESCRIBED", "LOGISTICS"];
export const MAX_WINDOW_DAYS = 365;
export const MAX_TERMS_LENGTH = 500;
export const MAX_SKU_PATTERN_LENGTH = 64;

const DAY_MS = 24 * 60 * 60 * 1000;

/** A stored policy as the cache holds it. */
export interface ReturnPolicyDef {
  scope: "SHOP" | "CATEGORY" | "SKU";
  category: string | null;
  skuPattern: string | null;
  noReasonDays: number | null;
  qualityDays: number | null;
  exemption: ExemptionKind | null;
  terms: string | null;
  /** SHOP only. */
  qualityReasonCodes: readonly string[];
}

/** A policy with nothing left to inherit: what applies to one item. */
export interface EffectivePolicy {
  scope: ReturnPolicyDef["scope"] | "DEFAULT";
  category: string | null;
  skuPattern: string | null;
  noReasonDays: number;
  qualityDays: number;
  exemption: ExemptionKind | null;
  /** The policy's words for the customer: the shop's own, or written from the figures. */
  terms: string;
}

export const DEFAULT_SHOP_POLICY: ReturnPolicyDef = {
  scope: "SHOP",
  category: null,
  skuPattern: null,
  noReasonDays: DEFAULT_NO_REASON_DAYS,
  qualityDays: DEFAULT_QUALITY_DAYS,
  exemption: null,
  terms: null,
  qualityReasonCodes: DEFAULT_QUALITY_REASON_CODES,
};

export function policySubject(target: { category?: string | null; skuPattern?: string | null }): string {
  if (target.skuPattern != null) return `SKU:${target.skuPattern}`;
  if (target.category != null) return `CATEGORY:${target.category}`;
  return "SHOP";
}

/** Why a window is refused, or null: whole days, 1 to a year. */
export function windowDaysProblem(days: number): string | null {
  if (!Number.isSafeInteger(days) || days < 1 || days > MAX_WINDOW_DAYS) return `A return window is a whole number of days from 1 to ${MAX_WINDOW_DAYS}`;
  return null;
}

export function isExemptionKind(value: string): value is ExemptionKind {
  return (EXEMPTION_KINDS as readonly string[]).includes(value);
}

/**
 * Why a SKU pattern is refused, or null. A pattern is a SKU with `*` standing for any run of
 * characters (`FRESH-*`, `*-CUSTOM`); it must name something besides wildcards (the shop-wide
 * policy covers everything).
 */
export function skuPatternProblem(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > MAX_SKU_PATTERN_LENGTH) return `A SKU pattern has 1 to ${MAX_SKU_PATTERN_LENGTH} characters`;
  if (!/^[A-Za-z0-9*._\-/]+$/.test(pattern)) return "A SKU pattern has letters, digits, . _ - / and * (any characters) only";
  if (!/[^*]/.test(pattern)) return "A SKU pattern must name more than wildcards: the shop-wide policy covers every SKU";
  return null;
}

export function skuMatches(pattern: string, sku: string): boolean {
  const source = pattern.split("*").map((part) => part.replace(/[.\-/]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`).test(sku);
}

/** Which class a reason is: its own code, else its parent's, decides. */
export function reasonClass(shopPolicy: ReturnPolicyDef, reason: { code: string; parentCode: string | null }): ReasonClass {
  const quality = shopPolicy.qualityReasonCodes;
  return quality.includes(reason.code) || (reason.parentCode != null && quality.includes(reason.parentCode)) ? "QUALITY" : "NO_REASON";
}

/**
 * The policy of one item: a SKU pattern's (the longest pattern matching, as the most specific),
 * else its category's, else the shop's; what a specific policy leaves open comes from the shop's.
 */
export function policyForItem(policies: readonly ReturnPolicyDef[], item: { sku: string; category: string | null }): EffectivePolicy {
  const shop = policies.find((policy) => policy.scope === "SHOP") ?? DEFAULT_SHOP_POLICY;
  const bySku = policies
    .filter((policy) => policy.scope === "SKU" && skuMatches(policy.skuPattern!, item.sku))
    .sort((a, b) => b.skuPattern!.length - a.skuPattern!.length)[0];
  const byCategory = item.category == null ? undefined : policies.find((policy) => policy.scope === "CATEGORY" && policy.category === item.category);
  const specific = bySku ?? byCategory;
  const noReasonDays = specific?.noReasonDays ?? shop.noReasonDays ?? DEFAULT_NO_REASON_DAYS;
  const qualityDays = specific?.qualityDays ?? shop.qualityDays ?? DEFAULT_QUALITY_DAYS;
  const exemption = specific?.exemption ?? shop.exemption ?? null;
  const stored = specific ?? (policies.includes(shop) ? shop : null);
  return {
    scope: stored?.scope ?? "DEFAULT",
    category: stored?.category ?? null,
    skuPattern: stored?.skuPattern ?? null,
    noReasonDays,
    qualityDays,
    exemption,
    terms: specific?.terms ?? (specific ? null : shop.terms) ?? writtenTerms(noReasonDays, qualityDays, exemption),
  };
}

const EXEMPTION_WORDS: Record<ExemptionKind, string> = {
  FRESH_FOOD: "Fresh food",
  MADE_TO_ORDER: "Goods made to order",
  DIGITAL: "Digital goods",
  OPENED_HYGIENE: "Hygiene goods once opened",
};

/** Terms for a policy the shop gave no words of its own. */
export function writtenTerms(noReasonDays: number, qualityDays: number, exemption: ExemptionKind | null): string {
  const quality = `quality problems within ${qualityDays} days of delivery`;
  if (exemption) return `${EXEMPTION_WORDS[exemption]} cannot be returned without a quality problem; ${quality}.`;
  return `Returns without a reason within ${noReasonDays} days of delivery; ${quality}.`;
}

export interface ItemEligibility {
  eligible: boolean;
  /** Why not; null when eligible. */
  code: Extract<UserErrorCode, "RETURN_WINDOW_CLOSED" | "NOT_RETURNABLE"> | null;
  /** For people: why not (with the policy's words), or what the policy says. */
  message: string;
  /** Until when a request of this reason class is accepted; null: not delivered yet (the window has not started), or never. */
  deadline: Date | null;
  policy: EffectivePolicy;
}

/**
 * Whether an item may be returned for a reason of `reasonClass` at `now`. The window counts
 * from delivery; an order not delivered yet has no window to check (a refund before delivery
 * is a cancellation, which no policy limits). Exempt goods come back only with a quality problem.
 */
export function itemEligibility(policy: EffectivePolicy, item: { name: string }, deliveredAt: Date | null, now: Date, reasonClass: ReasonClass): ItemEligibility {
  if (deliveredAt == null) return { eligible: true, code: null, message: `Not delivered yet: ${policy.terms}`, deadline: null, policy };
  if (reasonClass === "NO_REASON" && policy.exemption) {
    return { eligible: false, code: "NOT_RETURNABLE", message: `${item.name} cannot be returned without a quality problem: ${policy.terms}`, deadline: null, policy };
  }
  const days = reasonClass === "QUALITY" ? policy.qualityDays : policy.noReasonDays;
  const deadline = new Date(deliveredAt.getTime() + days * DAY_MS);
  if (now.getTime() > deadline.getTime()) {
    const kind = reasonClass === "QUALITY" ? "for a quality problem" : "without a reason";
    return {
      eligible: false,
      code: "RETURN_WINDOW_CLOSED",
      message: `${item.name}: the time to return it ${kind} ended ${deadline.toISOString()} (${days} days from delivery): ${policy.terms}`,
      deadline,
      policy,
    };
  }
  return { eligible: true, code: null, message: policy.terms, deadline, policy };
}

/**
 * The order as a whole: eligible when every item is (a request for the whole order returns all
 * of it); otherwise the first item refused says why. The deadline is the earliest of the items'.
 */
export function orderEligibility(items: readonly ItemEligibility[]): Omit<ItemEligibility, "policy"> {
  const refused = items.find((item) => !item.eligible);
  const deadlines = items.flatMap((item) => (item.deadline ? [item.deadline.getTime()] : []));
  const deadline = deadlines.length > 0 ? new Date(Math.min(...deadlines)) : null;
  if (refused) return { eligible: false, code: refused.code, message: refused.message, deadline: refused.deadline ?? deadline };
  return { eligible: true, code: null, message: items[0]?.message ?? "", deadline };
}

/** A shop's return rules as its cached policies carry them: its policies, and its default return address. */
export interface ShopReturns<Address> {
  policies: ReturnPolicyDef[];
  defaultAddress: Address | null;
}

export const NO_RETURN_RULES: ShopReturns<never> = { policies: [], defaultAddress: null };

/** Stored rows (validated when written) as the domain takes them. */
export function returnPolicyFromRow(row: {
  subject: string;
  category: string | null;
  skuPattern: string | null;
  noReasonDays: number | null;
  qualityDays: number | null;
  exemption: string | null;
  terms: string | null;
  qualityReasonCodes: readonly string[] | null;
}): ReturnPolicyDef {
  const scope = row.subject === "SHOP" ? "SHOP" : row.subject.startsWith("SKU:") ? "SKU" : "CATEGORY";
  return {
    scope,
    category: row.category,
    skuPattern: row.skuPattern,
    noReasonDays: row.noReasonDays,
    qualityDays: row.qualityDays,
    exemption: row.exemption != null && isExemptionKind(row.exemption) ? row.exemption : null,
    terms: row.terms,
    qualityReasonCodes: row.qualityReasonCodes ?? [],
  };
}
