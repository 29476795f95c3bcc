// The jobs module on both backends, over a real job table (PluginDelivery): a claim takes a row
// once while its lease holds, takes it again after the lease ends (a crashed process), only
// when due, and the retry policy doubles up to its cap and ends in a dead letter.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { Prisma } from "../../src/generated/prisma/client.js";
import { JobQueue, type JobTable, retryAfter } from "../../src/jobs/job-queue.js";
import { backends, openMigratedDatabase } from "../support/databases.js";

type Job = { id: string; attempts: number };

const DELIVERIES: JobTable = {
  table: "PluginDelivery",
  leaseColumn: "lockedUntil",
  attemptsColumn: "attempts",
  due: (now) => Prisma.sql`j.status = 'PENDING' AND j."availableAt" <= ${now}`,
  orderBy: "createdAt",
  returning: Prisma.sql`j.id, j.attempts`,
};

describe("retryAfter", () => {
  it("doubles from the base up to the cap, and is dead at the last attempt", () => {
    const policy = { baseMs: 1_000, maxMs: 5_000, maxAttempts: 5 };
    expect([1, 2, 3, 4].map((attempts) => retryAfter(policy, attempts))).toEqual([
      { dead: false, delayMs: 1_000 },
      { dead: false, delayMs: 2_000 },
      { dead: false, delayMs: 4_000 },
      { dead: false, delayMs: 5_000 },
    ]);
    expect(retryAfter(policy, 5)).toEqual({ dead: true });
  });
});

describe.each(backends)("JobQueue on %s", (kind) => {
  let db: Database;
  let drop: () => Promise<void>;
  let clock = new Date("2026-11-01T00:00:00Z");
  const shopId = randomUUID();

  beforeAll(async () => {
    ({ db, drop } = await openMigratedDatabase(kind));
  });
  afterAll(() => drop?.());

  const queue = (handled: Job[], handle?: (jobs: Job[]) => Promise<void>) =>
    new JobQueue<Job>(db.prisma, {
      name: "test jobs",
      table: DELIVERIES,
      handle: handle ?? (async (jobs) => void handled.push(...jobs)),
      leaseMs: 30_000,
      sweepIntervalMs: 600_000,
      sweepLimit: 100,
      now: () => clock,
    });

  async function insert(count: number, availableAt = clock): Promise<string[]> {
    const ids = Array.from({ length: count }, () => randomUUID());
    await db.prisma.pluginDelivery.createMany({
      data: ids.map((id) => ({ id, shopId, plugin: "test", transitionId: randomUUID(), refundId: randomUUID(), availableAt, createdAt: clock })),
    });
    return ids;
  }

  it("gives each due row to one of two sweeping queues, once", async () => {
    const ids = await insert(30);
    const [first, second]: [Job[], Job[]] = [[], []];
    await Promise.all([queue(first).sweep(), queue(second).sweep(), queue(first).sweep()]);
    const handled = [...first, ...second];
    expect(handled.map((job) => job.id).sort()).toEqual([...ids].sort());
    expect(new Set(handled.map((job) => job.attempts))).toEqual(new Set([1]));
    // Still leased (the handler recorded no end): a sweep takes none of them.
    const again: Job[] = [];
    await queue(again).sweep();
    expect(again).toEqual([]);
    await db.prisma.pluginDelivery.updateMany({ where: { id: { in: ids } }, data: { status: "DELIVERED", lockedUntil: null } });
  });

  it("takes a row over when the lease of a process that died has ended, and only due rows", async () => {
    const [crashed] = await insert(1);
    const [later] = await insert(1, new Date(clock.getTime() + 120_000));
    await expect(queue([], () => Promise.reject(new Error("process died"))).run([crashed!, later!])).rejects.toThrow("process died");
    const before: Job[] = [];
    await queue(before).run([crashed!, later!]);
    expect(before).toEqual([]);

    clock = new Date(clock.getTime() + 31_000);
    const after: Job[] = [];
    await queue(after).run([crashed!, later!]);
    expect(after).toEqual([{ id: crashed, attempts: 2 }]);
    await db.prisma.pluginDelivery.update({ where: { id: crashed! }, data: { status: "DELIVERED", lockedUntil: null } });

    clock = new Date(clock.getTime() + 120_000);
    const due: Job[] = [];
    await queue(due).sweep();
    expect(due.map((job) => job.id)).toEqual([later]);
  });

  it("drains what it dispatched and scheduled, and stops", async () => {
    const ids = await insert(2);
    const handled: Job[] = [];
    const jobs = queue(handled);
    jobs.dispatch([ids[0]!]);
    jobs.retryLater(ids[1]!, 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await jobs.drain();
    expect(handled.map((job) => job.id).sort()).toEqual([...ids].sort());
    await jobs.stop();
    jobs.dispatch([ids[0]!]);
    await jobs.drain();
    expect(handled).toHaveLength(2);
  });
});
