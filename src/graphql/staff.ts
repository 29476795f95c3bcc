import { createStaffMember, staffMembersWhere, updateStaffMember } from "../services/staff.js";
import { STAFF_ROLES, type Viewer } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { RoleEnum } from "./enums.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

/** Staff members are seen by the shop's staff (a platform admin: every shop's), nobody else. */
function staffMemberScope(viewer: Viewer) {
  if (viewer.role === "PLATFORM_ADMIN") return {};
  return STAFF_ROLES.has(viewer.role) ? { shopId: viewer.shopId! } : { id: { in: [] } };
}

export const StaffMemberRef = builder.prismaNode("StaffMember", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [staffMemberScope(queryViewer(ctx))] }),
  fields: (t) => ({
    name: t.exposeString("name"),
    role: t.expose("role", { type: RoleEnum }),
    shop: t.relation("shop"),
    active: t.exposeBoolean("active", { description: "Inactive members take no new refunds; their tokens no longer work." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const CreateStaffMemberInput = builder.inputType("CreateStaffMemberInput", {
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    name: t.string({ required: true }),
    role: t.field({ type: RoleEnum, required: true, description: "SHOP_ADMIN, AGENT, WAREHOUSE or FINANCE; the member's tokens have this role." }),
  }),
});

const StaffMemberPayload = builder.simpleObject("StaffMemberPayload", {
  fields: (p) => ({ staffMember: p.field({ type: StaffMemberRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
});

builder.mutationField("createStaffMember", (t) =>
  t.field({
    type: StaffMemberPayload,
    args: { input: t.arg({ type: CreateStaffMemberInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        staffMember: await createStaffMember(ctx.db, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);

const UpdateStaffMemberInput = builder.inputType("UpdateStaffMemberInput", {
  fields: (t) => ({
    memberId: t.id({ required: true }),
    name: t.string(),
    active: t.boolean({ description: "false: no new refunds, tokens stop working; assigned refunds stay assigned until reassigned." }),
  }),
});

builder.mutationField("updateStaffMember", (t) =>
  t.field({
    type: StaffMemberPayload,
    args: { input: t.arg({ type: UpdateStaffMemberInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        staffMember: await updateStaffMember(ctx.db, ctx.services.credentials, viewer, {
          ...input,
          memberId: parseGlobalId(input.memberId, "StaffMember", ["input", "memberId"]),
        }),
      })),
  }),
);

builder.queryFields((t) => ({
  staffMembers: t.prismaConnection({
    type: "StaffMember",
    cursor: "id",
    maxSize: 100,
    defaultSize: 50,
    description: "The shop's staff members, oldest first (staff only).",
    args: {
      shopId: t.arg.id({ description: "For platform admins: whose staff." }),
      role: t.arg({ type: RoleEnum }),
      active: t.arg.boolean(),
    },
    resolve: (query, _root, { shopId, role, active }, ctx) => {
      const where = staffMembersWhere(queryViewer(ctx), { shopId: shopId ? decodeGlobalIdOf(shopId, "Shop") : null, role, active });
      if (!where) return [];
      return ctx.db.prisma.staffMember.findMany({ ...query, where, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    },
  }),
}));
