import type { Database } from "../db/database.js";
import type { StaffMember } from "../generated/prisma/client.js";
import { fail } from "../domain/errors.js";
import { type DurationStats, isSupportedTimeZone } from "./refund-metrics.js";
import { statsPeriodOf } from "./stats-period.js";
import type { Viewer } from "./viewer.js";

export interface StaffMetricsInput {
  /** Platform admins name the shop; staff get their own. */
  shopId?: string | null;
  from: Date;
  to: Date;
  /** Default: the shop's `timeZone`. */
  timeZone?: string | null;
}

export interface StaffMemberMetrics {
  member: StaffMember;
  /** Refunds the member made a transition on in [from, to). */
  refundsHandled: number;
  /** Refunds requested in the period whose first staff transition was the member's: request → that transition. */
  firstResponse: DurationStats;
  /** Of the refunds handled, those that have ended: request → end. */
  handlingTime: DurationStats;
  /** Handled refunds the member sent on to finance over its approval limit. */
  escalatedCount: number;
  /** Handled refunds that ended and whose order got a new refund request afterwards. */
  reopenedCount: number;
  /** (escalated or reopened) ÷ handled. */
  reopenedOrEscalatedShare: number;
  /** The member's transitions in the period that left a status after its deadline. */
  deadlineBreaches: number;
  /** The customers' ratings of the refunds handled. */
  ratingCount: number;
  averageRating: number | null;
}

