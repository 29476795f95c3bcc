// The pure parts of apps' synchronous checks: what an answer means, how answers combine, and
// the circuit breaker's states on a clock the test moves.
import { describe, expect, it } from "vitest";
import {
  type AppCheckDef,
  type CheckResult,
  CircuitBreaker,
  checksFor,
  combineCheckResults,
  failedCheck,
  parseCheckAnswer,
  percentile,
} from "../../src/domain/app-checks.js";

const check = (id: string, onFailure: "CONTINUE" | "HOLD" = "CONTINUE", actions: AppCheckDef["actions"] = ["APPROVE"]): AppCheckDef => ({
  id,
  appId: `app-${id}`,
  appName: id,
  actions,
  targetUrl: "https://example.com/check",
  timeoutMs: 2000,
  onFailure,
  secret: "s",
});

const answered = (of: AppCheckDef, decision: "CONTINUE" | "VETO" | "HOLD"): CheckResult => ({
  check: of, outcome: decision, applied: decision, code: null, message: null, httpStatus: 200, latencyMs: 3, error: null,
});

describe("an app's answer", () => {
  it("is one of the three decisions, with an optional code and message", () => {
    expect(parseCheckAnswer('{"decision":"CONTINUE"}')).toEqual({ ok: true, decision: "CONTINUE", code: null, message: null });
    expect(parseCheckAnswer('{"decision":"VETO","code":"TOO_MUCH","message":"Over 500"}')).toEqual({ ok: true, decision: "VETO", code: "TOO_MUCH", message: "Over 500" });
    expect(parseCheckAnswer('{"decision":"HOLD","message":"look at it"}')).toMatchObject({ ok: true, decision: "HOLD", message: "look at it" });
  });

  it("that is not JSON, not an object, or names an unknown decision is no answer", () => {
    expect(parseCheckAnswer("OK")).toEqual({ ok: false, problem: "the answer is not JSON" });
    expect(parseCheckAnswer("[1]")).toEqual({ ok: false, problem: "the answer is not a JSON object" });
    expect(parseCheckAnswer('{"decision":"MAYBE"}')).toEqual({ ok: false, problem: 'unknown decision "MAYBE"' });
    expect(parseCheckAnswer('{"decision":"continue"}')).toMatchObject({ ok: false });
    expect(parseCheckAnswer("{}")).toEqual({ ok: false, problem: "unknown decision null" });
  });
});

describe("several checks on one transition", () => {
  it("a veto wins over a hold, a hold over continuing; a failure counts as its policy", () => {
    const [a, b, c] = [check("a"), check("b", "HOLD"), check("c")];
    expect(combineCheckResults([answered(a, "CONTINUE"), answered(c, "CONTINUE")])).toEqual({});
    const timedOut = failedCheck(b, "TIMEOUT", "no answer");
    expect(timedOut.applied).toBe("HOLD");
    expect(combineCheckResults([answered(a, "CONTINUE"), timedOut]).hold).toBe(timedOut);
    expect(combineCheckResults([timedOut, answered(c, "VETO")]).veto?.check).toBe(c);
    expect(failedCheck(a, "BAD_ANSWER", "x").applied).toBe("CONTINUE");
  });

  it("only the checks of the action are asked", () => {
    const checks = [check("a"), check("b", "CONTINUE", ["FINANCE_APPROVE"])];
    expect(checksFor(checks, "APPROVE").map((one) => one.id)).toEqual(["a"]);
    expect(checksFor(undefined, "APPROVE")).toEqual([]);
  });
});

describe("the circuit breaker", () => {
  it("opens after five failures in a row, lets one trial through after 30 s, and closes on its success", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 30_000, keepLatencies: 100 }, () => now);
    for (let call = 0; call < 4; call += 1) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed("TIMEOUT", 2000);
    }
    expect(breaker.status()).toBe("CLOSED");
    breaker.succeeded(10); // a success in between starts the count again
    for (let call = 0; call < 5; call += 1) {
      expect(breaker.tryAcquire()).toBe(true);
      breaker.failed("BAD_STATUS: answered HTTP 500", 5);
    }
    expect(breaker.health()).toMatchObject({ status: "OPEN", consecutiveFailures: 5, lastError: "BAD_STATUS: answered HTTP 500" });
    expect(breaker.tryAcquire()).toBe(false);
    now = 29_999;
    expect(breaker.tryAcquire()).toBe(false);
    now = 30_000;
    expect(breaker.status()).toBe("HALF_OPEN");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // one trial at a time
    breaker.succeeded(7);
    expect(breaker.health()).toMatchObject({ status: "CLOSED", consecutiveFailures: 0 });
  });

  it("a failed trial opens it again for another 30 s", () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 1_000, keepLatencies: 100 }, () => now);
    breaker.failed("x", null);
    breaker.failed("x", null);
    now = 1_000;
    expect(breaker.tryAcquire()).toBe(true);
    breaker.failed("still down", 3);
    expect(breaker.status()).toBe("OPEN");
    now = 1_999;
    expect(breaker.tryAcquire()).toBe(false);
  });

  it("reports p50 and p99 of the recent calls' latencies", () => {
    const breaker = new CircuitBreaker({ failureThreshold: 5, openMs: 1_000, keepLatencies: 100 });
    expect(breaker.health().p50LatencyMs).toBeNull();
    for (let ms = 1; ms <= 200; ms += 1) breaker.succeeded(ms);
    // Only the last 100 are kept: 101..200.
    expect(breaker.health()).toMatchObject({ p50LatencyMs: 150, p99LatencyMs: 199, recentCalls: 100 });
    expect(percentile([5], 0.99)).toBe(5);
  });
});
