// Calls apps' synchronous before-transition checks: one signed POST per check, bounded by the
// check's timeout; every failure (timeout, network, non-2xx, an answer that is not one) becomes
// the check's failure policy; a per-check circuit breaker stops calling an app that keeps
// failing. Breakers and latencies live in this process's memory (each server process judges
// the apps it calls by itself): `App.health` reports what this process has seen. Every call is
// also recorded as an AppCheckCall row.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Database } from "../db/database.js";
import {
  type AppCheckDef,
  type CheckHealth,
  type CheckResult,
  type CircuitStatus,
  CircuitBreaker,
  combineCheckResults,
  failedCheck,
  parseCheckAnswer,
  percentile,
} from "../domain/app-checks.js";
import { isUserErrorCode } from "../domain/errors.js";
import { outboundFetch } from "../outbound/index.js";
import type { AppCheckOutcome, AppCheckRunner, BeforeTransitionEvent } from "../services/transition-hooks.js";
import { SIGNATURE_HEADER, webhookSignature } from "./signing.js";

export interface AppCheckCallerOptions {
  /** Failures in a row that open a check's circuit (default 5). */
  failureThreshold?: number;
  /** How long an open circuit stays open before one trial call (default 30 s). */
  openMs?: number;
  now?: () => number;
  /** Told when recording a call failed: the transition is not failed for it. */
  onRecordError?: (error: unknown) => void;
}

/** What an app is told about a transition before it is made (documented in docs/apps.md). */
export function checkPayload(event: BeforeTransitionEvent) {
  const { refund } = event;
  return {
    type: "BEFORE_TRANSITION",
    action: event.action,
    amount: event.amount,
    from: event.from,
    to: event.to,
    note: event.note,
    actor: { kind: event.actor.kind, role: event.actor.role ?? null, name: event.actor.name ?? null },
    refund: {
      id: encodeGlobalID("Refund", refund.id),
      status: refund.status,
      type: refund.type,
      requestedAmount: refund.requestedAmount,
      approvedAmount: refund.approvedAmount,
      currency: refund.currency,
      version: refund.version,
      orderId: encodeGlobalID("Order", refund.orderId),
      customerId: encodeGlobalID("Customer", refund.customerId),
    },
  };
}

const CIRCUIT_ORDER: readonly CircuitStatus[] = ["CLOSED", "HALF_OPEN", "OPEN"];

