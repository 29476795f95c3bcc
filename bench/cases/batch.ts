// Case 4: `batchTransitionRefunds` APPROVE of 50 refunds against 50 single `transitionRefund`
// APPROVEs sent one after the other (goal: the batch takes at most 25% of their time).
import { APPROVE, type Shop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { latency, perOp, round, withCost } from "../lib/measure.js";
import type { Server } from "../lib/server.js";

const BATCH_SIZE = 50;
const BATCH = `mutation ($ids: [ID!]!) { batchTransitionRefunds(input: { refundIds: $ids, action: APPROVE }) { results { ok } userErrors { code } } }`;

export interface BatchResult {
  rounds: number;
  batchMs: { p50: number; max: number };
  singlesMs: { p50: number; max: number };
  ratio: number;
  batch: { cpuMsPerRefund: number; statementsPerRefund: number };
  singles: { cpuMsPerRefund: number; statementsPerRefund: number };
}

export async function batchCase(server: Server, shop: Shop, options: { rounds: number }): Promise<BatchResult> {
  const batchMs: number[] = [];
  const singlesMs: number[] = [];
  const batchCost = { wallMs: 0, cpuMs: 0, statements: 0 };
  const singlesCost = { wallMs: 0, cpuMs: 0, statements: 0 };
  const add = (total: typeof batchCost, cost: typeof batchCost) => {
    total.wallMs += cost.wallMs;
    total.cpuMs += cost.cpuMs;
    total.statements += cost.statements;
  };
  for (let round = 0; round < options.rounds; round += 1) {
    const ids = await pendingReviewRefunds(shop, 2 * BATCH_SIZE);
    const batch = await withCost(server, () => gql<{ batchTransitionRefunds: { results: Array<{ ok: boolean }> } }>(shop.url, shop.tokens.agent, BATCH, { ids: ids.slice(0, BATCH_SIZE) }));
    if (!batch.result.batchTransitionRefunds.results.every((item) => item.ok)) throw new Error("batch: not every APPROVE succeeded");
    batchMs.push(batch.result.ms);
    add(batchCost, batch.cost);
    const singles = await withCost(server, async () => {
      const started = performance.now();
      for (const id of ids.slice(BATCH_SIZE)) await gql(shop.url, shop.tokens.agent, APPROVE, { id });
      return performance.now() - started;
    });
    singlesMs.push(singles.result);
    add(singlesCost, singles.cost);
  }
  const summary = (samples: number[]) => ({ p50: latency(samples).p50, max: round(Math.max(...samples)) });
  const refunds = options.rounds * BATCH_SIZE;
  const perRefund = (cost: typeof batchCost) => {
    const { cpuMsPerOp, statementsPerOp } = perOp(cost, refunds);
    return { cpuMsPerRefund: cpuMsPerOp, statementsPerRefund: statementsPerOp };
  };
  return {
    rounds: options.rounds,
    batchMs: summary(batchMs),
    singlesMs: summary(singlesMs),
    ratio: round(latency(batchMs).p50 / latency(singlesMs).p50, 3),
    batch: perRefund(batchCost),
    singles: perRefund(singlesCost),
  };
}
