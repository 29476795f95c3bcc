// Reads customers' refund histories for the score: one statement for any number of customers
// of one shop (a console page, or the one customer of a hook).
import type { BeforeTransitionContext } from "../../src/plugin/index.js";
import { type RiskHistory, type RiskScore, type ScoreSettings, scoreRefundRisk } from "./score.js";

/** The transition's transaction or the plain client: both read the same way. */
export type Db = BeforeTransitionContext<unknown>["db"];

const DAY_MS = 24 * 60 * 60 * 1000;

export async function loadRiskHistories(
  db: Db,
  shopId: string,
  customerIds: readonly string[],
  windowDays: number,
  now: Date = new Date(),
): Promise<Map<string, RiskHistory>> {
  const since = new Date(now.getTime() - windowDays * DAY_MS);
  const ids = [...new Set(customerIds)];
  // Orders and refunds (with their reason codes) in one statement: the hook runs inside the
  // automatic refund's transaction, where every round trip counts.
  const rows = await db.$queryRaw<Array<{ kind: "ORDER" | "REFUND"; customerId: string; code: string | null; currency: string | null; count: number; amount: number }>>`
    SELECT 'ORDER' AS kind, "customerId", NULL AS code, NULL AS currency, count(*)::int AS count, COALESCE(sum("paidAmount"), 0)::float8 AS amount
      FROM "Order" WHERE "shopId" = ${shopId} AND "customerId" = ANY(${ids}::text[]) AND "paidAt" >= ${since}
     GROUP BY "customerId"
    UNION ALL
    SELECT 'REFUND', r."customerId", t.code, r.currency, count(*)::int, COALESCE(sum(r."refundedAmount"), 0)::float8
      FROM "Refund" r JOIN "ReasonTag" t ON t.id = r."reasonTagId"
     WHERE r."shopId" = ${shopId} AND r."customerId" = ANY(${ids}::text[]) AND r."createdAt" >= ${since} AND r.status <> 'CANCELLED'
     GROUP BY r."customerId", t.code, r.currency`;

  const histories = new Map<string, RiskHistory>();
  for (const id of ids) {
    histories.set(id, { windowDays, orderCount: 0, paidAmount: 0, refundCount: 0, refundedAmount: 0, reasonCounts: {}, currency: null });
  }
  for (const row of rows) {
    const history = histories.get(row.customerId)!;
    if (row.kind === "ORDER") {
      history.orderCount = row.count;
      history.paidAmount = row.amount;
      continue;
    }
    const code = row.code ?? "OTHER";
    history.refundCount += row.count;
    history.refundedAmount += row.amount;
    history.currency = row.currency;
    (history.reasonCounts as Record<string, number>)[code] = (history.reasonCounts[code] ?? 0) + row.count;
  }
  return histories;
}

/** One customer's score with a shop's settings. */
export async function riskOf(
  db: Db,
  shopId: string,
  customerId: string,
  settings: ScoreSettings & { windowDays: number },
): Promise<RiskScore & { history: RiskHistory }> {
  const history = (await loadRiskHistories(db, shopId, [customerId], settings.windowDays)).get(customerId)!;
  return { ...scoreRefundRisk(history, settings), history };
}
