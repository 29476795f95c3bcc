import { encodeGlobalID } from "@pothos/plugin-relay";
import type { ReturnAddressSnapshot } from "../domain/return-address.js";
import {
  DEFAULT_NO_REASON_DAYS,
  DEFAULT_QUALITY_DAYS,
  DEFAULT_QUALITY_REASON_CODES,
  EXEMPTION_KINDS,
  MAX_WINDOW_DAYS,
} from "../domain/return-policy.js";
import {
  createReturnAddress,
  listReturnAddresses,
  listReturnPolicies,
  type ListedReturnPolicy,
  returnEligibilityOfOrder,
  setReturnPolicy,
  updateReturnAddress,
} from "../services/return-policies.js";
import { STAFF_ROLES, type Viewer } from "../services/viewer.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorCodeEnum, UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

// Returns: the shop's return policies (when goods may come back) and return addresses (where to).

const ReturnExemptionEnum = builder.enumType("ReturnExemption", {
  description: "Goods that come back only with a quality problem.",
  values: {
    FRESH_FOOD: { description: "Fresh food." },
    MADE_TO_ORDER: { description: "Goods made to the customer's order." },
    DIGITAL: { description: "Digital goods (downloads, codes)." },
    OPENED_HYGIENE: { description: "Hygiene goods once opened." },
  } satisfies Record<(typeof EXEMPTION_KINDS)[number], { description: string }>,
});
const ReturnPolicyScopeEnum = builder.enumType("ReturnPolicyScope", {
  description: "Which items a return policy covers.",
  values: { SHOP: { description: "Shop-wide." }, CATEGORY: { description: "Items of one category." }, SKU: { description: "Items whose SKU matches a pattern." }, DEFAULT: { description: "No policy stored: the platform's default." } },
});
const ReasonClassEnum = builder.enumType("ReturnReasonClass", {
  description: "Which window of a return policy a reason falls under.",
  values: { NO_REASON: { description: "The customer's choice (e.g. CHANGED_MIND)." }, QUALITY: { description: "A quality problem (e.g. NOT_AS_DESCRIBED): the longer window, exemptions do not apply." } },
});

const ReturnPolicyRef = builder.objectRef<ListedReturnPolicy>("ReturnPolicy").implement({
  description: `When goods may come back. Null windows or exemption take the shop-wide policy's, then the default (${DEFAULT_NO_REASON_DAYS} days without a reason, ${DEFAULT_QUALITY_DAYS} for quality problems, counted from delivery).`,
  fields: (t) => ({
    scope: t.field({ type: ReturnPolicyScopeEnum, resolve: (policy) => policy.scope, description: "Which items the policy covers." }),
    category: t.exposeString("category", { nullable: true, description: "CATEGORY: the category covered; null for other scopes." }),
    skuPattern: t.exposeString("skuPattern", { nullable: true, description: "`*` stands for any characters; the longest matching pattern wins over a category." }),
    noReasonDays: t.exposeInt("noReasonDays", { nullable: true, description: "Days from delivery for a return without a reason." }),
    qualityDays: t.exposeInt("qualityDays", { nullable: true, description: "Days from delivery for a quality problem." }),
    exemption: t.field({ type: ReturnExemptionEnum, nullable: true, resolve: (policy) => policy.exemption, description: "Goods under this policy that come back only with a quality problem; null: none exempt." }),
    terms: t.exposeString("terms", { nullable: true, description: "The policy's words, quoted to the customer (null: written from the figures)." }),
    qualityReasonCodes: t.stringList({
      description: `Shop-wide: the reason codes that count as quality problems (a new shop: ${DEFAULT_QUALITY_REASON_CODES.join(", ")}); every other reason is a return without a reason.`,
      resolve: (policy) => [...policy.qualityReasonCodes],
    }),
  }),
});

const staffOnly = (viewer: Viewer) => (viewer.role === "PLATFORM_ADMIN" ? {} : STAFF_ROLES.has(viewer.role) ? { shopId: viewer.shopId! } : { id: { in: [] } });

