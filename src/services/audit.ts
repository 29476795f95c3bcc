import type { Database } from "../db/database.js";
import type { Tx } from "../db/tx.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { isSecretKey } from "./secrets.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

export interface AuditChange {
  shopId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details?: Record<string, unknown>;
}

/** Secrets in audit details are recorded as set, never as their value. */
function redacted(details: Record<string, unknown> | undefined): Prisma.InputJsonValue | undefined {
  if (!details) return undefined;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object" && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) && inner != null ? "[set]" : walk(inner)]));
    }
    return value;
  };
  return walk(details) as Prisma.InputJsonValue;
}

/** Records one staff change; call it in the change's own transaction so both or neither stay. */
export async function recordAudit(db: Tx | PrismaClient, viewer: Viewer, change: AuditChange): Promise<void> {
  await db.auditEntry.create({
    data: {
      shopId: change.shopId,
      actorTokenId: viewer.tokenId,
      actorRole: viewer.role,
      actorName: viewer.label,
      action: change.action,
      targetType: change.targetType,
      targetId: change.targetId,
      details: redacted(change.details),
    },
  });
}

/** `auditEntries`: a shop's changes, newest first (SHOP_ADMIN; platform admins name the shop). */
export async function listAuditEntries(db: Database, viewer: Viewer, shopId: string | null, take: number) {
  return db.prisma.auditEntry.findMany({ ...auditEntriesQuery(viewer, shopId), take });
}

/** Which audit entries a caller reads and in what order (the list and the `auditLog` connection). */
export function auditEntriesQuery(viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  return { where: { shopId: shop }, orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }] };
}
