// Relay everywhere: every object type the server serves with an `id: ID!` is a Node, and each
// one's id, read from a real instance made through the API, resolves through `node` and
// `nodes` for a viewer allowed to read it, and to null for another shop's token and for a
// role of the same shop that may not read it.
import { type GraphQLClient } from "graphql-request";
import { type GraphQLObjectType, type GraphQLSchema, buildClientSchema, buildSchema, execute, getIntrospectionQuery, getNamedType, isNonNullType, isObjectType, parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf, waitForStatus } from "../support/server.js";
import { rawId } from "../support/ids.js";
import { globalIdProblems, idSelections, idValues } from "../support/global-ids.js";
import { PATIENCE_MS } from "../support/patience.js";

/**
 * Object types with an `id: ID!` that are not Nodes, each with the reason. Empty: every such
 * type is a Node. A new type with an id must become a Node (and get a seed below) or be
 * listed here with why it cannot.
 */
const NOT_NODES: Record<string, string> = {};

/**
 * Fields typed `ID` that the walk from every node instance below does not reach, each with why.
 * Every other one is read, and must answer a global id of a Node type.
 */
const ID_FIELDS_NOT_WALKED: Record<string, string> = {
  "AppCheckCall.refundId": "no check is called here (test/apps covers the calls)",
  "AppWebhookDelivery.batchId": "set for batch events only; this delivery is of a transition",
  "AutomationAction.memberId": "set on ASSIGN rules and NOTIFY to one member; this rule notifies a role",
  "StaffNotification.member": "set for a member's inbox; this notification is to a role",
  "DeleteAppCheckPayload.deletedCheckId": "a delete mutation's payload: nothing to walk to",
  "DeleteAppPayload.deletedAppId": "a delete mutation's payload: nothing to walk to",
  "DeleteAppWebhookPayload.deletedWebhookId": "a delete mutation's payload: nothing to walk to",
};

// After-hooks of this plugin fail at once, so every refund request leaves a dead letter.
const deadLetters = definePlugin({
  name: "relay-dead-letters",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    afterTransition(event) {
      if (event.transition.action === "REQUEST") throw new Error("the CRM is down");
    },
  },
});

