// After the soak: waits for the background work to settle, then checks from the database (the
// soak's private one, which holds only its own shop) that nothing acknowledged was lost or
// doubled and that every effect and every subscriber caught up.
import pg from "pg";
import { sleep } from "../lib/measure.js";
import type { ConsoleState } from "./consoles.js";
import type { Followed } from "./followers.js";

export interface Check {
  name: string;
  figure: number | string;
  ok: boolean;
  detail?: string[];
}

interface Input {
  databaseUrl: string;
  acks: ReadonlyArray<{ refundId: string; action: string; version: number }>;
  followed: readonly Followed[];
  /** Staff consoles following the shop's stream (refundEvents) from before its first transition. */
  consoles: readonly ConsoleState[];
  /** Notification webhook calls received, by Idempotency-Key. */
  webhookCalls: ReadonlyMap<string, number>;
  settleMs: number;
  refundsStarted: number;
}

const TERMINAL = ["REFUNDED", "REJECTED", "CANCELLED"];

export async function verify(input: Input): Promise<Check[]> {
  const db = new pg.Client({ connectionString: input.databaseUrl });
  await db.connect();
  try {
    const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    const versions = async () =>
      new Map((await db.query<{ id: string; version: number }>(`SELECT id, version FROM "Refund"`)).rows.map((row) => [row.id, row.version]));
    const caughtUp = (stored: Map<string, number>) => input.followed.filter((state) => state.shown.at(-1) === stored.get(state.refundId)).length;
    const stream = async () => (await db.query<{ id: string }>(`SELECT id FROM "RefundTransition" ORDER BY sequence`)).rows.map((row) => row.id);

    // Settled: every refund at a terminal status, no payment or hook delivery waiting, and every
    // subscriber shown its refund's last version.
    const deadline = Date.now() + input.settleMs;
    const settleStart = Date.now();
    for (;;) {
      const open = await count(`SELECT count(*)::int AS n FROM "Refund" WHERE status::text <> ALL (ARRAY['${TERMINAL.join("','")}'])`);
      const payments = await count(`SELECT count(*)::int AS n FROM "PaymentRefundAttempt" WHERE status = 'PENDING'`);
      const hooks = await count(`SELECT count(*)::int AS n FROM "PluginDelivery" WHERE status = 'PENDING'`);
      const transitions = (await stream()).length;
      const behind = input.followed.length - caughtUp(await versions()) + input.consoles.filter((console) => console.shown.length < transitions).length;
      if ((open === 0 && payments === 0 && hooks === 0 && behind === 0) || Date.now() > deadline) break;
      await sleep(500);
    }
    const settledIn = Math.round((Date.now() - settleStart) / 100) / 10;

    const checks: Check[] = [];
    const check = (name: string, figure: number | string, ok: boolean, detail?: string[]) => checks.push({ name, figure, ok, detail });

    // Acknowledged transitions: stored exactly once, at the version the client was told.
    const stored = await db.query<{ refundId: string; action: string; version: number }>(`SELECT "refundId", action::text, version FROM "RefundTransition"`);
    const byKey = new Map<string, number[]>();
    for (const row of stored.rows) {
      const key = `${row.refundId} ${row.action}`;
      byKey.set(key, [...(byKey.get(key) ?? []), row.version]);
    }
    const lost = input.acks.filter((ack) => !byKey.get(`${ack.refundId} ${ack.action}`)?.includes(ack.version));
    const doubled = [...byKey].filter(([, list]) => list.length > 1);
    check("acknowledged transitions", input.acks.length, input.acks.length > 0);
    check("lost (acknowledged, not stored at its version)", lost.length, lost.length === 0, lost.slice(0, 5).map((ack) => JSON.stringify(ack)));
    check("duplicated (an action stored twice for one refund)", doubled.length, doubled.length === 0, doubled.slice(0, 5).map(([key, list]) => `${key} at versions ${list}`));
    const refundsPerOrder = await count(`SELECT count(*)::int AS n FROM (SELECT "orderId" FROM "Refund" GROUP BY "orderId" HAVING count(*) > 1) doubled`);
    check("orders with more than one refund", refundsPerOrder, refundsPerOrder === 0);
    const refunds = await count(`SELECT count(*)::int AS n FROM "Refund"`);
    check("refunds stored / started", `${refunds} / ${input.refundsStarted}`, refunds === input.refundsStarted);

    const gaps = await count(`SELECT count(*)::int AS n FROM "Refund" r
      JOIN (SELECT "refundId", count(*) AS c, min(version) AS lo, max(version) AS hi FROM "RefundTransition" GROUP BY "refundId") t ON t."refundId" = r.id
      WHERE t.c <> r.version OR t.lo <> 1 OR t.hi <> r.version`);
    check("refunds whose versions have a gap", gaps, gaps === 0);
    const mismatched = await count(`SELECT count(*)::int AS n FROM "Refund" r
      LEFT JOIN "RefundTransition" t ON t."refundId" = r.id AND t.version = r.version WHERE t.id IS NULL OR t."toStatus" <> r.status`);
    check("refunds whose status is not their last transition's target", mismatched, mismatched === 0);
    const open = await count(`SELECT count(*)::int AS n FROM "Refund" WHERE status::text <> ALL (ARRAY['${TERMINAL.join("','")}'])`);
    check(`refunds not at a terminal status after settling (${settledIn} s)`, open, open === 0);

    // Payments: one successful attempt per refunded refund, none for the others, none waiting.
    const wrongPaymentRows = await count(`SELECT count(*)::int AS n FROM (SELECT r.id FROM "Refund" r
      LEFT JOIN "PaymentRefundAttempt" p ON p."refundId" = r.id AND p.status = 'SUCCEEDED'
      GROUP BY r.id, r.status HAVING count(p.id) <> CASE WHEN r.status = 'REFUNDED' THEN 1 ELSE 0 END) wrong`);
    check("refunds without exactly one successful payment (REFUNDED) or with one (others)", wrongPaymentRows, wrongPaymentRows === 0);
    const refunded = await count(`SELECT count(*)::int AS n FROM "Refund" WHERE status = 'REFUNDED'`);
    check("refunded", refunded, refunded > 0);

    // Effects: every queued after-hook delivered once; every transition queued for the
    // notifications plugin (it asks for all); one coupon per refunded refund; every message sent.
    const deliveries = await db.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "PluginDelivery" GROUP BY status ORDER BY status`);
    const notDelivered = deliveries.rows.filter((row) => row.status !== "DELIVERED").reduce((sum, row) => sum + row.n, 0);
    check(`plugin deliveries (${deliveries.rows.map((row) => `${row.status} ${row.n}`).join(", ")}) not delivered`, notDelivered, notDelivered === 0);
    const missingDeliveries = await count(`SELECT count(*)::int AS n FROM "RefundTransition" t
      LEFT JOIN "PluginDelivery" d ON d."transitionId" = t.id AND d.plugin = 'notifications' WHERE d.id IS NULL`);
    check("transitions with no notifications delivery queued", missingDeliveries, missingDeliveries === 0);
    const couponsWrong = await count(`SELECT count(*)::int AS n FROM (SELECT r.id FROM "Refund" r
      LEFT JOIN "Coupon" c ON c."refundId" = r.id AND c.kind = 'REFUND_COMPLETED'
      GROUP BY r.id, r.status HAVING count(c.id) <> CASE WHEN r.status = 'REFUNDED' THEN 1 ELSE 0 END) wrong`);
    check("refunds without exactly one refund coupon (REFUNDED) or with one (others)", couponsWrong, couponsWrong === 0);
    const notifications = await db.query<{ transitionId: string; channel: string; status: string }>(`SELECT "transitionId", channel, status FROM "Notification"`);
    const unsent = notifications.rows.filter((row) => row.status !== "SENT").length;
    check(`notifications (${notifications.rows.length}) not sent`, unsent, unsent === 0);
    const unreceived = notifications.rows.filter((row) => row.channel === "WEBHOOK" && !input.webhookCalls.has(`notifications:${row.transitionId}`)).length;
    check("webhook notifications the receiver never got", unreceived, unreceived === 0);
    const resent = [...input.webhookCalls.values()].filter((calls) => calls > 1).length;
    // At least once by design: a call cut off by the kill is made again under the same key.
    check("webhook notifications received more than once (same Idempotency-Key)", resent, true);

    // Subscribers: each refund's versions shown once, in order, up to the stored last one.
    const last = await versions();
    const wrongStreams = input.followed.filter((state) => {
      const expected = Array.from({ length: last.get(state.refundId) ?? 0 }, (_, index) => index + 1);
      return state.shown.join() !== expected.join();
    });
    check("subscribed refunds", input.followed.length, input.followed.length > 0);
    check(
      "subscribers whose versions differ from the stored history",
      wrongStreams.length,
      wrongStreams.length === 0,
      wrongStreams.slice(0, 5).map((state) => `${state.refundId}: shown ${state.shown.join(",")} stored 1..${last.get(state.refundId)}, errors ${JSON.stringify([...state.errors])}`),
    );
    const resubscribes = input.followed.reduce((sum, state) => sum + state.resubscribes, 0);
    const replayed = input.followed.reduce((sum, state) => sum + state.replayed, 0);
    const errorCodes = new Map<string, number>();
    for (const state of input.followed) for (const [code, n] of state.errors) errorCodes.set(code, (errorCodes.get(code) ?? 0) + n);
    check("subscriptions started again after a reconnect or an error", resubscribes, true);
    check("events received again after a resubscribe (not shown twice)", replayed, true);
    check(`subscription errors by code (${[...errorCodes].map(([code, n]) => `${code} ${n}`).join(", ") || "none"})`, [...errorCodes.values()].reduce((a, b) => a + b, 0), true);

    // Consoles: the shop's stream as stored (sequence order, which is commit order), each
    // transition once, none missing, whatever faults they went through.
    const expected = await stream();
    const gapless = await count(`SELECT count(*)::int AS n FROM "RefundTransition" WHERE sequence IS NULL OR sequence > (SELECT count(*) FROM "RefundTransition")`);
    check("transitions whose stream sequence is missing or leaves a gap", gapless, gapless === 0);
    for (const console of input.consoles) {
      const firstWrong = console.shown.findIndex((id, index) => id !== expected[index]);
      const ok = firstWrong < 0 && console.shown.length === expected.length;
      check(
        `${console.name}: transitions shown / stored (resumed ${console.resubscribes}×, ${console.replayed} replays dropped, errors ${[...console.errors].map(([code, n]) => `${code} ${n}`).join(", ") || "none"})`,
        `${console.shown.length} / ${expected.length}`,
        ok,
        ok ? [] : [`first difference at position ${firstWrong < 0 ? console.shown.length : firstWrong}; doubled: ${console.shown.length - new Set(console.shown).size}; missing: ${expected.filter((id) => !console.shown.includes(id)).length}`],
      );
    }
    return checks;
  } finally {
    await db.end();
  }
}
