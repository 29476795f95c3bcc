// The integrator's guide must not rot: its example plugin is plugins/big-refund-guard (the
// guide's blocks must be its files), loaded by name so that the migrator applies its own
// migration, and exercised through GraphQL, its table and its HTTP route.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const read = (relative: string) => readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), "utf8");

describe("the plugin guide", () => {
  it("shows the example plugin's files as they are, its code under 50 lines", () => {
    const guide = read("docs/plugins.md");
    const code = read("plugins/big-refund-guard/index.ts");
    expect(/```ts\n([\s\S]*?)```/.exec(guide)?.[1]).toBe(code);
    expect(/```prisma\n([\s\S]*?)```/.exec(guide)?.[1]).toBe(read("plugins/big-refund-guard/schema.prisma"));
    expect(code.trimEnd().split("\n").length).toBeLessThan(50);
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
