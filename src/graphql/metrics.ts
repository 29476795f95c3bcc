import { MAX_STATS_PERIOD_DAYS } from "../services/stats-period.js";
import {
  DEFAULT_TIME_ZONE,
  FOLLOW_UP_DAYS,
  type DurationStats,
  type HandlingTimeStats,
  type RefundMetrics,
  type ReasonShareRow,
  refundMetrics,
} from "../services/refund-metrics.js";
import { type StaffMemberMetrics, type StaffMetrics, staffMetrics } from "../services/staff-metrics.js";
import { FORECAST_HORIZON_DAYS, FORECAST_MIN_DAYS, type RefundRateForecast } from "../services/refund-rate-forecast.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { RefundStatusEnum } from "./enums.js";
import { MoneyRef, money } from "./money.js";
import { ReasonTagRef } from "./reason-tags.js";
import { StaffMemberRef } from "./staff.js";
import { parseGlobalId } from "./user-errors.js";

const COHORT = "the refunds requested (created) in [from, to)";

const ReasonShareRef = builder.objectRef<ReasonShareRow>("ReasonShare").implement({
  description: "How many refunds of the period carry a reason, and their share of all the period's refunds.",
  fields: (t) => ({
    reason: t.field({ type: ReasonTagRef, resolve: (row) => row.reason, description: "The reason tag." }),
    count: t.exposeInt("count", { description: "How many of the period's refunds carry it." }),
    share: t.exposeFloat("share", { description: "count ÷ refundCount (0..1); 0 when there is no refund." }),
  }),
});

const DurationStatsRef = builder.objectRef<DurationStats>("DurationStats").implement({
  description: "Durations in seconds; every figure is 0 when count is 0.",
  fields: (t) => ({
    count: t.exposeInt("count", { description: "How many durations were measured." }),
    averageSeconds: t.exposeFloat("averageSeconds", { description: "The mean, in seconds." }),
    p50Seconds: t.exposeFloat("p50Seconds", { description: "Median (continuous percentile, interpolated)." }),
    p90Seconds: t.exposeFloat("p90Seconds", { description: "90th percentile (continuous, interpolated)." }),
  }),
});

const HandlingBucketEnum = builder.enumType("HandlingTimeBucketKey", {
  description: "A handling-time bucket of the dashboard.",
  values: {
    UNDER_24H: { description: "Less than 24 hours." },
    ONE_TO_THREE_DAYS: { description: "1 to 3 days." },
    THREE_TO_SEVEN_DAYS: { description: "3 to 7 days." },
    OVER_SEVEN_DAYS: { description: "More than 7 days." },
  } as const,
});

const HandlingBucketRef = builder.objectRef<HandlingTimeStats["buckets"][number]>("HandlingTimeBucket").implement({
  description: "Refunds whose handling time lies in [minHours, maxHours).",
  fields: (t) => ({
    key: t.field({ type: HandlingBucketEnum, resolve: (bucket) => bucket.key, description: "Which bucket." }),
    minHours: t.exposeInt("minHours", { description: "The bucket's lower bound in hours, included." }),
    maxHours: t.exposeInt("maxHours", { nullable: true, description: "null for the open-ended last bucket (> 7 days)." }),
    count: t.exposeInt("count", { description: "Refunds whose handling time lies in the bucket." }),
    share: t.exposeFloat("share", { description: "count ÷ the stats' count (0..1)." }),
  }),
});

const HandlingTimeStatsRef = builder.objectRef<HandlingTimeStats>("HandlingTimeStats").implement({
  description: "Handling time: from the request (`createdAt`) to the terminal status (`resolvedAt`), in seconds.",
  fields: (t) => ({
    count: t.exposeInt("count", { description: "Refunds measured (those that reached a terminal status)." }),
    averageSeconds: t.exposeFloat("averageSeconds", { description: "The mean handling time, in seconds; 0 when count is 0." }),
    p50Seconds: t.exposeFloat("p50Seconds", { description: "The median handling time, in seconds (interpolated); 0 when count is 0." }),
    p90Seconds: t.exposeFloat("p90Seconds", { description: "The 90th percentile, in seconds (interpolated); 0 when count is 0." }),
    buckets: t.field({ type: [HandlingBucketRef], description: "Always the four buckets < 24 h, 1–3 d, 3–7 d, > 7 d, in that order.", resolve: (stats) => stats.buckets }),
  }),
});

