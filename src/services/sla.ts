import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { SLA_MAX_MINUTES, SLA_MIN_MINUTES } from "../domain/sla.js";
import { TERMINAL_STATUSES, type RefundStatus } from "../domain/types.js";
import type { ShopConfig } from "./unit-of-work.js";
import type { Tx } from "../db/tx.js";
import { recordAudit } from "./audit.js";
import { STAFF_ROLES, type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** `slaPolicies`: the shop's deadlines, for its staff. */
export async function listSlaPolicies(db: Database, viewer: Viewer | null, shopId: string | null) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shop = caller.role === "PLATFORM_ADMIN" ? shopId : caller.shopId;
  if (!shop) return [];
  return db.prisma.slaPolicy.findMany({ where: { shopId: shop }, orderBy: { status: "asc" } });
}

export interface SetSlaPolicyInput {
  shopId?: string | null;
  status: RefundStatus;
  /** null or 0 removes the status's deadline. */
  minutes?: number | null;
}

/**
 * `setSlaPolicy`: a refund entering `status` from now on is due `minutes` later. Refunds
 * already in that status keep the deadline they got when they entered it (their stored
 * `slaDueAt` is not rewritten), so a changed policy never moves a due time under an agent.
 * Answers the policy, or null when it was removed.
 */
export async function setSlaPolicy(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: SetSlaPolicyInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  if (TERMINAL_STATUSES.has(input.status)) fail("INVALID_INPUT", "A terminal status has no deadline", ["input", "status"]);
  const minutes = input.minutes ?? 0;
  if (minutes !== 0 && !(Number.isSafeInteger(minutes) && minutes >= SLA_MIN_MINUTES && minutes <= SLA_MAX_MINUTES)) {
    fail("INVALID_INPUT", `minutes must be between ${SLA_MIN_MINUTES} and ${SLA_MAX_MINUTES} (60 days), or 0 to remove the deadline`, ["input", "minutes"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const key = { shopId_status: { shopId, status: input.status } };
  const policy = await db.prisma.$transaction(async (tx) => {
    await recordAudit(tx, caller, { shopId, action: minutes === 0 ? "slaPolicy.remove" : "slaPolicy.set", targetType: "SlaPolicy", targetId: input.status, details: { minutes } });
    if (minutes === 0) {
      await tx.slaPolicy.deleteMany({ where: { shopId, status: input.status } });
      return null;
    }
    return tx.slaPolicy.upsert({ where: key, create: { shopId, status: input.status, minutes }, update: { minutes } });
  });
  config.changed(shopId);
  return policy;
}
