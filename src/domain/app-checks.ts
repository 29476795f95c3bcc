// Apps' synchronous before-transition checks, the parts with no I/O: which actions a check may
// cover, what an app's answer means, how several answers combine, and the circuit breaker that
// stops calling an app that keeps failing. The HTTP call itself is src/apps/checks.ts.
import { REFUND_ACTIONS, type RefundAction } from "./refund-machine.js";

export const CHECK_DECISIONS = ["CONTINUE", "VETO", "HOLD"] as const;
export type CheckDecision = (typeof CHECK_DECISIONS)[number];

/** What a failed call (timeout, network error, non-2xx, bad answer, open circuit) counts as. */
export const CHECK_FAILURE_POLICIES = ["CONTINUE", "HOLD"] as const;
export type CheckFailurePolicy = (typeof CHECK_FAILURE_POLICIES)[number];

/**
 * Actions a check may cover: the ones people (and rules or timers in their stead) take. The
 * platform's own steps are not the app's to refuse: a refund is always requested and classified,
 * and a payment provider's answer is a fact.
 */
const PLATFORM_STEPS: readonly RefundAction[] = ["REQUEST", "CLASSIFY", "PAYMENT_SUCCEEDED", "PAYMENT_FAILED"];
export const CHECKABLE_ACTIONS: readonly RefundAction[] = REFUND_ACTIONS.filter((action) => !PLATFORM_STEPS.includes(action));

export function isCheckableAction(action: RefundAction): boolean {
  return CHECKABLE_ACTIONS.includes(action);
}

/** Per-app wait: 2 s unless set, 0.1 s to 5 s. */
export const CHECK_TIMEOUT_MS = { default: 2_000, min: 100, max: 5_000 } as const;

/** A shop's check as every transition of the shop needs it (cached with the shop's policies). */
export interface AppCheckDef {
  id: string;
  appId: string;
  appName: string;
  actions: RefundAction[];
  targetUrl: string;
  timeoutMs: number;
  onFailure: CheckFailurePolicy;
  /** Signs each call (`X-Refund-Signature`); write-only in the API. */
  secret: string;
}

/** The checks of a shop that cover an action: none for most shops, so the transition path does nothing. */
export function checksFor(checks: readonly AppCheckDef[] | undefined, action: RefundAction): AppCheckDef[] {
  return checks?.filter((check) => check.actions.includes(action)) ?? [];
}

/** An app's answer, as understood: a decision, or why it is not one. */
export type ParsedCheckAnswer =
  | { ok: true; decision: CheckDecision; code: string | null; message: string | null }
  | { ok: false; problem: string };

/** Reads `{ "decision": "CONTINUE" | "VETO" | "HOLD", "code"?, "message"? }` from a response body. */
export function parseCheckAnswer(body: string): ParsedCheckAnswer {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, problem: "the answer is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { ok: false, problem: "the answer is not a JSON object" };
  const { decision, code, message } = value as Record<string, unknown>;
  if (typeof decision !== "string" || !(CHECK_DECISIONS as readonly string[]).includes(decision)) {
    return { ok: false, problem: `unknown decision ${JSON.stringify(decision ?? null).slice(0, 40)}` };
  }
  return {
    ok: true,
    decision: decision as CheckDecision,
    code: typeof code === "string" && code.length > 0 ? code.slice(0, 64) : null,
    message: typeof message === "string" && message.length > 0 ? message.slice(0, 500) : null,
  };
}

/** How one check ended, as recorded: the app's decision, or the kind of failure. */
export const CHECK_CALL_OUTCOMES = ["CONTINUE", "VETO", "HOLD", "TIMEOUT", "NETWORK_ERROR", "BAD_STATUS", "BAD_ANSWER", "CIRCUIT_OPEN"] as const;
export type CheckCallOutcome = (typeof CHECK_CALL_OUTCOMES)[number];

/** One check's result: what it decided (a failure already turned into its policy), and what happened. */
export interface CheckResult {
  check: AppCheckDef;
  outcome: CheckCallOutcome;
  /** The decision applied: the app's, or the failure policy's. */
  applied: CheckDecision;
  code: string | null;
  message: string | null;
  httpStatus: number | null;
  /** Null when no call was made (open circuit). */
  latencyMs: number | null;
  error: string | null;
}

/** A failed call becomes its check's failure policy. */
export function failedCheck(check: AppCheckDef, outcome: Exclude<CheckCallOutcome, CheckDecision>, error: string, extra: { httpStatus?: number | null; latencyMs?: number | null } = {}): CheckResult {
  return { check, outcome, applied: check.onFailure, code: null, message: null, httpStatus: extra.httpStatus ?? null, latencyMs: extra.latencyMs ?? null, error };
}

/** Several checks on one transition: the first veto (in the checks' order) wins, then any hold. */
export function combineCheckResults(results: readonly CheckResult[]): { veto?: CheckResult; hold?: CheckResult } {
  const veto = results.find((result) => result.applied === "VETO");
  if (veto) return { veto };
  const hold = results.find((result) => result.applied === "HOLD");
  return hold ? { hold } : {};
}

export type CircuitStatus = "CLOSED" | "OPEN" | "HALF_OPEN";

export interface CheckHealth {
  status: CircuitStatus;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: Date | null;
  /** Over the recent calls kept (at most `keepLatencies`); null before the first call. */
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  recentCalls: number;
}

/**
 * A circuit breaker for one check: after `failureThreshold` failures in a row it opens and no
 * call is made (the failure policy applies at once) until `openMs` has passed; then one trial
 * call goes out (half-open): a success closes it, a failure opens it again for `openMs`.
 */
export class CircuitBreaker {
  private consecutiveFailures = 0;
  private openedAt: number | null = null;
  private trialInFlight = false;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private readonly latencies: number[] = [];

  constructor(
    private readonly options: { failureThreshold: number; openMs: number; keepLatencies: number } = { failureThreshold: 5, openMs: 30_000, keepLatencies: 100 },
    private readonly now: () => number = Date.now,
  ) {}

  status(): CircuitStatus {
    if (this.openedAt === null) return "CLOSED";
    return this.now() - this.openedAt >= this.options.openMs ? "HALF_OPEN" : "OPEN";
  }

  /** Whether a call may go out now; in half-open, only one trial at a time. */
  tryAcquire(): boolean {
    const status = this.status();
    if (status === "CLOSED") return true;
    if (status === "OPEN" || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  succeeded(latencyMs: number): void {
    this.keepLatency(latencyMs);
    this.consecutiveFailures = 0;
    this.openedAt = null;
    this.trialInFlight = false;
  }

  failed(error: string, latencyMs: number | null): void {
    if (latencyMs !== null) this.keepLatency(latencyMs);
    this.consecutiveFailures += 1;
    this.lastError = error;
    this.lastErrorAt = this.now();
    const wasTrial = this.trialInFlight;
    this.trialInFlight = false;
    if (wasTrial || this.consecutiveFailures >= this.options.failureThreshold) this.openedAt = this.now();
  }

  health(): CheckHealth {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    return {
      status: this.status(),
      consecutiveFailures: this.consecutiveFailures,
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt === null ? null : new Date(this.lastErrorAt),
      p50LatencyMs: percentile(sorted, 0.5),
      p99LatencyMs: percentile(sorted, 0.99),
      recentCalls: sorted.length,
    };
  }

  /** The latencies of the recent calls, oldest first. */
  latenciesKept(): readonly number[] {
    return this.latencies;
  }

  private keepLatency(latencyMs: number): void {
    this.latencies.push(latencyMs);
    if (this.latencies.length > this.options.keepLatencies) this.latencies.shift();
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}
