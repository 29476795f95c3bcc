// Authorization tests generated from the schema itself: every Query, Mutation and Subscription
// field, and `node(id:)` for every Node type, is tried by every role of one shop, by a customer
// of that shop and by an anonymous caller, with arguments naming what they do not own (another
// shop's ids, another customer's ids). None may read it (no marker of the victim's data in
// `data`) or change it (the victim's rows are the same afterwards). A field added later is
// covered without editing this file: arguments and selections are built from the types.
//
// Not tried: PLATFORM_ADMIN, which owns every shop by definition.
import { randomBytes } from "node:crypto";
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  isUnionType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema } from "../../src/graphql/schema.js";
import { loadPlugins } from "../../src/plugin/loader.js";
import { backends } from "../support/databases.js";
import { sseSubscribe } from "../support/sse.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";

const PLUGINS = ["crm-risk", "coupons", "logistics", "notifications"];

/**
 * ID arguments are matched to a type by name (`refundId` → Refund, `id` of `order(id:)` →
 * Order); these names do not spell their type. Unknown ones get the victim's refund id.
 */
const ID_NAME_TYPES: Record<string, string> = { member: "StaffMember", parent: "ReasonTag", batch: "RefundBatch", delivery: "PluginDelivery", token: "ApiToken", option: "ResolutionOption", updateReturnAddress: "ReturnAddress" };

/** Fields anyone may call, whose answer is the same for everyone (none yet). */
const PUBLIC_FIELDS = new Set<string>([]);

interface Victim {
  /** Global ids by type name. */
  ids: Map<string, string[]>;
  /** Strings that must not appear in the data a non-owner gets: ids (raw and global), names. */
  markers: string[];
  externalIds: string[];
}

type Caller = { name: string; token: string | undefined; victim: "otherShop" | "otherCustomer" };

const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":")[1]!;
const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

function idTypeFor(argName: string, fieldName: string): string {
  const base = argName === "id" || argName === "ids" ? fieldName : argName.replace(/Ids?$/, "");
  return ID_NAME_TYPES[base] ?? base.charAt(0).toUpperCase() + base.slice(1);
}

function idFor(victim: Victim, type: string): string {
  return (victim.ids.get(type) ?? victim.ids.get("Refund")!)[0]!;
}

/** A minimal valid value of an input type, naming the victim's objects wherever an id goes. */
function valueFor(type: GraphQLInputType, name: string, fieldName: string, victim: Victim, depth = 0): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [valueFor(nullable.ofType, name, fieldName, victim, depth)];
  const named = getNamedType(type);
  if (isInputObjectType(named)) {
    if (depth > 3) return {};
    const value: Record<string, unknown> = {};
    for (const field of Object.values(named.getFields())) {
      // Required fields, and optional ids: the ways to name another shop's objects.
      const isId = getNamedType(field.type).name === "ID";
      if (isNonNullType(field.type) || isId) value[field.name] = valueFor(field.type, field.name, fieldName, victim, depth + 1);
    }
    return value;
  }
  if (isEnumType(named)) return named.getValues()[0]!.value;
  if (!isScalarType(named)) return null;
  switch (named.name) {
    case "ID":
      return idFor(victim, idTypeFor(name, fieldName));
    case "Int":
      return 1;
    case "Float":
      return 1;
    case "Boolean":
      return true;
    case "DateTime":
      return new Date().toISOString();
    case "JSON":
      return {};
    default:
      return /externalId$/i.test(name) ? victim.externalIds[0] : "x";
  }
}

/** Every leaf of the type and the leaves of the objects below it, to `depth` levels. */
function selection(type: GraphQLOutputType | GraphQLNamedType, schema: GraphQLSchema, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return "";
  if (depth === 0) return "{ __typename }";
  if (isInterfaceType(named) || isUnionType(named)) {
    const fragments = schema.getPossibleTypes(named).map((possible) => `... on ${possible.name} ${selection(possible, schema, depth - 1)}`);
    return `{ __typename ${fragments.join(" ")} }`;
  }
  if (!isObjectType(named)) return "";
  const parts = ["__typename"];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)) continue;
    parts.push(`${field.name} ${selection(field.type, schema, depth - 1)}`);
  }
  return `{ ${parts.join(" ")} }`;
}

