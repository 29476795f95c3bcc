/**
 * Keeps a process's intake of refund requests at the pace of its own settlement work.
 *
 * Each automatic refund leaves work after its answer: the payment's claim and, once the provider
 * answered, the transaction that records it and moves the refund to REFUNDED. A client that
 * sends its next request as soon as the last is answered is never held back by that work, so on
 * a busy process intake runs ahead of settlement and the time to REFUNDED grows without bound
 * (ten clients back to back saw p50 5.9 s). Here a request waits, before it starts, while the
 * process holds `limit` or more payments of its own to claim or record. Only the process's own
 * work counts: a payment whose provider has not answered yet is the provider's time, and a slow
 * provider must not stop requests from being taken.
 *
 * Waiting requests are bounded by the process's in-flight limit (src/limits/overload.ts), so a
 * burst that wakes them together is bounded too. A payment that a sweep claimed before its
 * commit's dispatch did (a window of milliseconds) is not counted: the sweep's work is not paced.
 */
export class SettlementPace {
  private pending = 0;
  private wake: { promise: Promise<void>; resolve: () => void } | null = null;
  /** Requests waiting for room now. */
  waiting = 0;

  /** `limit` 0: no pacing. */
  constructor(private readonly limit: number) {}

  /** Payments whose own work is under way in this process. */
  get unsettled(): number {
    return this.pending;
  }

  /** A payment's own work began (dispatched, or its provider answered). */
  begin(): void {
    this.pending += 1;
  }

  /** That work ended (the provider was called, or the answer recorded, or it was left to a retry). */
  end(): void {
    this.pending -= 1;
    if (this.wake && this.pending < this.limit) {
      this.wake.resolve();
      this.wake = null;
    }
  }

  /** Resolves once the process holds fewer than `limit` payments of its own work. */
  async room(): Promise<void> {
    if (this.limit === 0) return;
    while (this.pending >= this.limit) {
      this.wake ??= withResolvers();
      this.waiting += 1;
      try {
        await this.wake.promise;
      } finally {
        this.waiting -= 1;
      }
    }
  }
}

function withResolvers(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
