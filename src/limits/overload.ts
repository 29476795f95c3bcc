import type { IncomingMessage, ServerResponse } from "node:http";
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { AdaptiveLimit } from "./adaptive-limit.js";

/**
 * Load shedding: a process past its capacity answers new requests at once with HTTP 503
 * `SERVICE_OVERLOADED` and `Retry-After`, instead of queueing them until they time out. The
 * check runs before anything of the request is read, parsed or looked up (no token lookup, no
 * statement). Requests already accepted run to their end; open subscriptions stay open (a
 * stream holds no slot once it runs). docs/running.md gives the figures behind the defaults.
 */
export interface OverloadSettings {
  /** Requests (HTTP, and graphql-ws operations until their result or stream exists) worked on at once at most; 0 = no limit. */
  maxInFlight: number;
  /**
   * Latency of an accepted request (its arrival to its answer) past which the process takes
   * fewer at once (src/limits/adaptive-limit.ts); 0 = always `maxInFlight`.
   */
  targetLatencyMs: number;
  /** The fewest requests taken at once while `targetLatencyMs` lowers the limit, and where it starts. */
  minInFlight: number;
  /** Mean event-loop delay past which new requests are refused, when it held for two windows of a second in a row; 0 = not watched. */
  maxEventLoopDelayMs: number;
  /** What `Retry-After` tells a refused client (seconds). */
  retryAfterSeconds: number;
}

/**
 * Measured on the 2-core development machine (docs/running.md, "Capacity"): one process serves
 * no more APPROVEs or automatic refunds a second past 16–32 requests at once, only slower, and
 * how much slower depends on what else the machine runs: with 32 at once an accepted automatic
 * refund took 0.4 s on a quiet machine and 2–4 s on a busy one. So 32 is only the ceiling: the
 * limit starts at 8 and follows the latency of what it accepts. A target of 300 ms kept the
 * accepted p99 under a second at 4× capacity on a server held to 0.6 of a core (500 ms: 1.01 s,
 * the cuts coming too late after the load arrived). The mean event-loop delay stayed under 45 ms at every
 * concurrency measured; 500 ms for two seconds running means a starved process (each of a
 * request's awaits costs that much), and two windows, not one, keep a single long pause (a
 * first request's compilation on a busy machine) from refusing anything.
 */
export const DEFAULT_OVERLOAD: OverloadSettings = { maxInFlight: 32, targetLatencyMs: 300, minInFlight: 8, maxEventLoopDelayMs: 500, retryAfterSeconds: 1 };

/** How often the event-loop delay is sampled (and the window its mean covers). */
const DELAY_WINDOW_MS = 1_000;
/** The delay monitor's timer: its own period is part of every sample and is taken off. */
const DELAY_RESOLUTION_MS = 10;

/** Paths that are never shed: probes must tell a busy process from a dead one. */
const NEVER_SHED = new Set(["/health", "/ready"]);

export interface Slot {
  /** Gives the slot back; idempotent. */
  release(): void;
}

export interface LoadState {
  inFlight: number;
  /** Requests taken at once now (null: no limit). */
  limit: number | null;
  /** Mean event-loop delay of the last window, in ms (0 when not watched). */
  eventLoopDelayMs: number;
}

export class LoadShedder {
  private readonly limit: AdaptiveLimit;
  /** Mean event-loop delay of the last two windows (ms). */
  private delayMs = 0;
  private previousDelayMs = 0;
  private readonly histogram?: IntervalHistogram;
  private readonly sampler?: NodeJS.Timeout;
  /** HTTP requests whose slot is released early: an SSE stream once it runs. */
  private readonly slots = new WeakMap<IncomingMessage, Slot>();

  /** `now`: a monotonic clock in ms (tests pass their own to make a request late). */
  constructor(
    readonly settings: OverloadSettings,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limit = new AdaptiveLimit({ max: settings.maxInFlight, min: settings.minInFlight, targetMs: settings.targetLatencyMs });
    if (settings.maxEventLoopDelayMs > 0) {
      const histogram = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
      histogram.enable();
      this.histogram = histogram;
      this.sampler = setInterval(() => {
        this.previousDelayMs = this.delayMs;
        this.delayMs = histogram.count > 0 ? Math.max(0, histogram.mean / 1e6 - DELAY_RESOLUTION_MS) : 0;
        histogram.reset();
      }, DELAY_WINDOW_MS);
      this.sampler.unref();
    }
  }

  state(): LoadState {
    const limit = this.limit.current;
    return { inFlight: this.limit.inFlight, limit: Number.isFinite(limit) ? limit : null, eventLoopDelayMs: Math.round(this.delayMs) };
  }

  /** A slot for a new request, or null when the process is past its capacity. */
  admit(): Slot | null {
    const { maxEventLoopDelayMs } = this.settings;
    if (maxEventLoopDelayMs > 0 && this.delayMs > maxEventLoopDelayMs && this.previousDelayMs > maxEventLoopDelayMs) return null;
    const admission = this.limit.acquire(this.now());
    if (!admission) return null;
    return { release: () => this.limit.release(admission, this.now()) };
  }

  /** The refusal as a GraphQL error (graphql-ws; HTTP sends it in a 503 body). */
  refusal(): GraphQLError {
    const retryAfterSeconds = this.settings.retryAfterSeconds;
    return new GraphQLError(`The server is over capacity for the moment: nothing of this request ran. Retry in ${retryAfterSeconds} s.`, {
      extensions: { code: "SERVICE_OVERLOADED", retryAfterSeconds },
    });
  }

  /**
   * For the HTTP server, first thing: true when the request may go on (it then holds a slot
   * until its response closes), false when it was answered 503 here.
   */
  admitHttp(request: IncomingMessage, response: ServerResponse): boolean {
    if (NEVER_SHED.has((request.url ?? "/").split("?")[0]!)) return true;
    const slot = this.admit();
    if (!slot) {
      response.writeHead(503, { "content-type": "application/json; charset=utf-8", "retry-after": String(this.settings.retryAfterSeconds) });
      response.end(JSON.stringify({ errors: [this.refusal().toJSON()] }));
      return false;
    }
    this.slots.set(request, slot);
    response.once("close", () => slot.release());
    return true;
  }

  /**
   * A yoga plugin: an SSE response gives its slot back once its stream starts (the subscription
   * is set up by then), so open streams never keep new requests out.
   */
  plugin(): Plugin<Record<string, unknown>, { req?: IncomingMessage }> {
    return {
      onResponse: ({ response, serverContext }) => {
        if (!serverContext.req || !response.headers.get("content-type")?.startsWith("text/event-stream")) return;
        this.slots.get(serverContext.req)?.release();
      },
    };
  }

  close(): void {
    clearInterval(this.sampler);
    this.histogram?.disable();
  }
}
