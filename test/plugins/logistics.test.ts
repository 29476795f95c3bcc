// plugins/logistics end to end: carrier webhooks over real HTTP, a polling adapter, stuck
// returns — each seen by a console over GraphQL.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  applyTrackingEvent,
  flagStuckReturns,
  registerCarrierAdapter,
  shopIdFromParam,
  type TrackingEvent,
} from "../../plugins/logistics/index.js";
import type { LogisticsContext } from "../../plugins/logistics/tracking.js";
import { pluginContexts } from "../../src/plugin/routes.js";
import { REPLAY_WINDOW_SECONDS, signWebhook } from "../../plugins/logistics/webhook.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

const DAY_MS = 24 * 60 * 60 * 1000;
const SECRET = "carrier-shared-secret-0123456789";

const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings } userErrors { code message field } }
  }
`;

const RETURN_VIEW = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status version
      transitions { action from to note actor { kind role name } }
      returnShipment {
        carrier trackingNumber receivedAt exception
        tracking { lastEvent lastMovementAt deliveredAt exception }
      }
    }
  }
`;

interface ReturnView {
  status: string;
  version: number;
  transitions: Array<{ action: string; from: string | null; to: string; note: string | null; actor: { kind: string; role: string | null; name: string | null } }>;
  returnShipment: {
    carrier: string;
    trackingNumber: string;
    receivedAt: string | null;
    exception: string | null;
    tracking: { lastEvent: string | null; lastMovementAt: string | null; deliveredAt: string | null; exception: string | null } | null;
  } | null;
}

