import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { ReasonTag } from "../generated/prisma/client.js";
import type { Clock } from "./clock.js";
import { statsPeriodOf } from "./stats-period.js";
import { type RefundRateForecast, forecastRefundRate } from "./refund-rate-forecast.js";
import type { Viewer } from "./viewer.js";

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";
/** Repeat requests and repurchases look this far back / ahead of a refund. */
export const FOLLOW_UP_DAYS = 30;

/** The dashboard's handling-time buckets, in hours: [min, max). */
export const HANDLING_BUCKETS = [
  { key: "UNDER_24H", minHours: 0, maxHours: 24 },
  { key: "ONE_TO_THREE_DAYS", minHours: 24, maxHours: 72 },
  { key: "THREE_TO_SEVEN_DAYS", minHours: 72, maxHours: 168 },
  { key: "OVER_SEVEN_DAYS", minHours: 168, maxHours: null },
] as const;
export type HandlingBucketKey = (typeof HANDLING_BUCKETS)[number]["key"];

const SUPPORTED_TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf("timeZone"), "UTC"]);

/** An IANA time zone name both ICU and PostgreSQL know (Node's list, plus UTC which it leaves out). */
export function isSupportedTimeZone(name: string): boolean {
  return SUPPORTED_TIME_ZONES.has(name);
}

export interface RefundMetricsInput {
  /** Platform admins name the shop; staff get their own. */
  shopId?: string | null;
  from: Date;
  to: Date;
  /** Default: the shop's `timeZone`. */
  timeZone?: string | null;
}

export interface DurationStats {
  count: number;
  averageSeconds: number;
  p50Seconds: number;
  p90Seconds: number;
}

export interface HandlingTimeStats extends DurationStats {
  buckets: Array<{ key: HandlingBucketKey; minHours: number; maxHours: number | null; count: number; share: number }>;
}

export interface ReasonShareRow {
  reason: ReasonTag;
  count: number;
  share: number;
}

export interface RefundMetricsDay {
  date: string;
  orders: number;
  refunds: number;
  refundRate: number;
  refundedAmount: number;
  currency: string;
}

