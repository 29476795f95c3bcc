import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { addressFields } from "../domain/return-address.js";
import {
  DEFAULT_SHOP_POLICY,
  type ItemEligibility,
  MAX_TERMS_LENGTH,
  type ReasonClass,
  type ReturnPolicyDef,
  isExemptionKind,
  itemEligibility,
  orderEligibility,
  policyForItem,
  policySubject,
  reasonClass,
  returnPolicyFromRow,
  skuPatternProblem,
  windowDaysProblem,
} from "../domain/return-policy.js";
import type { ShippingStatus } from "../domain/types.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Tx } from "../db/tx.js";
import { recordAudit } from "./audit.js";
import { NO_POLICIES, type ShopPolicies } from "./shop-policies.js";
import type { RefundServiceDeps, ShopConfig } from "./unit-of-work.js";
import { STAFF_ROLES, type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Roles that may request a refund the return policy refuses, saying why. */
const OVERRIDING_ROLES = new Set(["AGENT", "SHOP_ADMIN", "PLATFORM_ADMIN"]);

/** What a request records when staff overrode the policy: the refusal's code and the reason given. */
export interface PolicyOverride {
  policyOverrideCode: string | null;
  policyOverrideReason: string | null;
}

const NOT_OVERRIDDEN: PolicyOverride = { policyOverrideCode: null, policyOverrideReason: null };

/**
 * requestRefund's policy check, in its transaction under the order's lock: a request for a
 * delivered order is refused (RETURN_WINDOW_CLOSED, NOT_RETURNABLE, with the policy's words)
 * unless staff override it with a reason, which the refund then records. An order not
 * delivered has no window yet, and is not read again: 0 statements; a delivered one costs 1
 * (its items and the reason's parent); the policies are the shop's cached ones.
 */
export async function checkReturnPolicy(
  unit: { tx: Tx; now: Date; policies: ShopPolicies },
  caller: Viewer,
  order: { id: string; shopId: string; shippingStatus: ShippingStatus },
  reason: { code: string; parentId: string | null },
  overridePolicy: { reason: string } | null | undefined,
  idempotencyKey: string | null,
  /** The order items requested (line items); absent: the whole order, every item. */
  orderItemIds?: readonly string[],
): Promise<PolicyOverride> {
  const overrideReason = overridePolicy ? overridePolicy.reason.trim() : null;
  if (overridePolicy) {
    if (!OVERRIDING_ROLES.has(caller.role)) fail("FORBIDDEN", "Only staff (AGENT, SHOP_ADMIN) may override the return policy", ["input", "overridePolicy"]);
    if (!overrideReason) fail("NOTE_REQUIRED", "Overriding the return policy needs a reason", ["input", "overridePolicy", "reason"]);
  }
  if (order.shippingStatus !== "DELIVERED") return NOT_OVERRIDDEN;
  const [facts] = await unit.tx.$queryRaw<Array<{ deliveredAt: Date | null; items: Array<{ id: string; sku: string; name: string; category: string | null }>; parentCode: string | null }>>`
    SELECT o."deliveredAt",
           COALESCE((SELECT json_agg(json_build_object('id', i.id, 'sku', i.sku, 'name', i.name, 'category', i.category) ORDER BY i.id)
                       FROM "OrderItem" i WHERE i."orderId" = o.id), '[]'::json) AS items,
           (SELECT t.code FROM "ReasonTag" t WHERE t.id = ${reason.parentId}) AS "parentCode"
      FROM "Order" o WHERE o.id = ${order.id}`;
  if (!facts) return NOT_OVERRIDDEN;
  // A request of some items is judged by those items only: a returnable pair of shoes is not held
  // back by an exempt item of the same order. (An unknown id is the line-items check's to answer.)
  const requested = orderItemIds ? facts.items.filter((item) => orderItemIds.includes(item.id)) : facts.items;
  const policies = unit.policies.returns.policies;
  const shopPolicy = policies.find((policy) => policy.scope === "SHOP") ?? DEFAULT_SHOP_POLICY;
  const verdict = orderEligibility(
    eligibilityOfItems(policies, requested, facts.deliveredAt, unit.now, reasonClass(shopPolicy, { code: reason.code, parentCode: facts.parentCode })),
  );
  if (verdict.eligible || !verdict.code) return NOT_OVERRIDDEN;
  // A request resent after the window closed answers the refund it made while it was open.
  if (idempotencyKey && (await unit.tx.refund.findUnique({ where: { shopId_idempotencyKey: { shopId: order.shopId, idempotencyKey } }, select: { id: true } }))) {
    return NOT_OVERRIDDEN;
  }
  if (!overrideReason) fail(verdict.code, verdict.message, ["input", "orderId"]);
  return { policyOverrideCode: verdict.code, policyOverrideReason: overrideReason };
}

function eligibilityOfItems(
  policies: readonly ReturnPolicyDef[],
  items: ReadonlyArray<{ sku: string; name: string; category: string | null }>,
  deliveredAt: Date | null,
  now: Date,
  reasons: ReasonClass,
): ItemEligibility[] {
  return items.map((item) => itemEligibility(policyForItem(policies, item), item, deliveredAt, now, reasons));
}

/**
 * `Order.returnEligibility`: what requestRefund would answer now for each item and for the
 * whole order, for a reason of `reasonCode` (absent: a return without a reason, the stricter
 * case). The order comes with its items (the GraphQL selection), the policies from the cache.
 */
export async function returnEligibilityOfOrder(
  deps: Pick<RefundServiceDeps, "db" | "shopConfig" | "clock">,
  order: { shopId: string; deliveredAt: Date | null; items: ReadonlyArray<{ id: string; sku: string; name: string; category: string | null }> },
  reasonCode: string | null | undefined,
) {
  const rules = (await deps.shopConfig.policies.get(deps.db.prisma, [order.shopId])).get(order.shopId) ?? NO_POLICIES;
  const policies = rules.returns.policies;
  const shopPolicy = policies.find((policy) => policy.scope === "SHOP") ?? DEFAULT_SHOP_POLICY;
  let reasons: ReasonClass = "NO_REASON";
  if (reasonCode) {
    const tag = await deps.db.prisma.reasonTag.findUnique({ where: { shopId_code: { shopId: order.shopId, code: reasonCode } }, select: { code: true, parent: { select: { code: true } } } });
    if (!tag) fail("UNKNOWN_REASON_CODE", `Unknown reason code ${reasonCode}: see reasonTags`, ["reasonCode"]);
    reasons = reasonClass(shopPolicy, { code: tag.code, parentCode: tag.parent?.code ?? null });
  }
  const now = deps.clock();
  const items = order.items.map((item) => ({ orderItem: item, ...itemEligibility(policyForItem(policies, item), item, order.deliveredAt, now, reasons) }));
  return { reasonClass: reasons, ...orderEligibility(items), items };
}

/** A policy as `returnPolicies` lists it: the default stands in for a shop-wide policy never set. */
export type ListedReturnPolicy = Omit<ReturnPolicyDef, "scope"> & { scope: ReturnPolicyDef["scope"] | "DEFAULT" };

/** `returnPolicies` (staff): the shop-wide policy first (the default when none is stored), then by category, then by SKU pattern. */
export async function listReturnPolicies(db: Database, viewer: Viewer | null, shopId: string | null): Promise<ListedReturnPolicy[]> {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shop = caller.role === "PLATFORM_ADMIN" ? shopId : caller.shopId;
  if (!shop) return [];
  const rows = (await db.prisma.returnPolicy.findMany({ where: { shopId: shop }, orderBy: { subject: "asc" } })).map(returnPolicyFromRow);
  const order = { DEFAULT: 0, SHOP: 0, CATEGORY: 1, SKU: 2 } as const;
  const policies: ListedReturnPolicy[] = rows.some((row) => row.scope === "SHOP") ? rows : [{ ...DEFAULT_SHOP_POLICY, scope: "DEFAULT" }, ...rows];
  return policies.sort((a, b) => order[a.scope] - order[b.scope]);
}

export interface SetReturnPolicyInput {
  shopId?: string | null;
  /** One of the two, or neither for the shop-wide policy. */
  category?: string | null;
  skuPattern?: string | null;
  /** Absent: kept; null: taken from the shop-wide policy (or the default). */
  noReasonDays?: number | null;
  qualityDays?: number | null;
  exemption?: string | null;
  terms?: string | null;
  /** Shop-wide only: the reason codes of quality problems. */
  qualityReasonCodes?: readonly string[] | null;
  /** Deletes the policy (the shop-wide one: back to the default). */
  remove?: boolean | null;
}

/**
 * `setReturnPolicy` (SHOP_ADMIN): creates or changes the shop-wide policy, or one of a category
 * or SKU pattern. Validated whole before anything is written; audited in the same transaction;
 * every process drops its cached policies of the shop, so the next request uses it. Answers
 * the policy, or null when removed.
 */
export async function setReturnPolicy(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: SetReturnPolicyInput): Promise<ReturnPolicyDef | null> {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  if (input.category != null && input.skuPattern != null) fail("INVALID_INPUT", "Name a category or a SKU pattern, not both", ["input"]);
  const category = input.category == null ? null : input.category.trim();
  if (category != null && (category.length === 0 || category.length > 64)) fail("INVALID_INPUT", "A category has 1 to 64 characters", ["input", "category"]);
  if (input.skuPattern != null) {
    const problem = skuPatternProblem(input.skuPattern);
    if (problem) fail("INVALID_SKU_PATTERN", problem, ["input", "skuPattern"]);
  }
  const subject = policySubject({ category, skuPattern: input.skuPattern });
  const shopWide = subject === "SHOP";
  for (const field of ["noReasonDays", "qualityDays"] as const) {
    const days = input[field];
    const problem = days == null ? null : windowDaysProblem(days);
    if (problem) fail("INVALID_RETURN_WINDOW", problem, ["input", field]);
  }
  if (input.exemption != null && !isExemptionKind(input.exemption)) {
    fail("UNKNOWN_EXEMPTION_KIND", `Unknown exemption ${input.exemption}: one of FRESH_FOOD, MADE_TO_ORDER, DIGITAL, OPENED_HYGIENE`, ["input", "exemption"]);
  }
  const terms = input.terms === undefined ? undefined : input.terms?.trim() || null;
  if (terms && terms.length > MAX_TERMS_LENGTH) fail("INVALID_INPUT", `The terms have at most ${MAX_TERMS_LENGTH} characters`, ["input", "terms"]);
  if (input.qualityReasonCodes != null && !shopWide) {
    fail("INVALID_INPUT", "Quality reasons are set on the shop-wide policy (no category, no SKU pattern)", ["input", "qualityReasonCodes"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  if (input.qualityReasonCodes != null) {
    const codes = [...new Set(input.qualityReasonCodes)];
    const known = new Set((await db.prisma.reasonTag.findMany({ where: { shopId, code: { in: codes } }, select: { code: true } })).map((tag) => tag.code));
    const unknown = codes.find((code) => !known.has(code));
    if (unknown !== undefined) fail("UNKNOWN_REASON_CODE", `Unknown reason code ${unknown}: see reasonTags`, ["input", "qualityReasonCodes"]);
  }

  const saved = await db.prisma.$transaction(async (tx) => {
    const stored = await tx.returnPolicy.findMany({ where: { shopId, subject: { in: ["SHOP", subject] } } });
    const before = stored.find((row) => row.subject === subject) ?? null;
    const shopRow = stored.find((row) => row.subject === "SHOP");
    if (input.remove) {
      await recordAudit(tx, caller, { shopId, action: "returnPolicy.remove", targetType: "ReturnPolicy", targetId: subject, details: { before } });
      await tx.returnPolicy.deleteMany({ where: { shopId, subject } });
      return null;
    }
    const columns = {
      ...(input.noReasonDays !== undefined && { noReasonDays: input.noReasonDays }),
      ...(input.qualityDays !== undefined && { qualityDays: input.qualityDays }),
      ...(input.exemption !== undefined && { exemption: input.exemption }),
      ...(terms !== undefined && { terms }),
      ...(input.qualityReasonCodes != null && { qualityReasonCodes: [...new Set(input.qualityReasonCodes)] }),
    };
    // The windows as they will apply: a quality problem never has less time than a change of mind.
    const shopDefaults = shopRow ? returnPolicyFromRow(shopRow) : DEFAULT_SHOP_POLICY;
    const after = { ...(before ? returnPolicyFromRow(before) : {}), ...columns } as Partial<ReturnPolicyDef>;
    const noReasonDays = after.noReasonDays ?? (shopWide ? DEFAULT_SHOP_POLICY.noReasonDays : shopDefaults.noReasonDays) ?? DEFAULT_SHOP_POLICY.noReasonDays!;
    const qualityDays = after.qualityDays ?? (shopWide ? DEFAULT_SHOP_POLICY.qualityDays : shopDefaults.qualityDays) ?? DEFAULT_SHOP_POLICY.qualityDays!;
    if (qualityDays < noReasonDays) {
      fail("INVALID_RETURN_WINDOW", `The window for quality problems (${qualityDays} days) must not be shorter than the one without a reason (${noReasonDays} days)`, ["input", "qualityDays"]);
    }
    const row = await tx.returnPolicy.upsert({
      where: { shopId_subject: { shopId, subject } },
      create: {
        shopId,
        subject,
        category,
        skuPattern: input.skuPattern ?? null,
        ...columns,
        // The shop-wide policy holds the whole list, so a new shop's defaults stay until changed.
        ...(shopWide && input.qualityReasonCodes == null && { qualityReasonCodes: [...DEFAULT_SHOP_POLICY.qualityReasonCodes] }),
      },
      update: columns,
    });
    await recordAudit(tx, caller, { shopId, action: "returnPolicy.set", targetType: "ReturnPolicy", targetId: subject, details: { before, after: columns } });
    return returnPolicyFromRow(row);
  });
  config.changed(shopId);
  return saved;
}

/** `returnAddresses` (staff): the shop's warehouses, the default first. */
export async function listReturnAddresses(db: Database, viewer: Viewer | null, shopId: string | null, query: { include?: Prisma.ReturnAddressInclude; select?: Prisma.ReturnAddressSelect } = {}) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shop = caller.role === "PLATFORM_ADMIN" ? shopId : caller.shopId;
  if (!shop) return [];
  return db.prisma.returnAddress.findMany({ ...query, where: { shopId: shop }, orderBy: [{ isDefault: "desc" }, { createdAt: "asc" }, { id: "asc" }] });
}

type AddressInput = Partial<Record<"label" | "recipient" | "phone" | "province" | "city" | "district" | "street" | "postalCode" | "requirements", string | null>>;

export interface CreateReturnAddressInput extends AddressInput {
  shopId?: string | null;
  /** Absent: the default when it is the shop's first address. */
  isDefault?: boolean | null;
}

function validAddress(input: AddressInput) {
  const checked = addressFields(input);
  if (!checked.ok) fail("RETURN_ADDRESS_INCOMPLETE", checked.message, ["input", checked.field]);
  return checked.fields;
}

/**
 * `createReturnAddress` (SHOP_ADMIN). Exactly one default per shop: the first address is it,
 * a later one cannot be a second (updateReturnAddress moves the default). The shop's row is
 * locked meanwhile, so two concurrent first addresses cannot both become the default.
 */
export async function createReturnAddress(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: CreateReturnAddressInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  const fields = validAddress(input);
  const address = await db.prisma.$transaction(async (tx) => {
    const [shop] = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM "Shop" WHERE id = ${shopId} FOR UPDATE`;
    if (!shop) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
    const hasDefault = (await tx.returnAddress.count({ where: { shopId, isDefault: true } })) > 0;
    if (hasDefault && input.isDefault === true) {
      fail("RETURN_ADDRESS_DEFAULT", "The shop has a default return address already: make this one the default with updateReturnAddress", ["input", "isDefault"]);
    }
    if (!hasDefault && input.isDefault === false) fail("RETURN_ADDRESS_DEFAULT", "The shop's first return address must be its default", ["input", "isDefault"]);
    const created = await tx.returnAddress.create({ data: { shopId, ...fields, isDefault: !hasDefault } });
    await recordAudit(tx, caller, { shopId, action: "returnAddress.create", targetType: "ReturnAddress", targetId: created.id, details: { after: fields, isDefault: created.isDefault } });
    return created;
  });
  config.changed(shopId);
  return address;
}

export interface UpdateReturnAddressInput extends AddressInput {
  id: string;
  /** true: this one becomes the default (the former default stops being it); false is refused for the default. */
  isDefault?: boolean | null;
}

/**
 * `updateReturnAddress` (SHOP_ADMIN): changes fields given (a required one cannot be emptied)
 * or makes it the default. Refunds already sent to it keep the copy they were given.
 */
export async function updateReturnAddress(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: UpdateReturnAddressInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const notFound: () => never = () => fail("NOT_FOUND", "No such return address", ["input", "id"]);
  const existing = await db.prisma.returnAddress.findUnique({ where: { id: input.id } });
  if (!existing || (caller.role !== "PLATFORM_ADMIN" && existing.shopId !== caller.shopId)) notFound();
  const { id: _id, isDefault, ...changes } = input;
  const given = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const fields = validAddress({ ...existing, ...given });
  const shopId = existing.shopId;
  const address = await db.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Shop" WHERE id = ${shopId} FOR UPDATE`;
    const current = await tx.returnAddress.findUnique({ where: { id: existing.id }, select: { isDefault: true } });
    if (!current) notFound();
    if (isDefault === false && current.isDefault) {
      fail("RETURN_ADDRESS_DEFAULT", "The default return address cannot be unset: make another address the default instead", ["input", "isDefault"]);
    }
    if (isDefault === true && !current.isDefault) await tx.returnAddress.updateMany({ where: { shopId, isDefault: true }, data: { isDefault: false } });
    const updated = await tx.returnAddress.update({ where: { id: existing.id }, data: { ...fields, ...(isDefault === true && { isDefault: true }) } });
    await recordAudit(tx, caller, { shopId, action: "returnAddress.update", targetType: "ReturnAddress", targetId: existing.id, details: { changes: given, isDefault } });
    return updated;
  });
  config.changed(shopId);
  return address;
}
