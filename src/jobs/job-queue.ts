import type { PrismaClient } from "../generated/prisma/client.js";
import { Prisma } from "../generated/prisma/client.js";
import { BackgroundWork } from "./background-work.js";

/**
 * The one jobs module of the platform: payments (src/payments/dispatcher.ts), plugin hook
 * deliveries (src/plugin/delivery-worker.ts) and automation timers (src/services/timer-worker.ts)
 * each name their table and their handler; claiming, sweeping, backoff, dead letters and the
 * drain on shutdown are written here once.
 *
 * A job is a row a transition already writes in its own transaction (a payment attempt, a hook
 * delivery, a refund's due timer), so it commits or rolls back with the change. Any process
 * claims due rows with ONE conditional UPDATE over a `FOR UPDATE SKIP LOCKED` subselect: two
 * processes never take the same row, and a claim is a lease — a process that dies leaves rows
 * that another takes when the lease ends.
 *
 * Why not pg-boss or graphile-worker (checked, not assumed): pg-boss 10 (the last for Node 20;
 * ≥ 11 needs Node 22) can run `send()` inside a caller's transaction through its `db` option
 * (any `executeSql(text, values)`, which Prisma's `$queryRawUnsafe` on the transaction client
 * could provide), and the same wrapper can drive PGlite (timgit/pg-boss#563). What it cannot do
 * is use these rows: they are what the API reads (an attempt's status and reference, a dead
 * delivery SHOP_ADMIN redelivers, `Refund.nextTimeout`), and a timer is three columns of the
 * refund set by the same UPDATE as its status, at no statement. A pg-boss job beside each would
 * be one more insert per transition (and a cancel of the refund's previous timer job), past the
 * statement limits the hot paths are held to (test/perf/statements.test.ts), and its own
 * `pgboss` schema lives outside prisma/migrations. graphile-worker's `add_job` is SQL and so
 * could join the transaction too, but its runner needs a node-postgres Pool and LISTEN/NOTIFY,
 * which the embedded PGlite (one in-process connection) does not offer, and it migrates its own
 * schema as well.
 */

/** Where a queue's jobs live: the table and the columns the claim reads and writes. */
export interface JobTable {
  /** The table whose rows are the jobs (a name from schema.prisma, not input). */
  table: string;
  /** The column holding a claim's lease: a row is free when it is null or past. */
  leaseColumn: string;
  /** A column counting claims, bumped by each (the attempt number a handler sees); none: not counted. */
  attemptsColumn?: string;
  /** Which rows are due besides a free lease, over the alias `j`. */
  due(now: Date): Prisma.Sql;
  /** Due rows are taken oldest first by this column. */
  orderBy: string;
  /** What a claim answers of each row, over the alias `j` (a scalar subselect may add to it). */
  returning: Prisma.Sql;
}

/** When a failed job is tried again: `baseMs` doubling per attempt up to `maxMs`; dead after `maxAttempts`. */
export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  maxAttempts: number;
}

/** The retry of a job that failed on its `attempts`-th try (counted from 1), or dead. */
export function retryAfter(policy: RetryPolicy, attempts: number): { dead: true } | { dead: false; delayMs: number } {
  if (attempts >= policy.maxAttempts) return { dead: true };
  return { dead: false, delayMs: Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1)) };
}

export interface JobQueueOptions<Job> {
  /** For the log of a failed run. */
  name: string;
  table: JobTable;
  /** Works through claimed jobs; it records each job's end (done, retry, dead) in its own table. */
  handle(jobs: Job[]): Promise<void>;
  /** How long a claim holds before another process may take the job over. */
  leaseMs: number;
  /** How often due jobs left behind (a crash, a retry, a timer) are looked for. */
  sweepIntervalMs: number;
  /** At most this many jobs per sweep. */
  sweepLimit: number;
  /** The time due-ness is judged by (the app's clock for timers). */
  now?: () => Date;
}

