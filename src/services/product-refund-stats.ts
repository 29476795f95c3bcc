import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { ReasonTag } from "../generated/prisma/client.js";
import { statsPeriodOf } from "./stats-period.js";
import type { Viewer } from "./viewer.js";

/** The longest period one call may cover: a year, leap day included. */

export interface ProductRefundStatsInput {
  /** Platform admins name the shop; everyone else gets their own. */
  shopId?: string | null;
  from: Date;
  to: Date;
  offset: number;
  limit: number;
}

export interface ProductRefundStatsRow {
  sku: string;
  name: string;
  orders: number;
  refunds: number;
  refundRate: number;
  refundedAmount: number;
  currency: string;
  topReasons: Array<{ reason: ReasonTag; count: number }>;
}

interface SqlRow {
  sku: string;
  name: string;
  orders: number;
  refunds: number;
  refund_rate: number;
  refunded_amount: bigint | number | string;
  top_reasons: string;
}

/**
 * `productRefundStats`: per SKU over [from, to), the orders paid and the refunds created in
 * the period. A refund of line items counts for the SKUs of its items, each with the share of
 * its refunded amount that its items hold of the requested amount (rounded down per SKU); a
 * refund of the whole order counts for every SKU of its order, with all its refunded amount.
 * Counted by the database in one statement (a page of rows, ordered by refund rate, refunds,
 * then SKU); only the few reason tags named in the page are loaded afterwards.
 */
export async function productRefundStats(db: Database, viewer: Viewer | null, input: ProductRefundStatsInput): Promise<ProductRefundStatsRow[]> {
  const { shopId, from, to } = statsPeriodOf(viewer, input);
  const shop = await db.prisma.shop.findUnique({ where: { id: shopId }, select: { currency: true } });
  if (!shop) fail("NOT_FOUND", "No such shop", ["shopId"]);

  // Timestamps are stored as UTC `timestamp`; reading the bounds as UTC instants keeps the
  // comparison independent of the session's TimeZone.
  const fromTs = from.toISOString();
  const toTs = to.toISOString();
  const rows = await db.prisma.$queryRaw<SqlRow[]>`
    WITH ordered AS (
      SELECT i.sku, count(DISTINCT o.id)::int AS orders,
             (array_agg(i.name ORDER BY o."paidAt" DESC, i.name))[1] AS name
      FROM "Order" o JOIN "OrderItem" i ON i."orderId" = o.id
      WHERE o."shopId" = ${shopId}
        AND o."paidAt" >= (${fromTs}::timestamptz AT TIME ZONE 'UTC')
        AND o."paidAt" < (${toTs}::timestamptz AT TIME ZONE 'UTC')
      GROUP BY i.sku
    ),
    refunded AS (
      -- One row per (refund, SKU it blames), however many lines carry the SKU: the SKUs of its
      -- items when it has items, else every SKU of its order.
      SELECT s.sku, s.name, o."paidAt", s.amount AS "refundedAmount", r."reasonTagId"
      FROM "Refund" r
      JOIN "Order" o ON o.id = r."orderId"
      CROSS JOIN LATERAL (
        SELECT i.sku, min(i.name) AS name, r."refundedAmount"::bigint AS amount
          FROM "OrderItem" i
         WHERE i."orderId" = r."orderId" AND NOT EXISTS (SELECT 1 FROM "RefundItem" x WHERE x."refundId" = r.id)
         GROUP BY i.sku
        UNION ALL
        SELECT i.sku, min(i.name) AS name, r."refundedAmount"::bigint * sum(ri.amount) / greatest(r."requestedAmount", 1) AS amount
          FROM "RefundItem" ri JOIN "OrderItem" i ON i.id = ri."orderItemId"
         WHERE ri."refundId" = r.id
         GROUP BY i.sku
      ) s
      WHERE r."shopId" = ${shopId}
        AND r."createdAt" >= (${fromTs}::timestamptz AT TIME ZONE 'UTC')
        AND r."createdAt" < (${toTs}::timestamptz AT TIME ZONE 'UTC')
    ),
    refund_totals AS (
      SELECT sku, count(*)::int AS refunds, sum("refundedAmount")::bigint AS refunded_amount,
             (array_agg(name ORDER BY "paidAt" DESC, name))[1] AS name
      FROM refunded GROUP BY sku
    ),
    reason_counts AS (
      SELECT f.sku, t.id, count(*)::int AS n,
             row_number() OVER (PARTITION BY f.sku ORDER BY count(*) DESC, t.code COLLATE "C") AS rank
      FROM refunded f JOIN "ReasonTag" t ON t.id = f."reasonTagId"
      GROUP BY f.sku, t.id, t.code
    ),
    stats AS (
      SELECT coalesce(o.sku, t.sku) AS sku,
             coalesce(o.name, t.name) AS name,
             coalesce(o.orders, 0) AS orders,
             coalesce(t.refunds, 0) AS refunds,
             coalesce(t.refunded_amount, 0) AS refunded_amount,
             CASE WHEN o.orders > 0 THEN coalesce(t.refunds, 0)::float8 / o.orders ELSE 0::float8 END AS refund_rate
      FROM ordered o FULL JOIN refund_totals t ON t.sku = o.sku
    )
    SELECT s.sku, s.name, s.orders, s.refunds, s.refund_rate, s.refunded_amount,
           coalesce((
             SELECT json_agg(json_build_object('reasonTagId', c.id, 'count', c.n) ORDER BY c.rank)
             FROM reason_counts c WHERE c.sku = s.sku AND c.rank <= 3
           ), '[]'::json)::text AS top_reasons
    FROM stats s
    ORDER BY s.refund_rate DESC, s.refunds DESC, s.sku COLLATE "C"
    LIMIT ${input.limit} OFFSET ${input.offset}`;

  const parsed = rows.map((row) => ({ row, top: JSON.parse(row.top_reasons) as Array<{ reasonTagId: string; count: number }> }));
  const tagIds = [...new Set(parsed.flatMap(({ top }) => top.map((entry) => entry.reasonTagId)))];
  const tags = new Map(
    tagIds.length ? (await db.prisma.reasonTag.findMany({ where: { id: { in: tagIds } } })).map((tag) => [tag.id, tag] as const) : [],
  );
  return parsed.map(({ row, top }) => ({
    sku: row.sku,
    name: row.name,
    orders: row.orders,
    refunds: row.refunds,
    refundRate: row.refund_rate,
    refundedAmount: Number(row.refunded_amount),
    currency: shop.currency,
    topReasons: top.map((entry) => ({ reason: tags.get(entry.reasonTagId)!, count: entry.count })),
  }));
}