function operation(kind: "query" | "mutation" | "subscription", field: GraphQLField<unknown, unknown>, schema: GraphQLSchema, args: readonly GraphQLArgument[]): string {
  const variables = args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(", ");
  const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
  return `${kind}${variables ? ` (${variables})` : ""} { ${field.name}${passed ? `(${passed})` : ""} ${selection(field.type, schema, 3)} }`;
}

/** `data` without userErrors (which may quote the caller's own input back). */
function dataOf(answer: unknown): string {
  return JSON.stringify((answer as { data?: unknown })?.data ?? null, (key, value) => (key === "userErrors" ? undefined : value));
}

describe.each(backends)("authorization generated from the schema on %s", (kind) => {
  let server: TestServer;
  let schema: GraphQLSchema;
  let shopA: TestShop;
  let shopB: TestShop;
  let callers: Caller[];
  const victims = {} as Record<Caller["victim"], Victim>;
  let victimShopIds: string[];

  async function post(token: string | undefined, query: string, variables: Record<string, unknown>): Promise<unknown> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query, variables }),
    });
    return response.json();
  }

  /** Every row that names the other shop or one of its rows, as text: what must not change. */
  async function victimRows(): Promise<string[]> {
    const prisma = server.app.db.prisma;
    const tables = await prisma.$queryRawUnsafe<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`,
    );
    const ids = new Set(victimShopIds);
    const rows: string[] = [];
    for (const { table_name: table } of tables) {
      const all = await prisma.$queryRawUnsafe<Array<{ row: string }>>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`);
      for (const { row } of all) {
        const parsed = JSON.parse(row) as Record<string, unknown>;
        if (victimShopIds.includes(String(parsed.shopId)) && typeof parsed.id === "string") ids.add(parsed.id);
      }
      rows.push(...all.map(({ row }) => `${table} ${row}`));
    }
    // Rows of the other shop, or pointing at one of its rows (a transition of its refund).
    return rows.filter((row) => [...ids].some((id) => row.includes(id))).sort();
  }

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: PLUGINS, limits: { maxTokens: 50_000, maxDepth: 20, maxAliases: 1_000 } });
    schema = buildSchema(await loadPlugins(PLUGINS));
    const tag = randomBytes(4).toString("hex");

    // The other shop, with a customer, an order, a refund under review, a member and a tag.
    shopB = await setupShop(server, `Victim Shop ${tag}`);
    const b = await requestShippedRefund(shopB, `victim-${tag}`);
    const member = await shopB.staff.SHOP_ADMIN.request<{ createStaffMember: { staffMember: { id: string } } }>(
      `mutation { createStaffMember(input: { name: "Victim Member ${tag}", role: AGENT }) { staffMember { id } } }`,
    );
    const reasonTag = await shopB.staff.SHOP_ADMIN.request<{ createReasonTag: { reasonTag: { id: string } } }>(
      `mutation { createReasonTag(input: { code: "VICTIM_${tag.toUpperCase()}", label: "Victim Tag ${tag}" }) { reasonTag { id } } }`,
    );
    const bRefund = await shopB.staff.AGENT.request<{ refund: { order: { id: string }; customer: { id: string; name: string } } }>(
      `query ($id: ID!) { refund(id: $id) { order { id } customer { id name } } }`,
      { id: b.refundId },
    );
    const bTokens = await shopB.staff.SHOP_ADMIN.request<{ apiTokens: Array<{ id: string }> }>(`{ apiTokens { id } }`);
    // A refund of line items: its OrderItem and RefundItem nodes are the victim's too.
    const bItems = await itemRefundOf(shopB, `victim-items-${tag}`);
    const bAddress = await shopB.staff.SHOP_ADMIN.request<{ createReturnAddress: { returnAddress: { id: string } } }>(
      `mutation { createReturnAddress(input: { label: "Victim Warehouse ${tag}", recipient: "r", phone: "p", province: "p", city: "c", street: "s" }) { returnAddress { id } } }`,
    );
    await shopB.staff.SHOP_ADMIN.request(`mutation { setReturnPolicy(input: { category: "victim", terms: "Victim Terms ${tag}" }) { userErrors { code } } }`);
    victims.otherShop = {
      ids: new Map([
        ["Shop", [shopB.shopId]],
        ["Refund", [b.refundId]],
        ["Order", [bRefund.refund.order.id]],
        ["Customer", [bRefund.refund.customer.id]],
        ["StaffMember", [member.createStaffMember.staffMember.id]],
        ["ReasonTag", [reasonTag.createReasonTag.reasonTag.id]],
        ["ApiToken", bTokens.apiTokens.map((token) => token.id)],
        ["OrderItem", [bItems.orderItemId]],
        ["RefundItem", [bItems.refundItemId]],
        ["ReturnAddress", [bAddress.createReturnAddress.returnAddress.id]],
      ]),
      markers: [`Victim Shop ${tag}`, `Victim Member ${tag}`, `Victim Tag ${tag}`, bRefund.refund.customer.name, `Victim Warehouse ${tag}`, `Victim Terms ${tag}`],
      externalIds: [`victim-${tag}`],
    };
    victimShopIds = [rawId(shopB.shopId)];

    // This shop: its staff, one customer who calls, another whose refund it must not see.
    shopA = await setupShop(server, `Caller Shop ${tag}`);
    const caller = await shopA.customer(`caller-${tag}`);
    const a2 = await requestShippedRefund(shopA, `neighbour-${tag}`);
    const a2Refund = await shopA.staff.AGENT.request<{ refund: { order: { id: string }; customer: { id: string; name: string } } }>(
      `query ($id: ID!) { refund(id: $id) { order { id } customer { id name } } }`,
      { id: a2.refundId },
    );
    victims.otherCustomer = {
      ids: new Map([
        ["Shop", [shopA.shopId]],
        ["Refund", [a2.refundId]],
        ["Order", [a2Refund.refund.order.id]],
        ["Customer", [a2Refund.refund.customer.id]],
      ]),
      markers: [a2Refund.refund.customer.name, a2.refundId, a2Refund.refund.order.id],
      externalIds: [`neighbour-${tag}`],
    };
    for (const victim of [victims.otherShop]) {
      for (const ids of victim.ids.values()) victim.markers.push(...ids, ...ids.map(rawId));
    }

    callers = [
      ...(["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION"] as const).map((role) => ({ name: role, token: tokenOf(shopA.staff[role]), victim: "otherShop" as const })),
      { name: "CUSTOMER", token: tokenOf(caller.client), victim: "otherShop" },
      { name: "CUSTOMER (same shop)", token: tokenOf(caller.client), victim: "otherCustomer" },
      { name: "anonymous", token: undefined, victim: "otherShop" },
    ];
  });
  afterAll(() => server?.stop());

  /** A customer's shipped order and its refund of the order's one item, by item. */
  async function itemRefundOf(shop: TestShop, customerExternalId: string) {
    const customer = await shop.customer(customerExternalId);
    const orderId = await shop.order(customerExternalId, { paidAmount: 15900, shippingStatus: "SHIPPED" });
    const order = await shop.staff.AGENT.request<{ order: { items: Array<{ id: string }> } }>(`query ($id: ID!) { order(id: $id) { items { id } } }`, { id: orderId });
    const orderItemId = order.order.items[0]!.id;
    const requested = await customer.client.request<{ requestRefund: { refund: { items: Array<{ id: string }> } } }>(
      `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { items { id } } } }`,
      { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", items: [{ orderItemId, quantity: 1 }] } },
    );
    return { orderItemId, refundItemId: requested.requestRefund.refund.items[0]!.id };
  }

  function leaks(caller: Caller, answer: unknown): string[] {
    const data = dataOf(answer);
    return victims[caller.victim].markers.filter((marker) => data.includes(marker));
  }

  it("lets no role read another shop's or another customer's data through any query or node", async () => {
    const problems: string[] = [];
    let tried = 0;
    for (const field of Object.values(schema.getQueryType()!.getFields())) {
      if (PUBLIC_FIELDS.has(`Query.${field.name}`)) continue;
      for (const caller of callers) {
        const victim = victims[caller.victim];
        // node / nodes: every object of the victim, one by one.
        const idLists = field.name === "node" || field.name === "nodes" ? [...victim.ids.values()].flat() : [null];
        for (const id of idLists) {
          const variables: Record<string, unknown> = {};
          for (const arg of field.args) {
            if (id !== null) variables[arg.name] = arg.name === "ids" ? [id] : id;
            else if (isNonNullType(arg.type) || getNamedType(arg.type).name === "ID") variables[arg.name] = valueFor(arg.type, arg.name, field.name, victim);
          }
          const answer = await post(caller.token, operation("query", field, schema, field.args), variables);
          tried += 1;
          const leaked = leaks(caller, answer);
          if (leaked.length > 0) problems.push(`Query.${field.name} as ${caller.name} shows ${leaked.join(", ")}`);
          const errors = (answer as { errors?: Array<{ extensions?: { code?: string } }> }).errors ?? [];
          if (errors.some((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR")) problems.push(`Query.${field.name} as ${caller.name}: internal error`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(tried).toBeGreaterThan(Object.keys(schema.getQueryType()!.getFields()).length * callers.length - 1);
  });

  it("lets no role change another shop's or another customer's data through any mutation", async () => {
    const before = await victimRows();
    const neighbourBefore = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(victims.otherCustomer.ids.get("Refund")![0]!) } });
    const problems: string[] = [];
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      for (const caller of callers) {
        const victim = victims[caller.victim];
        const variables = Object.fromEntries(field.args.map((arg) => [arg.name, valueFor(arg.type, arg.name, field.name, victim)]));
        const answer = await post(caller.token, operation("mutation", field, schema, field.args), variables);
        const leaked = leaks(caller, answer);
        if (leaked.length > 0) problems.push(`Mutation.${field.name} as ${caller.name} shows ${leaked.join(", ")}`);
        const errors = (answer as { errors?: Array<{ message: string; extensions?: { code?: string } }> }).errors ?? [];
        if (errors.some((error) => error.extensions?.code === "INTERNAL_SERVER_ERROR")) problems.push(`Mutation.${field.name} as ${caller.name}: internal error`);
      }
    }
    expect(problems).toEqual([]);
    expect(await victimRows()).toEqual(before);
    const neighbourAfter = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: neighbourBefore.id } });
    expect(neighbourAfter).toEqual(neighbourBefore);
  });

  it("lets no role follow another shop's or another customer's refunds through any subscription", async () => {
    const streams: Array<{ caller: Caller; field: string; stream: Awaited<ReturnType<typeof sseSubscribe>> }> = [];
    for (const field of Object.values(schema.getSubscriptionType()!.getFields())) {
      for (const caller of callers) {
        const victim = victims[caller.victim];
        const variables: Record<string, unknown> = {};
        for (const arg of field.args) {
          if (arg.name === "afterVersion") variables[arg.name] = 0; // ask for the whole history
          else if (isNonNullType(arg.type) || getNamedType(arg.type).name === "ID") variables[arg.name] = valueFor(arg.type, arg.name, field.name, victim);
        }
        streams.push({ caller, field: field.name, stream: await sseSubscribe(server.url, caller.token, operation("subscription", field, schema, field.args), variables) });
      }
    }
    // Something happens to the victims' refunds, by their own staff, while everyone listens.
    const reject = `mutation ($id: ID!) { transitionRefund(input: { refundId: $id, action: REJECT, note: "generated test" }) { userErrors { code } } }`;
    type Rejected = { transitionRefund: { userErrors: unknown[] } };
    expect((await shopB.staff.AGENT.request<Rejected>(reject, { id: victims.otherShop.ids.get("Refund")![0]! })).transitionRefund.userErrors).toEqual([]);
    expect((await shopA.staff.AGENT.request<Rejected>(reject, { id: victims.otherCustomer.ids.get("Refund")![0]! })).transitionRefund.userErrors).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 700));
    const problems: string[] = [];
    for (const { caller, field, stream } of streams) {
      stream.abort();
      for (const result of stream.results) {
        const leaked = leaks(caller, result);
        if (leaked.length > 0) problems.push(`Subscription.${field} as ${caller.name} shows ${leaked.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
