import type { Database } from "../db/database.js";
import { LIMITED_ROLES, type LimitSubject, limitAmountProblem, limitSubjectKey } from "../domain/approval-limits.js";
import { fail } from "../domain/errors.js";
import type { Role } from "../domain/types.js";
import type { Prisma } from "../generated/prisma/client.js";
import { recordAudit } from "./audit.js";
import type { ShopConfig } from "./unit-of-work.js";
import { STAFF_ROLES, type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** `approvalLimits`: the shop's discretion limits, for its staff (a platform admin names the shop). */
export async function listApprovalLimits(db: Database, viewer: Viewer | null, shopId: string | null, query: { include?: Prisma.ApprovalLimitInclude; select?: Prisma.ApprovalLimitSelect } = {}) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shop = caller.role === "PLATFORM_ADMIN" ? shopId : caller.shopId;
  if (!shop) return [];
  return db.prisma.approvalLimit.findMany({ ...query, where: { shopId: shop }, orderBy: [{ subject: "asc" }] });
}

export interface SetApprovalLimitInput {
  shopId?: string | null;
  role?: Role | null;
  memberId?: string | null;
  /** The automation rules' (and timers') own limit. */
  automationRules?: boolean | null;
  /** Minor units; null removes the limit (a member then falls back to its role's). */
  maxAmount?: number | null;
}

/**
 * `setApprovalLimit` (SHOP_ADMIN): the largest amount a role, one staff member or the
 * automation rules may approve, offer or pass on inspection. Audited in the same transaction;
 * every process drops its cached policies of the shop, so the next transition uses it.
 * Answers the limit, or null when it was removed.
 */
export async function setApprovalLimit(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: SetApprovalLimitInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  const named = [input.role != null, input.memberId != null, input.automationRules === true].filter(Boolean).length;
  if (named !== 1) fail("INVALID_INPUT", "Name exactly one of role, memberId or automationRules: true", ["input"]);
  if (input.role != null && !LIMITED_ROLES.includes(input.role)) {
    fail("INVALID_INPUT", `A limit is for one of the roles ${LIMITED_ROLES.join(", ")}`, ["input", "role"]);
  }
  const maxAmount = input.maxAmount ?? null;
  const problem = maxAmount === null ? null : limitAmountProblem(maxAmount);
  if (problem) fail("INVALID_AMOUNT", problem, ["input", "maxAmount"]);
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  if (input.memberId != null) {
    // Another shop's member looks exactly like a missing one.
    const member = await db.prisma.staffMember.findFirst({ where: { id: input.memberId, shopId }, select: { id: true } });
    if (!member) fail("NOT_FOUND", "No such staff member in this shop", ["input", "memberId"]);
  }
  const subject: LimitSubject = input.role != null ? { kind: "ROLE", role: input.role } : input.memberId != null ? { kind: "MEMBER", memberId: input.memberId } : { kind: "RULES" };
  const key = limitSubjectKey(subject);
  const limit = await db.prisma.$transaction(async (tx) => {
    const before = await tx.approvalLimit.findUnique({ where: { shopId_subject: { shopId, subject: key } }, select: { maxAmount: true } });
    await recordAudit(tx, caller, {
      shopId,
      action: maxAmount === null ? "approvalLimit.remove" : "approvalLimit.set",
      targetType: "ApprovalLimit",
      targetId: key,
      details: { before: before?.maxAmount ?? null, after: maxAmount },
    });
    if (maxAmount === null) {
      await tx.approvalLimit.deleteMany({ where: { shopId, subject: key } });
      return null;
    }
    const columns = { role: subject.kind === "ROLE" ? subject.role : null, staffMemberId: subject.kind === "MEMBER" ? subject.memberId : null };
    return tx.approvalLimit.upsert({
      where: { shopId_subject: { shopId, subject: key } },
      create: { shopId, subject: key, ...columns, maxAmount },
      update: { maxAmount },
    });
  });
  config.changed(shopId);
  return limit;
}
