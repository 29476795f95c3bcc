// Reads customers' refund histories for the score: three statements for any number of
// customers of one shop (a console page, or the one customer of a hook).
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
  // One after the other: inside a transaction the statements share one connection anyway.
  const orders = await db.order.groupBy({
    by: ["customerId"],
    where: { shopId, customerId: { in: ids }, paidAt: { gte: since } },
    _count: { _all: true },
    _sum: { paidAmount: true },
  });
  const refunds = await db.refund.groupBy({
    by: ["customerId", "reasonTagId", "currency"],
    where: { shopId, customerId: { in: ids }, createdAt: { gte: since }, status: { not: "CANCELLED" } },
    _count: { _all: true },
    _sum: { refundedAmount: true },
  });
  const tagIds = [...new Set(refunds.map((row) => row.reasonTagId))];
  const tags = tagIds.length ? await db.reasonTag.findMany({ where: { id: { in: tagIds } }, select: { id: true, code: true } }) : [];
  const codeOf = new Map(tags.map((tag) => [tag.id, tag.code]));

  const histories = new Map<string, RiskHistory>();
  for (const id of ids) {
    histories.set(id, { windowDays, orderCount: 0, paidAmount: 0, refundCount: 0, refundedAmount: 0, reasonCounts: {}, currency: null });
  }
  for (const row of orders) {
    const history = histories.get(row.customerId)!;
    history.orderCount = row._count._all;
    history.paidAmount = row._sum.paidAmount ?? 0;
  }
  for (const row of refunds) {
    const history = histories.get(row.customerId)!;
    const code = codeOf.get(row.reasonTagId) ?? "OTHER";
    history.refundCount += row._count._all;
    history.refundedAmount += row._sum.refundedAmount ?? 0;
    history.currency = row.currency;
    (history.reasonCounts as Record<string, number>)[code] = (history.reasonCounts[code] ?? 0) + row._count._all;
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
