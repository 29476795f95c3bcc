// `npm run bench`: the performance cases of issues 11 and 25 (BENCHMARKS.md says what each
// measures and how to read it). Each scenario — PostgreSQL and the embedded PGlite, with the
// default plugins and with PLUGINS=none — starts its own server process on its own database;
// PostgreSQL with the default plugins also runs a WEB_CONCURRENCY server and an overloaded one;
// then the peer (Vendure) runs; then the markdown table and the goals table are printed and the
// JSON written to bench/out/.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { approveCase } from "./cases/approve.js";
import { appsCase } from "./cases/apps.js";
import { DEFAULT_PLUGINS } from "../src/plugin/loader.js";
import { automaticCase, automaticThroughProvider } from "./cases/automatic.js";
import { batchCase } from "./cases/batch.js";
import { clusterCase } from "./cases/cluster.js";
import { fanoutCase } from "./cases/fanout.js";
import { listCase } from "./cases/list.js";
import { overloadCase } from "./cases/overload.js";
import { type PeerResult, peerCase } from "./cases/peer.js";
import { type CaseName, OUT_DIR, knobs, scaled } from "./lib/config.js";
import { createShop } from "./lib/fixtures.js";
import { goals, goalsTable } from "./lib/goals.js";
import { closeHttp } from "./lib/http.js";
import { round } from "./lib/measure.js";
import { type Backend, type PluginSet, startServer } from "./lib/server.js";
import { type ScenarioResult, machine, machineLine, table } from "./lib/table.js";
import { startWechatStandIn, wechatEnv, wechatShop } from "./lib/wechat.js";

const started = performance.now();
const log = (message: string) => console.error(`[${Math.round((performance.now() - started) / 1000)} s] ${message}`);
const host = await machine();
log(machineLine(host));

const plan: Array<[Backend, PluginSet]> = [
  ["postgres", "default"],
  ["postgres", "none"],
  ...(knobs.skipPglite ? [] : ([["pglite", "default"], ["pglite", "none"]] as Array<[Backend, PluginSet]>)),
];
const scenarios: ScenarioResult[] = [];
// The automatic case is measured through WeChat Pay too: its stand-in runs here, in the driver.
const wechat = knobs.cases.has("automatic") ? await startWechatStandIn() : undefined;
for (const [backend, plugins] of plan) {
  const scenario: ScenarioResult = { name: `${backend === "postgres" ? "PostgreSQL" : "PGlite"}, ${plugins === "default" ? "default plugins" : "PLUGINS=none"}`, backend, plugins, errors: [] };
  scenarios.push(scenario);
  const step = async <K extends CaseName & keyof ScenarioResult>(name: K, run: () => Promise<ScenarioResult[K]>) => {
    if (!knobs.cases.has(name)) return;
    const caseStarted = performance.now();
    try {
      scenario[name] = await run();
    } catch (error) {
      scenario.errors.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      log(`${scenario.name}: ${name} FAILED: ${error instanceof Error ? error.stack : String(error)}`);
    }
    log(`${scenario.name}: ${name} done in ${round((performance.now() - caseStarted) / 1000)} s`);
  };
  // PGlite runs the same cases with fewer operations: it is the one-process default, not the sale-day setup.
  const scale = backend === "pglite" ? knobs.pgliteScale : 1;
  const server = await startServer(backend, plugins, wechat ? wechatEnv(wechat, plugins === "none" ? [] : [...DEFAULT_PLUGINS]) : {});
  log(`${scenario.name}: server ${server.pid} at ${server.url}`);
  try {
    const shop = await createShop(server);
    await step("automatic", async () => {
      const c1Ops = scaled(knobs.automaticC1, scale, 10);
      const sandbox = await automaticCase(server, shop, {
        c1Ops,
        durationS: scaled(knobs.durationS, scale, 5),
        clientRate: knobs.clientRate,
        loadClients: knobs.loadClients,
        closedClients: knobs.closedClients,
        closedOps: scaled(knobs.closedOps, scale, 50),
      });
      const paidByWechat = await wechatShop(server, wechat!);
      return { ...sandbox, wechat: await automaticThroughProvider(server, paidByWechat, paidByWechat.payment, c1Ops) };
    });
    await step("approve", () => approveCase(server, shop, { c1Ops: scaled(knobs.approveC1, scale, 10), c10Ops: scaled(knobs.approveC10, scale, 20) }));
    await step("list", () => listCase(server, shop, { listOps: scaled(knobs.listOps, scale, 10), trivialOps: scaled(knobs.trivialOps, scale, 50) }));
    await step("batch", () => batchCase(server, shop, { rounds: scaled(knobs.batchRounds, scale) }));
    await step("fanout", () => fanoutCase(server, shop, { subscribers: scaled(knobs.subscribers, scale, 250), rounds: scaled(knobs.fanoutRounds, scale, 2) }));
    await step("apps", () => appsCase(server, { ops: scaled(knobs.appsOps, scale, 10) }));
  } catch (error) {
    scenario.errors.push(`setup: ${error instanceof Error ? error.message : String(error)}`);
    log(`${scenario.name}: FAILED: ${error instanceof Error ? error.stack : String(error)}`);
  } finally {
    await server.stop();
  }
  // The sale-day setup of the goals (PostgreSQL, plugins on), each on a server of its
  // own, started once the scenario's is stopped so the two never share the cores.
  if (backend === "postgres" && plugins === "default") {
    await step("cluster", () => clusterCase({ workers: knobs.clusterWorkers, redisUrl: knobs.redisUrl, clients: knobs.clusterClients, clientRate: knobs.clientRate, durationS: knobs.durationS, log }));
    const closed = scenario.automatic?.closed;
    await step("overload", () =>
      overloadCase({
        ...(knobs.overloadCapacity !== undefined
          ? { capacityPerS: knobs.overloadCapacity, capacityFrom: "OVERLOAD_CAPACITY" }
          : closed && closed.seenPerS > 0
            ? { capacityPerS: closed.seenPerS, capacityFrom: `REFUNDED seen per second by ${closed.clients} clients back to back, this scenario` }
            : {}),
        factor: knobs.overloadFactor,
        windowS: knobs.overloadS,
        log,
      }),
    );
  }
}

