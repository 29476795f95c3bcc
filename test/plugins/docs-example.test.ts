// The integrator's guide must not rot: its two example plugins, plugins/short-reject-note-veto
// (a hook and a setting) and plugins/big-refund-guard (a table, fields and a route), are shown as
// their files are, loaded by name (so that the migrator applies big-refund-guard's own
// migration) and exercised through GraphQL, the plugin's table and its HTTP route.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const read = (relative: string) => readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), "utf8");
const fenced = (lang: string, text: string) => "```" + lang + "\n" + text + "```\n";

describe("the plugin guide", () => {
  const guide = read("docs/plugins.md");

  it("starts with the hook-only plugin, shown as its file is, in about 15 lines", () => {
    const code = read("plugins/short-reject-note-veto/index.ts");
    expect(/```ts\n([\s\S]*?)```/.exec(guide)?.[1]).toBe(code);
    expect(code.trimEnd().split("\n").length).toBeLessThanOrEqual(20);
  });

  it("shows the complete example plugin's files as they are, its code under 50 lines", () => {
    const code = read("plugins/big-refund-guard/index.ts");
    expect(guide).toContain(fenced("ts", code));
    expect(guide).toContain(fenced("prisma", read("plugins/big-refund-guard/schema.prisma")));
    expect(code.trimEnd().split("\n").length).toBeLessThan(50);
  });

  it("lists every field of the before-hook's and the after-hook's event", () => {
    const types = read("src/services/transition-hooks.ts") + read("src/plugin/types.ts");
    const fieldsOf = (name: string) => [...new RegExp(`interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(types)![1]!.matchAll(/^ {2,4}(\w+)\??:/gm)].map((m) => m[1]!);
    for (const field of fieldsOf("BeforeTransitionEvent")) expect(guide, `BeforeTransitionEvent.${field}`).toMatch(new RegExp(`^\\| \`${field}\``, "m"));
    for (const field of fieldsOf("HookRefund")) expect(guide, `HookRefund.${field}`).toContain(`\`${field}\``);
    for (const field of fieldsOf("AfterTransitionEvent").filter((field) => field !== "refund" && field !== "transition")) {
      expect(guide, `AfterTransitionEvent.transition.${field}`).toMatch(new RegExp(`\`(transition)?\\.${field}\``));
    }
  });
});

describe.each(backends)("the plugin guide's hook-only plugin on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["short-reject-note-veto"] });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  const reject = (refundId: string, note: string) => shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "REJECT", note } });

  it("vetoes a REJECT with a short note, with its code and nothing written; a note that says why passes", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-short-note");
    const vetoed = await reject(refundId, "No.");
    expect(vetoed.transitionRefund).toMatchObject({
      refund: null,
      userErrors: [{ code: "NOTE_REQUIRED", message: "A rejection's note must say why in at least 20 characters (short-reject-note-veto)", field: ["input", "action"] }],
    });
    const unchanged = await shop.staff.AGENT.request<{ refund: { status: string; version: number } }>(`query ($id: ID!) { refund(id: $id) { status version } }`, { id: refundId });
    expect(unchanged.refund).toEqual({ status: "PENDING_REVIEW", version: 2 });

    const passed = await reject(refundId, "The parcel was delivered and signed for by you on Monday.");
    expect(passed.transitionRefund.userErrors).toEqual([]);
    expect(passed.transitionRefund.refund!.status).toBe("REJECTED");
  });

  it("takes the shop's minimum from its settings, and a shop turns it off with enabled: false", async () => {
    const settle = async (settings: Record<string, unknown>) => {
      const answer = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: unknown } | null; userErrors: unknown[] } }>(
        `mutation ($settings: JSON!) { updatePluginSettings(input: { plugin: "short-reject-note-veto", settings: $settings }) { plugin { settings } userErrors { code } } }`,
        { settings },
      );
      expect(answer.updatePluginSettings.userErrors).toEqual([]);
      return answer.updatePluginSettings.plugin!.settings;
    };
    expect(await settle({ minLength: 3 })).toEqual({ enabled: true, minLength: 3 });
    const short = await requestShippedRefund(shop, "c-short-minimum");
    expect((await reject(short.refundId, "No")).transitionRefund.userErrors.map((e) => e.code)).toEqual(["NOTE_REQUIRED"]);
    expect((await reject(short.refundId, "Used")).transitionRefund.userErrors).toEqual([]);

    expect(await settle({ enabled: false })).toEqual({ enabled: false, minLength: 20 });
    const off = await requestShippedRefund(shop, "c-short-off");
    expect((await reject(off.refundId, "No.")).transitionRefund.userErrors).toEqual([]);
  });
});

