// Lists in the schema, walked from schema/schema.graphql: a list of objects that can grow without
// bound has a connection; the plain list a connection replaces is @deprecated, naming the
// connection, with the date since when ("… since YYYY-MM-DD"); every other plain list of objects
// is listed below with what bounds it. Shown failing on schemas planted to fail.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type GraphQLField, buildSchema, getNamedType, getNullableType, isListType, isObjectType, isLeafType } from "graphql";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, SCHEMA_FILE } from "../../scripts/lib/schema-breaking.js";

/** Plain lists of objects with no connection, each with what keeps it short. */
const BOUNDED: Record<string, string> = {
  "App.checks": "at most 5 per app (MAX_CHECKS_PER_APP)",
  "AppCheck.recentCalls": "the latest calls, at most 100 (its `first`)",
  "AssignRefundsPayload.refunds": "the refunds of the input, at most 50",
  "AutomationRule.conditions": "the conditions one rule was written with",
  "AutomationRuleVerdict.conditions": "the conditions of one rule",
  "AutomationSimulation.rules": "the shop's automation rules: configuration a shop admin writes, tens",
  "BatchTransitionRefundsPayload.results": "one per refund of the batch, at most 50",
  "DeadlineBreaches.byStatus": "one per RefundStatus",
  "HandlingTimeStats.buckets": "four buckets",
  "Order.items": "the order's lines, fixed at checkout",
  "OrderItem.variants": "at most 50 per item (MAX_VARIANTS_PER_ITEM)",
  "PaymentAccount.secrets": "the secret names of one provider",
  "ProductRefundStats.topReasons": "the top reasons of one product",
  "Query.approvalLimits": "one per role and per staff member given one: configuration, tens",
  "Query.automationRules": "configuration a shop admin writes, tens",
  "Query.automationTimers": "at most one per RefundStatus",
  "Query.nodes": "one per id asked for",
  "Query.paymentAccounts": "one per payment provider",
  "Query.plugins": "the plugins the server loaded",
  "Query.reasonTags": "the shop's reason tree: configuration, tens",
  "Query.returnAddresses": "the shop's warehouses: configuration, a few",
  "Query.returnPolicies": "the shop's policies by SKU pattern: configuration, a few",
  "Query.slaPolicies": "at most one per RefundStatus",
  "ReasonTag.children": "the sub-reasons of one tag: configuration, a few",
  "Refund.coupons": "one per coupon kind (two kinds)",
  "Refund.items": "the order's lines",
  "Refund.resolutionOptions": "the options of the current offer; a new offer replaces them",
  "RefundBatch.failuresByCode": "one per UserErrorCode",
  "RefundBatch.items": "at most 50 per batch",
  "RefundMetrics.parentReasons": "one per top-level reason tag",
  "RefundMetrics.reasons": "one per reason tag",
  "RefundMetrics.trend": "one per day of the period, at most 366",
  "RefundRateForecast.parameters": "the model's few parameters",
  "RefundRateForecast.points": "one per day of the forecast's horizon",
  "ReturnEligibility.items": "the order's lines",
  "Shop.reasonTags": "the shop's reason tree: configuration, tens",
  "StaffMetrics.members": "one per staff member of the shop: tens",
};

const DATED = /since (\d{4}-\d{2}-\d{2})$/;

/** What is wrong with the schema's lists, one line each (empty: nothing). */
function listFindings(sdl: string, bounded: Record<string, string>): string[] {
  const schema = buildSchema(sdl);
  const findings: string[] = [];
  const seen = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__") || type.name.endsWith("Connection")) continue;
    const fields = type.getFields();
    for (const field of Object.values(fields) as Array<GraphQLField<unknown, unknown>>) {
      const name = `${type.name}.${field.name}`;
      if (field.deprecationReason != null && !DATED.test(field.deprecationReason)) findings.push(`${name}: deprecated without "since YYYY-MM-DD"`);
      if (!isListType(getNullableType(field.type)) || isLeafType(getNamedType(field.type))) continue;
      if (getNamedType(field.type).name === "UserError") continue; // one per problem with the input
      seen.add(name);
      const connection = fields[`${field.name}Connection`];
      if (connection) {
        if (field.deprecationReason == null) findings.push(`${name}: ${connection.name} replaces it, but it is not deprecated`);
        else if (!field.deprecationReason.includes(connection.name)) findings.push(`${name}: its deprecation does not name ${connection.name}`);
      } else if (field.deprecationReason == null && !(name in bounded)) {
        findings.push(`${name}: a plain list with no connection; add one, or list it in BOUNDED with what bounds it`);
      }
    }
  }
  for (const name of Object.keys(bounded)) if (!seen.has(name)) findings.push(`${name}: in BOUNDED but not a plain list of the schema`);
  return findings;
}

const sdl = await readFile(path.join(REPO_ROOT, SCHEMA_FILE), "utf8");

describe("lists of schema/schema.graphql", () => {
  it("have connections when they grow, and the lists those replace are deprecated, dated", () => {
    expect(listFindings(sdl, BOUNDED)).toEqual([]);
  });

  it("deprecate the lists of refunds, transitions, notifications and coupons for their connections", () => {
    const schema = buildSchema(sdl);
    const reason = (type: string, field: string) => (schema.getType(type) as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[field]!.deprecationReason;
    expect(reason("Order", "refunds")).toMatch(/use refundsConnection, .* since 2026-12-07$/);
    expect(reason("Refund", "transitions")).toMatch(/use transitionsConnection, .* since 2026-12-07$/);
    expect(reason("Refund", "notifications")).toMatch(/use notificationsConnection, .* since 2026-12-07$/);
    expect(reason("Customer", "coupons")).toMatch(/use couponsConnection, .* since 2026-12-07$/);
    expect(reason("Query", "apiTokens")).toMatch(/use apiTokensConnection, .* since 2026-11-30$/);
  });
});

describe("the list check, on planted schemas", () => {
  const base = "type Query { refund: Refund }\ntype Refund { id: ID! note: String }\ntype Transition { id: ID! }\ntype TransitionsConnection { edges: [Transition!]! }\n";

  it("fails on a plain list with no connection, and passes once it is listed as bounded", () => {
    const planted = base.replace("note: String", "transitions: [Transition!]!");
    expect(listFindings(planted, {})).toEqual(["Refund.transitions: a plain list with no connection; add one, or list it in BOUNDED with what bounds it"]);
    expect(listFindings(planted, { "Refund.transitions": "few" })).toEqual([]);
  });

  it("fails on a list beside its connection that is not deprecated, or deprecated with no date", () => {
    const beside = base.replace("note: String", "transitions: [Transition!]! transitionsConnection: TransitionsConnection!");
    expect(listFindings(beside, {})).toEqual(["Refund.transitions: transitionsConnection replaces it, but it is not deprecated"]);
    const undated = beside.replace("[Transition!]!", '[Transition!]! @deprecated(reason: "use transitionsConnection")');
    expect(listFindings(undated, {})).toEqual(['Refund.transitions: deprecated without "since YYYY-MM-DD"']);
    const dated = beside.replace("[Transition!]!", '[Transition!]! @deprecated(reason: "Unbounded; use transitionsConnection, the same items in pages. Deprecated since 2026-12-07")');
    expect(listFindings(dated, {})).toEqual([]);
  });

  it("fails on a bounded entry the schema no longer has", () => {
    expect(listFindings(base, { "Refund.labels": "few" })).toEqual(["Refund.labels: in BOUNDED but not a plain list of the schema"]);
  });
});