const ReturnAddressRef = builder.prismaNode("ReturnAddress", {
  id: { field: "id" },
  nullable: true,
  description: "A warehouse the shop takes returns at (staff only; a customer sees the copy on its refund).",
  findUnique: (id, ctx) => ({ id, AND: [staffOnly(queryViewer(ctx))] }),
  fields: (t) => ({
    label: t.exposeString("label", { description: "The warehouse's name." }),
    recipient: t.exposeString("recipient", { description: "Who receives the parcel (a person or the warehouse's name)." }),
    phone: t.exposeString("phone", { description: "The recipient's phone number, as the carrier needs it." }),
    province: t.exposeString("province", { description: "Province (or state) of the address." }),
    city: t.exposeString("city", { description: "City of the address." }),
    district: t.exposeString("district", { nullable: true, description: "District of the address; null when none." }),
    street: t.exposeString("street", { description: "Street and number (the rest of the address line)." }),
    postalCode: t.exposeString("postalCode", { nullable: true, description: "Postal code; null when none." }),
    requirements: t.exposeString("requirements", { nullable: true, description: 'What the parcel must hold, e.g. "unworn, tags attached, all accessories".' }),
    isDefault: t.exposeBoolean("isDefault", { description: "Returns approved now go here; exactly one per shop." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the address was last changed (ISO 8601, UTC)." }),
  }),
});

const RefundReturnAddressRef = builder.objectRef<ReturnAddressSnapshot>("RefundReturnAddress").implement({
  description: "Where this refund's parcel goes and what it must hold, as it was when the return was approved.",
  fields: (t) => ({
    label: t.exposeString("label", { description: "The shop's name for the address (e.g. Shanghai warehouse)." }),
    recipient: t.exposeString("recipient", { description: "Who receives the parcel (a person or the warehouse's name)." }),
    phone: t.exposeString("phone", { description: "The recipient's phone number, as the carrier needs it." }),
    province: t.exposeString("province", { description: "Province (or state) of the address." }),
    city: t.exposeString("city", { description: "City of the address." }),
    district: t.exposeString("district", { nullable: true, description: "District of the address; null when none." }),
    street: t.exposeString("street", { description: "Street and number (the rest of the address line)." }),
    postalCode: t.exposeString("postalCode", { nullable: true, description: "Postal code; null when none." }),
    requirements: t.exposeString("requirements", { nullable: true, description: "What the parcel must hold or how it must be packed (e.g. the original box, the invoice), for the customer; null when none." }),
  }),
});

builder.prismaObjectFields("Refund", (t) => ({
  returnAddress: t.field({
    type: RefundReturnAddressRef,
    nullable: true,
    description: "Set when the return was approved (entering AWAITING_RETURN): the shop's default return address then, with its requirements. null before, for refunds with no return, or when the shop had none.",
    select: { returnAddress: true },
    resolve: (refund) => (refund.returnAddress as ReturnAddressSnapshot | null) ?? null,
  }),
  policyOverride: t.field({
    type: builder.simpleObject("ReturnPolicyOverride", {
      description: "Staff requested the refund although the return policy refused it.",
      fields: (p) => ({
        code: p.field({ type: UserErrorCodeEnum, description: "What the policy answered: RETURN_WINDOW_CLOSED or NOT_RETURNABLE." }),
        reason: p.string({ description: "Why staff overrode it." }),
      }),
    }),
    nullable: true,
    description: "Staff only (null for a customer): the return policy's refusal staff overrode when requesting it; the request's transition names who.",
    select: { policyOverrideCode: true, policyOverrideReason: true },
    resolve: (refund, _args, ctx) =>
      ctx.viewer && STAFF_ROLES.has(ctx.viewer.role) && refund.policyOverrideCode
        ? { code: refund.policyOverrideCode as "RETURN_WINDOW_CLOSED", reason: refund.policyOverrideReason ?? "" }
        : null,
  }),
}));

interface EligibilityView {
  eligible: boolean;
  code: "RETURN_WINDOW_CLOSED" | "NOT_RETURNABLE" | null;
  message: string;
  deadline: Date | null;
}

type ItemView = EligibilityView & {
  orderItem: { id: string; sku: string; name: string; category: string | null };
  policy: { scope: string; exemption: (typeof EXEMPTION_KINDS)[number] | null; terms: string };
};

const ReturnItemEligibilityRef = builder.objectRef<ItemView>("ReturnItemEligibility").implement({
  description: "Whether one item of the order may be returned now, and under which policy.",
  fields: (t) => ({
    orderItemId: t.field({ type: "ID", description: "The `OrderItem.id` to name in requestRefund's `items`: a request of some items is judged by those items only.", resolve: (item) => encodeGlobalID("OrderItem", item.orderItem.id) }),
    sku: t.string({ resolve: (item) => item.orderItem.sku, description: "The item's SKU." }),
    name: t.string({ resolve: (item) => item.orderItem.name, description: "The item's name." }),
    category: t.string({ nullable: true, resolve: (item) => item.orderItem.category, description: "The item's category; null when the order system sent none." }),
    eligible: t.exposeBoolean("eligible", { description: "true when the item may be returned now for the reason asked about." }),
    code: t.field({ type: UserErrorCodeEnum, nullable: true, description: "Why not: what requestRefund would answer.", resolve: (item) => item.code }),
    message: t.exposeString("message", { description: "Why not, with the policy's words; or the policy's words." }),
    deadline: t.expose("deadline", { type: "DateTime", nullable: true, description: "The end of the window for this kind of reason; null while not delivered (the window starts at delivery) or for exempt goods." }),
    exemption: t.field({ type: ReturnExemptionEnum, nullable: true, resolve: (item) => item.policy.exemption, description: "The applying policy's exemption, if any: the item comes back only with a quality problem." }),
    policyScope: t.field({ type: ReturnPolicyScopeEnum, description: "Which policy applies.", resolve: (item) => item.policy.scope as "SHOP" }),
    terms: t.string({ description: "The applying policy's words.", resolve: (item) => item.policy.terms }),
  }),
});

const ReturnEligibilityRef = builder.objectRef<EligibilityView & { reasonClass: "NO_REASON" | "QUALITY"; items: ItemView[] }>("ReturnEligibility").implement({
  description: "What requestRefund would answer now under the shop's return policies: for the whole order (every item must be returnable) and per item.",
  fields: (t) => ({
    reasonClass: t.field({ type: ReasonClassEnum, resolve: (view) => view.reasonClass, description: "Whether the reason asked about counts as a quality problem or not." }),
    eligible: t.exposeBoolean("eligible", { description: "true when requestRefund would accept the whole order now." }),
    code: t.field({ type: UserErrorCodeEnum, nullable: true, description: "Why not: what requestRefund would answer.", resolve: (view) => view.code }),
    message: t.exposeString("message", { description: "Why not, with the policy's words; or the policy's words." }),
    deadline: t.expose("deadline", { type: "DateTime", nullable: true, description: "The earliest item deadline (or the refused item's); null while not delivered." }),
    items: t.field({ type: [ReturnItemEligibilityRef], resolve: (view) => view.items, description: "Each item of the order and whether it may be returned." }),
  }),
});

builder.prismaObjectField("Order", "returnEligibility", (t) =>
  t.field({
    type: ReturnEligibilityRef,
    description: "Before showing a return button: whether the shop's return policies allow a request now, per item and for the whole order. Staff may still override (`requestRefund.overridePolicy`).",
    args: { reasonCode: t.arg.string({ description: "A code of `reasonTags`; absent: a return without a reason (the stricter case)." }) },
    select: { shopId: true, deliveredAt: true, items: { select: { id: true, sku: true, name: true, category: true }, orderBy: { id: "asc" } } },
    resolve: (order, { reasonCode }, ctx) => queryService(() => returnEligibilityOfOrder(ctx.services, order, reasonCode)),
  }),
);

builder.queryFields((t) => ({
  returnPolicies: t.field({
    type: [ReturnPolicyRef],
    description: "The shop's return policies (staff): shop-wide first (the default when none is stored), then by category, then by SKU pattern.",
    args: { shopId: t.arg.id({ description: "For platform admins: whose policies." }) },
    resolve: (_root, { shopId }, ctx) => queryService(() => listReturnPolicies(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null)),
  }),
  returnAddresses: t.prismaField({
    type: [ReturnAddressRef],
    description: "The shop's return addresses (staff), the default first.",
    args: { shopId: t.arg.id({ description: "For platform admins: whose addresses." }) },
    resolve: (query, _root, { shopId }, ctx) => queryService(() => listReturnAddresses(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null, query)),
  }),
}));

const SetReturnPolicyInput = builder.inputType("SetReturnPolicyInput", {
  description: "One return policy to set or remove: shop-wide, for a category, or for a SKU pattern.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    category: t.string({ description: "The policy of this category (`OrderItemInput.category`); with no category and no skuPattern: the shop-wide policy." }),
    skuPattern: t.string({ description: "The policy of SKUs matching this pattern: letters, digits, . _ - / and * (any characters)." }),
    noReasonDays: t.int({ description: `1 to ${MAX_WINDOW_DAYS}; absent: unchanged; null: the shop-wide (or default) value.` }),
    qualityDays: t.int({ description: `1 to ${MAX_WINDOW_DAYS}, not shorter than noReasonDays; absent: unchanged; null: the shop-wide (or default) value.` }),
    exemption: t.string({ description: `One of ${EXEMPTION_KINDS.join(", ")}; null: none (shop-wide's applies).` }),
    terms: t.string({ description: "The policy's words, quoted to the customer (at most 500 characters)." }),
    qualityReasonCodes: t.stringList({ description: "Shop-wide only: reason codes that count as quality problems." }),
    remove: t.boolean({ description: "true: delete this policy (shop-wide: back to the default)." }),
  }),
});

