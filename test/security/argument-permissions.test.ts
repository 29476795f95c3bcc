// Arguments are authorized like fields (src/graphql/argument-reads.ts). First a walk generated
// from the printed schema: every argument, input field and ordering value of every list,
// connection and stream must be declared, either as reading only the list's own type or as
// reading named fields of other types; a planted one is caught. Then the behaviour over HTTP:
// an app may filter by another type's data only with that type's permission, and a role may not
// filter by what it is not shown.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  type GraphQLInputObjectType,
  type GraphQLSchema,
  buildSchema,
  extendSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isObjectType,
  parse,
} from "graphql";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARGUMENT_READS, OWN, RELAY_PAGE_ARGUMENTS } from "../../src/graphql/argument-reads.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer } from "../support/server.js";

const printed = buildSchema(readFileSync(path.resolve(import.meta.dirname, "../../schema/schema.graphql"), "utf8"));

/** Lists, connections and the streams of Subscription: every field whose arguments choose rows. */
function listFields(schema: GraphQLSchema) {
  const subscription = schema.getSubscriptionType()?.name;
  return Object.values(schema.getTypeMap())
    .filter(isObjectType)
    .filter((type) => !type.name.startsWith("__"))
    .flatMap((type) => Object.values(type.getFields()).map((field) => ({ type, field })))
    .filter(({ type, field }) => type.name === subscription || isListType(getNullableType(field.type)) || getNamedType(field.type).name.endsWith("Connection"));
}

/** Every coordinate the walk needs declared, and every one it found. */
function walk(schema: GraphQLSchema): { required: Set<string> } {
  const required = new Set<string>();
  const inputs = new Set<GraphQLInputObjectType>();
  const visitInput = (input: GraphQLInputObjectType) => {
    if (inputs.has(input)) return;
    inputs.add(input);
    for (const field of Object.values(input.getFields())) {
      const named = getNamedType(field.type);
      if (isInputObjectType(named)) visitInput(named);
      else required.add(`${input.name}.${field.name}`);
      if (isEnumType(named) && named.name.endsWith("OrderBy")) for (const value of named.getValues()) required.add(`${named.name}.${value.name}`);
    }
  };
  for (const { type, field } of listFields(schema)) {
    const connection = getNamedType(field.type).name.endsWith("Connection");
    for (const argument of field.args) {
      const named = getNamedType(argument.type);
      if (connection && RELAY_PAGE_ARGUMENTS.has(argument.name)) continue;
      if (isInputObjectType(named)) {
        visitInput(named);
        continue;
      }
      required.add(`${type.name}.${field.name}(${argument.name}:)`);
      if (isEnumType(named) && named.name.endsWith("OrderBy")) for (const value of named.getValues()) required.add(`${named.name}.${value.name}`);
    }
  }
  return { required };
}

const unmapped = (schema: GraphQLSchema) => [...walk(schema).required].filter((coordinate) => !(coordinate in ARGUMENT_READS)).sort();

/** Whether a declared coordinate names something in the schema (an argument, input field or enum value). */
function exists(schema: GraphQLSchema, coordinate: string): boolean {
  const argument = /^(\w+)\.(\w+)\((\w+):\)$/.exec(coordinate);
  if (argument) {
    const type = schema.getType(argument[1]!);
    return isObjectType(type) && Boolean(type.getFields()[argument[2]!]?.args.some((arg) => arg.name === argument[3]));
  }
  const [typeName, member] = coordinate.split(".") as [string, string];
  const type = schema.getType(typeName);
  if (isInputObjectType(type)) return member in type.getFields();
  if (isEnumType(type)) return type.getValue(member) !== undefined;
  return false;
}

describe("the argument-permission declaration, walked from the printed schema", () => {
  it("maps every argument, input field and ordering of every list, connection and stream", () => {
    const { required } = walk(printed);
    // The walk reaches the refund filter, its search and orderings, and arguments of plain lists.
    expect(required).toContain("RefundFilter.search");
    expect(required).toContain("RefundOrderBy.SLA_DUE_AT_ASC");
    expect(required).toContain("OrderFilter.customerId");
    expect(required).toContain("Query.staffMembers(role:)");
    expect(required).toContain("Subscription.refundStatusChanged(afterVersion:)");
    expect(unmapped(printed)).toEqual([]);
  });

  it("declares nothing the schema does not have, and reads only fields that exist", () => {
    const stale = Object.keys(ARGUMENT_READS).filter((coordinate) => !exists(printed, coordinate));
    expect(stale).toEqual([]);
    const reads = Object.values(ARGUMENT_READS).flatMap((read) => (read === OWN ? [] : read));
    const missing = reads.filter((coordinate) => {
      const [typeName, fieldName] = coordinate.split(".") as [string, string];
      const type = printed.getType(typeName);
      return !(isObjectType(type) && fieldName in type.getFields());
    });
    expect(missing).toEqual([]);
  });

  it("catches a planted argument, input field and ordering that nobody declared", () => {
    const planted = extendSchema(
      printed,
      parse(/* GraphQL */ `
        extend type Query { refundsByCustomer(customerName: String, filter: PlantedFilter, first: Int): [Refund!]! }
        input PlantedFilter { customerTier: String, nested: PlantedNested }
        input PlantedNested { phone: String }
        extend input RefundFilter { customerPhone: String }
        extend enum RefundOrderBy { CUSTOMER_NAME_ASC }
      `),
    );
    expect(unmapped(planted)).toEqual([
      "PlantedFilter.customerTier",
      "PlantedNested.phone",
      "Query.refundsByCustomer(customerName:)",
      "Query.refundsByCustomer(first:)",
      "RefundFilter.customerPhone",
      "RefundOrderBy.CUSTOMER_NAME_ASC",
    ]);
  });
});

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateAppInput!) { createApp(input: $input) { token userErrors { code message } } }
`;
const REFUND_IDS = /* GraphQL */ `
  query ($filter: RefundFilter, $orderBy: RefundOrderBy) { refunds(first: 50, filter: $filter, orderBy: $orderBy) { edges { node { id } } } }
