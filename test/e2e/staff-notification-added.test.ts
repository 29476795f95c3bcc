// The staff inbox pushed live: a NOTIFY rule's message reaches, as it is committed, the member
// it names and every member of the role it names — not another member, not another shop.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { type Collected, collect, untilStreaming, wsClient } from "../support/subscriptions.js";

const ADDED = /* GraphQL */ `subscription { staffNotificationAdded { message role member ruleName refund { id } } }`;
const CREATE_RULE = /* GraphQL */ `mutation ($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { id } userErrors { code message } } }`;
const CREATE_MEMBER = /* GraphQL */ `mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { staffMember { id } userErrors { code } } }`;
const CREATE_TOKEN = /* GraphQL */ `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token userErrors { code } } }`;

type Added = { staffNotificationAdded: { message: string; role: string | null; member: string | null; ruleName: string; refund: { id: string } } };

describe.each(backends)("staffNotificationAdded on %s", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  async function member(shop: TestShop, name: string, role: "AGENT" | "FINANCE") {
    const created = await shop.staff.SHOP_ADMIN.request<{ createStaffMember: { staffMember: { id: string } } }>(CREATE_MEMBER, { input: { name, role } });
    const id = created.createStaffMember.staffMember.id;
    const token = await shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { role, staffMemberId: id, label: name } });
    return { id, token: token.createApiToken.token };
  }

  async function notifyRule(admin: GraphQLClient, name: string, recipient: { memberId: string } | { recipientRole: string }) {
    const created = await admin.request<{ createAutomationRule: { userErrors: unknown[] } }>(CREATE_RULE, {
      input: { name, trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", priority: 10, stopAfterMatch: false, conditions: [], action: { kind: "NOTIFY", message: `${name}: {{refundId}}`, ...recipient } },
    });
    expect(created.createAutomationRule.userErrors).toEqual([]);
  }

  it("pushes to a member their own and their role's messages, not another member's nor another shop's", async () => {
    const shop = await setupShop(server);
    const other = await setupShop(server);
    const wang = await member(shop, "Wang", "AGENT");
    const li = await member(shop, "Li", "AGENT");
    const zhao = await member(shop, "Zhao", "FINANCE");
    const theirAgent = await member(other, "Chen", "AGENT");
    await notifyRule(shop.staff.SHOP_ADMIN, "for Wang", { memberId: wang.id });
    await notifyRule(shop.staff.SHOP_ADMIN, "for Li", { memberId: li.id });
    await notifyRule(shop.staff.SHOP_ADMIN, "for agents", { recipientRole: "AGENT" });
    await notifyRule(other.staff.SHOP_ADMIN, "their agents", { recipientRole: "AGENT" });

    const listeners = [wang, zhao, theirAgent, { token: tokenOf(shop.staff.SHOP_ADMIN) }].map(({ token }) => ({ token, ws: wsClient(server.url, token) }));
    const streams: Array<Collected<Added>> = listeners.map(({ ws }) => collect<Added>(ws, ADDED, {}));
    for (const { token } of listeners) await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${token}`), 1);

    const ours = await requestShippedRefund(shop, "c-inbox"); // enters PENDING_REVIEW: three messages
    const [wangs, admins] = [await streams[0]!.waitFor(2), await streams[3]!.waitFor(3)];
    expect(wangs.map((event) => event.staffNotificationAdded.ruleName).sort()).toEqual(["for Wang", "for agents"]);
    expect(wangs.every((event) => event.staffNotificationAdded.refund.id === ours.refundId)).toBe(true);
    expect(wangs.find((event) => event.staffNotificationAdded.role === "AGENT")!.staffNotificationAdded.message).toBe(`for agents: ${ours.refundId}`);
    expect(admins.map((event) => event.staffNotificationAdded.ruleName).sort()).toEqual(["for Li", "for Wang", "for agents"]);

    // The other shop's message is the marker: once its agent has it, nothing of this shop reached them.
    await requestShippedRefund(other, "c-inbox-other");
    const [theirs] = await streams[2]!.waitFor(1);
    expect(theirs!.staffNotificationAdded.ruleName).toBe("their agents");
    // And a message of this shop that comes after: Wang's third proves Li's was never queued before it.
    await requestShippedRefund(shop, "c-inbox-2");
    await streams[0]!.waitFor(4);
    expect(streams[0]!.events.map((event) => event.staffNotificationAdded.ruleName)).not.toContain("for Li");
    expect(streams[0]!.events.map((event) => event.staffNotificationAdded.ruleName)).not.toContain("their agents");
    expect(streams[1]!.events).toEqual([]); // Zhao, FINANCE: neither Wang's, nor Li's, nor the agents'
    expect(streams[2]!.events).toHaveLength(1);
    for (const stream of streams) expect(stream.errors).toEqual([]);

    for (const stream of streams) stream.unsubscribe();
    await Promise.all(listeners.map(({ ws }) => ws.dispose()));
  });

  it("is for shop staff only", async () => {
    const shop = await setupShop(server);
    const { customer } = await requestShippedRefund(shop, "c-not-staff");
    const ws = wsClient(server.url, tokenOf(customer.client));
    const refused = collect<Added>(ws, ADDED, {});
    await refused.ended;
    expect(refused.events).toEqual([]);
    expect(JSON.stringify(refused.errors)).toContain('"code":"FORBIDDEN"');
    await ws.dispose();
  });
});
