/**
 * Work a process does after a response has gone (the job queues of job-queue.ts run on it):
 * started without being awaited, logged when it fails, and awaited all together on shutdown.
 */
export class BackgroundWork {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly label: string) {}

  run(work: () => Promise<void>): void {
    if (this.stopped) return;
    const tracked = work()
      .catch((error) => console.error(`${this.label} failed`, error))
      .finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Runs `work` now and then every `intervalMs` until stopped. */
  every(intervalMs: number, work: () => Promise<void>): void {
    const timer = setInterval(() => this.run(work), intervalMs);
    timer.unref();
    this.timers.add(timer);
    this.run(work);
  }

  /** Runs `work` once after `delayMs`, unless stopped first. */
  after(delayMs: number, work: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.run(work);
    }, delayMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Resolves when everything started so far has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.drain();
  }
}
