import { encodeGlobalID } from "@pothos/plugin-relay";
import { apiTokensQuery, createApiToken, revokeApiToken, rotateApiToken } from "../services/api-tokens.js";
import { auditEntriesQuery, listAuditEntries } from "../services/audit.js";
import { createShop } from "../services/shop-setup.js";
import { updateShopSettings } from "../services/shop-settings.js";
import { customerScope } from "../services/viewer.js";
import { queryService, queryViewer, shopAdminsRow } from "./access.js";
import { builder } from "./builder.js";
import { CustomerRef } from "./customer.js";
import { OverLimitEnum, RoleEnum } from "./enums.js";
import { MAX_CARE_DAYS } from "../domain/care.js";
import { StaffMemberRef } from "./staff.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";
import { replacedByConnection } from "./deprecation.js";

export const ShopRef = builder.prismaNode("Shop", {
  description: "A shop on the platform: its currency, time zone and refund settings. Shop staff see their own shop; a platform admin every shop.",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return viewer.role === "PLATFORM_ADMIN" ? { id } : { id, AND: [{ id: viewer.shopId! }] };
  },
  fields: (t) => ({
    name: t.exposeString("name", { description: "The shop's name." }),
    currency: t.exposeString("currency", { description: "The shop's ISO 4217 currency: every amount of the shop is in its minor units." }),
    timeZone: t.exposeString("timeZone", { description: "IANA zone whose midnights split `refundMetrics` days (default Asia/Shanghai)." }),
    industryRefundRate: t.exposeFloat("industryRefundRate", { nullable: true, description: "The industry refund rate (0..1) `refundMetrics` compares with: 0.05 for a new shop until its admin sets its own figure; null when cleared." }),
    overLimit: t.expose("overLimit", { type: OverLimitEnum, description: "What happens to an action over a person's approval limit." }),
    careDays: t.exposeInt("careDays", { description: "Days a customer whose refund ended stays on the care list (0: no care list)." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the shop was created (ISO 8601, UTC)." }),
    reasonTags: t.relation("reasonTags", { query: { orderBy: { createdAt: "asc" } }, description: "The shop's reason tags (live and archived), oldest first: the codes `requestRefund` takes as `reasonCode`." }),
  }),
});

export const ApiTokenRef = builder.prismaNode("ApiToken", {
  description: "An API token's record (never its secret): who holds it, for what role and shop, and whether it still works. A SHOP_ADMIN sees its shop's tokens; other roles their own token.",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return viewer.role === "PLATFORM_ADMIN" ? { id } : viewer.role === "SHOP_ADMIN" ? { id, shopId: viewer.shopId } : { id, AND: [{ id: viewer.tokenId }] };
  },
  fields: (t) => ({
    role: t.expose("role", { type: RoleEnum, description: "What the token may do." }),
    label: t.exposeString("label", { nullable: true, description: "A name for people (e.g. the staff member or system that holds it); shown as the actor's name of what it does; null when none was given." }),
    shop: t.relation("shop", { nullable: true, description: "The shop it acts for; null for a platform admin's token." }),
    customer: t.relation("customer", { nullable: true, description: "The customer a CUSTOMER token acts as; null for other roles." }),
    staffMember: t.relation("staffMember", { nullable: true, description: "The staff member a staff token belongs to; null when it was issued for no member." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the token was issued (ISO 8601, UTC)." }),
    expiresAt: t.expose("expiresAt", { type: "DateTime", nullable: true, description: "After this the token is refused; null: no expiry." }),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true, description: "When it was revoked (ISO 8601, UTC); null while it works." }),
    lastUsedAt: t.expose("lastUsedAt", { type: "DateTime", nullable: true, description: "Last use, to the minute." }),
  }),
});

/** The audited target types whose `targetId` is a row id of a Node (an approval limit's is its subject). */
const AUDITED_NODE_TYPES = new Set(["ApiToken", "ReasonTag", "Shop", "StaffMember"]);