await wechat?.close();

let peer: PeerResult | undefined;
if (knobs.cases.has("peer")) {
  if (knobs.skipPeer) peer = { skipped: "SKIP_PEER=1" };
  else {
    log(`peer: Vendure refundOrder (${knobs.peerDir})…`);
    peer = await peerCase({ orders: knobs.peerOrders });
  }
  if ("skipped" in peer) log(`peer NOT run: ${peer.skipped}`);
  else log(`peer done in ${peer.wallS} s`);
}

const totalS = round((performance.now() - started) / 1000);
const markdown = table(scenarios, peer, knobs.loadClients);
// The goals are PostgreSQL's with the plugins on.
const goalScenario = scenarios.find((scenario) => scenario.backend === "postgres" && scenario.plugins === "default");
const goalList = goals(goalScenario, peer && !("skipped" in peer) ? peer : undefined);
const goalsMarkdown = goalsTable(goalList, goalScenario?.name ?? "PostgreSQL, default plugins");
console.log(`\n${machineLine(host)}\n\n${markdown}\n\n${goalsMarkdown}\n`);
for (const scenario of scenarios) for (const error of scenario.errors) console.log(`${scenario.name}: ${error}`);
if (peer && "skipped" in peer) console.log(`Peer not run: ${peer.skipped}`);
console.log(`Total run time: ${totalS} s`);

mkdirSync(OUT_DIR, { recursive: true });
const file = join(OUT_DIR, `bench-${host.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify({ machine: host, knobs: { ...knobs, cases: [...knobs.cases] }, scenarios, peer, goals: goalList, totalS, table: markdown, goalsTable: goalsMarkdown }, null, 2));
console.log(`Written: ${file}`);
closeHttp();
process.exit(scenarios.some((scenario) => scenario.errors.length > 0) ? 1 : 0);
