/**
 * Coalesces identical reads that are in flight at the same moment: when one transition is
 * delivered to a thousand subscribers with the same selection, the database is asked once and
 * every subscriber gets that answer. Nothing is kept once the read settles, so a later read is
 * fresh; a failed read is shared by the callers that waited for it and then forgotten.
 * Written here because it is one Map: DataLoader batches per request, not across subscribers.
 */
export class CoalescedReads {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const pending = this.inFlight.get(key);
    if (pending) return pending as Promise<T>;
    const started = load().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
