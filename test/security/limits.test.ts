// Hostile or careless clients: oversized documents are refused before anything runs, every
// response tells the caller what it cost and what budget is left, and a caller over its budget
// is throttled with when to come back, then served again once the bucket has refilled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits/limits.js";
import { backends } from "../support/databases.js";
import { sseSubscribe } from "../support/sse.js";
import { collect, wsClient } from "../support/subscriptions.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";

type Cost = { requested: number; actual: number; budget: { remaining: number; max: number; refillPerSecond: number } };
type Answer = { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; extensions?: { cost?: Cost } };

// A small budget so that a few requests drain it; the size limits stay the production ones.
// A slow refill: the throttle below needs three requests within the 2.6 s that 26 points take
// to come back, which a busy machine leaves far behind (at 100 points a second it was 0.26 s).
const BUDGET = { max: 100, refillPerSecond: 10 };
const PAGE = "{ refunds(first: 40) { edges { node { id } } } }"; // 2 + 40 × 1 = 42 points

describe.each(backends)("limits on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let agent: string;
  let admin: string;

  async function post(body: unknown, token?: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; answer: Answer | Answer[] }> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }), ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, answer: (await response.json()) as Answer };
  }
  const one = async (query: string, token?: string, variables?: Record<string, unknown>) => {
    const { status, headers, answer } = await post({ query, variables }, token);
    return { status, headers, answer: answer as Answer };
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { limits: { budget: BUDGET }, redisUrl: process.env.REDIS_URL });
    shop = await setupShop(server);
    agent = tokenOf(shop.staff.AGENT);
    admin = tokenOf(shop.staff.SHOP_ADMIN);
  });
  afterAll(() => server?.stop());

  it("refuses 2,000 aliases while parsing, before any statement runs", async () => {
    const statements: string[] = [];
    const stop = server.app.db.onQuery((sql) => statements.push(sql));
    const aliases = Array.from({ length: 2000 }, (_, index) => `t${index}: reasonTags { code }`).join(" ");
    const { answer } = await one(`{ ${aliases} }`, agent);
    stop();
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]?.extensions?.code).toBe("MAX_TOKENS_EXCEEDED");
    expect(answer.errors?.[0]?.message).toMatch(/Token limit of 2000 exceeded/);
    // Not even the token was looked up (the payment sweeper's own statements run meanwhile).
    expect(statements.filter((sql) => /ApiToken|ReasonTag/.test(sql))).toEqual([]);
    expect(answer.extensions?.cost).toMatchObject({ requested: 0, actual: 0 });
  });

  it("refuses more aliases than allowed during validation, with the limit in the message", async () => {
    const aliases = Array.from({ length: DEFAULT_LIMITS.maxAliases + 1 }, (_, index) => `t${index}: reasonTags { code }`).join(" ");
    const { answer } = await one(`{ ${aliases} }`, agent);
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "MAX_ALIASES_EXCEEDED" } });
    expect(answer.errors?.[0]?.message).toMatch(`Aliases limit of ${DEFAULT_LIMITS.maxAliases} exceeded, found ${DEFAULT_LIMITS.maxAliases + 1}`);
  });

  it("refuses a query 50 levels deep before executing it", async () => {
    const statements: string[] = [];
    let deep = "code";
    for (let level = 0; level < 49; level += 1) deep = `parent { ${deep} }`;
    const stop = server.app.db.onQuery((sql) => statements.push(sql));
    const { answer } = await one(`{ reasonTags { ${deep} } }`, agent);
    stop();
    expect(answer.data).toBeUndefined();
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "MAX_DEPTH_EXCEEDED" } });
    expect(answer.errors?.[0]?.message).toMatch(`Query depth limit of ${DEFAULT_LIMITS.maxDepth} exceeded`);
    expect(statements.filter((sql) => /ApiToken|ReasonTag/.test(sql))).toEqual([]);
  });

  it("refuses too many directives", async () => {
    const directives = Array.from({ length: DEFAULT_LIMITS.maxDirectives + 1 }, () => "@include(if: true)").join(" ");
    const { answer } = await one(`{ reasonTags { code ${directives} } }`, agent);
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "MAX_DIRECTIVES_EXCEEDED" } });
  });

  it("refuses a request body over the limit and a batch over the limit", async () => {
    const big = await post({ query: "{ __typename }", variables: { padding: "x".repeat(DEFAULT_LIMITS.maxBodyBytes) } }, agent);
    expect(big.status).toBe(413);
    // A body that does not say its size (chunked) is refused unread: the only check of its size.
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify({ query: "{ __typename }" })));
        controller.close();
      },
    });
    const chunked = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${agent}` }, body, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(411);
    const batch = await post(Array.from({ length: DEFAULT_LIMITS.maxBatchSize + 1 }, () => ({ query: "{ __typename }" })), agent);
    expect(JSON.stringify(batch.answer)).toMatch(`Batching is limited to ${DEFAULT_LIMITS.maxBatchSize} operations`);
  });

  it("refuses a subscription over the limit of one graphql-ws connection, and counts closed ones out", async () => {
    const client = wsClient(server.url, admin);
    const query = "subscription { refundEvents { version } }";
    const open = Array.from({ length: DEFAULT_LIMITS.maxSubscriptionsPerConnection }, () => collect(client, query, {}));
    const extra = collect(client, query, {});
    await extra.ended;
    expect(JSON.stringify(extra.errors)).toMatch(/TOO_MANY_SUBSCRIPTIONS|At most 25 subscriptions/);
    expect(open.every((subscription) => subscription.errors.length === 0)).toBe(true);
    open[0]!.unsubscribe();
    // Messages on one socket are handled in order: the complete goes before the new subscribe.
    const replacement = collect(client, query, {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(replacement.errors).toEqual([]);
    await client.dispose();
  });

  it("puts extensions.cost on every response: data, userErrors, top-level errors, refusals, batches, subscriptions", async () => {
    // Each caller below starts with a full bucket (its own token, or the loopback address).
    const customer = await shop.customer("cost-ext");
    const customerToken = tokenOf(customer.client);
    const answers: Answer[] = [];
    answers.push((await one("{ reasonTags { code } }", customerToken)).answer); // data
    answers.push((await one(`mutation { createReasonTag(input: { code: "X", label: "x" }) { userErrors { code } } }`, customerToken)).answer); // userErrors
    answers.push((await one("{ refunds(first: 1) { edges { node { id } } } }")).answer); // UNAUTHENTICATED
    answers.push((await one("{ nope }", customerToken)).answer); // validation
    answers.push((await one("{", customerToken)).answer); // syntax
    const batch = await post([{ query: "{ __typename }" }, { query: "{ nope }" }], customerToken);
    answers.push(...(batch.answer as Answer[]));
    for (const answer of answers) {
      expect(answer.extensions?.cost, JSON.stringify(answer)).toMatchObject({ budget: { max: BUDGET.max, refillPerSecond: BUDGET.refillPerSecond } });
    }
    expect(answers[0]!.extensions!.cost).toMatchObject({ requested: 1, actual: 1 });
    expect(answers[1]!.extensions!.cost!.requested).toBeGreaterThanOrEqual(10);

    const { refundId } = await requestShippedRefund(shop, "cost-sse");
    const stream = await sseSubscribe<unknown>(server.url, admin, "subscription ($id: ID!) { refundStatusChanged(refundId: $id, afterVersion: 0) { version } }", { id: refundId });
    await stream.waitFor(1);
    stream.abort();
    const first = JSON.parse(stream.messages.find((message) => message.event === "next")!.data) as Answer;
    expect(first.extensions?.cost).toMatchObject({ requested: 1, actual: 1, budget: { max: BUDGET.max } });
  });

  it("throttles a token over its budget with Retry-After, then serves it again after the refill", async () => {
    const token = tokenOf(shop.staff.FINANCE);
    const served = await one(PAGE, token);
    expect(served.answer.extensions?.cost).toEqual({ requested: 42, actual: 42, budget: { remaining: 58, max: 100, refillPerSecond: 10 } });
    // What came back in the few milliseconds between requests is far below another 42.
    expect((await one(PAGE, token)).answer.extensions?.cost?.budget.remaining).toBeLessThan(42);

    const refused = await one(PAGE, token);
    expect(refused.status).toBe(429);
    // Seconds until 42 points are back: at most 42 / 10, rounded up.
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(refused.answer.data).toBeUndefined();
    expect(refused.answer.errors?.[0]).toMatchObject({ extensions: { code: "THROTTLED", retryAfterSeconds: retryAfter } });
    expect(refused.answer.errors?.[0]?.message).toMatch(`Retry after ${retryAfter} s`);
    expect(refused.answer.extensions?.cost).toMatchObject({ requested: 42, actual: 0 });

    // Another token's budget is its own.
    expect((await one(PAGE, tokenOf(shop.staff.WAREHOUSE))).status).toBe(200);

    // Back after the time it was told.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const again = await one(PAGE, token);
    expect(again.status).toBe(200);
    expect(again.answer.errors).toBeUndefined();
    expect(again.answer.extensions?.cost).toMatchObject({ requested: 42, actual: 42 });
  });

  it("refuses an operation dearer than the whole budget, whatever is left", async () => {
    const { answer } = await one("{ refunds(first: 100) { edges { node { id } } } }", tokenOf(shop.staff.INTEGRATION));
    expect(answer.errors?.[0]).toMatchObject({ extensions: { code: "MAX_COST_EXCEEDED", requested: 102, max: 100 } });
    expect(answer.extensions?.cost).toMatchObject({ requested: 102, actual: 0, budget: { max: 100 } });
  });
});