const NODE = /* GraphQL */ `query ($id: ID!) { node(id: $id) { __typename id } }`;
const NODES = /* GraphQL */ `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
type NodeAnswer = { node: { __typename: string; id: string } | null };
type NodesAnswer = { nodes: Array<{ __typename: string; id: string } | null> };

/** One instance of a node type: its id, who may read it, and who of the same shop may not. */
interface Instance {
  id: string;
  reader: GraphQLClient;
  /** Tokens of the same shop whose role may not read it. */
  refused: GraphQLClient[];
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited in vain for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function ok<T extends Record<string, { userErrors: unknown[] } & Record<string, unknown>>>(answer: Promise<T>): Promise<T[keyof T]> {
  const result = await answer;
  const payload = Object.values(result)[0] as T[keyof T];
  expect(payload.userErrors).toEqual([]);
  return payload;
}

describe.each(backends)("Relay nodes on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let other: TestShop;
  let served: GraphQLSchema;
  let nodeTypes: GraphQLObjectType[];
  let notNodesWithId: string[];
  const instances = new Map<string, Instance>();
  let customer: { id: string; client: GraphQLClient };
  let offeredRefundId: string;
  let deadLetterId: string;
  let audited: Array<{ id: string; action: string; targetNodeId: string | null }>;
  let batchAnswer: { document: string; data: Record<string, unknown> };

  beforeAll(async () => {
    server = await startTestServer(kind, {
      plugins: ["coupons", "crm-risk", "logistics", "notifications", deadLetters],
      hookDelivery: { retryBaseMs: 10, maxAttempts: 1 },
    });
    // The schema the server serves, plugins' types included.
    const introspection = await server.admin.request<Parameters<typeof buildClientSchema>[0]>(getIntrospectionQuery());
    served = buildClientSchema(introspection);
    const objects = Object.values(served.getTypeMap()).filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith("__"));
    const hasId = (type: GraphQLObjectType) => {
      const id = type.getFields().id;
      return id !== undefined && isNonNullType(id.type) && getNamedType(id.type).name === "ID";
    };
    nodeTypes = objects.filter((type) => type.getInterfaces().some((iface) => iface.name === "Node"));
    notNodesWithId = objects.filter((type) => hasId(type) && !nodeTypes.includes(type)).map((type) => type.name);

    shop = await setupShop(server);
    other = await setupShop(server);
    const { SHOP_ADMIN: admin, AGENT: agent, FINANCE: finance, INTEGRATION: integration } = shop.staff;
    const add = (typename: string, id: string, reader: GraphQLClient, refused: GraphQLClient[] = []) => instances.set(typename, { id, reader, refused });

    // A NOTIFY rule leaves a message in the agents' inbox when a refund needs review.
    const rule = await ok(
      admin.request<{ createAutomationRule: { rule: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateAutomationRuleInput!) { createAutomationRule(input: $input) { rule { id } userErrors { code message field } } }`,
        { input: { name: "Review: tell agents", trigger: "ENTERS_STATUS", status: "PENDING_REVIEW", conditions: [{ field: "amount", operator: "GTE", value: 1 }], action: { kind: "NOTIFY", recipientRole: "AGENT", message: "{{refundId}} needs review" } } },
      ),
    );

    // An app with a webhook and a check, so that a transition leaves a webhook delivery. Nothing
    // listens on the discard port: the delivery row is what this test needs, not its success.
    const app = await ok(
      admin.request<{ createApp: { app: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateAppInput!) { createApp(input: $input) { app { id } userErrors { code message field } } }`,
        { input: { name: "Relay ERP", permissions: ["READ_REFUNDS"] } },
      ),
    );
    const secret = "relay-nodes-secret-0123456789";
    const webhook = await ok(
      admin.request<{ createAppWebhook: { webhook: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateAppWebhookInput!) { createAppWebhook(input: $input) { webhook { id } userErrors { code message field } } }`,
        { input: { appId: app.app.id, event: "REFUND_TRANSITIONED", targetUrl: "http://127.0.0.1:9/hook", query: "subscription { refundEvents { to } }", secret } },
      ),
    );
    const check = await ok(
      admin.request<{ createAppCheck: { check: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateAppCheckInput!) { createAppCheck(input: $input) { check { id } userErrors { code message field } } }`,
        { input: { appId: app.app.id, actions: ["FINANCE_APPROVE"], targetUrl: "http://127.0.0.1:9/check", secret } },
      ),
    );
    const address = await ok(
      admin.request<{ createReturnAddress: { returnAddress: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateReturnAddressInput!) { createReturnAddress(input: $input) { returnAddress { id } userErrors { code message field } } }`,
        { input: { label: "仓", recipient: "售后", phone: "021-5555-0100", province: "上海市", city: "上海市", street: "华腾路 88 号" } },
      ),
    );

    customer = await shop.customer("relay-1");
    const stranger = await shop.customer("relay-2");
    const orderId = await shop.order("relay-1", { paidAmount: 15900, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    const refund = requested.requestRefund.refund!;
    offeredRefundId = refund.id;
    const offered = await agent.request<TransitionRefundResult>(TRANSITION_REFUND, {
      input: { refundId: refund.id, action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 1000 }, { kind: "RETURN_WITH_FULL_REFUND" }] },
    });
    expect(offered.transitionRefund.userErrors).toEqual([]);
    const [option] = offered.transitionRefund.refund!.resolutionOptions as Array<{ id: string }>;

    const seen = await customer.client.request<{ refund: { transitions: Array<{ id: string }>; reason: { id: string } } }>(
      `query ($id: ID!) { refund(id: $id) { transitions { id } reason { id } } }`,
      { id: refund.id },
    );
    const notification = await until(async () => {
      const read = await customer.client.request<{ refund: { notifications: Array<{ id: string }> } }>(`query ($id: ID!) { refund(id: $id) { notifications { id } } }`, { id: refund.id });
      return read.refund.notifications[0]?.id;
    }, "a notification");
    const inbox = await until(async () => {
      const read = await agent.request<{ staffNotifications: { edges: Array<{ node: { id: string } }> } }>(`{ staffNotifications(first: 1) { edges { node { id } } } }`);
      return read.staffNotifications.edges[0]?.node.id;
    }, "a staff notification");
    deadLetterId = await until(async () => {
      const read = await admin.request<{ pluginDeadLettersConnection: { edges: Array<{ node: { id: string } }> } }>(`{ pluginDeadLettersConnection(first: 1) { edges { node { id } } } }`);
      return read.pluginDeadLettersConnection.edges[0]?.node.id;
    }, "a dead letter");

    const webhookDelivery = await until(async () => {
      const read = await admin.request<{ app: { webhooks: { edges: Array<{ node: { deliveries: { edges: Array<{ node: { id: string } }> } } }> } } }>(
        `query ($id: ID!) { app(id: $id) { webhooks(first: 1) { edges { node { deliveries(first: 1) { edges { node { id } } } } } } } }`,
        { id: app.app.id },
      );
      return read.app.webhooks.edges[0]?.node.deliveries.edges[0]?.node.id;
    }, "a webhook delivery");

    // A refund of one line item of another order.
    const itemOrderId = await shop.order("relay-1", { paidAmount: 8000, shippingStatus: "SHIPPED" });
    const orderItems = await customer.client.request<{ order: { items: Array<{ id: string }> } }>(`query ($id: ID!) { order(id: $id) { items { id } } }`, { id: itemOrderId });
    const orderItemId = orderItems.order.items[0]!.id;
    const itemRefund = await customer.client.request<{ requestRefund: { refund: { items: Array<{ id: string }> }; userErrors: unknown[] } }>(
      `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { items { id } } userErrors { code message field } } }`,
      { input: { orderId: itemOrderId, type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED", items: [{ orderItemId, quantity: 1 }] } },
    );
    expect(itemRefund.requestRefund.userErrors).toEqual([]);

    // A batch: the stranger's refund rejected by an agent.
    const strangerOrder = await shop.order("relay-2", { paidAmount: 5000, shippingStatus: "SHIPPED" });
    const strangerRefund = (await stranger.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: strangerOrder, type: "REFUND_ONLY", reasonCode: "OTHER" } })).requestRefund.refund!;
    const BATCH = `mutation ($input: BatchTransitionRefundsInput!) { batchTransitionRefunds(input: $input) { batch { id } results { refundId } userErrors { code message field } } }`;
    const batchData = await agent.request<{ batchTransitionRefunds: { batch: { id: string }; userErrors: unknown[] } }>(BATCH, {
      input: { refundIds: [strangerRefund.id], action: "REJECT", note: "not ours" },
    });
    batchAnswer = { document: BATCH, data: batchData };
    const batch = await ok(Promise.resolve(batchData));
    const member = await ok(
      admin.request<{ createStaffMember: { staffMember: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { staffMember { id } userErrors { code message field } } }`,
        { input: { name: "Xiao Li", role: "AGENT" } },
      ),
    );
    const limit = await ok(
      admin.request<{ setApprovalLimit: { approvalLimit: { id: string }; userErrors: unknown[] } }>(
        `mutation ($input: SetApprovalLimitInput!) { setApprovalLimit(input: $input) { approvalLimit { id } userErrors { code message field } } }`,
        { input: { role: "AGENT", maxAmount: 1_000_000 } },
      ),
    );
    const logs = await admin.request<{
      auditEntriesConnection: { edges: Array<{ node: { id: string; action: string; targetNodeId: string | null } }> };
      apiTokensConnection: { edges: Array<{ node: { id: string } }> };
    }>(`{ auditEntriesConnection(first: 10) { edges { node { id action targetNodeId } } } apiTokensConnection(first: 1) { edges { node { id } } } }`);
    audited = logs.auditEntriesConnection.edges.map((edge) => edge.node);

    add("Shop", shop.shopId, customer.client);
    add("ApiToken", logs.apiTokensConnection.edges[0]!.node.id, admin, [agent]);
    add("Customer", customer.id, customer.client, [stranger.client]);
    add("Order", orderId, customer.client, [stranger.client]);
    add("Refund", refund.id, customer.client, [stranger.client]);
    add("RefundTransition", seen.refund.transitions[0]!.id, customer.client, [stranger.client]);
    add("ResolutionOption", option!.id, customer.client, [stranger.client]);
    add("Notification", notification, customer.client, [stranger.client]);
    add("ReasonTag", seen.refund.reason.id, agent);
    add("AutomationRule", rule.rule.id, admin, [customer.client]);
    add("RefundBatch", batch.batch.id, agent, [customer.client]);
    add("StaffMember", member.staffMember.id, admin, [customer.client, integration]);
    add("ApprovalLimit", limit.approvalLimit.id, agent, [customer.client, integration]);
    // One that names a Node, so the walk reads a targetNodeId.
    add("AuditEntry", audited.find((entry) => entry.targetNodeId)!.id, admin, [agent, customer.client]);
    add("PluginDelivery", deadLetterId, admin, [agent, customer.client]);
    add("StaffNotification", inbox, agent, [finance, customer.client]);
    add("App", app.app.id, admin, [agent, customer.client]);
    add("AppWebhook", webhook.webhook.id, admin, [agent, customer.client]);
    add("AppWebhookDelivery", webhookDelivery, admin, [agent, customer.client]);
    add("AppCheck", check.check.id, admin, [agent, customer.client]);
    add("ReturnAddress", address.returnAddress.id, agent, [customer.client]);
    add("OrderItem", orderItemId, customer.client, [stranger.client]);
    add("RefundItem", itemRefund.requestRefund.refund.items[0]!.id, customer.client, [stranger.client]);

    // An unshipped order is refunded with no human touch: one payment attempt (the sandbox).
    const unshippedOrder = await shop.order("relay-1", { paidAmount: 3000, shippingStatus: "NOT_SHIPPED" });
    const paid = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: unshippedOrder, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" } });
    expect(paid.requestRefund.userErrors).toEqual([]);
    await waitForStatus(customer.client, paid.requestRefund.refund!.id, "REFUNDED");
    const attempts = await finance.request<{ refund: { paymentAttempts: { edges: Array<{ node: { id: string } }> } } }>(
      `query ($id: ID!) { refund(id: $id) { paymentAttempts(first: 1) { edges { node { id } } } } }`,
      { id: paid.requestRefund.refund!.id },
    );
    add("PaymentAttempt", attempts.refund.paymentAttempts.edges[0]!.node.id, finance, [agent, customer.client]);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("every object type with an `id: ID!` is a Node, unless listed with a reason", () => {
    expect(notNodesWithId.sort()).toEqual(Object.keys(NOT_NODES).sort());
    expect(nodeTypes.length).toBeGreaterThanOrEqual(16);
  });

  it("has an instance of every Node type, made through the API", () => {
    expect(nodeTypes.map((type) => type.name).sort()).toEqual([...instances.keys()].sort());
  });

  it("resolves each id through node and nodes for a viewer allowed to read it", async () => {
    for (const [typename, { id, reader }] of instances) {
      expect(Buffer.from(id, "base64").toString().startsWith(`${typename}:`), typename).toBe(true);
      expect((await reader.request<NodeAnswer>(NODE, { id })).node, typename).toEqual({ __typename: typename, id });
    }
    for (const reader of new Set([...instances.values()].map((instance) => instance.reader))) {
      const ids = [...instances.values()].filter((instance) => instance.reader === reader).map((instance) => instance.id);
      const answer = await reader.request<NodesAnswer>(NODES, { ids });
      expect(answer.nodes.map((node) => node?.id)).toEqual(ids);
    }
  });

  it("answers null for another shop's token and for a role that may not read it", async () => {
    const ids = [...instances.values()].map((instance) => instance.id);
    for (const outsider of [other.staff.SHOP_ADMIN, other.staff.AGENT]) {
      expect((await outsider.request<NodesAnswer>(NODES, { ids })).nodes).toEqual(ids.map(() => null));
      for (const id of ids) expect((await outsider.request<NodeAnswer>(NODE, { id })).node).toBeNull();
    }
    for (const [typename, { id, refused }] of instances) {
      for (const client of refused) expect((await client.request<NodeAnswer>(NODE, { id })).node, typename).toBeNull();
    }
  });

  it("names an audited Node by its global id", () => {
    expect(audited.find((entry) => entry.action === "staffMember.create")).toMatchObject({ targetNodeId: instances.get("StaffMember")!.id });
    // An approval limit is audited by its subject (a role, a member, the rules), not its row.
    expect(audited.find((entry) => entry.action === "approvalLimit.set")).toMatchObject({ targetNodeId: null });
  });

  it("takes a resolution option's global id as optionId, and not its raw row id", async () => {
    const option = instances.get("ResolutionOption")!.id;
    const accept = (optionId: string) => customer.client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: offeredRefundId, action: "ACCEPT_OFFER", optionId } });
    const raw = await accept(rawId(option));
    expect(raw.transitionRefund.userErrors).toEqual([expect.objectContaining({ code: "OPTION_NOT_FOUND", field: ["input", "optionId"] })]);
    const accepted = await accept(option);
    expect(accepted.transitionRefund.userErrors).toEqual([]);
    expect(accepted.transitionRefund.refund!.status).toBe("PENDING_FINANCE");
  });

  it("retries a dead letter by its global id, and not by its raw row id", async () => {
    const RETRY = `mutation ($id: ID!) { retryPluginDelivery(input: { deliveryId: $id }) { delivery { id status } userErrors { code field } } }`;
    type Retry = { retryPluginDelivery: { delivery: { id: string; status: string } | null; userErrors: Array<{ code: string; field: string[] }> } };
    const raw = await shop.staff.SHOP_ADMIN.request<Retry>(RETRY, { id: rawId(deadLetterId) });
    expect(raw.retryPluginDelivery.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "deliveryId"] }]);
    const foreign = await other.staff.SHOP_ADMIN.request<Retry>(RETRY, { id: deadLetterId });
    expect(foreign.retryPluginDelivery.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "deliveryId"] }]);
    const retried = await shop.staff.SHOP_ADMIN.request<Retry>(RETRY, { id: deadLetterId });
    expect(retried.retryPluginDelivery).toEqual({ delivery: { id: deadLetterId, status: "PENDING" }, userErrors: [] });
  });

  it("answers a global id of a Node type in every field typed ID, on every node and what it reaches", async () => {
    const nodeNames = new Set(nodeTypes.map((type) => type.name));
    const seen = new Set<string>();
    const problems: string[] = [];
    const admin = shop.staff.SHOP_ADMIN;
    for (const [typename, instance] of instances) {
      const type = served.getType(typename) as GraphQLObjectType;
      // The shop admin reads nearly everything of its shop; the instance's reader the rest.
      const reader = (await admin.request<NodeAnswer>(NODE, { id: instance.id })).node ? admin : instance.reader;
      for (const selection of idSelections(type, 4, served)) {
        const query = `query ($id: ID!) { node(id: $id) { __typename ... on ${typename} { ${selection} } } }`;
        // Over plain HTTP: a field the reader may not see (FORBIDDEN) still leaves the others' data.
        const response = await fetch(server.url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(reader)}` },
          body: JSON.stringify({ query, variables: { id: instance.id } }),
        });
        const answer = (await response.json()) as { data?: Record<string, unknown> };
        if (!answer.data) continue;
        const document = parse(query);
        for (const { field } of idValues(served, document, answer.data)) seen.add(field);
        problems.push(...globalIdProblems(served, document, answer.data, nodeNames));
      }
    }
    // A mutation's payload: the batch's results name their refunds.
    const batchDocument = parse(batchAnswer.document);
    for (const { field } of idValues(served, batchDocument, batchAnswer.data)) seen.add(field);
    problems.push(...globalIdProblems(served, batchDocument, batchAnswer.data, nodeNames));
    expect(problems).toEqual([]);
    const idFields = Object.values(served.getTypeMap())
      .filter((type): type is GraphQLObjectType => isObjectType(type) && !type.name.startsWith("__") && !["Query", "Mutation", "Subscription"].includes(type.name))
      .flatMap((type) => Object.values(type.getFields()).filter((field) => getNamedType(field.type).name === "ID").map((field) => `${type.name}.${field.name}`));
    expect(idFields.filter((field) => !seen.has(field)).sort()).toEqual(Object.keys(ID_FIELDS_NOT_WALKED).sort());
  });

  it("fails the global-id check on a field typed ID that answers a row id (a test-only schema)", async () => {
    const planted = buildSchema("interface Node { id: ID! }\ntype Query { refund: Refund }\ntype Refund implements Node { id: ID! orderId: ID }\n");
    const refundId = instances.get("Refund")!.id;
    const orderId = instances.get("Order")!.id;
    const check = async (order: string) => {
      const document = parse("{ refund { id orderId } }");
      const { data } = await execute({ schema: planted, document, rootValue: { refund: { id: refundId, orderId: order } } });
      return globalIdProblems(planted, document, data!, new Set(["Refund", "Order"]));
    };
    expect(await check(orderId)).toEqual([]);
    expect(await check(rawId(orderId))).toEqual([`Refund.orderId: ${rawId(orderId)} does not decode as <Type>:<id>`]);
    const notANode = Buffer.from(`OrderRow:${rawId(orderId)}`).toString("base64");
    expect(await check(notANode)).toEqual([`Refund.orderId: ${notANode} names OrderRow, which is not a Node type`]);
  });
});