describe.each(backends)("the plugin guide's example on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["big-refund-guard"], hookDelivery: { retryBaseMs: 50 } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("has its migration applied, validates its settings, vetoes, records in its table, adds fields and serves its route", async () => {
    expect(await server.app.db.query(`SELECT migration_name FROM _plugin_migrations`)).toEqual([
      { migration_name: expect.stringMatching(/^big-refund-guard\/\d{14}_big_refunds$/) },
    ]);
    const settings = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: { limit: number } } | null } }>(
      `mutation { updatePluginSettings(input: { plugin: "big-refund-guard", settings: { limit: 10000 } }) { plugin { settings } } }`,
    );
    expect(settings.updatePluginSettings.plugin!.settings.limit).toBe(10_000);
    const invalid = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { userErrors: Array<{ code: string }> } }>(
      `mutation { updatePluginSettings(input: { plugin: "big-refund-guard", settings: { limit: -1 } }) { userErrors { code } } }`,
    );
    expect(invalid.updatePluginSettings.userErrors.map((e) => e.code)).toEqual(["INVALID_INPUT"]);

    const customer = await shop.customer("c-guide");
    const orderId = await shop.order("c-guide", { paidAmount: 25_000, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    const refundId = requested.requestRefund.refund!.id;
    const view = () => shop.staff.AGENT.request<{ refund: { needsShopAdmin: boolean; bigRefundAt: string | null } }>(`query ($id: ID!) { refund(id: $id) { needsShopAdmin bigRefundAt } }`, { id: refundId });
    expect((await view()).refund).toEqual({ needsShopAdmin: true, bigRefundAt: null });

    for (const [client, action] of [[shop.staff.AGENT, "APPROVE"], [shop.staff.WAREHOUSE, "CONFIRM_NOT_RECEIVED"]] as const) {
      expect((await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } })).transitionRefund.userErrors).toEqual([]);
    }
    const vetoed = await shop.staff.FINANCE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "FINANCE_APPROVE" } });
    expect(vetoed.transitionRefund.userErrors.map((e) => e.code)).toEqual(["APPROVAL_LIMIT_EXCEEDED"]);
    const admitted = await shop.staff.SHOP_ADMIN.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "FINANCE_APPROVE" } });
    expect(admitted.transitionRefund.userErrors).toEqual([]);
    await waitForStatus(customer.client, refundId, "REFUNDED");

    // The after-hook recorded the payout once in the plugin's own table.
    const deadline = Date.now() + PATIENCE_MS;
    while ((await view()).refund.bigRefundAt === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await view()).refund.bigRefundAt).not.toBeNull();
    expect(await server.app.db.prisma.bigRefund.findMany({ select: { amount: true } })).toEqual([{ amount: 25_000 }]);

    const route = await fetch(new URL(`/plugins/big-refund-guard/limit?shop=${encodeURIComponent(shop.shopId)}`, server.url));
    expect(await route.json()).toEqual({ limit: 10_000 });
    expect((await fetch(new URL(`/plugins/big-refund-guard/limit?shop=nope`, server.url))).status).toBe(400);
    expect((await fetch(new URL("/plugins/big-refund-guard/nope", server.url))).status).toBe(404);
  });
});
