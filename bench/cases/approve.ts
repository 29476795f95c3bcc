// Case 2: a staff APPROVE (`transitionRefund`) of shipped orders' refunds waiting in
// PENDING_REVIEW, at concurrency 1 and 10, against its floor: the same writes in one
// transaction with plain node-postgres from the driver (PostgreSQL only).
import { randomUUID } from "node:crypto";
import pg from "pg";
import { APPROVE, type Shop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { type Latency, latency, perOp, pool, round, withCost } from "../lib/measure.js";
import type { Server } from "../lib/server.js";

const WARMUP = 10;

export interface Throughput extends Latency {
  perS: number;
}

export interface ApproveResult {
  c1: Latency & { cpuMsPerOp: number; statementsPerOp: number };
  c10: Throughput & { cpuMsPerOp: number; statementsPerOp: number };
  floor?: { deliveriesPerTransition: number; c1: Latency; c10: Throughput; p50Ratio: number; throughputRatio: number };
}

async function approveAll(shop: Shop, ids: string[], concurrency: number): Promise<number[]> {
  const samples: number[] = [];
  await pool(ids.length, concurrency, async (i) => {
    const { ms } = await gql(shop.url, shop.tokens.agent, APPROVE, { id: ids[i] });
    samples.push(ms);
  });
  return samples;
}

export async function approveCase(server: Server, shop: Shop, options: { c1Ops: number; c10Ops: number }): Promise<ApproveResult> {
  const ids = await pendingReviewRefunds(shop, WARMUP + options.c1Ops + options.c10Ops);
  await approveAll(shop, ids.slice(0, WARMUP), 1);
  const c1 = await withCost(server, () => approveAll(shop, ids.slice(WARMUP, WARMUP + options.c1Ops), 1));
  const c10 = await withCost(server, () => approveAll(shop, ids.slice(WARMUP + options.c1Ops), 10));
  const result: ApproveResult = {
    c1: { ...latency(c1.result), ...perOp(c1.cost, c1.result.length) },
    c10: { ...latency(c10.result), perS: round((c10.result.length / c10.cost.wallMs) * 1000), ...perOp(c10.cost, c10.result.length) },
  };
  if (server.databaseUrl) result.floor = await floor(server.databaseUrl, options, result);
  return result;
}

/**
 * The floor of an APPROVE: what it must write, in one transaction, from a pool of 10
 * connections: the refund's update under its version check, the transition, and one delivery
 * row per after-hook (as many as the server wrote for an APPROVE, in one insert; stored as
 * already delivered so the server's worker leaves them alone). It re-approves the refunds the
 * server approved (the same rows and indexes), each from its current version.
 */
async function floor(databaseUrl: string, options: { c1Ops: number; c10Ops: number }, server: ApproveResult): Promise<NonNullable<ApproveResult["floor"]>> {
  const db = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  try {
    const [{ n }] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "PluginDelivery" WHERE "transitionId" = (SELECT id FROM "RefundTransition" WHERE action = 'APPROVE' LIMIT 1)`)).rows as [{ n: number }];
    const refunds = (await db.query<{ id: string; shopId: string; version: number }>(`SELECT id, "shopId", version FROM "Refund" WHERE status = 'AWAITING_WAREHOUSE' ORDER BY "updatedAt" LIMIT $1`, [WARMUP + options.c1Ops + options.c10Ops])).rows;
    const approve = async (refund: (typeof refunds)[number]) => {
      const started = performance.now();
      const client = await db.connect();
      try {
        await client.query("BEGIN");
        const updated = await client.query(`UPDATE "Refund" SET status = 'AWAITING_WAREHOUSE', "approvedAmount" = "requestedAmount", version = version + 1, "updatedAt" = now() WHERE id = $1 AND version = $2`, [refund.id, refund.version]);
        if (updated.rowCount !== 1) throw new Error("floor: version check failed");
        const transitionId = randomUUID();
        await client.query(
          `INSERT INTO "RefundTransition" (id, "shopId", "refundId", version, "fromStatus", "toStatus", action, "actorKind", "actorRole") VALUES ($1, $2, $3, $4, 'PENDING_REVIEW', 'AWAITING_WAREHOUSE', 'APPROVE', 'USER', 'AGENT')`,
          [transitionId, refund.shopId, refund.id, refund.version + 1],
        );
        if (n > 0) {
          const rows = Array.from({ length: n }, (_, i) => `($${i * 2 + 1}, $${i * 2 + 2}, $${2 * n + 1}, $${2 * n + 2}, $${2 * n + 3}, 'DELIVERED', now())`);
          const params = Array.from({ length: n }, (_, i) => [randomUUID(), `floor-${i}`]).flat();
          await client.query(`INSERT INTO "PluginDelivery" (id, plugin, "shopId", "transitionId", "refundId", status, "deliveredAt") VALUES ${rows.join(", ")}`, [...params, refund.shopId, transitionId, refund.id]);
        }
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
      return performance.now() - started;
    };
    const run = async (part: typeof refunds, concurrency: number) => {
      const samples: number[] = [];
      const started = performance.now();
      await pool(part.length, concurrency, async (i) => void samples.push(await approve(part[i]!)));
      return { ...latency(samples), perS: round((samples.length / (performance.now() - started)) * 1000) };
    };
    await run(refunds.slice(0, WARMUP), 1);
    const c1 = await run(refunds.slice(WARMUP, WARMUP + options.c1Ops), 1);
    const c10 = await run(refunds.slice(WARMUP + options.c1Ops), 10);
    return { deliveriesPerTransition: n, c1, c10, p50Ratio: round(server.c1.p50 / c1.p50, 2), throughputRatio: round(c10.perS / server.c10.perS, 2) };
  } finally {
    await db.end();
  }
}