describe.each(backends)("logistics plugin on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let shopRawId: string;
  let ctx: LogisticsContext;
  let customers = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["logistics"], hookDelivery: { retryBaseMs: 50 } });
    shop = await setupShop(server);
    shopRawId = shopIdFromParam(shop.shopId)!;
    const configured = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { userErrors: unknown[] } }>(UPDATE_SETTINGS, {
      input: { plugin: "logistics", settings: { webhookSecret: SECRET } },
    });
    expect(configured.updatePluginSettings.userErrors).toEqual([]);
    // What the host hands the plugin's routes and tasks, built the way the host builds it.
    ctx = pluginContexts(server.app.services, server.app.plugins)(server.app.plugins.plugins.get("logistics")!) as LogisticsContext;
  });
  afterAll(() => server?.stop());

  /** A pair of shoes on its way back: PENDING_REVIEW → APPROVE → SUBMIT_RETURN_SHIPMENT. */
  async function returnInTransit(carrier: string, target: TestShop = shop): Promise<{ refundId: string; trackingNumber: string }> {
    const externalId = `c-logistics-${++customers}`;
    const customer = await target.customer(externalId);
    const orderId = await target.order(externalId, { paidAmount: 39900, shippingStatus: "DELIVERED", itemName: "跑步鞋 42码" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE" },
    });
    const refundId = requested.requestRefund.refund!.id;
    const act = async (client: typeof customer.client, input: Record<string, unknown>) => {
      const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    };
    await act(target.staff.AGENT, { action: "APPROVE" });
    const trackingNumber = `SF${randomBytes(5).toString("hex").toUpperCase()}`;
    await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier, trackingNumber });
    return { refundId, trackingNumber };
  }

  async function view(refundId: string): Promise<ReturnView> {
    const result = await shop.staff.AGENT.request<{ refund: ReturnView }>(RETURN_VIEW, { id: refundId });
    return result.refund;
  }

  // Every delivery is signed anew, as a carrier's resend is: a timestamp of its own, a second
  // apart counting back from when the suite started, so two sends are never one signature
  // (counting back from "now" repeated a second whenever a step took one second).
  let deliveries = 0;
  let firstSignedAt = 0;
  beforeAll(() => {
    firstSignedAt = Date.now();
  });
  async function postWebhook(body: unknown, options: { secret?: string | null; signature?: string; shopId?: string } = {}) {
    const raw = JSON.stringify(body);
    const signedAt = new Date(firstSignedAt - deliveries++ * 1000);
    const headers: Record<string, string> = { "content-type": "application/json" };
    const secret = options.secret === undefined ? SECRET : options.secret;
    if (options.signature !== undefined) headers["x-logistics-signature"] = options.signature;
    else if (secret !== null) headers["x-logistics-signature"] = signWebhook(secret, raw, signedAt);
    const url = `${server.url.replace(/\/graphql$/, "")}/plugins/logistics/webhook?shop=${encodeURIComponent(options.shopId ?? shop.shopId)}`;
    const response = await fetch(url, { method: "POST", headers, body: raw });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":")[1]!;

  it("moves a return RETURN_IN_TRANSIT → INSPECTING on a signed DELIVERED webhook, as the plugin, once", async () => {
    const { refundId, trackingNumber } = await returnInTransit("SF Express");
    const inTransitAt = new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString();
    const deliveredAt = new Date(Date.now() - 60 * 1000).toISOString();

    const scan = await postWebhook({ carrier: "SF Express", trackingNumber, status: "IN_TRANSIT", occurredAt: inTransitAt, description: "快件已到达【杭州转运中心】" });
    expect(scan).toEqual({ status: 200, body: { ok: true, refundId, status: "RETURN_IN_TRANSIT", changed: true } });
    const moving = await view(refundId);
    expect(moving.status).toBe("RETURN_IN_TRANSIT");
    expect(moving.returnShipment!.tracking).toEqual({ lastEvent: "IN_TRANSIT: 快件已到达【杭州转运中心】", lastMovementAt: inTransitAt, deliveredAt: null, exception: null });

    // The carrier spells itself differently from the customer: the tracking number decides.
    const delivered = { carrier: "sf-express", trackingNumber, status: "DELIVERED", occurredAt: deliveredAt, description: "已签收，签收人：仓库" };
    const first = await postWebhook(delivered);
    expect(first).toEqual({ status: 200, body: { ok: true, refundId, status: "INSPECTING", changed: true } });

    const received = await view(refundId);
    expect(received.status).toBe("INSPECTING");
    expect(received.returnShipment!.receivedAt).not.toBeNull();
    expect(received.returnShipment!.exception).toBeNull();
    expect(received.returnShipment!.tracking).toEqual({ lastEvent: "DELIVERED: 已签收，签收人：仓库", lastMovementAt: deliveredAt, deliveredAt, exception: null });
    expect(received.transitions.at(-1)).toEqual({
      action: "RECEIVE_RETURN",
      from: "RETURN_IN_TRANSIT",
      to: "INSPECTING",
      note: `sf-express ${trackingNumber} delivered at ${deliveredAt}`,
      actor: { kind: "PLUGIN", role: null, name: "logistics" },
    });

    // The carrier resends: 200, and nothing changes.
    const rowBefore = await server.app.db.prisma.returnTracking.findUnique({ where: { refundId: rawId(refundId) } });
    const again = await postWebhook(delivered);
    expect(again).toEqual({ status: 200, body: { ok: true, refundId, status: "INSPECTING", changed: false } });
    const after = await view(refundId);
    expect(after.version).toBe(received.version);
    expect(after.transitions).toHaveLength(received.transitions.length);
    expect(await server.app.db.prisma.returnTracking.findUnique({ where: { refundId: rawId(refundId) } })).toEqual(rowBefore);
  });

  it("refuses a replayed delivery (the same signature again) with 409 and changes nothing", async () => {
    const { refundId, trackingNumber } = await returnInTransit("SF Express");
    const scan = { carrier: "SF Express", trackingNumber, status: "IN_TRANSIT", occurredAt: new Date(Date.now() - 60_000).toISOString() };
    const signature = signWebhook(SECRET, JSON.stringify(scan));
    expect((await postWebhook(scan, { signature })).status).toBe(200);
    const before = await view(refundId);
    const replayed = await postWebhook(scan, { signature });
    expect(replayed).toEqual({ status: 409, body: { error: expect.stringContaining("replay") } });
    expect(await view(refundId)).toEqual(before);
  });

  it("refuses a bad or missing signature with 401 and changes nothing", async () => {
    const { refundId, trackingNumber } = await returnInTransit("SF Express");
    const delivered = { carrier: "SF Express", trackingNumber, status: "DELIVERED", occurredAt: new Date().toISOString() };
    const before = await view(refundId);

    const refusals = [
      await postWebhook(delivered, { secret: "not-the-shop-secret-0000000000" }),
      await postWebhook(delivered, { secret: null }),
      await postWebhook(delivered, { signature: "sha256=zz" }),
      // Signed, but for another body.
      await postWebhook(delivered, { signature: signWebhook(SECRET, JSON.stringify({ ...delivered, trackingNumber: "OTHER" })) }),
      // Signed for this body, but longer ago than the window: a replay of an old delivery.
      await postWebhook(delivered, { signature: signWebhook(SECRET, JSON.stringify(delivered), new Date(Date.now() - (REPLAY_WINDOW_SECONDS + 30) * 1000)) }),
    ];
    // A shop that never configured a secret refuses everything, whatever the signature.
    const other = await setupShop(server);
    refusals.push(await postWebhook(delivered, { shopId: other.shopId, secret: "" }));
    for (const refusal of refusals) expect(refusal).toEqual({ status: 401, body: { error: expect.stringContaining("missing, invalid or expired X-Logistics-Signature") } });

    const after = await view(refundId);
    expect(after).toEqual(before);
    expect(after.status).toBe("RETURN_IN_TRANSIT");
    expect(after.returnShipment!.tracking).toBeNull();
    expect(await server.app.db.prisma.returnTracking.findUnique({ where: { refundId: rawId(refundId) } })).toBeNull();

    // Correctly signed, but about a parcel the shop never shipped back; or not an event.
    expect((await postWebhook({ ...delivered, trackingNumber: "SF-UNKNOWN-1" })).status).toBe(404);
    expect((await postWebhook({ ...delivered, status: "LOST" })).status).toBe(400);
    expect((await postWebhook({ ...delivered, occurredAt: new Date(Date.now() + 3 * DAY_MS).toISOString() })).status).toBe(400);
    expect((await postWebhook(delivered, { shopId: "not-a-shop" })).status).toBe(400);
    expect(await view(refundId)).toEqual(before);
  });

  it("polls a registered carrier adapter and receives the return it reports DELIVERED", async () => {
    const { refundId, trackingNumber } = await returnInTransit("Fake Express");
    // The customer typed the carrier's Chinese name: an alias of the adapter.
    const typedInChinese = await returnInTransit("飞客 快递");
    const elsewhere = await returnInTransit("SF Express");
    const deliveredAt = new Date(Date.now() - 5 * 60 * 1000);
    const calls: string[][] = [];
    const unregister = registerCarrierAdapter({
      carrier: "FAKE-EXPRESS",
      aliases: ["飞客快递"],
      async track(numbers) {
        calls.push(numbers);
        return numbers.flatMap((number): TrackingEvent[] => [
          { carrier: "Fake Express", trackingNumber: number, status: "DELIVERED", occurredAt: deliveredAt, description: "签收" },
          { carrier: "Fake Express", trackingNumber: number, status: "IN_TRANSIT", occurredAt: new Date(deliveredAt.getTime() - DAY_MS) },
        ]);
      },
    });
    try {
      const plugin = server.app.plugins.plugins.get("logistics")!;
      await plugin.tasks!.find((task) => task.name === "poll-carriers")!.run(ctx);
    } finally {
      unregister();
    }
    // Only the returns shipped with that carrier were asked about.
    expect(calls.flat()).toEqual(expect.arrayContaining([trackingNumber, typedInChinese.trackingNumber]));
    expect(calls.flat()).not.toContain(elsewhere.trackingNumber);
    expect((await view(typedInChinese.refundId)).status).toBe("INSPECTING");

    const polled = await view(refundId);
    expect(polled.status).toBe("INSPECTING");
    expect(polled.transitions.at(-1)!.actor).toEqual({ kind: "PLUGIN", role: null, name: "logistics" });
    // Events came newest first; the newest one is what the console shows.
    expect(polled.returnShipment!.tracking).toEqual({
      lastEvent: "DELIVERED: 签收",
      lastMovementAt: deliveredAt.toISOString(),
      deliveredAt: deliveredAt.toISOString(),
      exception: null,
    });
    expect((await view(elsewhere.refundId)).status).toBe("RETURN_IN_TRANSIT");
  });

  it("flags a return with no movement for 6 days as an exception, and clears it when the parcel moves", async () => {
    const { refundId, trackingNumber } = await returnInTransit("YTO Express");
    const received = await returnInTransit("YTO Express");

    const fourDaysOn = await flagStuckReturns(ctx, { now: new Date(Date.now() + 4 * DAY_MS), shopId: shopRawId });
    expect(fourDaysOn.flagged).not.toContain(refundId);
    expect((await view(refundId)).returnShipment!.exception).toBeNull();

    const sixDaysOn = new Date(Date.now() + 6 * DAY_MS);
    const flagged = await flagStuckReturns(ctx, { now: sixDaysOn, shopId: shopRawId });
    expect(flagged.flagged).toEqual(expect.arrayContaining([rawId(refundId), rawId(received.refundId)]));
    const stuck = await view(refundId);
    expect(stuck.returnShipment!.exception).toBe("NO_MOVEMENT_5_DAYS");
    expect(stuck.returnShipment!.tracking).toEqual({ lastEvent: null, lastMovementAt: null, deliveredAt: null, exception: "NO_MOVEMENT_5_DAYS" });
    expect(stuck.status).toBe("RETURN_IN_TRANSIT");
    // Running again changes nothing.
    expect((await flagStuckReturns(ctx, { now: sixDaysOn, shopId: shopRawId })).flagged).toEqual([]);

    // Movement resumes: the carrier scans the parcel again.
    const scan = await applyTrackingEvent(
      ctx,
      shopRawId,
      { carrier: "YTO Express", trackingNumber, status: "IN_TRANSIT", occurredAt: sixDaysOn, description: "运输中" },
      { now: sixDaysOn },
    );
    expect(scan).toMatchObject({ outcome: "APPLIED", trackingChanged: true, received: false });
    expect((await view(refundId)).returnShipment!.exception).toBeNull();
    expect((await flagStuckReturns(ctx, { now: new Date(sixDaysOn.getTime() + DAY_MS), shopId: shopRawId })).flagged).not.toContain(rawId(refundId));

    // The warehouse takes in the other parcel by hand: its flag goes at the next check.
    const take = await shop.staff.WAREHOUSE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: received.refundId, action: "RECEIVE_RETURN" } });
    expect(take.transitionRefund.userErrors).toEqual([]);
    const cleared = await flagStuckReturns(ctx, { now: sixDaysOn, shopId: shopRawId });
    expect(cleared.cleared).toContain(rawId(received.refundId));
    expect((await view(received.refundId)).returnShipment!.exception).toBeNull();
  });

  it("counts stuck days from the shop's stuckAfterDays setting and validates it", async () => {
    const strict = await setupShop(server);
    const set = (settings: unknown) =>
      strict.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: Record<string, unknown> } | null; userErrors: Array<{ code: string; field: string[] }> } }>(
        UPDATE_SETTINGS,
        { input: { plugin: "logistics", settings } },
      );
    const refused = await set({ stuckAfterDays: 0, webhookSecret: "short" });
    expect(refused.updatePluginSettings.userErrors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
    const saved = await set({ stuckAfterDays: 2 });
    expect(saved.updatePluginSettings.plugin!.settings).toEqual({ enabled: true, stuckAfterDays: 2 });

    const { refundId } = await returnInTransit("ZTO Express", strict);
    const strictRawId = shopIdFromParam(strict.shopId)!;
    await flagStuckReturns(ctx, { now: new Date(Date.now() + 3 * DAY_MS), shopId: strictRawId });
    const result = await strict.staff.AGENT.request<{ refund: ReturnView }>(RETURN_VIEW, { id: refundId });
    expect(result.refund.returnShipment!.exception).toBe("NO_MOVEMENT_2_DAYS");
  });
});
