/**
 * The number of requests a process takes at once, lowered when accepted requests are late and
 * raised again while they are answered in time: a limit that follows what the machine works
 * through now, which a fixed MAX_IN_FLIGHT cannot (on a busy 2-core machine 32 requests at once
 * took 2–4 s each, on a quiet one 0.4 s).
 *
 * As TCP's congestion window: a request answered within the target, while the limit was in use
 * (half of it or more in flight when it was taken), raises the limit by one up to the last
 * threshold, by 1/limit past it; a late request (one still in flight past the target, seen as
 * soon as the next request arrives, or answered late) lowers it to 0.7×, never below the floor.
 * Only a request taken under the current limit lowers it: the others, taken under a higher one,
 * were already answered for by the cut they caused.
 */
export interface AdaptiveLimitSettings {
  /** The ceiling (MAX_IN_FLIGHT); 0 = no limit at all. */
  max: number;
  /** The floor, and the limit a process starts with. */
  min: number;
  /** Latency of an accepted request past which it counts as late (ms); 0 = the limit stays at `max`. */
  targetMs: number;
}

/** What the limit is cut to on a late request. */
const DECREASE = 0.7;

export interface Admission {
  readonly start: number;
  readonly generation: number;
  /** Half the limit or more was in flight when it was taken: its answer in time says the limit may rise. */
  readonly inUse: boolean;
}

export class AdaptiveLimit {
  private value: number;
  /** Past it the limit rises by 1/limit per request in time, not by one. */
  private threshold: number;
  /** Counts the cuts: an admission remembers the one it was taken under. */
  private generation = 0;
  /** Requests in flight, oldest first. */
  private readonly open = new Set<Admission>();

  constructor(private readonly settings: AdaptiveLimitSettings) {
    this.value = settings.max === 0 ? Number.POSITIVE_INFINITY : this.adaptive ? Math.min(settings.min, settings.max) : settings.max;
    this.threshold = settings.max;
  }

  private get adaptive(): boolean {
    return this.settings.max > 0 && this.settings.targetMs > 0;
  }

  /** Requests taken now (Infinity: no limit). */
  get current(): number {
    return Math.floor(this.value);
  }

  get inFlight(): number {
    return this.open.size;
  }

  /** A request arriving at `now` (ms): taken, or null when the limit is reached. */
  acquire(now: number): Admission | null {
    if (this.adaptive) {
      // The oldest request of the current limit still in flight past the target: late already.
      for (const admission of this.open) {
        if (admission.generation !== this.generation) continue;
        if (now - admission.start > this.settings.targetMs) this.late(admission);
        break;
      }
    }
    if (this.open.size >= this.current) return null;
    const admission: Admission = { start: now, generation: this.generation, inUse: (this.open.size + 1) * 2 >= this.value };
    this.open.add(admission);
    return admission;
  }

  /** The request taken by `admission` was answered (or its stream set up) at `now`. */
  release(admission: Admission, now: number): void {
    if (!this.open.delete(admission) || !this.adaptive) return;
    if (now - admission.start > this.settings.targetMs) this.late(admission);
    else if (admission.inUse) this.value = Math.min(this.settings.max, this.value + (this.value < this.threshold ? 1 : 1 / this.value));
  }

  private late(admission: Admission): void {
    if (admission.generation !== this.generation) return;
    this.value = this.threshold = Math.max(Math.min(this.settings.min, this.settings.max), this.value * DECREASE);
    this.generation += 1;
  }
}
