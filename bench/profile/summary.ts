// `npx tsx bench/profile/summary.ts <file.cpuprofile> [top] [caller-regex]`: where a V8 CPU profile's
// busy time went — self and inclusive time by module (package, node: module or source file) and by
// function; with a regex, the call stacks above the matching frames. Idle time is left out.
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, top = "25", callersOf] = process.argv.slice(2);
if (!file) throw new Error("usage: summary.ts <file.cpuprofile> [top] [caller-regex]");
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

// A sample's time is the delta to the next sample.
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));

function moduleOf({ url, functionName }: ProfileNode["callFrame"]): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const packages = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (packages) return packages[packages.length - 1]!.replace("node_modules/", "");
  return /\/((?:src|plugins|bench)\/.*)$/.exec(url)?.[1] ?? url;
}
/** The part of the stack a module belongs to, for the per-area totals. */
const AREAS: Array<[RegExp, string]> = [
  [/^wasm:/, "Prisma query compiler (wasm)"],
  [/^@prisma\/adapter-pg$|^pg(-protocol|-pool|-types)?$|^postgres-/, "pg driver + Prisma's pg adapter"],
  [/^@prisma\//, "Prisma client runtime"],
  [/^graphql$|^@graphql-tools\//, "graphql-js + executor"],
  [/^graphql-yoga$|^@graphql-yoga\/|^@whatwg-node\/|^@envelop\/|^urlpattern-polyfill$/, "yoga + whatwg-node + envelop"],
  [/^@pothos\//, "Pothos"],
  [/^@escape\.tech\//, "graphql-armor"],
  [/^pino|^sonic-boom$/, "logging (pino)"],
  [/^node:|^\(native\)$/, "Node (http, streams, timers, crypto …)"],
  [/^src\/(limits|observability|graphql|app\.ts|main\.ts|apps\/gate)|^src\/services\/(credentials|viewer)/, "request path (src/app, limits, graphql, observability, credentials)"],
  [/^src\/|^plugins\//, "services, plugins, payments (src/**, plugins/**)"],
];
const areaOf = (module: string) => AREAS.find(([pattern]) => pattern.test(module))?.[1] ?? module;
const frameOf = (id: number) => {
  const frame = nodes.get(id)!.callFrame;
  return `${frame.functionName || "(anonymous)"} ${moduleOf(frame)}:${frame.lineNumber + 1}`;
};
const stackOf = (id: number) => {
  const stack: number[] = [];
  for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) stack.push(at);
  return stack;
};

const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
const selfByArea = new Map<string, number>();
const selfByModule = new Map<string, number>();
const selfByFunction = new Map<string, number>();
const inclusiveByModule = new Map<string, number>();
const inclusiveByFunction = new Map<string, number>();
const callers = new Map<string, number>();
let busy = 0;
for (const [id, ms] of selfMs) {
  const frame = nodes.get(id)!.callFrame;
  if (frame.functionName === "(idle)") continue;
  busy += ms;
  add(selfByModule, moduleOf(frame), ms);
  add(selfByArea, areaOf(moduleOf(frame)), ms);
  add(selfByFunction, frameOf(id), ms);
  const stack = stackOf(id);
  for (const key of new Set(stack.map((at) => moduleOf(nodes.get(at)!.callFrame)))) add(inclusiveByModule, key, ms);
  for (const key of new Set(stack.map(frameOf))) add(inclusiveByFunction, key, ms);
  if (callersOf) {
    const outermost = stack.findLast((at) => new RegExp(callersOf).test(frameOf(at)));
    if (outermost !== undefined) add(callers, stackOf(outermost).slice(0, 6).map(frameOf).join(" ← "), ms);
  }
}

const show = (title: string, map: Map<string, number>, count: number) => {
  console.log(`\n## ${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count)) console.log(`${ms.toFixed(0).padStart(7)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${key}`);
};
console.log(`${file}: ${busy.toFixed(0)} ms busy`);
if (callersOf) show(`stacks above ${callersOf}`, callers, Number(top));
else {
  show("self, by area", selfByArea, Number(top));
  show("self, by module", selfByModule, Number(top));
  show("inclusive, by module", inclusiveByModule, Number(top));
  show("self, by function", selfByFunction, Number(top));
  show("inclusive, by function", inclusiveByFunction, Number(top) * 2);
}
