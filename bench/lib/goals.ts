// The goals of issue 25, each with this run's figure (PostgreSQL, default plugins), the peer's
// where the goal is a ratio to it, and whether it is met. Reported, never asserted: a goal whose
// figure is missing (case not run, no peer) is "not measured".
import type { SteadyLoad } from "../cases/automatic.js";
import type { OverloadResult } from "../cases/overload.js";
import { round } from "./measure.js";
import type { ScenarioResult, Vendure } from "./table.js";

export interface Goal {
  goal: string;
  /** This run's figure. */
  ours: string;
  /** The peer's figure, for a goal that is a ratio to it. */
  peer?: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

const NOT_MEASURED = "not measured";

/** A goal "ours ≤ factor × the peer's" (or ≥ for `atLeast`), for figures where less is better or more is. */
function ratioGoal(goal: string, unit: string, ours: number | undefined, peer: number | null | undefined, factor: number, atLeast = false): Goal {
  const peerText = peer == null ? (ours === undefined ? undefined : "no peer") : withUnit(peer, unit);
  if (ours === undefined) return { goal, ours: NOT_MEASURED, peer: peerText, met: null };
  if (peer == null || !(peer > 0)) return { goal, ours: withUnit(ours, unit), peer: peerText, met: null };
  const ratio = round(ours / peer, 2);
  return { goal, ours: `${withUnit(ours, unit)} = ${ratio}× the peer`, peer: peerText, met: atLeast ? ours >= factor * peer : ours <= factor * peer };
}

function limitGoal(goal: string, unit: string, ours: number | undefined, limit: number, below = false): Goal {
  if (ours === undefined || Number.isNaN(ours)) return { goal, ours: NOT_MEASURED, met: null };
  return { goal, ours: withUnit(ours, unit), met: below ? ours < limit : ours <= limit };
}

const withUnit = (value: number, unit: string) => (unit === "" || unit.startsWith("/") ? `${value}${unit}` : `${value} ${unit}`);

/** Every request seen REFUNDED, p99 < 500 ms, backlog steady. */
function loadGoal(goal: string, load: SteadyLoad | undefined): Goal {
  if (!load) return { goal, ours: NOT_MEASURED, met: null };
  return {
    goal,
    ours: `${load.seen}/${load.sent} seen (${load.skipped} not sent) at ${load.offeredPerS}/s, p99 ${load.latency.p99} ms, backlog ${load.backlog}`,
    met: load.sent > 0 && load.seen === load.sent && load.skipped === 0 && load.latency.p99 < 500 && load.backlog === "steady",
  };
}

export function goals(scenario: ScenarioResult | undefined, peer: Vendure | undefined): Goal[] {
  const s = scenario;
  const approve = s?.approve;
  const automatic = s?.automatic;
  const closed = automatic?.closed;
  const o = s?.overload;
  const overload = (goal: string, ours: (o: OverloadResult) => string, met: (o: OverloadResult) => boolean): Goal =>
    o ? { goal, ours: ours(o), met: met(o) } : { goal, ours: NOT_MEASURED, met: null };
  return [
    ratioGoal("server CPU per APPROVE (c=1) ≤ 0.4× the peer's per refundOrder (c=1)", "ms", approve?.c1.cpuMsPerOp, peer?.refundC1.cpuMsPerOp, 0.4),
    ratioGoal("server CPU per automatic refund (c=1) ≤ 1.25× the peer's per refundOrder (c=1)", "ms", automatic?.c1.cpuMsPerOp, peer?.refundC1.cpuMsPerOp, 1.25),
    ratioGoal("APPROVE throughput at c=10 ≥ 3× the peer's", "/s", approve?.c10.perS, peer?.refundC10.perS, 3, true),
    ratioGoal("APPROVE p50 at c=10 ≤ ⅓ of the peer's", "ms", approve?.c10.p50, peer?.refundC10.p50, 1 / 3),
    ratioGoal("empty request p50 ≤ 1.5× the peer's empty query", "ms", s?.list?.trivial.p50, peer?.trivialP50, 1.5),
    ratioGoal("server CPU per empty request ≤ 1.5× the peer's per empty query", "ms", s?.list?.trivial.cpuMsPerOp, peer?.trivialCpuMsPerOp, 1.5),
    limitGoal("automatic refund → REFUNDED seen p99 < 50 ms at c=1", "ms", automatic?.c1.p99, 50, true),
    closed
      ? {
          goal: `automatic refund → REFUNDED seen p99 < 500 ms, ${closed.clients} clients back to back`,
          ours: `p99 ${closed.latency.p99} ms, ${closed.seen}/${closed.sent} seen, backlog ${closed.backlog}, ${closed.intakePerS}/s answered`,
          met: closed.sent > 0 && closed.seen === closed.sent && closed.latency.p99 < 500,
        }
      : { goal: "automatic refund → REFUNDED seen p99 < 500 ms, 10 clients back to back", ours: NOT_MEASURED, met: null },
    loadGoal("50 clients × 1 automatic refund/s, one process: all seen REFUNDED, p99 < 500 ms, backlog steady", automatic?.load.find((load) => load.offeredPerS === 50)),
    loadGoal(`WEB_CONCURRENCY=${s?.cluster?.workers ?? 2}, ${s?.cluster?.load.offeredPerS ?? 80} automatic refunds/s: all seen REFUNDED, p99 < 500 ms, backlog steady`, s?.cluster?.load),
    overload(
      "overload (× capacity): every request answered, accepted or refused, within 1 s",
      (o) => `${o.answeredWithin1s}/${o.sent} within 1 s at ${o.offeredPerS}/s (${round(o.offeredPerS / o.capacityPerS, 1)}× ${o.capacityPerS}/s); slowest ${o.answered.max} ms`,
      (o) => o.sent > 0 && o.answeredWithin1s === o.sent,
    ),
    overload("overload: refusals (503 SERVICE_OVERLOADED) within 100 ms", (o) => `${o.refused} refused: p50 ${o.refusal.p50}, p99 ${o.refusal.p99}, max ${o.refusal.max} ms`, (o) => o.refused === 0 || o.refusal.max < 100),
    overload("overload: no time-out, no error", (o) => `${o.timedOut} time-outs, ${o.errors} errors`, (o) => o.timedOut === 0 && o.errors === 0),
    overload(
      "overload: nothing accepted lost (every accepted refund REFUNDED or held for review, nothing refused stored)",
      (o) => `${o.refunded}/${o.accepted} REFUNDED, ${o.heldForReview} held for review, ${o.storedRefunds} refunds stored`,
      (o) => o.lost === 0 && o.storedRefunds === o.accepted,
    ),
    overload("overload: accepted requests p99 < 1 s", (o) => `${o.accepted} accepted: p50 ${o.acceptedLatency.p50}, p99 ${o.acceptedLatency.p99} ms`, (o) => o.accepted > 0 && o.acceptedLatency.p99 < 1000),
    limitGoal("SQL statements per APPROVE ≤ 8 (token check included)", "", approve?.c1.statementsPerOp, 8),
    limitGoal("SQL statements per automatic refund ≤ 20", "", automatic?.c1.statementsPerOp, 20),
    limitGoal("SQL statements per list page ≤ 6", "", s?.list?.page.statementsPerOp, 6),
    s?.fanout
      ? {
          goal: "1,000 subscribers: delivery p99 < 200 ms",
          ours: `p99 ${s.fanout.delivery.p99} ms (${s.fanout.subscribers.ws + s.fanout.subscribers.sse} subscribers, ${s.fanout.delivery.missing} missing)`,
          met: s.fanout.delivery.p99 < 200 && s.fanout.delivery.missing === 0,
        }
      : { goal: "1,000 subscribers: delivery p99 < 200 ms", ours: NOT_MEASURED, met: null },
  ];
}

export function goalsTable(list: Goal[], scenarioName: string): string {
  const lines = [`| goal (${scenarioName}) | this run | peer | met |`, "|---|---|---|---|"];
  for (const goal of list) lines.push(`| ${goal.goal} | ${goal.ours} | ${goal.peer ?? ""} | ${goal.met === null ? "—" : goal.met ? "yes" : "**no**"} |`);
  return lines.join("\n");
}
