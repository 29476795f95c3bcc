import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Role } from "../domain/types.js";
import type { Tx } from "../db/tx.js";
import { recordAudit } from "./audit.js";
import type { CredentialChanges } from "./credential-changes.js";
import { STAFF_ROLES, type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Roles a staff member can have: people of the shop (not order sync, not customers). */
export const MEMBER_ROLES: readonly Role[] = ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"];

function memberName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) fail("INVALID_INPUT", "A staff member needs a name", ["input", "name"]);
  return trimmed;
}

export interface CreateStaffMemberInput {
  shopId?: string | null;
  name: string;
  role: Role;
}

/** `createStaffMember`: a shop admin adds a person its refunds can be assigned to. */
export async function createStaffMember(db: Database, viewer: Viewer | null, input: CreateStaffMemberInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  const name = memberName(input.name);
  if (!MEMBER_ROLES.includes(input.role)) fail("INVALID_INPUT", `A staff member's role is one of ${MEMBER_ROLES.join(", ")}`, ["input", "role"]);
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  return db.prisma.$transaction(async (tx) => {
    const member = await tx.staffMember.create({ data: { shopId, name, role: input.role } });
    await recordAudit(tx, caller, { shopId, action: "staffMember.create", targetType: "StaffMember", targetId: member.id, details: { name, role: input.role } });
    return member;
  });
}

export interface UpdateStaffMemberInput {
  memberId: string;
  name?: string | null;
  /** false: the member takes no new refunds, its tokens stop working and its live subscriptions end; true: back again. */
  active?: boolean | null;
}

/**
 * `updateStaffMember`: rename, deactivate or reactivate. The role is fixed: the member's
 * tokens were issued for it. Refunds assigned to a deactivated member stay assigned until
 * someone reassigns them, so nothing drops out of a queue unseen.
 */
export async function updateStaffMember(db: Database, credentials: CredentialChanges, viewer: Viewer | null, input: UpdateStaffMemberInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const name = input.name == null ? undefined : memberName(input.name);
  const member = await db.prisma.staffMember.findFirst({ where: { id: input.memberId, ...(caller.shopId && { shopId: caller.shopId }) } });
  if (!member) fail("NOT_FOUND", "No such staff member", ["input", "memberId"]);
  const data = { ...(name !== undefined && { name }), ...(input.active != null && { active: input.active }) };
  const updated = await db.prisma.$transaction(async (tx) => {
    const changed = await tx.staffMember.update({ where: { id: member.id }, data });
    await recordAudit(tx, caller, { shopId: member.shopId, action: "staffMember.update", targetType: "StaffMember", targetId: member.id, details: data });
    return changed;
  });
  if (member.active && data.active === false) await credentials.changed({ kind: "staffMember", staffMemberId: member.id });
  return updated;
}

/** The `where` of `staffMembers`: the caller's shop (a platform admin names one), staff only. */
export function staffMembersWhere(viewer: Viewer | null, filter: { shopId?: string | null; role?: Role | null; active?: boolean | null }) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shopId = caller.role === "PLATFORM_ADMIN" ? filter.shopId : caller.shopId;
  if (!shopId) return null;
  return { shopId, ...(filter.role && { role: filter.role }), ...(filter.active != null && { active: filter.active }) };
}

/**
 * An active member of the shop, for binding a token or taking refunds; anything else is
 * refused on `field` (another shop's member looks exactly like a missing one).
 */
export async function activeMemberOf(db: Tx, shopId: string, memberId: string, field: string[]) {
  const member = await db.staffMember.findFirst({ where: { id: memberId, shopId } });
  if (!member) fail("NOT_FOUND", "No such staff member in this shop", field);
  if (!member.active) fail("STAFF_MEMBER_INACTIVE", `${member.name} is no longer active`, field);
  return member;
}
