// A newcomer's first `npm start` on a fresh embedded database: it says what it does (the
// database, the migrations, the demo's progress, where it is ready), names whose each printed
// token is, the server logs the plugins it loaded, and the printed tokens work as printed: the
// AGENT's queue (`assignedTo: ME`) has refunds, and the CUSTOMER token is the customer named.
// The durations printed are not checked: only that each step reports one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PLUGINS } from "../../src/plugin/loader.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";

const DURATION = String.raw`\(\d+\.\d s\)`;

describe("npm start on a fresh embedded database", () => {
  let dataDir: string;
  let server: ServerProcess;
  let lines: string[];
  const token = (role: string) => {
    const line = lines.find((candidate) => candidate.startsWith(`  ${role} `));
    expect(line, role).toBeDefined();
    return line!.trim().split(/\s+/)[1]!;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "first-start-"));
    server = await startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: "info" });
    lines = server.output().split("\n");
  }, 300_000);

  afterAll(async () => {
    if (server) await stopServerProcess(server);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("says what it does, step by step, with how long each took", () => {
    const steps = [
      new RegExp(String.raw`^Opening the embedded database in ${dataDir.replaceAll("\\", "\\\\")} \(a first start creates it\) … done ${DURATION}$`),
      new RegExp(String.raw`^Applying migrations … \d+ applied ${DURATION}$`),
      /^Seeding the demo …$/,
      new RegExp(String.raw`^Seeding the demo: (\d+) of \1 refunds, over \d+ orders ${DURATION}$`),
      /^Demo shop "链动小铺 Demo": one API token per role/,
      /^Starting the server …$/,
      new RegExp(String.raw`^Refund platform ready: GraphiQL at http://\S+ \(embedded database in .+\); server started in \d+\.\d s, \d+\.\d s after the process started$`),
    ];
    const found = steps.map((step) => lines.findIndex((line) => step.test(line)));
    expect(found.every((index) => index >= 0), server.output()).toBe(true);
    expect([...found].sort((a, b) => a - b)).toEqual(found);
    expect(Number(/Seeding the demo: (\d+) of/.exec(server.output())![1])).toBe(520);
  });

  it("logs the plugins it loaded, with their versions", () => {
    const logged = lines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { msg: string; plugins?: Array<{ name: string; version: string }> });
    const entry = logged.find((line) => line.msg.startsWith("plugins loaded"));
    expect(entry?.plugins?.map((plugin) => plugin.name)).toEqual([...DEFAULT_PLUGINS]);
    for (const plugin of entry!.plugins!) expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("prints a token per role, naming the staff member or customer it belongs to, and they work as printed", async () => {
    for (const role of ["PLATFORM_ADMIN", "SHOP_ADMIN", "INTEGRATION"]) expect(token(role)).toMatch(/^rfp_/);
    const client = (role: string) => new GraphQLClient(server.url, { headers: { authorization: `Bearer ${token(role)}` } });
    for (const role of ["AGENT", "WAREHOUSE", "FINANCE"]) {
      const member = /staff member (\S+)$/.exec(lines.find((line) => line.startsWith(`  ${role} `))!)?.[1];
      expect(member, role).toBeTruthy();
      const queue = await client(role).request<{ refunds: { edges: Array<{ node: { assignee: { name: string } } }> } }>(
        `{ refunds(first: 20, filter: { assignedTo: "ME" }) { edges { node { assignee { name } } } } }`,
      );
      expect(queue.refunds.edges.length, role).toBeGreaterThan(0);
      expect(new Set(queue.refunds.edges.map((edge) => edge.node.assignee.name)), role).toEqual(new Set([member]));
    }
    const [, name, externalId] = /customer (\S+) \((\S+)\)$/.exec(lines.find((line) => line.startsWith("  CUSTOMER "))!)!;
    const own = await client("CUSTOMER").request<{ refunds: { edges: Array<{ node: { customer: { name: string; externalId: string } } }> } }>(
      `{ refunds(first: 5) { edges { node { customer { name externalId } } } } }`,
    );
    expect(own.refunds.edges.length).toBeGreaterThan(0);
    for (const edge of own.refunds.edges) expect(edge.node.customer).toEqual({ name, externalId });
  });
});
