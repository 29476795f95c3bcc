// The integrator's guide must not rot: its example plugin is taken from docs/plugins.md,
// loaded as a plugin, and exercised through GraphQL, its HTTP route and its webhook.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifySignature } from "../../src/plugin/signing.js";
import type { AnyRefundPlugin } from "../../src/plugin/types.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const GUIDE = fileURLToPath(new URL("../../docs/plugins.md", import.meta.url));
// Two folders deep, like plugins/<name>/index.ts, so the guide's imports resolve as written.
const GENERATED = fileURLToPath(new URL("../.generated/", import.meta.url));

async function loadGuideExample(): Promise<AnyRefundPlugin> {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(GUIDE, "utf8"))?.[1];
  if (!code) throw new Error("docs/plugins.md has no ```ts block");
  mkdirSync(GENERATED, { recursive: true });
  const file = `${GENERATED}big-refund-guard-${process.pid}.ts`;
  writeFileSync(file, code);
  return ((await import(file)) as { default: AnyRefundPlugin }).default;
}

describe.each(backends)("the plugin guide's example on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let receiver: Server;
  const received: Array<{ body: string; signature: string | undefined; key: string | undefined }> = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        received.push({ body, signature: request.headers["x-refund-signature"] as string, key: request.headers["idempotency-key"] as string });
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    server = await startTestServer(kind, { plugins: [await loadGuideExample()], hookDelivery: { retryBaseMs: 50 } });
    shop = await setupShop(server);
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("loads, validates its settings, vetoes, announces, adds a field and serves its route", async () => {
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const settings = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: { limit: number } } | null; userErrors: Array<{ code: string }> } }>(
      `mutation ($settings: JSON!) { updatePluginSettings(input: { plugin: "big-refund-guard", settings: $settings }) { plugin { settings } userErrors { code } } }`,
      { settings: { limit: 10_000, webhookUrl, webhookSecret: "s3cret" } },
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
    const flagged = await shop.staff.AGENT.request<{ refund: { needsShopAdmin: boolean } }>(`query ($id: ID!) { refund(id: $id) { needsShopAdmin } }`, { id: refundId });
    expect(flagged.refund.needsShopAdmin).toBe(true);

    for (const [client, action] of [[shop.staff.AGENT, "APPROVE"], [shop.staff.WAREHOUSE, "CONFIRM_NOT_RECEIVED"]] as const) {
      expect((await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } })).transitionRefund.userErrors).toEqual([]);
    }
    const vetoed = await shop.staff.FINANCE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "FINANCE_APPROVE" } });
    expect(vetoed.transitionRefund.userErrors.map((e) => e.code)).toEqual(["APPROVAL_LIMIT_EXCEEDED"]);
    const admitted = await shop.staff.SHOP_ADMIN.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "FINANCE_APPROVE" } });
    expect(admitted.transitionRefund.userErrors).toEqual([]);
    await waitForStatus(customer.client, refundId, "REFUNDED");

    // The after-hook announced the payout once, signed, with its idempotency key.
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!.body)).toMatchObject({ amount: 25_000 });
    expect(verifySignature("s3cret", received[0]!.body, received[0]!.signature ?? null)).toBe(true);
    expect(received[0]!.key).toMatch(/^big-refund-guard:/);

    const rawShopId = Buffer.from(shop.shopId, "base64").toString().split(":")[1];
    const route = await fetch(new URL(`/plugins/big-refund-guard/limit?shop=${rawShopId}`, server.url));
    expect(await route.json()).toEqual({ limit: 10_000 });
    expect((await fetch(new URL("/plugins/big-refund-guard/nope", server.url))).status).toBe(404);
  });
});