export interface RefundMetrics {
  shopId: string;
  from: Date;
  to: Date;
  timeZone: string;
  currency: string;
  orderCount: number;
  refundCount: number;
  refundRate: number;
  refundedAmount: number;
  reasons: ReasonShareRow[];
  parentReasons: ReasonShareRow[];
  handlingTime: HandlingTimeStats;
  manualHandlingTime: HandlingTimeStats;
  automation: { resolvedCount: number; automatedCount: number; share: number };
  firstResponse: DurationStats;
  deadlineBreaches: { count: number; byStatus: Array<{ status: string; count: number }> };
  repeatRequests: { count: number; rate: number };
  repurchase: { endedCount: number; repurchasedCount: number; rate: number };
  industry: { industryRefundRate: number | null; difference: number | null };
  trend: RefundMetricsDay[];
  forecast: RefundRateForecast;
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/**
 * `refundMetrics`: the shop's refunds requested in [from, to) (the cohort), counted by the
 * database in four statements run side by side on the pool — totals, percentiles, days (with
 * their reasons), breaches — and never loaded row by row. The forecast is fitted on the daily series.
 */
export async function refundMetrics(db: Database, clock: Clock, viewer: Viewer | null, input: RefundMetricsInput): Promise<RefundMetrics> {
  const { shopId, from, to } = statsPeriodOf(viewer, input);
  if (input.timeZone != null && !isSupportedTimeZone(input.timeZone)) {
    fail("INVALID_INPUT", `Unknown time zone "${input.timeZone}": use an IANA name such as Asia/Shanghai`, ["timeZone"]);
  }
  const shop = await db.prisma.shop.findUnique({ where: { id: shopId }, select: { currency: true, timeZone: true, industryRefundRate: true } });
  if (!shop) fail("NOT_FOUND", "No such shop", ["shopId"]);
  const timeZone = input.timeZone ?? shop.timeZone;

  // Stored timestamps are UTC `timestamp`s: the bounds are read as instants, then as UTC.
  const period = [shopId, from.toISOString(), to.toISOString()];
  const [totals, percentiles, days, breaches, shopTags] = await Promise.all([
    db.query<TotalsRow>(TOTALS_SQL, period),
    db.query<PercentilesRow>(PERCENTILES_SQL, period),
    db.query<DayRow>(DAYS_SQL, [...period, timeZone]),
    db.query<{ status: string; n: number }>(BREACHES_SQL, [...period, clock().toISOString()]),
    db.prisma.reasonTag.findMany({ where: { shopId } }),
  ]);
  const t = { ...totals[0]!, ...percentiles[0]! };
  const { repeats, repurchased } = t;
  // Sums of a few rows the database aggregated (days, statuses, a day's reasons), not of refunds.
  const orderCount = days.reduce((sum, day) => sum + day.orders, 0);
  const tags = new Map(shopTags.map((tag) => [tag.id, tag] as const));
  const byTag = new Map<string, number>();
  const byParent = new Map<string, number>();
  for (const day of days) {
    for (const [tagId, n] of Object.entries(day.reasons)) {
      byTag.set(tagId, (byTag.get(tagId) ?? 0) + n);
      const parentId = tags.get(tagId)!.parentId ?? tagId;
      byParent.set(parentId, (byParent.get(parentId) ?? 0) + n);
    }
  }
  const shares = (counts: Map<string, number>) =>
    [...counts]
      .map(([tagId, n]) => ({ reason: tags.get(tagId)!, count: n, share: ratio(n, t.refunds) }))
      .sort((a, b) => b.count - a.count || (a.reason.code < b.reason.code ? -1 : 1));

  const trend = days.map((day) => ({
    date: day.day,
    orders: day.orders,
    refunds: day.refunds,
    refundRate: ratio(day.refunds, day.orders),
    refundedAmount: Number(day.refunded_amount),
    currency: shop.currency,
  }));
  const refundRate = ratio(t.refunds, orderCount);
  return {
    shopId,
    from,
    to,
    timeZone,
    currency: shop.currency,
    orderCount,
    refundCount: t.refunds,
    refundRate,
    refundedAmount: Number(t.refunded_amount),
    reasons: shares(byTag),
    parentReasons: shares(byParent),
    handlingTime: handlingStats(t.resolved, t.handling_avg, t.handling_pct, [t.all_b0, t.all_b1, t.all_b2, t.all_b3]),
    manualHandlingTime: handlingStats(t.resolved - t.automated, t.manual_avg, t.manual_pct, [t.man_b0, t.man_b1, t.man_b2, t.man_b3]),
    automation: { resolvedCount: t.resolved, automatedCount: t.automated, share: ratio(t.automated, t.resolved) },
    firstResponse: durationStats(t.responded, t.response_avg, t.response_pct),
    deadlineBreaches: {
      count: breaches.reduce((sum, row) => sum + row.n, 0),
      byStatus: breaches.map((row) => ({ status: row.status, count: row.n })),
    },
    repeatRequests: { count: repeats, rate: ratio(repeats, t.refunds) },
    repurchase: { endedCount: t.resolved, repurchasedCount: repurchased, rate: ratio(repurchased, t.resolved) },
    industry: {
      industryRefundRate: shop.industryRefundRate,
      difference: shop.industryRefundRate === null ? null : refundRate - shop.industryRefundRate,
    },
    trend,
    forecast: forecastRefundRate(trend),
  };
}

function durationStats(count: number, average: number | null, percentiles: number[] | null): DurationStats {
  return { count, averageSeconds: average ?? 0, p50Seconds: percentiles?.[0] ?? 0, p90Seconds: percentiles?.[1] ?? 0 };
}

function handlingStats(count: number, average: number | null, percentiles: number[] | null, buckets: number[]): HandlingTimeStats {
  return {
    ...durationStats(count, average, percentiles),
    buckets: HANDLING_BUCKETS.map((bucket, index) => ({ ...bucket, count: buckets[index]!, share: ratio(buckets[index]!, count) })),
  };
}

interface PercentilesRow {
  handling_pct: number[] | null;
  manual_pct: number[] | null;
  response_pct: number[] | null;
}

interface TotalsRow {
  refunds: number;
  refunded_amount: string | number;
  resolved: number;
  automated: number;
  handling_avg: number | null;
  all_b0: number;
  all_b1: number;
  all_b2: number;
  all_b3: number;
  manual_avg: number | null;
  man_b0: number;
  man_b1: number;
  man_b2: number;
  man_b3: number;
  responded: number;
  response_avg: number | null;
  repeats: number;
  repurchased: number;
}

interface DayRow {
  day: string;
  orders: number;
  refunds: number;
  refunded_amount: string | number;
  /** The day's refunds per reason tag id. */
  reasons: Record<string, number>;
}

// $1 shop, $2 from, $3 to (ISO instants); then $4: the time zone (days) or now (breaches).
const BOUNDS = /* sql */ `bounds AS (
    SELECT ($2::timestamptz AT TIME ZONE 'UTC') AS lo, ($3::timestamptz AT TIME ZONE 'UTC') AS hi
  )`;

const FACTS = /* sql */ `facts AS (
    SELECT r."refundedAmount", r."personActed" AS touched, r."repeatRequest", r."repurchased",
           -- date_part answers float8; extract would compute a numeric per row first.
           date_part('epoch', r."resolvedAt" - r."createdAt") AS handling,
           date_part('epoch', r."firstStaffResponseAt" - r."createdAt") AS response
    FROM "Refund" r, bounds b
    WHERE r."shopId" = $1 AND r."createdAt" >= b.lo AND r."createdAt" < b.hi
  )`;

/**
 * The cohort's counts, amounts and averages, read from the Refund index that holds every
 * column used here (an index-only scan), with the per-refund facts the writers keep
 * (refund-metrics-facts.ts) — whether a person acted, staff's first response, repeat requests,
 * repurchases — instead of joining transitions, refunds and orders.
 */
const TOTALS_SQL = /* sql */ `
  WITH ${BOUNDS}, ${FACTS}
  SELECT
    count(*)::int AS refunds,
    coalesce(sum("refundedAmount"), 0)::bigint AS refunded_amount,
    count(handling)::int AS resolved,
    count(handling) FILTER (WHERE NOT touched)::int AS automated,
    avg(handling) AS handling_avg,
    count(*) FILTER (WHERE handling < 86400)::int AS all_b0,
    count(*) FILTER (WHERE handling >= 86400 AND handling < 259200)::int AS all_b1,
    count(*) FILTER (WHERE handling >= 259200 AND handling < 604800)::int AS all_b2,
    count(*) FILTER (WHERE handling >= 604800)::int AS all_b3,
    avg(handling) FILTER (WHERE touched) AS manual_avg,
    count(*) FILTER (WHERE touched AND handling < 86400)::int AS man_b0,
    count(*) FILTER (WHERE touched AND handling >= 86400 AND handling < 259200)::int AS man_b1,
    count(*) FILTER (WHERE touched AND handling >= 259200 AND handling < 604800)::int AS man_b2,
    count(*) FILTER (WHERE touched AND handling >= 604800)::int AS man_b3,
    count(response)::int AS responded,
    avg(response) AS response_avg,
    count(*) FILTER (WHERE "repeatRequest")::int AS repeats,
    count(*) FILTER (WHERE "repurchased")::int AS repurchased
  FROM facts`;

/**
 * The exact percentiles (three sorts) from the same index, as a statement of their own so that
 * it runs beside the totals on another connection (and core).
 */
const PERCENTILES_SQL = /* sql */ `
  WITH ${BOUNDS}, ${FACTS}
  SELECT
    percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY handling) AS handling_pct,
    percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY handling) FILTER (WHERE touched) AS manual_pct,
    percentile_cont(ARRAY[0.5, 0.9]::float8[]) WITHIN GROUP (ORDER BY response) AS response_pct
  FROM facts`;

/**
 * Refunds of the period still in a status whose deadline has passed ($4: now), per status:
 * few rows, found through the (shopId, slaDueAt) index.
 */
const BREACHES_SQL = /* sql */ `
  WITH ${BOUNDS}
  SELECT r.status::text AS status, count(*)::int AS n
  FROM "Refund" r, bounds b
  WHERE r."shopId" = $1 AND r."slaDueAt" < ($4::timestamptz AT TIME ZONE 'UTC') AND r."resolvedAt" IS NULL
    AND r."createdAt" >= b.lo AND r."createdAt" < b.hi
  GROUP BY r.status
  ORDER BY r.status::text`;

/**
 * Every local calendar day ($4) the period touches, as the instants [lo, hi) it covers within
 * the period, with its refunds per reason tag (an index-only range of Refund per day: no time
 * zone conversion per row; the period's reason shares are their sums) and its orders: the whole UTC hours inside the day from OrderPaidHour, the minutes
 * before the first and after the last whole hour (a period's ends, zones whose midnight is not
 * on the hour) from Order itself. The period's order count is the sum of these days.
 */
const DAYS_SQL = /* sql */ `
  WITH ${BOUNDS},
  dates AS (
    SELECT ($2::timestamptz AT TIME ZONE $4)::date AS first, (($3::timestamptz - interval '1 microsecond') AT TIME ZONE $4)::date AS last
  ),
  days AS (
    -- Dates as first + n: a timestamp generate_series here made PostgreSQL 15 spend hundreds of ms before the first day.
    SELECT x.first + n AS day,
           greatest(((x.first + n)::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC', b.lo) AS lo,
           least(((x.first + n + 1)::timestamp AT TIME ZONE $4) AT TIME ZONE 'UTC', b.hi) AS hi
    FROM bounds b, dates x, generate_series(0, x.last - x.first) n
    WHERE $2::timestamptz < $3::timestamptz
  ),
  spans AS (
    -- [lo, h1) and [h2, hi) from Order, [h1, h2) whole hours from OrderPaidHour (empty when the day holds no whole hour).
    SELECT day, lo, hi,
           least(date_trunc('hour', lo) + CASE WHEN date_trunc('hour', lo) < lo THEN interval '1 hour' ELSE interval '0' END, hi) AS h1,
           greatest(date_trunc('hour', hi), least(date_trunc('hour', lo) + CASE WHEN date_trunc('hour', lo) < lo THEN interval '1 hour' ELSE interval '0' END, hi)) AS h2
    FROM days
  )
  SELECT to_char(s.day, 'YYYY-MM-DD') AS day,
         (hours.n + edges.n)::int AS orders, refunds.n AS refunds, refunds.amount AS refunded_amount, refunds.reasons
  FROM spans s
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(g.n), 0)::int AS n, coalesce(sum(g.amount), 0)::bigint AS amount,
           coalesce(json_object_agg(g.reason, g.n) FILTER (WHERE g.reason IS NOT NULL), '{}'::json) AS reasons
    FROM (SELECT r."reasonTagId" AS reason, count(*)::int AS n, sum(r."refundedAmount") AS amount
          FROM "Refund" r WHERE r."shopId" = $1 AND r."createdAt" >= s.lo AND r."createdAt" < s.hi
          GROUP BY r."reasonTagId") g
  ) refunds
  CROSS JOIN LATERAL (
    SELECT coalesce(sum(h.orders), 0) AS n FROM "OrderPaidHour" h WHERE h."shopId" = $1 AND h.hour >= s.h1 AND h.hour < s.h2
  ) hours
  CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM "Order" o
    WHERE o."shopId" = $1 AND ((o."paidAt" >= s.lo AND o."paidAt" < s.h1) OR (o."paidAt" >= s.h2 AND o."paidAt" < s.hi))
  ) edges
  ORDER BY s.day`;

/** The statements, for the benchmark's EXPLAIN plans (bench/metrics.ts). */
export const REFUND_METRICS_SQL = { totals: TOTALS_SQL, percentiles: PERCENTILES_SQL, days: DAYS_SQL, breaches: BREACHES_SQL } as const;