export interface StaffMetrics {
  shopId: string;
  from: Date;
  to: Date;
  timeZone: string;
  members: StaffMemberMetrics[];
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * `staffMetrics`: quality of refund handling per staff member over [from, to), counted by the
 * database in one statement (never by loading refunds or transitions; the members' own rows
 * are one more small read), the period and roles
 * checked as `refundMetrics` does. A member is named on a transition when the token that
 * acted belongs to it (`RefundTransition.actorMemberId`). Every active member gets a row, and
 * an inactive one that acted in the period.
 */
export async function staffMetrics(db: Database, viewer: Viewer | null, input: StaffMetricsInput): Promise<StaffMetrics> {
  const { shopId, from, to } = statsPeriodOf(viewer, input);
  if (input.timeZone != null && !isSupportedTimeZone(input.timeZone)) {
    fail("INVALID_INPUT", `Unknown time zone "${input.timeZone}": use an IANA name such as Asia/Shanghai`, ["timeZone"]);
  }
  const shop = await db.prisma.shop.findUnique({ where: { id: shopId }, select: { timeZone: true } });
  if (!shop) fail("NOT_FOUND", "No such shop", ["shopId"]);
  const rows = await db.query<StaffRow>(STAFF_METRICS_SQL, [shopId, from.toISOString(), to.toISOString()]);
  // The members themselves for the API (name, role…): one read of a few rows.
  const members = new Map((await db.prisma.staffMember.findMany({ where: { id: { in: rows.map((row) => row.member_id) } } })).map((member) => [member.id, member]));
  return {
    shopId,
    from,
    to,
    timeZone: input.timeZone ?? shop.timeZone,
    members: rows.map((row) => {
      const handled = row.handled;
      return {
        member: members.get(row.member_id)!,
        refundsHandled: handled,
        firstResponse: duration(row.responded, row.response_avg, row.response_pct),
        handlingTime: duration(row.ended, row.handling_avg, row.handling_pct),
        escalatedCount: row.escalated,
        reopenedCount: row.reopened,
        reopenedOrEscalatedShare: ratio(row.reopened_or_escalated, handled),
        deadlineBreaches: row.past_due,
        ratingCount: row.rated,
        averageRating: row.rating_avg,
      };
    }),
  };
}

function duration(count: number, average: number | null, percentiles: number[] | null): DurationStats {
  return { count, averageSeconds: average ?? 0, p50Seconds: percentiles?.[0] ?? 0, p90Seconds: percentiles?.[1] ?? 0 };
}

interface StaffRow {
  member_id: string;
  handled: number;
  escalated: number;
  reopened: number;
  reopened_or_escalated: number;
  past_due: number;
  ended: number;
  handling_avg: number | null;
  handling_pct: number[] | null;
  rated: number;
  rating_avg: number | null;
  responded: number;
  response_avg: number | null;
  response_pct: number[] | null;
}

// $1 shop, $2 from, $3 to (ISO instants); stored timestamps are UTC `timestamp`s.
const STAFF_METRICS_SQL = /* sql */ `
  WITH bounds AS (
    SELECT ($2::timestamptz AT TIME ZONE 'UTC') AS lo, ($3::timestamptz AT TIME ZONE 'UTC') AS hi
  ),
  acts AS (
    SELECT t."actorMemberId" AS member_id, t."refundId" AS refund_id, bool_or(t.escalated) AS escalated, count(*) FILTER (WHERE t."pastDue") AS past_due
    FROM "RefundTransition" t, bounds b
    WHERE t."shopId" = $1 AND t."actorMemberId" IS NOT NULL AND t."createdAt" >= b.lo AND t."createdAt" < b.hi
    GROUP BY 1, 2
  ),
  handled AS (
    SELECT a.*, extract(epoch FROM r."resolvedAt" - r."createdAt")::float8 AS handling, g.score,
      (r."resolvedAt" IS NOT NULL AND EXISTS (
        SELECT 1 FROM "Refund" x WHERE x."orderId" = r."orderId" AND x."createdAt" > r."resolvedAt")) AS reopened
    FROM acts a JOIN "Refund" r ON r.id = a.refund_id LEFT JOIN "RefundRating" g ON g."refundId" = a.refund_id
  ),
  per_member AS (
    SELECT member_id, count(*)::int AS handled,
      count(*) FILTER (WHERE escalated)::int AS escalated,
      count(*) FILTER (WHERE reopened)::int AS reopened,
      count(*) FILTER (WHERE escalated OR reopened)::int AS reopened_or_escalated,
      sum(past_due)::int AS past_due,
      count(handling)::int AS ended, avg(handling) AS handling_avg,
      percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY handling) AS handling_pct,
      count(score)::int AS rated, avg(score)::float8 AS rating_avg
    FROM handled GROUP BY member_id
  ),
  first_staff AS (
    SELECT DISTINCT ON (t."refundId") t."actorMemberId" AS member_id, extract(epoch FROM t."createdAt" - r."createdAt")::float8 AS response
    FROM "Refund" r JOIN "RefundTransition" t ON t."refundId" = r.id, bounds b
    WHERE r."shopId" = $1 AND r."createdAt" >= b.lo AND r."createdAt" < b.hi
      AND t."actorKind" = 'USER' AND t."actorRole" <> 'CUSTOMER' AND t.version > 1
    ORDER BY t."refundId", t.version
  ),
  responses AS (
    SELECT member_id, count(*)::int AS responded, avg(response) AS response_avg,
      percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY response) AS response_pct
    FROM first_staff WHERE member_id IS NOT NULL GROUP BY member_id
  )
  SELECT m.id AS member_id, coalesce(p.handled, 0) AS handled, coalesce(p.escalated, 0) AS escalated, coalesce(p.reopened, 0) AS reopened,
    coalesce(p.reopened_or_escalated, 0) AS reopened_or_escalated, coalesce(p.past_due, 0) AS past_due,
    coalesce(p.ended, 0) AS ended, p.handling_avg, p.handling_pct, coalesce(p.rated, 0) AS rated, p.rating_avg,
    coalesce(s.responded, 0) AS responded, s.response_avg, s.response_pct
  FROM "StaffMember" m LEFT JOIN per_member p ON p.member_id = m.id LEFT JOIN responses s ON s.member_id = m.id
  WHERE m."shopId" = $1 AND (m.active OR p.member_id IS NOT NULL OR s.member_id IS NOT NULL)
  ORDER BY m.name, m.id`;
