import { formatMoney } from "../../src/plugin/index.js";

// The refund-risk score: a pure function of a customer's recent history, so the console, the
// before-hook that holds refunds and the CRM push all agree, and it is tested without a database.

export const RISK_LEVELS = ["LOW", "MEDIUM", "HIGH"] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** What a customer did in the window (the last `windowDays` days). */
export interface RiskHistory {
  windowDays: number;
  /** Orders paid in the window. */
  orderCount: number;
  /** What those orders paid, in minor units. */
  paidAmount: number;
  /** Refund requests created in the window, cancelled ones left out. */
  refundCount: number;
  /** What those refunds paid back so far, in minor units. */
  refundedAmount: number;
  /** Refund requests of the window by reason code. */
  reasonCounts: Readonly<Record<string, number>>;
  /** For the wording of `reasons`; null when there is no refund to speak of. */
  currency: string | null;
}

export interface ScoreSettings {
  mediumThreshold: number;
  highThreshold: number;
  /** Reason codes that weigh on the score (subjective or disputed reasons). */
  riskyReasons: readonly string[];
}

export interface RiskScore {
  level: RiskLevel;
  /** 0–100. */
  score: number;
  /** Why, in words, largest contribution first; empty when there is nothing to say. */
  reasons: string[];
}

/** The most each part of the history adds to the score; they sum to 100. */
export const WEIGHTS = { rate: 40, count: 25, amount: 15, reasons: 20 } as const;
/** From this many refunds on, the count part is full. */
export const REFUND_COUNT_FOR_FULL_WEIGHT = 5;
/**
 * Rates and shares of one or two refunds say little (a first order returned is a 100% rate):
 * they count in proportion to the refunds seen, fully from this many on.
 */
export const REFUNDS_FOR_FULL_CONFIDENCE = 3;

const share = (part: number, whole: number) => (whole > 0 ? Math.min(part / whole, 1) : part > 0 ? 1 : 0);
const percent = (value: number) => `${Math.round(value * 100)}%`;

/**
 * Scores a history:
 * - refund rate (refunds / orders of the window, at most 1): up to 40 points;
 * - refund count (5 or more is full): up to 25;
 * - refunded share of what was paid in the window: up to 15;
 * - share of refunds with a risky reason (NOT_AS_DESCRIBED, CHANGED_MIND by default): up to 20.
 * The rate, refunded share and reason share are scaled by min(refunds / 3, 1).
 * Level: HIGH from `highThreshold`, MEDIUM from `mediumThreshold`, LOW below.
 */
export function scoreRefundRisk(history: RiskHistory, settings: ScoreSettings): RiskScore {
  const { refundCount, orderCount } = history;
  const confidence = Math.min(refundCount / REFUNDS_FOR_FULL_CONFIDENCE, 1);
  const rate = share(refundCount, orderCount);
  const refundedShare = share(history.refundedAmount, history.paidAmount);
  const risky = new Set(settings.riskyReasons);
  const riskyCount = Object.entries(history.reasonCounts).reduce((sum, [code, count]) => sum + (risky.has(code) ? count : 0), 0);
  const riskyShare = share(riskyCount, refundCount);

  const parts: Array<{ points: number; reason: string }> = [
    {
      points: WEIGHTS.rate * rate * confidence,
      reason: `refund rate ${percent(rate)} (${refundCount} refund${refundCount === 1 ? "" : "s"} for ${orderCount} order${orderCount === 1 ? "" : "s"})`,
    },
    {
      points: WEIGHTS.count * Math.min(refundCount / REFUND_COUNT_FOR_FULL_WEIGHT, 1),
      reason: `${refundCount} refund request${refundCount === 1 ? "" : "s"} in the last ${history.windowDays} days`,
    },
    {
      points: WEIGHTS.amount * refundedShare * confidence,
      reason: `${history.currency ? formatMoney(history.refundedAmount, history.currency) : history.refundedAmount} refunded, ${percent(refundedShare)} of what was paid`,
    },
    {
      points: WEIGHTS.reasons * riskyShare * confidence,
      reason: `${percent(riskyShare)} of refunds for ${settings.riskyReasons.join(" or ")}`,
    },
  ];
  const score = Math.max(0, Math.min(100, Math.round(parts.reduce((sum, part) => sum + part.points, 0))));
  const level: RiskLevel = score >= settings.highThreshold ? "HIGH" : score >= settings.mediumThreshold ? "MEDIUM" : "LOW";
  const reasons = parts
    .filter((part) => part.points >= 0.5)
    .sort((a, b) => b.points - a.points)
    .map((part) => part.reason);
  return { level, score, reasons };
}
