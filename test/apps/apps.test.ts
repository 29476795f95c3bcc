// Apps as a shop admin registers and manages them, and what an app's token may do: exactly its
// permissions, in its own shop, never more than its creator's role.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer } from "../support/server.js";
import { collect, untilStreaming, wsClient } from "../support/subscriptions.js";

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateAppInput!) {
    createApp(input: $input) { token app { id name permissions enabled } userErrors { code message field } }
  }
`;
const APPS = /* GraphQL */ `
  query { apps(first: 10) { edges { node { id name permissions enabled webhooks(first: 5) { edges { node { id } } } } } } }
`;
const APP = /* GraphQL */ `query ($id: ID!) { app(id: $id) { id name } }`;
const UPDATE_APP = /* GraphQL */ `
  mutation ($input: UpdateAppInput!) { updateApp(input: $input) { app { id name enabled } userErrors { code message } } }
`;
const DELETE_APP = /* GraphQL */ `
  mutation ($input: DeleteAppInput!) { deleteApp(input: $input) { deletedAppId userErrors { code message } } }
`;

type CreateApp = { createApp: { token: string | null; app: { id: string; name: string; permissions: string[]; enabled: boolean } | null; userErrors: Array<{ code: string; message: string; field: string[] | null }> } };

describe.each(backends)("apps on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let other: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [shop, other] = await Promise.all([setupShop(server), setupShop(server)]);
  });
  afterAll(() => server?.stop());

  it("a shop admin registers an app, sees it once with its token, lists it; another shop does not see it", async () => {
    const created = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "ERP sync", permissions: ["READ_REFUNDS", "READ_ORDERS"] } });
    expect(created.createApp.userErrors).toEqual([]);
    expect(created.createApp.token).toMatch(/^rfp_/);
    expect(created.createApp.app).toMatchObject({ name: "ERP sync", permissions: ["READ_REFUNDS", "READ_ORDERS"], enabled: true });
    const appId = created.createApp.app!.id;

    const listed = await shop.staff.SHOP_ADMIN.request<{ apps: { edges: Array<{ node: { id: string; webhooks: { edges: unknown[] } } }> } }>(APPS);
    expect(listed.apps.edges.map((edge) => edge.node.id)).toEqual([appId]);
    expect(listed.apps.edges[0]!.node.webhooks.edges).toEqual([]);
    expect((await shop.staff.SHOP_ADMIN.request<{ app: { id: string } | null }>(APP, { id: appId })).app?.id).toBe(appId);

    expect((await other.staff.SHOP_ADMIN.request<{ apps: { edges: unknown[] } }>(APPS)).apps.edges).toEqual([]);
    expect((await other.staff.SHOP_ADMIN.request<{ app: unknown }>(APP, { id: appId })).app).toBeNull();
    expect((await other.staff.SHOP_ADMIN.request<{ node: unknown }>(`query ($id: ID!) { node(id: $id) { id } }`, { id: appId })).node).toBeNull();
    await expect(shop.staff.AGENT.request(APPS)).rejects.toThrow(/FORBIDDEN|roles/);
  });

  it("refuses an app asking for a permission its creator lacks, an empty name or no permission, and saves nothing", async () => {
    const lacking = await shop.staff.INTEGRATION.request<CreateApp>(CREATE_APP, { input: { name: "carrier", permissions: ["READ_REFUNDS", "TRANSITION_REFUNDS"] } });
    expect(lacking.createApp.userErrors).toEqual([expect.objectContaining({ code: "APP_PERMISSION_NOT_HELD", field: ["input", "permissions"] })]);
    expect(lacking.createApp.userErrors[0]!.message).toContain("TRANSITION_REFUNDS");
    expect(lacking.createApp.token).toBeNull();
    const unnamed = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "  ", permissions: ["READ_REFUNDS"] } });
    expect(unnamed.createApp.userErrors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
    const none = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "none", permissions: [] } });
    expect(none.createApp.userErrors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
    const agent = await shop.staff.AGENT.request<CreateApp>(CREATE_APP, { input: { name: "agent's", permissions: ["READ_REFUNDS"] } });
    expect(agent.createApp.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);
    const names = (await shop.staff.SHOP_ADMIN.request<{ apps: { edges: Array<{ node: { name: string } }> } }>(APPS)).apps.edges.map((edge) => edge.node.name);
    expect(names).not.toContain("carrier");
    expect(names).not.toContain("none");
  });

  it("an integration registers its own app within its rights", async () => {
    const created = await shop.staff.INTEGRATION.request<CreateApp>(CREATE_APP, { input: { name: "CRM", permissions: ["READ_CUSTOMERS"] } });
    expect(created.createApp.userErrors).toEqual([]);
  });

  it("an app's token reads what its permissions allow, in its shop only, and nothing else", async () => {
    const { refundId } = await requestShippedRefund(shop, "app-reader");
    const foreign = await requestShippedRefund(other, "app-foreign");
    const created = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "reader", permissions: ["READ_REFUNDS"] } });
    const app = server.client(created.createApp.token!);

    const read = await app.request<{ refund: { status: string } | null }>(`query ($id: ID!) { refund(id: $id) { status } }`, { id: refundId });
    expect(read.refund).toEqual({ status: "PENDING_REVIEW" });
    const elsewhere = await app.request<{ refund: unknown }>(`query ($id: ID!) { refund(id: $id) { status } }`, { id: foreign.refundId });
    expect(elsewhere.refund).toBeNull();
    // Fields of types outside its permissions, mutations it was not granted, the apps themselves.
    await expect(app.request(`query ($id: ID!) { refund(id: $id) { customer { name } } }`, { id: refundId })).rejects.toThrow(/READ_CUSTOMERS/);
    await expect(app.request(`query ($id: ID!) { refund(id: $id) { order { externalId } } }`, { id: refundId })).rejects.toThrow(/READ_ORDERS/);
    await expect(app.request(APPS)).rejects.toThrow(/FORBIDDEN/);
    await expect(
      app.request(`mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { userErrors { code } } }`, { input: { refundId, action: "APPROVE" } }),
    ).rejects.toThrow(/TRANSITION_REFUNDS/);
  });

  it("an app with TRANSITION_REFUNDS acts on refunds, named as the app", async () => {
    const { refundId } = await requestShippedRefund(shop, "app-actor");
    const created = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "auto-approver", permissions: ["READ_REFUNDS", "TRANSITION_REFUNDS"] } });
    const app = server.client(created.createApp.token!);
    const moved = await app.request<{ transitionRefund: { refund: { status: string }; transition: { actor: { name: string } }; userErrors: unknown[] } }>(
      `mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { refund { status } transition { actor { name } } userErrors { code } } }`,
      { input: { refundId, action: "APPROVE" } },
    );
    expect(moved.transitionRefund.userErrors).toEqual([]);
    expect(moved.transitionRefund.refund.status).toBe("AWAITING_WAREHOUSE");
    expect(moved.transitionRefund.transition.actor.name).toBe("app: auto-approver");
  });

  it("an app's live subscription over WebSocket is held to its permissions too", async () => {
    const created = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "live", permissions: ["READ_REFUNDS"] } });
    const client = wsClient(server.url, created.createApp.token!);
    try {
      const refused = collect(client, `subscription { refundEvents { refund { customer { name } } } }`, {});
      await refused.ended;
      expect(JSON.stringify(refused.errors)).toMatch(/Customer needs READ_CUSTOMERS/);
      const allowed = collect<{ refundEvents: { to: string; refund: { status: string } } }>(client, `subscription { refundEvents { to refund { status } } }`, {});
      await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${created.createApp.token!}`), 1);
      await requestShippedRefund(shop, "app-live");
      const [event] = await allowed.waitFor(1);
      expect(event!.refundEvents.refund.status).toBeDefined();
      expect(allowed.errors).toEqual([]);
      allowed.unsubscribe();
    } finally {
      await client.dispose();
    }
  });

  it("a disabled app's token is refused; enabled again it works; a deleted app's token is gone", async () => {
    const created = await shop.staff.SHOP_ADMIN.request<CreateApp>(CREATE_APP, { input: { name: "flaky", permissions: ["READ_REFUNDS"] } });
    const appId = created.createApp.app!.id;
    const app = server.client(created.createApp.token!);
    const probe = `query { refunds(first: 1) { edges { node { id } } } }`;
    await app.request(probe);

    const disabled = await shop.staff.SHOP_ADMIN.request<{ updateApp: { app: { enabled: boolean }; userErrors: unknown[] } }>(UPDATE_APP, { input: { appId, enabled: false } });
    expect(disabled.updateApp).toEqual({ app: { id: appId, name: "flaky", enabled: false }, userErrors: [] });
    await expect(app.request(probe)).rejects.toThrow(/disabled/);
    await shop.staff.SHOP_ADMIN.request(UPDATE_APP, { input: { appId, enabled: true } });
    await app.request(probe);

    expect((await other.staff.SHOP_ADMIN.request<{ deleteApp: { userErrors: Array<{ code: string }> } }>(DELETE_APP, { input: { appId } })).deleteApp.userErrors[0]!.code).toBe("NOT_FOUND");
    const deleted = await shop.staff.SHOP_ADMIN.request<{ deleteApp: { deletedAppId: string; userErrors: unknown[] } }>(DELETE_APP, { input: { appId } });
    expect(deleted.deleteApp).toEqual({ deletedAppId: appId, userErrors: [] });
    await expect(app.request(probe)).rejects.toThrow(/INVALID_TOKEN|unknown/);
  });
});
