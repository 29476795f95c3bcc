import { createApiToken } from "../services/api-tokens.js";
import { createShop } from "../services/shop-setup.js";
import { updateShopSettings } from "../services/shop-settings.js";
import { customerScope } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { CustomerRef } from "./customer.js";
import { RoleEnum } from "./enums.js";
import { StaffMemberRef } from "./staff.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

export const ShopRef = builder.prismaNode("Shop", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return viewer.role === "PLATFORM_ADMIN" ? { id } : { id, AND: [{ id: viewer.shopId! }] };
  },
  fields: (t) => ({
    name: t.exposeString("name"),
    currency: t.exposeString("currency"),
    timeZone: t.exposeString("timeZone", { description: "IANA zone whose midnights split `refundMetrics` days (default Asia/Shanghai)." }),
    industryRefundRate: t.exposeFloat("industryRefundRate", { nullable: true, description: "The industry refund rate (0..1) `refundMetrics` compares with; null when not set." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    reasonTags: t.relation("reasonTags", { query: { orderBy: { createdAt: "asc" } } }),
  }),
});

export const ApiTokenRef = builder.prismaNode("ApiToken", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return viewer.role === "PLATFORM_ADMIN" ? { id } : viewer.role === "SHOP_ADMIN" ? { id, shopId: viewer.shopId } : { id, AND: [{ id: viewer.tokenId }] };
  },
  fields: (t) => ({
    role: t.expose("role", { type: RoleEnum }),
    label: t.exposeString("label", { nullable: true }),
    shop: t.relation("shop", { nullable: true }),
    customer: t.relation("customer", { nullable: true }),
    staffMember: t.relation("staffMember", { nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const CreateShopInput = builder.inputType("CreateShopInput", {
  fields: (t) => ({
    name: t.string({ required: true }),
    currency: t.string({ required: true, description: "ISO-4217 code, e.g. CNY" }),
  }),
});

builder.mutationField("createShop", (t) =>
  t.field({
    type: builder.simpleObject("CreateShopPayload", {
      fields: (p) => ({ shop: p.field({ type: ShopRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: CreateShopInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({ shop: await createShop(ctx.db, viewer, input) })),
  }),
);

const CreateApiTokenInput = builder.inputType("CreateApiTokenInput", {
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    role: t.field({ type: RoleEnum, required: true }),
    customerId: t.id({ description: "Required for CUSTOMER tokens: the customer they act as." }),
    staffMemberId: t.id({ description: "Staff tokens: the active member of the shop they belong to, of the same role." }),
    label: t.string(),
  }),
});

builder.mutationField("createApiToken", (t) =>
  t.field({
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
          shopId: parseShopIdInput(input.shopId),
          customerId: input.customerId ? parseGlobalId(input.customerId, "Customer", ["input", "customerId"]) : null,
          staffMemberId: input.staffMemberId ? parseGlobalId(input.staffMemberId, "StaffMember", ["input", "staffMemberId"]) : null,
        }),
      ),
  }),
);

builder.queryFields((t) => ({
  shops: t.prismaField({
    type: ["Shop"],
    description: "The shops the caller can see: all for a platform admin, otherwise its own.",
    resolve: (query, _root, _args, ctx) => {
      const viewer = queryViewer(ctx);
      return ctx.db.prisma.shop.findMany({
        ...query,
        where: viewer.role === "PLATFORM_ADMIN" ? {} : { id: viewer.shopId! },
        orderBy: { createdAt: "asc" },
      });
    },
  }),
  viewer: t.field({
    type: builder.simpleObject("Viewer", {
      fields: (p) => ({
        role: p.field({ type: RoleEnum }),
        shop: p.field({ type: ShopRef, nullable: true }),
        customer: p.field({ type: CustomerRef, nullable: true }),
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
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; shop admins act on their own shop." }),
    timeZone: t.string({ description: "IANA time zone, e.g. Asia/Shanghai; absent leaves it." }),
    industryRefundRate: t.float({ description: "0..1 (0.08 = 8%); null clears it, absent leaves it." }),
  }),
});

builder.mutationField("updateShopSettings", (t) =>
  t.field({
    type: builder.simpleObject("UpdateShopSettingsPayload", {
      fields: (p) => ({ shop: p.field({ type: ShopRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description: "The settings `refundMetrics` reads: the shop's time zone and industry refund rate (SHOP_ADMIN).",
    args: { input: t.arg({ type: UpdateShopSettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        shop: await updateShopSettings(ctx.db, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);
