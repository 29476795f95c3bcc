// The permission check of app operations and webhook documents, on the real schema: fragments,
// interfaces and mutations cannot reach past the app's permissions; introspection can be read.
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { checkWebhookQuery, permissionProblems } from "../../src/apps/documents.js";
import { buildSchema } from "../../src/graphql/schema.js";

const schema = buildSchema([]);
const problems = (query: string, permissions: Parameters<typeof permissionProblems>[2]) => permissionProblems(schema, parse(query), permissions);

describe("an app's document against its permissions", () => {
  it("lets through what the permissions cover, neutral values and introspection", () => {
    expect(problems(`{ refunds(first: 1) { edges { node { id status requestedAmount { amount } } } pageInfo { hasNextPage } } }`, ["READ_REFUNDS"])).toEqual([]);
    expect(problems(`{ __schema { types { name } } __typename }`, [])).toEqual([]);
    expect(problems(`{ refund(id: "x") { order { externalId } customer { name } } }`, ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS"])).toEqual([]);
  });

  it("finds fields reached through fragments, inline fragments on interfaces, and payloads", () => {
    // The first problem is the field that leaves the permissions; what lies under it is named too.
    expect(problems(`{ refund(id: "x") { ...F } } fragment F on Refund { customer { name } }`, ["READ_REFUNDS"])[0]).toMatch(
      /^Refund\.customer \(line 1, column \d+\): Customer needs READ_CUSTOMERS$/,
    );
    expect(problems(`{ node(id: "x") { id ... on Shop { name } } }`, ["READ_REFUNDS"])).toEqual([expect.stringMatching(/^Shop\.name .*: Shop is not open to apps$/)]);
    expect(problems(`{ apps(first: 1) { edges { node { id } } } }`, ["READ_REFUNDS"])[0]).toMatch(/is not open to apps/);
    expect(problems(`mutation { transitionRefund(input: { refundId: "x", action: APPROVE }) { refund { status } userErrors { code } } }`, ["READ_REFUNDS"])[0]).toMatch(
      /^Mutation\.transitionRefund .* needs TRANSITION_REFUNDS$/,
    );
    expect(problems(`mutation { transitionRefund(input: { refundId: "x", action: APPROVE }) { refund { status } userErrors { code } } }`, ["READ_REFUNDS", "TRANSITION_REFUNDS"])).toEqual([]);
    expect(problems(`mutation { createApp(input: { name: "x", permissions: [] }) { token } }`, ["READ_REFUNDS", "TRANSITION_REFUNDS"])[0]).toMatch(/createApp .* is not open to apps/);
  });

  it("accepts a webhook document of one refundEvents field and names what is wrong with others", () => {
    expect(checkWebhookQuery(schema, `subscription { refundEvents { to version refund { status } } }`, ["READ_REFUNDS"], "REFUND_TRANSITIONED").ok).toBe(true);
    const fragment = checkWebhookQuery(schema, `subscription { ...Root } fragment Root on Subscription { refundEvents { to } }`, ["READ_REFUNDS"], "REFUND_TRANSITIONED");
    expect(fragment).toMatchObject({ ok: false, code: "WEBHOOK_QUERY_INVALID" });
    const twoOperations = checkWebhookQuery(schema, `subscription A { refundEvents { to } } subscription B { refundEvents { to } }`, ["READ_REFUNDS"], "REFUND_TRANSITIONED");
    expect(twoOperations).toMatchObject({ ok: false, code: "WEBHOOK_QUERY_INVALID" });
    const variables = checkWebhookQuery(schema, `subscription ($s: [RefundStatus!]) { refundEvents(filter: { statuses: $s }) { to } }`, ["READ_REFUNDS"], "REFUND_TRANSITIONED");
    expect(variables).toMatchObject({ ok: false, code: "WEBHOOK_QUERY_INVALID", message: expect.stringMatching(/declares variables/) });
    expect(checkWebhookQuery(schema, "x".repeat(10_001), ["READ_REFUNDS"], "REFUND_TRANSITIONED")).toMatchObject({ ok: false, code: "WEBHOOK_QUERY_INVALID" });
  });

  it("accepts a REFUND_BATCH_FINISHED document of refundBatchProgress(batchId: $batchId) and names what is wrong with others", () => {
    const check = (query: string, permissions: Parameters<typeof permissionProblems>[2] = ["READ_REFUNDS"]) => checkWebhookQuery(schema, query, permissions, "REFUND_BATCH_FINISHED");
    const summary = "{ batch { id action total succeeded failed } }";
    expect(check(`subscription ($batchId: ID!) { refundBatchProgress(batchId: $batchId) ${summary} }`).ok).toBe(true);
    const refused: Array<[string, RegExp]> = [
      [`subscription { refundEvents { to } }`, /refundEvents \(line 1, column 16\) is not the root field of a REFUND_BATCH_FINISHED webhook: select refundBatchProgress\(batchId: \$batchId\)/],
      [`subscription { refundBatchProgress(batchId: "UmVmdW5kQmF0Y2g6eA==") ${summary} }`, /must declare exactly one variable, \$batchId: ID!/],
      [`subscription ($id: ID!) {\n  refundBatchProgress(batchId: $id) ${summary} }`, /\(line 1, column 15\) must declare exactly one variable, \$batchId: ID!/],
      [`subscription ($batchId: ID! = "UmVmdW5kQmF0Y2g6eA==") { refundBatchProgress(batchId: $batchId) ${summary} }`, /exactly one variable, \$batchId: ID!, which the platform supplies/],
      // Another argument is refused by the schema, with its place.
      [`subscription ($batchId: ID!) {\n  refundBatchProgress(batchId: $batchId, first: 1) ${summary} }`, /Unknown argument "first".*line 2, column 42/],
    ];
    for (const [query, message] of refused) expect(check(query), query).toMatchObject({ ok: false, code: "WEBHOOK_QUERY_INVALID", message: expect.stringMatching(message) });
    // A refund event's document may not select the batch field, and a batch needs READ_REFUNDS.
    expect(checkWebhookQuery(schema, `subscription ($batchId: ID!) { refundBatchProgress(batchId: $batchId) ${summary} }`, ["READ_REFUNDS"], "REFUND_TRANSITIONED")).toMatchObject({
      ok: false,
      code: "WEBHOOK_QUERY_INVALID",
    });
    expect(check(`subscription ($batchId: ID!) { refundBatchProgress(batchId: $batchId) ${summary} }`, ["READ_ORDERS"])).toMatchObject({
      ok: false,
      code: "WEBHOOK_QUERY_NOT_PERMITTED",
      message: expect.stringMatching(/RefundBatchProgress needs READ_REFUNDS/),
    });
  });
});
