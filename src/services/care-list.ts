import type { Database } from "../db/database.js";
import type { Tx } from "../db/tx.js";
import { type Care, careOf, careSince } from "../domain/care.js";
import type { RefundStatus } from "../domain/types.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { STAFF_ROLES, type Viewer, requireRole } from "./viewer.js";

/** Prisma `where` of a shop's customers on (or off) its care list at `now`. */
export function careListWhere(careDays: number, now: Date, inCare: boolean): Prisma.CustomerWhereInput {
  const onList: Prisma.CustomerWhereInput = careDays > 0 ? { refunds: { some: { resolvedAt: { gt: careSince(careDays, now) } } } } : { id: { in: [] } };
  return inCare ? onList : { NOT: onList };
}

/**
 * The `where` of `customers` (staff; a platform admin names the shop): the shop's customers,
 * on or off the care list when `inCare` is given. null when there is no shop to list.
 */
export async function customersWhere(db: Database, viewer: Viewer | null, filter: { shopId?: string | null; inCare?: boolean | null }, now: Date): Promise<Prisma.CustomerWhereInput | null> {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shopId = caller.role === "PLATFORM_ADMIN" ? filter.shopId : caller.shopId;
  if (!shopId) return null;
  if (filter.inCare == null) return { shopId };
  const shop = await db.prisma.shop.findUnique({ where: { id: shopId }, select: { careDays: true } });
  if (!shop) return null;
  return { AND: [{ shopId }, careListWhere(shop.careDays, now, filter.inCare)] };
}

/** Whether a customer is on its shop's care list at `now`, and why: one read of the customer with its latest ended refund. */
export async function customerCare(db: { customer: Pick<(Tx | PrismaClient)["customer"], "findUnique"> }, customerId: string, now: Date): Promise<Care | null> {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: {
      shop: { select: { careDays: true } },
      refunds: { where: { resolvedAt: { not: null } }, orderBy: [{ resolvedAt: "desc" }], take: 1, select: { status: true, resolvedAt: true } },
    },
  });
  const latest = customer?.refunds[0];
  if (!customer || !latest?.resolvedAt) return null;
  return careOf({ status: latest.status as RefundStatus, resolvedAt: latest.resolvedAt }, customer.shop.careDays, now);
}