export class AppCheckCaller implements AppCheckRunner {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly recording = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly options: AppCheckCallerOptions = {},
  ) {}

  async ask(checks: readonly AppCheckDef[], event: BeforeTransitionEvent, options: { awaitRecord?: boolean } = {}): Promise<AppCheckOutcome> {
    // One body for all the checks: each is signed with its own secret.
    const body = JSON.stringify(checkPayload(event));
    const results = await Promise.all(checks.map((check) => this.call(check, body)));
    const recorded = this.record(event, results);
    if (options.awaitRecord) await recorded;
    const { veto, hold } = combineCheckResults(results);
    if (veto) {
      const by = `app ${veto.check.appName}`;
      const message = veto.message ?? "The app refused the action";
      // Clients switch over a closed list of codes: an app's own code is kept in the message.
      if (veto.code && isUserErrorCode(veto.code)) return { veto: { by, code: veto.code, message } };
      return { veto: { by, code: "APP_VETO", message: veto.code ? `${veto.code}: ${message}` : message } };
    }
    if (hold) {
      const reason = hold.outcome === "HOLD"
        ? (hold.message ?? "The app holds the refund for review")
        : `The app's check failed (${hold.outcome}: ${hold.error}); its failure policy holds the refund for review`;
      return { hold: { by: `app ${hold.check.appName}`, reason } };
    }
    return {};
  }

  /** An app's health as `App.health` shows it: the worst of its checks' circuits in this process. */
  healthOf(checkIds: readonly string[]): CheckHealth | null {
    const healths = checkIds.flatMap((id) => {
      const breaker = this.breakers.get(id);
      return breaker ? [breaker.health()] : [];
    });
    if (healths.length === 0) return null;
    const latencies = checkIds.flatMap((id) => this.breakers.get(id)?.latenciesKept() ?? []).sort((a, b) => a - b);
    const lastFailure = healths.filter((health) => health.lastErrorAt).sort((a, b) => b.lastErrorAt!.getTime() - a.lastErrorAt!.getTime())[0];
    return {
      status: healths.map((health) => health.status).reduce((worst, status) => (CIRCUIT_ORDER.indexOf(status) > CIRCUIT_ORDER.indexOf(worst) ? status : worst), "CLOSED" as CircuitStatus),
      consecutiveFailures: Math.max(...healths.map((health) => health.consecutiveFailures)),
      lastError: lastFailure?.lastError ?? null,
      lastErrorAt: lastFailure?.lastErrorAt ?? null,
      p50LatencyMs: percentile(latencies, 0.5),
      p99LatencyMs: percentile(latencies, 0.99),
      recentCalls: latencies.length,
    };
  }

  /** A check was changed or deleted: its circuit starts closed again. */
  forget(checkId: string): void {
    this.breakers.delete(checkId);
  }

  /** Waits for the call records still being written (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.recording.size > 0) await Promise.allSettled([...this.recording]);
  }

  private breakerOf(checkId: string): CircuitBreaker {
    let breaker = this.breakers.get(checkId);
    if (!breaker) {
      breaker = new CircuitBreaker({ failureThreshold: this.options.failureThreshold ?? 5, openMs: this.options.openMs ?? 30_000, keepLatencies: 100 }, this.options.now);
      this.breakers.set(checkId, breaker);
    }
    return breaker;
  }

  private async call(check: AppCheckDef, body: string): Promise<CheckResult> {
    const breaker = this.breakerOf(check.id);
    if (!breaker.tryAcquire()) {
      return failedCheck(check, "CIRCUIT_OPEN", `not called: the circuit is open after ${breaker.health().consecutiveFailures} failures in a row`);
    }
    const signal = AbortSignal.timeout(check.timeoutMs);
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let result: CheckResult;
    try {
      const response = await outboundFetch(check.targetUrl, {
        method: "POST",
        // Signed as webhooks are: a receiver verifies both the same way (docs/apps.md).
        headers: { "content-type": "application/json", [SIGNATURE_HEADER]: webhookSignature(check.secret, body, Math.floor(Date.now() / 1000)) },
        body,
        signal,
      });
      // The timeout covers reading the answer too: the signal aborts the body's stream.
      const text = await response.text();
      const latencyMs = elapsed();
      if (!response.ok) {
        result = failedCheck(check, "BAD_STATUS", `answered HTTP ${response.status}`, { httpStatus: response.status, latencyMs });
      } else {
        const answer = parseCheckAnswer(text);
        result = answer.ok
          ? { check, outcome: answer.decision, applied: answer.decision, code: answer.code, message: answer.message, httpStatus: response.status, latencyMs, error: null }
          : failedCheck(check, "BAD_ANSWER", answer.problem, { httpStatus: response.status, latencyMs });
      }
    } catch (error) {
      const latencyMs = elapsed();
      result = signal.aborted
        ? failedCheck(check, "TIMEOUT", `no answer within ${check.timeoutMs} ms`, { latencyMs })
        : failedCheck(check, "NETWORK_ERROR", error instanceof Error ? error.message : String(error), { latencyMs });
    }
    if (result.error === null) breaker.succeeded(result.latencyMs!);
    else breaker.failed(`${result.outcome}: ${result.error}`, result.latencyMs);
    return result;
  }

  /**
   * One insert for the transition's calls. Asked inside a unit of work, the caller does not wait
   * for it: the embedded PGlite's one connection is the transaction's until it ends.
   */
  private record(event: BeforeTransitionEvent, results: readonly CheckResult[]): Promise<void> {
    const writing = this.db.prisma.appCheckCall
      .createMany({
        data: results.map((result) => ({
          shopId: event.refund.shopId,
          appId: result.check.appId,
          checkId: result.check.id,
          refundId: event.refund.id,
          action: event.action,
          outcome: result.outcome,
          applied: result.applied,
          httpStatus: result.httpStatus,
          latencyMs: result.latencyMs,
          error: result.error?.slice(0, 500) ?? null,
        })),
      })
      .then(
        () => undefined,
        (error: unknown) => this.options.onRecordError?.(error),
      );
    this.recording.add(writing);
    void writing.finally(() => this.recording.delete(writing));
    return writing;
  }
}