const AutomationRef = builder.objectRef<RefundMetrics["automation"]>("RefundAutomation").implement({
  description:
    "Refunds that ended with no person acting on them after the request: no transition after the first (the request) has actor kind USER — neither staff nor the customer (a customer's cancellation or return shipment counts as a person acting). Transitions by SYSTEM, RULE or PLUGIN are automatic.",
  fields: (t) => ({
    resolvedCount: t.exposeInt("resolvedCount", { description: `Of ${COHORT}, those in a terminal status now.` }),
    automatedCount: t.exposeInt("automatedCount", { description: "Of those, the ones no person acted on after the request." }),
    share: t.exposeFloat("share", { description: "automatedCount ÷ resolvedCount; 0 when none ended." }),
  }),
});

const BreachesRef = builder.objectRef<RefundMetrics["deadlineBreaches"]>("DeadlineBreaches").implement({
  description: `Deadline breaches among ${COHORT}: refunds that are still, at query time, in the status whose deadline (\`slaDueAt\`, set from the shop's SLA policy when the status was entered) has passed — the refunds \`slaBreached\` is true for. A refund stores only the deadline of its current status, so a deadline missed in a status it has since left is not counted.`,
  fields: (t) => ({
    count: t.exposeInt("count", { description: "How many are past their deadline now." }),
    byStatus: t.field({
      type: [builder.simpleObject("DeadlineBreachCount", { description: "Breaches of one status.", fields: (s) => ({ status: s.field({ type: RefundStatusEnum, description: "The status whose deadline passed." }), count: s.int({ description: "How many refunds are past it." }) }) })],
      description: "Per status with at least one breach, by status name.",
      resolve: (breaches) => breaches.byStatus as Array<{ status: (typeof RefundStatusEnum)["$inferType"]; count: number }>,
    }),
  }),
});

const RepeatRef = builder.objectRef<RefundMetrics["repeatRequests"]>("RepeatRequests").implement({
  description: `Refunds of the period whose customer had already requested another refund in the ${FOLLOW_UP_DAYS} days before (that one may lie before \`from\`).`,
  fields: (t) => ({
    count: t.exposeInt("count", { description: "How many of the period's refunds are repeat requests." }),
    rate: t.exposeFloat("rate", { description: "count ÷ refundCount; 0 when there is no refund." }),
  }),
});

const RepurchaseRef = builder.objectRef<RefundMetrics["repurchase"]>("Repurchase").implement({
  description: `Of ${COHORT} that have ended (terminal status), those whose customer paid an order within ${FOLLOW_UP_DAYS} days after the refund ended (\`resolvedAt\` < paidAt ≤ resolvedAt + ${FOLLOW_UP_DAYS} d). A refund ended less than ${FOLLOW_UP_DAYS} days ago still has time to count.`,
  fields: (t) => ({
    endedCount: t.exposeInt("endedCount", { description: "The period's refunds that have ended." }),
    repurchasedCount: t.exposeInt("repurchasedCount", { description: "Of those, the ones whose customer bought again in time." }),
    rate: t.exposeFloat("rate", { description: "repurchasedCount ÷ endedCount; 0 when none ended." }),
  }),
});

const IndustryRef = builder.objectRef<RefundMetrics["industry"]>("IndustryComparison").implement({
  description: "The shop's refund rate against the industry figure set with `updateShopSettings`.",
  fields: (t) => ({
    industryRefundRate: t.exposeFloat("industryRefundRate", { nullable: true, description: "The shop's setting (0..1; a new shop starts with 0.05); null only when the shop cleared it." }),
    difference: t.exposeFloat("difference", { nullable: true, description: "refundRate − industryRefundRate (negative: better than the industry); null only when the shop cleared its figure." }),
  }),
});

const DayRef = builder.objectRef<RefundMetrics["trend"][number]>("RefundMetricsDay").implement({
  description: "One calendar day in the metrics' time zone (the first and last may be partial when from/to are not local midnights).",
  fields: (t) => ({
    date: t.exposeString("date", { description: "YYYY-MM-DD in the time zone." }),
    orders: t.exposeInt("orders", { description: "Orders paid that day (within the period)." }),
    refunds: t.exposeInt("refunds", { description: "Refunds requested that day (within the period)." }),
    refundRate: t.exposeFloat("refundRate", { description: "refunds ÷ orders; 0 on a day without orders." }),
    refundedAmount: t.field({ type: MoneyRef, resolve: (day) => money(day.refundedAmount, day.currency), description: "What the refunds requested that day have paid back so far, in minor units." }),
  }),
});

const ForecastPointRef = builder.objectRef<RefundRateForecast["points"][number]>("RefundRateForecastPoint").implement({
  description: "The forecast for one day.",
  fields: (t) => ({
    date: t.exposeString("date", { description: "YYYY-MM-DD in the metrics' time zone." }),
    refundRate: t.exposeFloat("refundRate", { description: "Forecast daily refund rate, clamped to [0, 1]." }),
    standardError: t.exposeFloat("standardError", { description: "The model's standard error of this forecast (unclamped scale)." }),
  }),
});