/**
 * A queue over one table. `dispatch` runs jobs a commit just wrote, `sweep` the due ones left
 * behind; both claim before handling, so a job is handled by one process at a time (or the
 * commit wrote them claimed: `handleClaimed`). Runs are
 * background work: logged when they fail, awaited by `drain`, and `stop` ends the sweeps and
 * waits for what is running (shutdown).
 */
export class JobQueue<Job extends { id: string }> {
  private readonly work: BackgroundWork;
  private readonly now: () => Date;

  constructor(
    private readonly db: PrismaClient,
    private readonly options: JobQueueOptions<Job>,
  ) {
    this.work = new BackgroundWork(options.name);
    this.now = options.now ?? (() => new Date());
  }

  start(): void {
    this.work.every(this.options.sweepIntervalMs, () => this.sweep());
  }

  /** Claims up to `sweepLimit` due jobs and handles them. */
  async sweep(): Promise<void> {
    const jobs = await this.claim(null);
    if (jobs.length > 0) await this.options.handle(jobs);
  }

  /**
   * Claims these jobs (those still due and free) and handles them, by `handle` when given (what
   * the caller knows of them rides along); a claim answers in no particular order.
   */
  async run(ids: readonly string[], handle: (jobs: Job[]) => Promise<void> = this.options.handle): Promise<void> {
    if (ids.length === 0) return;
    const jobs = await this.claim(ids);
    if (jobs.length > 0) await handle(jobs);
  }

  /**
   * Runs these jobs in the background (after the commit that wrote them), by `handle` when given;
   * `done` is called when that run ends, however it ends.
   */
  dispatch(ids: readonly string[], handle?: (jobs: Job[]) => Promise<void>, done?: () => void): void {
    if (ids.length > 0) this.work.run(() => (done ? this.run(ids, handle).finally(done) : this.run(ids, handle)));
  }

  /**
   * Handles, in the background, jobs this process already holds: written claimed by it (their
   * lease set, their first attempt counted) in the transaction that just committed.
   */
  handleClaimed(jobs: Job[]): void {
    if (jobs.length > 0) this.work.run(() => this.options.handle(jobs));
  }

  /** Runs a job again after `delayMs` in this process; a sweep anywhere takes it if this one stops first. */
  retryLater(id: string, delayMs: number): void {
    this.work.after(delayMs, () => this.run([id]));
  }

  /** Resolves when every run started so far (retries scheduled meanwhile included) has finished. */
  drain(): Promise<void> {
    return this.work.drain();
  }

  stop(): Promise<void> {
    return this.work.stop();
  }

  /** The one claim statement: due and free rows (of `ids`, or the oldest), leased to this process. */
  private claim(ids: readonly string[] | null): Promise<Job[]> {
    const { table, leaseColumn, attemptsColumn, orderBy, returning } = this.options.table;
    const now = this.now();
    const name = Prisma.raw(`"${table}"`);
    const lease = Prisma.raw(`"${leaseColumn}"`);
    const count = attemptsColumn ? Prisma.sql`, ${Prisma.raw(`"${attemptsColumn}" = j."${attemptsColumn}" + 1`)}` : Prisma.empty;
    return this.db.$queryRaw<Job[]>`
      UPDATE ${name} AS j SET ${lease} = ${new Date(now.getTime() + this.options.leaseMs)}${count}
       WHERE j.id IN (
         SELECT j.id FROM ${name} AS j
          WHERE ${this.options.table.due(now)} AND (j.${lease} IS NULL OR j.${lease} < ${now})
            ${ids ? Prisma.sql`AND j.id = ANY(${[...ids]}::text[])` : Prisma.empty}
          ORDER BY j.${Prisma.raw(`"${orderBy}"`)}
          LIMIT ${ids ? ids.length : this.options.sweepLimit}
          FOR UPDATE SKIP LOCKED)
      RETURNING ${returning}`;
  }
}