`;
type RefundIds = { refunds: { edges: Array<{ node: { id: string } }> } };
type GraphQLFailure = { response: { errors: Array<{ message: string; extensions: { code: string } }>; data?: unknown } };

/** The error a refused operation answers (graphql-request throws it). */
async function refusal(request: Promise<unknown>): Promise<{ message: string; code: string; data: unknown }> {
  const failure = (await request.then(
    () => {
      throw new Error("the operation was answered, not refused");
    },
    (error: GraphQLFailure) => error,
  )) as GraphQLFailure;
  const [first] = failure.response.errors;
  return { message: first!.message, code: first!.extensions.code, data: failure.response.data ?? null };
}

describe.each(backends)("arguments authorized like fields on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let refundId: string;
  let customerName: string;
  let zhang: GraphQLClient;
  const ids = async (client: GraphQLClient, filter: Record<string, unknown>) =>
    (await client.request<RefundIds>(REFUND_IDS, { filter })).refunds.edges.map((edge) => edge.node.id);
  const app = async (name: string, permissions: string[]) => {
    const created = await shop.staff.SHOP_ADMIN.request<{ createApp: { token: string | null; userErrors: unknown[] } }>(CREATE_APP, { input: { name, permissions } });
    expect(created.createApp.userErrors).toEqual([]);
    return server.client(created.createApp.token!);
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
    const external = `zhang-${kind}`;
    const requested = await requestShippedRefund(shop, external);
    refundId = requested.refundId;
    zhang = requested.customer.client;
    customerName = `Customer ${external}`;
    await requestShippedRefund(shop, `li-${kind}`);
  });
  afterAll(() => server?.stop());

  it("refuses an app without READ_CUSTOMERS a search that matches customer names, inline or in variables", async () => {
    const noCustomers = await app("no customers", ["READ_REFUNDS", "READ_ORDERS"]);
    // The field is refused, and so is the search that would answer the same question.
    expect((await refusal(noCustomers.request(`query ($id: ID!) { refund(id: $id) { customer { name } } }`, { id: refundId }))).message).toMatch(/Customer needs READ_CUSTOMERS/);
    const inline = await refusal(noCustomers.request(`{ refunds(first: 5, filter: { search: "${customerName}" }) { edges { node { id } } } }`));
    expect(inline).toMatchObject({ code: "FORBIDDEN", data: null });
    expect(inline.message).toMatch(/^This app may not read RefundFilter\.search \(line 1, column \d+\): it reads Customer\.name: Customer needs READ_CUSTOMERS$/);
    const variables = await refusal(noCustomers.request(REFUND_IDS, { filter: { statuses: ["PENDING_REVIEW"], search: "zh" } }));
    expect(variables).toMatchObject({ code: "FORBIDDEN" });
    expect(variables.message).toMatch(/RefundFilter\.search .*Customer needs READ_CUSTOMERS/);
    // A default of the operation's variable is what runs: judged too.
    const defaulted = `query ($s: String = "${customerName}") { refunds(first: 5, filter: { search: $s }) { edges { node { id } } } }`;
    expect((await refusal(noCustomers.request(defaulted))).message).toMatch(/RefundFilter\.search .*Customer needs READ_CUSTOMERS/);
    // Nor by the customer's id; what reads only refunds and orders is still answered.
    expect((await refusal(noCustomers.request(REFUND_IDS, { filter: { customerId: Buffer.from("Customer:x").toString("base64") } }))).message).toMatch(/RefundFilter\.customerId .*Customer needs READ_CUSTOMERS/);
    expect(await ids(noCustomers, { statuses: ["PENDING_REVIEW"], shippingStatuses: ["SHIPPED"] })).toContain(refundId);

    const refundsOnly = await app("refunds only", ["READ_REFUNDS"]);
    expect((await refusal(refundsOnly.request(REFUND_IDS, { filter: { search: "zh" } }))).message).toMatch(/RefundFilter\.search .*: it reads Order\.externalId: Order needs READ_ORDERS/);
    expect((await refusal(refundsOnly.request(REFUND_IDS, { filter: { shippingStatuses: ["SHIPPED"] } }))).message).toMatch(/RefundFilter\.shippingStatuses .*Order needs READ_ORDERS/);
    expect(await ids(refundsOnly, { statuses: ["PENDING_REVIEW"], reasonCodes: ["LOGISTICS"] })).toContain(refundId);
  });

  it("lets an app holding READ_CUSTOMERS (and READ_ORDERS) search by customer name", async () => {
    const withCustomers = await app("with customers", ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS"]);
    expect(await ids(withCustomers, { search: customerName })).toEqual([refundId]);
    expect(await ids(withCustomers, { search: "nobody-by-this-name" })).toEqual([]);
  });

  it("refuses an app a batch whose filter searches customers, and changes nothing", async () => {
    const actor = await app("batch actor", ["READ_REFUNDS", "READ_ORDERS", "TRANSITION_REFUNDS"]);
    const batch = refusal(
      actor.request(`mutation ($input: BatchTransitionRefundsInput!) { batchTransitionRefunds(input: $input) { results { refundId ok } userErrors { code } } }`, {
        input: { filter: { search: customerName }, action: "APPROVE" },
      }),
    );
    expect((await batch).message).toMatch(/RefundFilter\.search .*Customer needs READ_CUSTOMERS/);
    const { refund } = await shop.staff.AGENT.request<{ refund: { status: string } }>(`query ($id: ID!) { refund(id: $id) { status } }`, { id: refundId });
    expect(refund.status).toBe("PENDING_REVIEW");
  });

  it("refuses the roles that are not shown assignees or labels a filter by them; staff use them", async () => {
    // INTEGRATION reads every refund of the shop, but `assignee` and `labels` are null and [] for it.
    for (const filter of [{ assignedTo: "UNASSIGNED" }, { labels: ["vip"] }]) {
      const refused = await refusal(shop.staff.INTEGRATION.request(REFUND_IDS, { filter }));
      expect(refused.code).toBe("FORBIDDEN");
      expect(refused.message).toMatch(/^INTEGRATION may not filter or order by RefundFilter\.(assignedTo|labels) \(line \d+, column \d+\): it reads Refund\.(assignee|labels), shown to .*AGENT.* only$/);
    }
    const customer = await shop.customer(`own-${kind}`);
    expect((await refusal(customer.client.request(REFUND_IDS, { filter: { assignedTo: "UNASSIGNED" } }))).code).toBe("FORBIDDEN");
    expect((await refusal(customer.client.request(REFUND_IDS, { filter: { labels: ["vip"] } }))).code).toBe("FORBIDDEN");
    for (const role of ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"] as const) {
      expect(await ids(shop.staff[role], { assignedTo: "UNASSIGNED", search: customerName })).toEqual([refundId]);
      expect(await ids(shop.staff[role], { labels: ["vip"] })).toEqual([]);
    }
    // What each role is shown stays open to it: INTEGRATION reads customers and orders; a customer
    // searching by its own name finds its own refunds only (it is shown its own customer).
    expect(await ids(shop.staff.INTEGRATION, { search: customerName, shippingStatuses: ["SHIPPED"] })).toEqual([refundId]);
    expect(await ids(shop.staff.INTEGRATION, { statuses: ["PENDING_REVIEW"] })).toHaveLength(2);
    expect(await ids(zhang, { search: "Customer" })).toEqual([refundId]);
    expect(await ids(customer.client, { search: customerName })).toEqual([]);
  });

  it("answers a mutation whose filter reads what the role is not shown with a userError, not a refusal", async () => {
    const batch = await shop.staff.INTEGRATION.request<{ batchTransitionRefunds: { results: unknown[]; userErrors: Array<{ code: string; field: string[] }> } }>(
      `mutation ($input: BatchTransitionRefundsInput!) { batchTransitionRefunds(input: $input) { results { refundId } userErrors { code field } } }`,
      { input: { filter: { labels: ["vip"] }, action: "APPROVE" } },
    );
    expect(batch.batchTransitionRefunds.userErrors).toEqual([{ code: "FORBIDDEN", field: ["input", "filter", "labels"] }]);
  });

  it("judges an ordering's default and its values too: every refund ordering reads the refund's own columns", async () => {
    for (const orderBy of ["CREATED_AT_ASC", "UPDATED_AT_DESC", "REQUESTED_AMOUNT_DESC", "SLA_DUE_AT_ASC"]) {
      const listed = await shop.staff.INTEGRATION.request<RefundIds>(REFUND_IDS, { orderBy });
      expect(listed.refunds.edges.map((edge) => edge.node.id)).toContain(refundId);
    }
  });
});