const AuditEntryRef = builder.prismaNode("AuditEntry", {
  description: "One change to a shop's staff settings (tokens, plugin settings, reason tags, staff members, SLA policies).",
  id: { field: "id" },
  nullable: true,
  // As `auditEntries`: the shop's admins; entries of no shop only platform admins.
  findUnique: shopAdminsRow,
  fields: (t) => ({
    action: t.exposeString("action", { description: "e.g. apiToken.create, pluginSettings.update, reasonTag.update" }),
    targetType: t.exposeString("targetType", { description: "The kind of object changed, e.g. ApiToken, ReasonTag, StaffMember, plugin settings." }),
    targetId: t.exposeString("targetId", { description: "The row id (or plugin name, or status) changed; `targetNodeId` is the global id of a row that is a Node." }),
    targetNodeId: t.id({
      nullable: true,
      description: "The global id of the changed object, for `node(id:)`, when it is a Node (null for a plugin's settings, an SLA policy or an approval limit, named by its subject).",
      resolve: (entry) => (AUDITED_NODE_TYPES.has(entry.targetType) ? encodeGlobalID(entry.targetType, entry.targetId) : null),
    }),
    actorRole: t.expose("actorRole", { type: RoleEnum, description: "The role of the token that made the change." }),
    actorName: t.exposeString("actorName", { nullable: true, description: "The label of the token that made the change; null when it has none." }),
    details: t.expose("details", { type: "JSON", nullable: true, description: "What changed; secrets only as \"[set]\"." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the change was made (ISO 8601, UTC)." }),
  }),
});

const RevokeApiTokenInput = builder.inputType("RevokeApiTokenInput", {
  description: "The token to revoke.",
  fields: (t) => ({ tokenId: t.id({ required: true, description: "The token's global id (`ApiToken.id`)." }) }),
});
const RotateApiTokenInput = builder.inputType("RotateApiTokenInput", {
  description: "The token to give a new secret.",
  fields: (t) => ({
    tokenId: t.id({ required: true, description: "The token's global id (`ApiToken.id`)." }),
    expiresAt: t.field({ type: "DateTime", description: "The new expiry; omitted: the old one stays." }),
  }),
});

builder.mutationField("revokeApiToken", (t) =>
  t.field({
    type: builder.simpleObject("RevokeApiTokenPayload", {
      fields: (p) => ({ apiToken: p.field({ type: ApiTokenRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description: "The token stops working at once (SHOP_ADMIN for its shop's tokens).",
    args: { input: t.arg({ type: RevokeApiTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        apiToken: await revokeApiToken(ctx.db, ctx.services.credentials, viewer, { tokenId: parseGlobalId(input.tokenId, "ApiToken", ["input", "tokenId"]) }),
      })),
  }),
);

builder.mutationField("rotateApiToken", (t) =>
  t.field({
    description: "Replaces a token's secret (SHOP_ADMIN for its shop's tokens, PLATFORM_ADMIN any): the new plaintext token is in this answer only, the old one stops working at once; role, shop and label stay.",
    type: builder.simpleObject("RotateApiTokenPayload", {
      fields: (p) => ({
        token: p.string({ nullable: true, description: "The new plaintext token, shown only in this answer; the old one no longer works." }),
        apiToken: p.field({ type: ApiTokenRef, nullable: true }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    args: { input: t.arg({ type: RotateApiTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, (viewer) =>
        rotateApiToken(ctx.db, ctx.services.credentials, viewer, {
          tokenId: parseGlobalId(input.tokenId, "ApiToken", ["input", "tokenId"]),
          expiresAt: input.expiresAt,
        }),
      ),
  }),
);

const CreateShopInput = builder.inputType("CreateShopInput", {
  description: "A new shop.",
  fields: (t) => ({
    name: t.string({ required: true, description: "The shop's name." }),
    currency: t.string({ required: true, description: "ISO-4217 code, e.g. CNY" }),
  }),
});

builder.mutationField("createShop", (t) =>
  t.field({
    description: "Creates a shop with the default reason tags (PLATFORM_ADMIN only); then issue its tokens with `createApiToken`.",
    type: builder.simpleObject("CreateShopPayload", {
      fields: (p) => ({ shop: p.field({ type: ShopRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: CreateShopInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({ shop: await createShop(ctx.db, viewer, input) })),
  }),
);

const CreateApiTokenInput = builder.inputType("CreateApiTokenInput", {
  description: "A new API token.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    role: t.field({ type: RoleEnum, required: true, description: "What the token may do; CUSTOMER needs `customerId`." }),
    customerId: t.id({ description: "Required for CUSTOMER tokens: the customer they act as." }),
    staffMemberId: t.id({ description: "Staff tokens: the active member of the shop they belong to, of the same role." }),
    label: t.string({ description: "A name for people (e.g. who holds it), recorded as the actor's name of what the token does." }),
    expiresAt: t.field({ type: "DateTime", description: "After this the token is refused; omitted: no expiry." }),
  }),
});

builder.mutationField("createApiToken", (t) =>
  t.field({
    description: "Issues an API token (SHOP_ADMIN for its shop, PLATFORM_ADMIN for any): the plaintext `token` is in this answer only (it is stored hashed); send it as `Authorization: Bearer <token>`.",
    type: builder.simpleObject("CreateApiTokenPayload", {
      fields: (p) => ({
        token: p.string({ nullable: true, description: "The plaintext token, shown only in this answer." }),
        apiToken: p.field({ type: ApiTokenRef, nullable: true }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    args: { input: t.arg({ type: CreateApiTokenInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, (viewer) =>
        createApiToken(ctx.db, viewer, {
          role: input.role,
          label: input.label,
          expiresAt: input.expiresAt,
          shopId: parseShopIdInput(input.shopId),
          customerId: input.customerId ? parseGlobalId(input.customerId, "Customer", ["input", "customerId"]) : null,
          staffMemberId: input.staffMemberId ? parseGlobalId(input.staffMemberId, "StaffMember", ["input", "staffMemberId"]) : null,
        }),
      ),
  }),
);

builder.queryFields((t) => ({
  apiTokens: t.prismaField({
    type: ["ApiToken"],
    description: "The shop's API tokens, newest first, revoked ones included (SHOP_ADMIN; platform admins name the shop). Never their secrets.",
    deprecationReason: replacedByConnection("apiTokensConnection", "Unbounded", "2026-11-30"),
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.apiToken.findMany({ ...query, ...apiTokensQuery(viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null) }));
    },
  }),
  auditEntries: t.field({
    type: [AuditEntryRef],
    description: "Changes to the shop's staff settings, newest first (SHOP_ADMIN; platform admins name the shop).",
    deprecationReason: replacedByConnection("auditEntriesConnection", "Reads at most 200", "2026-11-30"),
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }), first: t.arg.int({ defaultValue: 50, description: "How many entries, newest first: 1 to 200." }) },
    resolve: (_root, { shopId, first }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(() => listAuditEntries(ctx.db, viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null, Math.min(Math.max(first ?? 50, 1), 200)));
    },
  }),
  shops: t.prismaField({
    type: ["Shop"],
    description: "The shops the caller can see: all for a platform admin, otherwise its own.",
    deprecationReason: replacedByConnection("shopsConnection", "Unbounded for a platform admin", "2026-11-30"),
    resolve: (query, _root, _args, ctx) => {
      const viewer = queryViewer(ctx);
      return ctx.db.prisma.shop.findMany({
        ...query,
        where: viewer.role === "PLATFORM_ADMIN" ? {} : { id: viewer.shopId! },
        orderBy: { createdAt: "asc" },
      });
    },
  }),
  apiTokensConnection: t.prismaConnection({
    type: "ApiToken",
    cursor: "id",
    description: "The shop's API tokens, newest first, revoked ones included (SHOP_ADMIN; platform admins name the shop). Never their secrets.",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.apiToken.findMany({ ...query, ...apiTokensQuery(viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null) }));
    },
  }),
  auditEntriesConnection: t.prismaConnection({
    type: AuditEntryRef,
    cursor: "id",
    description: "Changes to the shop's staff settings, newest first (SHOP_ADMIN; platform admins name the shop).",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.auditEntry.findMany({ ...query, ...auditEntriesQuery(viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null) }));
    },
  }),
  shopsConnection: t.prismaConnection({
    type: "Shop",
    cursor: "id",
    description: "The shops the caller can see, oldest first: all for a platform admin, otherwise its own.",
    resolve: (query, _root, _args, ctx) => {
      const viewer = queryViewer(ctx);
      return ctx.db.prisma.shop.findMany({
        ...query,
        where: viewer.role === "PLATFORM_ADMIN" ? {} : { id: viewer.shopId! },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      });
    },
  }),
  viewer: t.field({
    type: builder.simpleObject("Viewer", {
      description: "Who the API token belongs to: its role, shop, customer and staff member.",
      fields: (p) => ({
        role: p.field({ type: RoleEnum, description: "The token's role." }),
        shop: p.field({ type: ShopRef, nullable: true, description: "The token's shop; null for a platform admin." }),
        customer: p.field({ type: CustomerRef, nullable: true, description: "The customer a CUSTOMER token acts as; null for other roles." }),
        staffMember: p.field({ type: StaffMemberRef, nullable: true, description: "The member a staff token belongs to (`assignedTo: ME`)." }),
      }),
    }),
    description: "Who the API token belongs to.",
    resolve: async (_root, _args, ctx) => {
      const viewer = queryViewer(ctx);
      const [shop, customer, staffMember] = await Promise.all([
        viewer.shopId ? ctx.db.prisma.shop.findUnique({ where: { id: viewer.shopId } }) : null,
        viewer.customerId ? ctx.db.prisma.customer.findFirst({ where: { id: viewer.customerId, ...customerScope(viewer) } }) : null,
        viewer.staffMemberId ? ctx.db.prisma.staffMember.findUnique({ where: { id: viewer.staffMemberId } }) : null,
      ]);
      return { role: viewer.role, shop, customer, staffMember };
    },
  }),
}));

const UpdateShopSettingsInput = builder.inputType("UpdateShopSettingsInput", {
  description: "The shop settings to change; a field left out stays as it is.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; shop admins act on their own shop." }),
    timeZone: t.string({ description: "IANA time zone, e.g. Asia/Shanghai; absent leaves it." }),
    industryRefundRate: t.float({ description: "0..1 (0.08 = 8%); null clears it, absent leaves it." }),
    overLimit: t.field({ type: OverLimitEnum, description: "REFUSE (APPROVAL_LIMIT_EXCEEDED) or SEND_TO_FINANCE; absent leaves it." }),
    careDays: t.int({ description: `0 (no care list) to ${MAX_CARE_DAYS}; absent leaves it.` }),
  }),
});

builder.mutationField("updateShopSettings", (t) =>
  t.field({
    type: builder.simpleObject("UpdateShopSettingsPayload", {
      fields: (p) => ({ shop: p.field({ type: ShopRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description:
      "The shop's settings (SHOP_ADMIN): the time zone and industry refund rate `refundMetrics` reads, what happens over an approval limit, and how long the care list keeps a customer (these two audited).",
    args: { input: t.arg({ type: UpdateShopSettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        shop: await updateShopSettings(ctx.db, ctx.services.shopConfig, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);
