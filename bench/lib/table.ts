// The machine line and the one markdown table printed at the end of a run.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { ApproveResult } from "../cases/approve.js";
import type { AppsResult } from "../cases/apps.js";
import type { AutomaticResult, SteadyLoad } from "../cases/automatic.js";
import type { BatchResult } from "../cases/batch.js";
import type { ClusterResult } from "../cases/cluster.js";
import type { FanoutResult } from "../cases/fanout.js";
import type { ListResult } from "../cases/list.js";
import type { OverloadResult } from "../cases/overload.js";
import type { PeerResult } from "../cases/peer.js";
import { round } from "./measure.js";
import { type Backend, type PluginSet, withAdminDb } from "./server.js";

export interface Machine {
  date: string;
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  postgres: string;
}

export async function machine(): Promise<Machine> {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const memKiB = Number(/MemTotal:\s+(\d+)/.exec(readFileSync("/proc/meminfo", "utf8"))?.[1]);
  return {
    date: new Date().toISOString(),
    nproc: Number(execFileSync("nproc").toString().trim()),
    cpu: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? "unknown",
    memoryGiB: Math.round(memKiB / 1024 ** 2),
    node: process.version,
    postgres: await withAdminDb(async (client) => (await client.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version),
  };
}

export function machineLine(m: Machine): string {
  return `${m.date} · nproc ${m.nproc} · ${m.cpu} · ${m.memoryGiB} GiB · Node ${m.node} · PostgreSQL ${m.postgres}`;
}

export interface ScenarioResult {
  name: string;
  backend: Backend;
  plugins: PluginSet;
  automatic?: AutomaticResult;
  approve?: ApproveResult;
  list?: ListResult;
  batch?: BatchResult;
  fanout?: FanoutResult;
  apps?: AppsResult;
  /** PostgreSQL with the default plugins only: servers of their own (WEB_CONCURRENCY, the shipped overload limits). */
  cluster?: ClusterResult;
  overload?: OverloadResult;
  errors: string[];
}

export type Vendure = Exclude<PeerResult, { skipped: string }>;
interface Row {
  label: string;
  ours: (s: ScenarioResult) => string | undefined;
  peer?: (p: Vendure) => string;
}

const pair = (a: number, b: number) => `${a} / ${b}`;
const lag = (ms: number) => (Number.isFinite(ms) ? `${ms}` : "not all seen");
const steady = (load: SteadyLoad) =>
  `${pair(load.latency.p50, load.latency.p99)}, ${load.backlog} (${lag(load.firstThirdP50)} → ${lag(load.lastThirdP50)}); ${load.seen}/${load.sent} seen, ${load.skipped} not sent (client waiting) at ${load.offeredPerS}/s offered`;

function rows(loadClients: number[]): Row[] {
  return [
    { label: "staff APPROVE p50 / p99, c=1 (ms)", ours: (s) => s.approve && pair(s.approve.c1.p50, s.approve.c1.p99), peer: (p) => pair(p.refundC1.p50, p.refundC1.p99) },
    { label: "staff APPROVE throughput, c=10 (/s)", ours: (s) => s.approve && `${s.approve.c10.perS}`, peer: (p) => `${p.refundC10.perS}` },
    { label: "staff APPROVE p50 / p99, c=10 (ms)", ours: (s) => s.approve && pair(s.approve.c10.p50, s.approve.c10.p99), peer: (p) => pair(p.refundC10.p50, p.refundC10.p99) },
    { label: "server CPU per APPROVE, c=1 / c=10 (ms)", ours: (s) => s.approve && pair(s.approve.c1.cpuMsPerOp, s.approve.c10.cpuMsPerOp), peer: (p) => pair(p.refundC1.cpuMsPerOp, p.refundC10.cpuMsPerOp) },
    { label: "SQL statements per APPROVE (with what it triggers)", ours: (s) => s.approve && `${s.approve.c1.statementsPerOp}` },
    { label: "floor APPROVE (node-postgres, 1 tx): p50 c=1 (ms) / throughput c=10 (/s)", ours: (s) => s.approve?.floor && pair(s.approve.floor.c1.p50, s.approve.floor.c10.perS) },
    { label: "APPROVE ÷ floor: p50 c=1 / floor throughput ÷ ours c=10", ours: (s) => s.approve?.floor && `${s.approve.floor.p50Ratio}× / ${s.approve.floor.throughputRatio}×` },
    { label: "automatic refund → REFUNDED seen, c=1, p50 / p99 (ms)", ours: (s) => s.automatic && pair(s.automatic.c1.p50, s.automatic.c1.p99) },
    { label: "server CPU (ms) / SQL statements per automatic refund", ours: (s) => s.automatic && pair(s.automatic.c1.cpuMsPerOp, s.automatic.c1.statementsPerOp) },
    { label: "automatic refund through the WeChat Pay stand-in → REFUNDED seen, c=1, p50 / p99 (ms)", ours: (s) => s.automatic?.wechat && pair(s.automatic.wechat.p50, s.automatic.wechat.p99) },
    { label: "server CPU (ms) / SQL statements per automatic refund through WeChat Pay", ours: (s) => s.automatic?.wechat && pair(s.automatic.wechat.cpuMsPerOp, s.automatic.wechat.statementsPerOp) },
    ...loadClients.map(
      (clients, i): Row => ({
        label: `${clients} clients steady: → REFUNDED p50 / p99 (ms), backlog (p50 first → last third)`,
        ours: (s) => {
          const load = s.automatic?.load[i];
          return load && steady(load);
        },
      }),
    ),
    {
      label: "clients back to back (closed loop): → REFUNDED p50 / p99 (ms), backlog (p50 first → last third); answered p50 / p99 (ms)",
      ours: (s) => {
        const closed = s.automatic?.closed;
        if (!closed) return undefined;
        return `${closed.clients} clients: ${pair(closed.latency.p50, closed.latency.p99)}, ${closed.backlog} (${lag(closed.firstThirdP50)} → ${lag(closed.lastThirdP50)}); answered ${pair(closed.answer.p50, closed.answer.p99)}; ${closed.seen}/${closed.sent} seen; ${closed.intakePerS}/s answered, ${closed.seenPerS}/s seen${closed.ranOutOfOrders ? `, orders ran out after ${closed.sendingS} s` : ""}`;
      },
    },
    { label: "server CPU (ms) / SQL statements per automatic refund, back to back", ours: (s) => s.automatic?.closed && pair(s.automatic.closed.cpuMsPerOp, s.automatic.closed.statementsPerOp) },
    { label: "more processes: steady load → REFUNDED p50 / p99 (ms), backlog", ours: (s) => s.cluster && `WEB_CONCURRENCY=${s.cluster.workers}, ${s.cluster.load.clients} clients: ${steady(s.cluster.load)}; ${s.cluster.load.cpuMsPerOp} ms CPU per refund (all processes)` },
    {
      label: "overload: offered (× capacity) / sent / accepted / refused / time-outs / errors",
      ours: (s) => {
        const o = s.overload;
        return o && `${o.offeredPerS}/s (${round(o.offeredPerS / o.capacityPerS, 1)}× ${o.capacityPerS}/s) for ${o.windowS} s: ${o.sent} / ${o.accepted} / ${o.refused} / ${o.timedOut} / ${o.errors}${o.notSent ? `; ${o.notSent} not sent (no order left)` : ""}; driver late ≤ ${o.maxSendLateMs} ms`;
      },
    },
    { label: "overload: refusal p50 / p99 / max (ms)", ours: (s) => s.overload && `${pair(s.overload.refusal.p50, s.overload.refusal.p99)} / ${s.overload.refusal.max} (${s.overload.refusedWithRetryAfter}/${s.overload.refused} with Retry-After)` },
    { label: "overload: accepted p50 / p99 / max (ms); answered within 1 s", ours: (s) => s.overload && `${pair(s.overload.acceptedLatency.p50, s.overload.acceptedLatency.p99)} / ${s.overload.acceptedLatency.max}; ${s.overload.answeredWithin1s}/${s.overload.sent}` },
    { label: "overload: accepted REFUNDED / held for review / lost; refunds stored; created → REFUNDED p50 / p99 (ms, database)", ours: (s) => s.overload && `${s.overload.refunded} / ${s.overload.heldForReview} / ${s.overload.lost}; ${s.overload.storedRefunds} stored for ${s.overload.accepted} accepted; ${pair(s.overload.settle.p50, s.overload.settle.p99)}` },
    { label: "page of 100 refunds + order, customer, reason, history: p50 / p99 (ms)", ours: (s) => s.list && pair(s.list.page.p50, s.list.page.p99) },
    { label: "SQL statements per page", ours: (s) => s.list && `${s.list.page.statementsPerOp}` },
    { label: "empty request with a token, p50 (ms)", ours: (s) => s.list && `${s.list.trivial.p50}`, peer: (p) => `${p.trivialP50}` },
    { label: "server CPU per empty request (ms)", ours: (s) => s.list && `${s.list.trivial.cpuMsPerOp}`, peer: (p) => `${p.trivialCpuMsPerOp ?? "—"}` },
    { label: "page p50 ÷ empty request p50", ours: (s) => s.list && `${s.list.p50Ratio}×` },
    { label: "batch of 50 APPROVEs vs 50 single calls, p50 (ms)", ours: (s) => s.batch && `${s.batch.batchMs.p50} vs ${s.batch.singlesMs.p50} = ${Math.round(s.batch.ratio * 100)}%` },
    { label: "fan-out: delivery from sending the transition, p50 / p99 (ms)", ours: (s) => s.fanout && `${pair(s.fanout.delivery.p50, s.fanout.delivery.p99)} (${s.fanout.subscribers.ws + s.fanout.subscribers.sse} subscribers, ${s.fanout.delivery.missing} missing)` },
    { label: "fan-out: transition p50 alone / with the subscribers (ms)", ours: (s) => s.fanout && pair(s.fanout.transitionAlone.p50, s.fanout.transitionWithSubscribers.p50) },
    { label: "apps: APPROVE p50 / p99, c=1, no app (ms)", ours: (s) => s.apps && `${pair(s.apps.none.p50, s.apps.none.p99)} (${s.apps.none.statementsPerOp} statements)` },
    { label: "apps: APPROVE p50 / p99, one async webhook app (ms)", ours: (s) => s.apps && `${pair(s.apps.webhook.p50, s.apps.webhook.p99)} (${s.apps.webhook.statementsPerOp} statements, ${s.apps.webhook.delivered} delivered)` },
    { label: "apps: APPROVE p50 / p99, one sync check app (ms)", ours: (s) => s.apps && `${pair(s.apps.check.p50, s.apps.check.p99)} (${s.apps.check.statementsPerOp} statements)` },
    { label: "apps: the check's HTTP call p50 / p99, server-side (ms)", ours: (s) => s.apps && `${pair(s.apps.checkCall.p50 ?? Number.NaN, s.apps.checkCall.p99 ?? Number.NaN)} (${s.apps.checkCall.calls} calls)` },
  ];
}

export function table(scenarios: ScenarioResult[], peer: PeerResult | undefined, loadClients: number[]): string {
  const vendure = peer && !("skipped" in peer) ? peer : undefined;
  const header = ["case", ...scenarios.map((s) => s.name), ...(vendure ? [`Vendure ${vendure.vendure} refundOrder`] : [])];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows(loadClients)) {
    const cells = scenarios.map((s) => row.ours(s) ?? "—");
    if (cells.every((cell) => cell === "—") && !(vendure && row.peer)) continue;
    if (vendure) cells.push(row.peer ? row.peer(vendure) : "—");
    lines.push(`| ${row.label} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
