// Property-based: every mutation of the schema, called by any role of a shop with arbitrary
// input (built from its input type, ids drawn from the shop's real objects or made up), answers
// data or userErrors — never a top-level or internal error — and after each call the database
// keeps its invariants. A mutation added later is exercised without editing this file.
import fc from "fast-check";
import {
  type GraphQLInputType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSchema } from "../../src/graphql/schema.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";

const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("", "\u0000x", "x".repeat(3_000), "ORDERED_BY_MISTAKE", "LOGISTICS", "SF Express", "ME", "UNASSIGNED"),
);
const int = fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.constantFrom(0, 1, 2_147_483_647, -2_147_483_648));

describe.each(backends)("mutations with arbitrary input on %s", (kind) => {
  let server: TestServer;
  let schema: GraphQLSchema;
  let shop: TestShop;
  const tokens: string[] = [];
  const ids = new Map<string, string[]>();

  /** Ids of a type: the shop's own (the interesting case), or not ids at all. */
  function idArbitrary(argName: string): fc.Arbitrary<string> {
    const type = argName.replace(/Ids?$/, "");
    const pool = ids.get(type.charAt(0).toUpperCase() + type.slice(1)) ?? [...ids.values()].flat();
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: text });
  }

  function arbitraryFor(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> {
    const nullable = getNullableType(type);
    const value = ((): fc.Arbitrary<unknown> => {
      if (isListType(nullable)) return fc.array(arbitraryFor(nullable.ofType, name, depth + 1), { maxLength: 3 });
      const named = getNamedType(type);
      if (isInputObjectType(named)) {
        const fields = Object.values(named.getFields());
        // Deep enough for the deepest input (upsertOrder's items' variants: input → items → item → variants → variant).
        if (depth > 4) return fc.constant({});
        return fc.record(Object.fromEntries(fields.map((field) => [field.name, arbitraryFor(field.type, field.name, depth + 1)])), {
          requiredKeys: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name),
        });
      }
      if (isEnumType(named)) return fc.constantFrom(...named.getValues().map((enumValue) => enumValue.value as string));
      if (!isScalarType(named)) return fc.constant(null);
      switch (named.name) {
        case "ID":
          return idArbitrary(name);
        case "Int":
          return int;
        case "Float":
          return fc.double({ min: -10, max: 10_000, noNaN: true });
        case "Boolean":
          return fc.boolean();
        case "DateTime":
          return fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((date) => date.toISOString());
        case "JSON":
          return fc.constantFrom({}, { enabled: false }, { windowDays: -1 });
        default:
          return text;
      }
    })();
    return isNonNullType(type) ? value : fc.option(value, { nil: null });
  }

  /** The invariants of DESIGN.md, read straight from the database. */
  async function brokenInvariants(): Promise<unknown[]> {
    const prisma = server.app.db.prisma;
    const overRefunded = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT o."id" FROM "Order" o JOIN "Refund" r ON r."orderId" = o."id"
      GROUP BY o."id", o."paidAmount"
      HAVING SUM(CASE WHEN r."status" IN ('REJECTED', 'CANCELLED') THEN 0
                      WHEN r."status" = 'REFUNDED' THEN r."refundedAmount"
                      ELSE r."requestedAmount" END) > o."paidAmount"`);
    const overApproved = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT "id" FROM "Refund" WHERE "approvedAmount" > "requestedAmount" OR "requestedAmount" <= 0 OR "refundedAmount" > "requestedAmount"`);
    const statusMismatch = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT r."id" FROM "Refund" r LEFT JOIN "RefundTransition" t ON t."refundId" = r."id" AND t."version" = r."version"
      WHERE t."id" IS NULL OR t."toStatus" <> r."status"`);
    const versionGaps = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT r."id" FROM "Refund" r JOIN "RefundTransition" t ON t."refundId" = r."id"
      GROUP BY r."id", r."version"
      HAVING COUNT(*) <> r."version" OR MIN(t."version") <> 1 OR MAX(t."version") <> r."version"`);
    const orphans = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT 'transition' AS kind, t."id" FROM "RefundTransition" t LEFT JOIN "Refund" r ON r."id" = t."refundId" WHERE r."id" IS NULL
      UNION ALL SELECT 'refund', r."id" FROM "Refund" r LEFT JOIN "Order" o ON o."id" = r."orderId" WHERE o."id" IS NULL
      UNION ALL SELECT 'payment', p."id" FROM "PaymentRefundAttempt" p LEFT JOIN "Refund" r ON r."id" = p."refundId" WHERE r."id" IS NULL`);
    // Line items: no item refunded beyond what was bought; a refund's lines add up to its requested amount.
    const overQuantity = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT i."id" FROM "OrderItem" i JOIN "RefundItem" ri ON ri."orderItemId" = i."id" JOIN "Refund" r ON r."id" = ri."refundId"
      GROUP BY i."id", i."quantity"
      HAVING SUM(CASE WHEN r."status" IN ('REJECTED', 'CANCELLED') THEN 0
                      WHEN r."status" = 'REFUNDED' THEN COALESCE(ri."passedQuantity", ri."quantity")
                      ELSE ri."quantity" END) > i."quantity" OR MIN(ri."quantity") <= 0`);
    const linesOff = await prisma.$queryRawUnsafe<unknown[]>(`
      SELECT r."id" FROM "Refund" r JOIN "RefundItem" ri ON ri."refundId" = r."id"
      GROUP BY r."id", r."requestedAmount" HAVING SUM(ri."amount") <> r."requestedAmount"`);
    return [...overRefunded, ...overApproved, ...statusMismatch, ...versionGaps, ...orphans, ...overQuantity, ...linesOff].map((row) => JSON.stringify(row));
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    schema = buildSchema([]);
    shop = await setupShop(server);
    for (const role of ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION"] as const) tokens.push(tokenOf(shop.staff[role]));
    const refunds: string[] = [];
    const customers: string[] = [];
    for (const name of ["p1", "p2"]) {
      const requested = await requestShippedRefund(shop, `prop-${name}`);
      refunds.push(requested.refundId);
      customers.push(requested.customer.id);
      tokens.push(tokenOf(requested.customer.client));
    }
    const orders = [await shop.order("prop-p1", { paidAmount: 5_000, shippingStatus: "NOT_SHIPPED" }), await shop.order("prop-p2", { paidAmount: 12_000, shippingStatus: "DELIVERED" })];
    const tags = await shop.staff.AGENT.request<{ reasonTags: Array<{ id: string }> }>(`{ reasonTags { id } }`);
    ids.set("Refund", refunds);
    ids.set("Order", orders);
    const items = await Promise.all(orders.map((id) => shop.staff.AGENT.request<{ order: { items: Array<{ id: string }> } }>(`query ($id: ID!) { order(id: $id) { items { id } } }`, { id })));
    ids.set("OrderItem", items.flatMap((answer) => answer.order.items.map((item) => item.id)));
    ids.set("Customer", customers);
    ids.set("Shop", [shop.shopId]);
    ids.set("ReasonTag", tags.reasonTags.map((tag) => tag.id).slice(0, 3));
    ids.set("Parent", ids.get("ReasonTag")!);
  });
  afterAll(() => server?.stop());

  it("answers data or userErrors to any input of any mutation, and keeps the invariants", async () => {
    const mutations = Object.values(schema.getMutationType()!.getFields());
    const call = fc.oneof(
      ...mutations.map((field) =>
        fc.record({
          field: fc.constant(field.name),
          token: fc.constantFrom(...tokens),
          variables: fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, arbitraryFor(arg.type, arg.name)]))),
        }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 6 }), async (calls) => {
        for (const { field, token, variables } of calls) {
          const definition = schema.getMutationType()!.getFields()[field]!;
          const declared = definition.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(", ");
          const passed = definition.args.map((arg) => `${arg.name}: $${arg.name}`).join(", ");
          const query = `mutation${declared ? ` (${declared})` : ""} { ${field}${passed ? `(${passed})` : ""} { userErrors { code message field } } }`;
          const response = await fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
          });
          const answer = (await response.json()) as { data?: Record<string, { userErrors: unknown[] }>; errors?: unknown[] };
          expect(answer.errors, `${field} ${JSON.stringify(variables).slice(0, 500)}`).toBeUndefined();
          expect(Array.isArray(answer.data?.[field]?.userErrors)).toBe(true);
          expect(await brokenInvariants(), `after ${field}`).toEqual([]);
        }
      }),
      { numRuns: 15, endOnFailure: true },
    );
    await server.app.payments.drain();
    expect(await brokenInvariants()).toEqual([]);
  });
});