const ForecastRef = builder.objectRef<RefundRateForecast>("RefundRateForecast").implement({
  description: `A ${FORECAST_HORIZON_DAYS}-day forecast of the daily refund rate, fitted on the period's daily trend (needs at least ${FORECAST_MIN_DAYS} days).`,
  fields: (t) => ({
    method: t.exposeString("method", { description: "The model, by name." }),
    library: t.exposeString("library", { description: "The npm package (name@version) that fits it." }),
    parameters: t.field({
      description: "The model's fitted parameters.",
      type: [builder.simpleObject("ForecastParameter", { description: "One fitted parameter of the forecast model.", fields: (p) => ({ name: p.string({ description: "The parameter's name in the model." }), value: p.string({ description: "Its fitted value, as text." }) }) })],
      resolve: (forecast) => forecast.parameters,
    }),
    input: t.floatList({ description: "The series fitted: `trend[].refundRate`, oldest first.", resolve: (forecast) => forecast.input }),
    horizonDays: t.exposeInt("horizonDays", { description: "How many days ahead it forecasts." }),
    points: t.field({ type: [ForecastPointRef], description: "The days after the period's last day; empty when unavailable.", resolve: (forecast) => forecast.points }),
    unavailableReason: t.exposeString("unavailableReason", { nullable: true, description: "Why there are no points; null when there are." }),
  }),
});

const RefundMetricsRef = builder.objectRef<RefundMetrics>("RefundMetrics").implement({
  description: `A shop's refund figures over [from, to). Unless a field says otherwise it counts ${COHORT}, whatever their status now. An empty period answers zeros and empty lists.`,
  fields: (t) => ({
    from: t.field({ type: "DateTime", resolve: (m) => m.from, description: "Start of the period, included (ISO 8601, UTC)." }),
    to: t.field({ type: "DateTime", resolve: (m) => m.to, description: "End of the period, excluded (ISO 8601, UTC)." }),
    timeZone: t.exposeString("timeZone", { description: "The IANA zone that split the days." }),
    orderCount: t.exposeInt("orderCount", { description: "Orders paid in [from, to) (by `paidAt`)." }),
    refundCount: t.exposeInt("refundCount", { description: "Refunds requested in [from, to) (by `createdAt`)." }),
    refundRate: t.exposeFloat("refundRate", { description: "refundCount ÷ orderCount (0..; refunds of older orders count too); 0 when no order was paid." }),
    refundedAmount: t.field({ type: MoneyRef, description: "Sum of `refundedAmount` of the period's refunds (what was paid back so far).", resolve: (m) => money(m.refundedAmount, m.currency) }),
    reasons: t.field({ type: [ReasonShareRef], description: "Per reason tag as chosen (sub-reasons apart), most first, then by code.", resolve: (m) => m.reasons }),
    parentReasons: t.field({
      type: [ReasonShareRef],
      description: "Per top-level reason tag, each counting its sub-reasons too, most first, then by code.",
      resolve: (m) => m.parentReasons,
    }),
    handlingTime: t.field({ type: HandlingTimeStatsRef, description: "Of the period's refunds that ended, all of them.", resolve: (m) => m.handlingTime }),
    manualHandlingTime: t.field({
      type: HandlingTimeStatsRef,
      description: "Of the period's refunds that ended, those a person acted on after the request (the complement of `automation.automatedCount`).",
      resolve: (m) => m.manualHandlingTime,
    }),
    automation: t.field({ type: AutomationRef, resolve: (m) => m.automation, description: "How many of the period's refunds ended with no human touch." }),
    firstResponse: t.field({
      type: DurationStatsRef,
      description:
        "From the request to the first transition by staff (actor kind USER, any role but CUSTOMER, after the request), for the period's refunds that have one.",
      resolve: (m) => m.firstResponse,
    }),
    deadlineBreaches: t.field({ type: BreachesRef, resolve: (m) => m.deadlineBreaches, description: "The period's refunds past their status deadline now." }),
    repeatRequests: t.field({ type: RepeatRef, resolve: (m) => m.repeatRequests, description: "The period's refunds whose customer asked for another one shortly before." }),
    repurchase: t.field({ type: RepurchaseRef, resolve: (m) => m.repurchase, description: "The period's ended refunds whose customer bought again soon after." }),
    industry: t.field({ type: IndustryRef, resolve: (m) => m.industry, description: "The refund rate against the industry figure." }),
    trend: t.field({
      type: [DayRef],
      description: "Every calendar day the period touches, in `timeZone`, oldest first (days without refunds included).",
      resolve: (m) => m.trend,
    }),
    forecast: t.field({ type: ForecastRef, resolve: (m) => m.forecast, description: "The forecast of the daily refund rate after the period." }),
  }),
});

