// The /dashboard page in a real headless Chromium (Debian's package, driven by playwright-core):
// it must draw the numbers refundMetrics answers and show a new transition without a reload.
// The screenshot lands in test/.generated/dashboard.png.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShop } from "../../src/demo/demo-shop.js";
import { TRANSITION_REFUND } from "../support/operations.js";
import { type TestServer, startTestServer } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
const OUT = path.resolve(import.meta.dirname, "../.generated");
if (!CHROMIUM) console.warn("dashboard browser test SKIPPED: no chromium binary (apt-get install -y chromium)");

const METRICS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!) {
    refundMetrics(from: $from, to: $to) {
      refundCount refundRate orderCount industry { industryRefundRate }
      parentReasons { reason { label } count }
      handlingTime { buckets { share } }
      trend { refundRate }
    }
  }
`;

describe.skipIf(!CHROMIUM)("the dashboard page in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let base: string;
  let tokens: Awaited<ReturnType<typeof seedDemoShop>>["tokens"];

  beforeAll(async () => {
    // The demo's history is played on a simulated clock whose timers fall due in the past:
    // the server's own sweeps (real clock) stay out of the way until it is seeded.
    server = await startTestServer("pglite", { paymentSweepIntervalMs: 600_000, timers: { sweepIntervalMs: 600_000 } });
    ({ tokens } = await seedDemoShop(server.app.db, { refunds: 200 }));
    base = server.url.replace(/\/graphql$/, "");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("draws the API's numbers, streams a new transition in without a reload, and switches language", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${base}/dashboard`);
    await page.fill("#token", tokens.SHOP_ADMIN);
    await page.click("#token-form button[type=submit]");
    await page.waitForFunction(() => document.body.dataset.loadedAt && document.body.dataset.live === "on", undefined, { timeout: PATIENCE_MS });

    // The same period as the page asked for, straight from the API.
    const period = await page.evaluate(() => ({ from: document.body.dataset.from!, to: document.body.dataset.to! }));
    const admin = server.client(tokens.SHOP_ADMIN);
    const { refundMetrics: m } = await admin.request<{ refundMetrics: Record<string, any> }>(METRICS, period); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(m.refundCount).toBeGreaterThan(100);
    expect(await page.textContent('[data-kpi="refundCount"] .value')).toBe(String(m.refundCount));
    expect(await page.textContent('[data-kpi="refundRate"] .value')).toBe(`${(m.refundRate * 100).toFixed(1)}%`);
    // Beside the shop's rate, the industry figure it is compared with (the default a new shop starts with).
    expect(m.industry.industryRefundRate).toBe(0.05);
    expect(await page.textContent('[data-kpi="refundRate"] .sub')).toContain("5.0%");

    const drawn = await page.evaluate(() => {
      const option = (id: string) => (window as any).echarts.getInstanceByDom(document.getElementById(id)).getOption(); // eslint-disable-line @typescript-eslint/no-explicit-any
      return {
        pie: option("reasons-chart").series[0].data.map((slice: { name: string; value: number }) => [slice.name, slice.value]),
        bars: option("handling-chart").series[0].data,
        trend: option("trend-chart").series[0].data,
        forecast: option("trend-chart").series[1].data.filter((value: number | null) => value !== null).length,
        canvases: document.querySelectorAll("#charts canvas").length,
      };
    });
    expect(drawn.pie).toEqual(m.parentReasons.map((row: { reason: { label: string }; count: number }) => [row.reason.label, row.count]));
    expect(drawn.bars).toEqual(m.handlingTime.buckets.map((bucket: { share: number }) => Number((bucket.share * 100).toFixed(1))));
    expect(drawn.trend).toEqual(m.trend.map((day: { refundRate: number }) => Number((day.refundRate * 100).toFixed(2))));
    expect(drawn.forecast).toBe(15); // the last actual day, then 14 forecast days
    expect(drawn.canvases).toBe(3);

    // The per-agent table: one row per member staffMetrics answers, with its figures.
    const { staffMetrics } = await admin.request<{ staffMetrics: { members: Array<{ member: { id: string; name: string }; refundsHandled: number }> } }>(
      `query ($from: DateTime!, $to: DateTime!) { staffMetrics(from: $from, to: $to) { members { member { id name } refundsHandled } } }`,
      period,
    );
    expect(staffMetrics.members.length).toBeGreaterThan(0);
    expect(staffMetrics.members.some((row) => row.refundsHandled > 0)).toBe(true);
    const table = await page.$$eval("#staff-table tbody tr", (rows) => rows.map((row) => [row.getAttribute("data-member-id"), ...[...row.children].slice(0, 2).map((cell) => cell.textContent)]));
    expect(table.map(([memberId, name, handled]) => [memberId, name!.replace(/ \(\w+\)$/, ""), Number(handled)])).toEqual(
      staffMetrics.members.map((row) => [row.member.id, row.member.name, row.refundsHandled]),
    );

    // A transition made elsewhere shows up on the open page.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const agent = server.client(tokens.AGENT);
    const waiting = await agent.request<{ refunds: { edges: Array<{ node: { id: string; order: { externalId: string }; customer: { name: string } } }> } }>(
      `{ refunds(first: 1, filter: { statuses: [PENDING_REVIEW] }) { edges { node { id order { externalId } customer { name } } } } }`,
    );
    const { id: refundId, order, customer } = waiting.refunds.edges[0]!.node;
    const loadedBefore = await page.evaluate(() => document.body.dataset.loadedAt);
    const moved = await agent.request<{ transitionRefund: { transition: { version: number } | null } }>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
    const version = moved.transitionRefund.transition!.version;
    await page.waitForFunction((v) => [...document.querySelectorAll("#events li")].some((li) => li.textContent!.includes(`v${v}`) && li.textContent!.includes("APPROVE")), version, { timeout: PATIENCE_MS });
    // The live list names the refund by its order and its customer, not by the tail of its id.
    const line = await page.$eval(`#events li[data-refund-id="${refundId}"]`, (li) => li.textContent!);
    expect(line).toContain(`${order.externalId} ${customer.name} v${version}`);
    expect(line).not.toContain(refundId.slice(-6));
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    // …and the figures reload by themselves after it.
    await page.waitForFunction((before) => document.body.dataset.loadedAt !== before, loadedBefore, { timeout: PATIENCE_MS });

    await page.click("#lang");
    expect(await page.textContent("h1")).toBe("Refund dashboard");
    await page.click("#lang");
    expect(await page.textContent("h1")).toBe("退款看板");
    expect(await page.evaluate(() => localStorage.getItem("refundDashboard.token"))).toBe(tokens.SHOP_ADMIN);

    mkdirSync(OUT, { recursive: true });
    await page.waitForTimeout(1500); // let ECharts finish its entry animation
    await page.screenshot({ path: path.join(OUT, "dashboard.png"), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it("serves every asset itself, from the installed packages", async () => {
    for (const asset of ["/dashboard", "/dashboard/dashboard.js", "/dashboard/dashboard.css", "/dashboard/echarts.min.js"]) {
      const response = await fetch(`${base}${asset}`);
      expect(response.status, asset).toBe(200);
    }
    expect((await fetch(`${base}/dashboard/nothing.js`)).status).toBe(404);
  });
});