builder.mutationField("setReturnPolicy", (t) =>
  t.field({
    type: builder.simpleObject("SetReturnPolicyPayload", {
      fields: (p) => ({
        returnPolicy: p.field({ type: ReturnPolicyRef, nullable: true, description: "null when removed." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description: "Creates or changes a return policy: shop-wide, or for a category or SKU pattern (SHOP_ADMIN, audited). requestRefund applies it at once.",
    args: { input: t.arg({ type: SetReturnPolicyInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        returnPolicy: await setReturnPolicy(ctx.db, ctx.services.shopConfig, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);

const CreateReturnAddressInput = builder.inputType("CreateReturnAddressInput", {
  description: "A new return address of the shop.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    label: t.string({ required: true, description: "The warehouse's name." }),
    recipient: t.string({ required: true, description: "Who receives the parcel (a person or the warehouse's name)." }),
    phone: t.string({ required: true, description: "The recipient's phone number, as the carrier needs it." }),
    province: t.string({ required: true, description: "Province (or state) of the address." }),
    city: t.string({ required: true, description: "City of the address." }),
    district: t.string({ description: "District of the address." }),
    street: t.string({ required: true, description: "Street and number (the rest of the address line)." }),
    postalCode: t.string({ description: "Postal code." }),
    requirements: t.string({ description: 'What the parcel must hold, e.g. "unworn, tags attached, all accessories".' }),
    isDefault: t.boolean({ description: "Absent: the default if it is the shop's first address. A later address is made the default with updateReturnAddress." }),
  }),
});

const UpdateReturnAddressInput = builder.inputType("UpdateReturnAddressInput", {
  description: "Changes to a return address; a field left out stays as it is.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The address's global id (`ReturnAddress.id`)." }),
    label: t.string({ description: "The shop's name for the address (e.g. Shanghai warehouse). Left out: unchanged." }),
    recipient: t.string({ description: "Who receives the parcel (a person or the warehouse's name). Left out: unchanged." }),
    phone: t.string({ description: "The recipient's phone number, as the carrier needs it. Left out: unchanged." }),
    province: t.string({ description: "Province (or state) of the address. Left out: unchanged." }),
    city: t.string({ description: "City of the address. Left out: unchanged." }),
    district: t.string({ description: "District of the address. Left out: unchanged." }),
    street: t.string({ description: "Street and number (the rest of the address line). Left out: unchanged." }),
    postalCode: t.string({ description: "Postal code. Left out: unchanged." }),
    requirements: t.string({ description: "What the parcel must hold or how it must be packed (e.g. the original box, the invoice), for the customer. Left out: unchanged." }),
    isDefault: t.boolean({ description: "true: returns approved from now on go here (the former default stops being it)." }),
  }),
});

const ReturnAddressPayload = (name: string) =>
  builder.simpleObject(name, {
    fields: (p) => ({ returnAddress: p.field({ type: ReturnAddressRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
  });

builder.mutationField("createReturnAddress", (t) =>
  t.field({
    type: ReturnAddressPayload("CreateReturnAddressPayload"),
    description: "Adds a warehouse returns go to (SHOP_ADMIN, audited); the shop's first is its default.",
    args: { input: t.arg({ type: CreateReturnAddressInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        returnAddress: await createReturnAddress(ctx.db, ctx.services.shopConfig, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);

builder.mutationField("updateReturnAddress", (t) =>
  t.field({
    type: ReturnAddressPayload("UpdateReturnAddressPayload"),
    description: "Changes a return address or makes it the default (SHOP_ADMIN, audited). Refunds approved before keep the copy they were given.",
    args: { input: t.arg({ type: UpdateReturnAddressInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        returnAddress: await updateReturnAddress(ctx.db, ctx.services.shopConfig, viewer, { ...input, id: parseGlobalId(input.id, "ReturnAddress", ["input", "id"]) }),
      })),
  }),
);