builder.queryField("refundMetrics", (t) =>
  t.field({
    type: RefundMetricsRef,
    description: `The shop's refund metrics over [from, to) (staff only). \`from\` after \`to\`, a period over ${MAX_STATS_PERIOD_DAYS} days or an unknown time zone fail with INVALID_INPUT; a customer token with FORBIDDEN.`,
    args: {
      from: t.arg({ type: "DateTime", required: true, description: "Start of the period, included." }),
      to: t.arg({ type: "DateTime", required: true, description: "End of the period, excluded." }),
      timeZone: t.arg.string({ description: `IANA time zone of the daily trend; default the shop's \`timeZone\` (itself ${DEFAULT_TIME_ZONE} unless set).` }),
      shopId: t.arg.id({ description: "Required for platform admins: whose metrics." }),
    },
    resolve: (_root, args, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(() =>
        refundMetrics(ctx.db, ctx.services.clock, viewer, {
          shopId: args.shopId ? parseGlobalId(args.shopId, "Shop", ["shopId"]) : null,
          from: args.from,
          to: args.to,
          timeZone: args.timeZone,
        }),
      );
    },
  }),
);

const StaffMemberMetricsRef = builder.objectRef<StaffMemberMetrics>("StaffMemberMetrics").implement({
  description: "One staff member's refund handling over the period (transitions made with a token that belongs to the member).",
  fields: (t) => ({
    member: t.field({ type: StaffMemberRef, resolve: (m) => m.member, description: "The staff member." }),
    refundsHandled: t.exposeInt("refundsHandled", { description: "Refunds the member made a transition on in the period." }),
    firstResponse: t.field({
      type: DurationStatsRef,
      description: "Refunds requested in the period whose first staff transition was the member's: from the request to it.",
      resolve: (m) => m.firstResponse,
    }),
    handlingTime: t.field({ type: DurationStatsRef, description: "The refunds handled that have ended: from the request to the end.", resolve: (m) => m.handlingTime }),
    escalatedCount: t.exposeInt("escalatedCount", { description: "Refunds handled that the member sent on to finance over its approval limit." }),
    reopenedCount: t.exposeInt("reopenedCount", { description: "Refunds handled that ended and whose order got a new refund request afterwards." }),
    reopenedOrEscalatedShare: t.exposeFloat("reopenedOrEscalatedShare", { description: "(reopened or escalated) ÷ handled, 0..1." }),
    deadlineBreaches: t.exposeInt("deadlineBreaches", { description: "The member's transitions in the period that left a status after its deadline (`slaDueAt`)." }),
    ratingCount: t.exposeInt("ratingCount", { description: "Customer ratings of the refunds handled." }),
    averageRating: t.exposeFloat("averageRating", { nullable: true, description: "Their average score (1–5); null without ratings." }),
  }),
});

const StaffMetricsRef = builder.objectRef<StaffMetrics>("StaffMetrics").implement({
  description: "Each staff member's refund handling over a period (`staffMetrics`).",
  fields: (t) => ({
    from: t.expose("from", { type: "DateTime", description: "Start of the period, included (ISO 8601, UTC)." }),
    to: t.expose("to", { type: "DateTime", description: "End of the period, excluded (ISO 8601, UTC)." }),
    timeZone: t.exposeString("timeZone", { description: "The zone the period is shown in (the shop's unless asked otherwise)." }),
    members: t.field({
      type: [StaffMemberMetricsRef],
      description: "Every active member, and an inactive one that acted in the period, by name.",
      resolve: (m) => m.members,
    }),
  }),
});

builder.queryField("staffMetrics", (t) =>
  t.field({
    type: StaffMetricsRef,
    description: `Refund handling per staff member over [from, to) (staff only), counted by the database. \`from\` after \`to\`, a period over ${MAX_STATS_PERIOD_DAYS} days or an unknown time zone fail with INVALID_INPUT.`,
    args: {
      from: t.arg({ type: "DateTime", required: true, description: "Start of the period, included." }),
      to: t.arg({ type: "DateTime", required: true, description: "End of the period, excluded." }),
      timeZone: t.arg.string({ description: "IANA time zone the period is shown in; default the shop's `timeZone`." }),
      shopId: t.arg.id({ description: "Required for platform admins: whose staff." }),
    },
    resolve: (_root, args, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(() =>
        staffMetrics(ctx.db, viewer, {
          shopId: args.shopId ? parseGlobalId(args.shopId, "Shop", ["shopId"]) : null,
          from: args.from,
          to: args.to,
          timeZone: args.timeZone,
        }),
      );
    },
  }),
);
