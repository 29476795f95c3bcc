// Overload is shed, not queued: past its in-flight limit a process answers a new request at
// once with 503 SERVICE_OVERLOADED and Retry-After (HTTP and SSE) or a graphql-ws error, before
// any statement; requests it accepted finish and commit; subscriptions already open keep
// receiving; /health and /ready still answer. The requests are held open the way a slow client
// holds them: headers sent, the body not finished. (A plugin hook waiting inside the transition
// would hold a database transaction: the only connection on PGlite, and one with a timeout.)
import { request as httpRequest } from "node:http";
import { ClientError } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";
import { statementsOf } from "../support/statements.js";
import { collect, untilStreaming, wsClient } from "../support/subscriptions.js";

const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { to version }
  }
`;
type StatusChanged = { refundStatusChanged: { to: string; version: number } };
const REFUND_STATUS = /* GraphQL */ `query ($id: ID!) { refund(id: $id) { status version transitions { action } } }`;
type RefundStatus = { refund: { status: string; version: number; transitions: Array<{ action: string }> } };

interface Answer {
  status: number;
  body: { data?: { transitionRefund?: TransitionRefundResult["transitionRefund"]; __typename?: string }; errors?: unknown[] };
}

/**
 * A request whose client sent its headers and the first byte of its body, and holds the rest
 * until `release()`: the server has accepted the request and works on it as soon as it can read it.
 */
function heldRequest(url: string, token: string, query: string, variables: Record<string, unknown>) {
  const body = JSON.stringify({ query, variables });
  const request = httpRequest(url, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` },
  });
  const answered = new Promise<Answer>((resolve, reject) => {
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(text) as Answer["body"] }));
      response.on("error", reject);
    });
    request.on("error", reject);
  });
  request.write(body.slice(0, 1));
  return {
    release(): Promise<Answer> {
      request.end(body.slice(1));
      return answered;
    },
  };
}

const inFlightAt = async (url: string) => ((await (await fetch(new URL("/ready", url))).json()) as { inFlight: number }).inFlight;

function expectOverloaded(error: { message: string; extensions?: Record<string, unknown> } | undefined) {
  expect(error?.extensions).toMatchObject({ code: "SERVICE_OVERLOADED", retryAfterSeconds: 1 });
}

const LIMIT = 5;
const TYPENAME = /* GraphQL */ `query { __typename }`;

describe.each(backends)("overload shedding on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    // Room for setupShop's five token requests at once.
    server = await startTestServer(kind, { overload: { maxInFlight: LIMIT } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("refuses past the in-flight limit before any statement, finishes what it accepted, keeps open subscriptions", async () => {
    const a = await requestShippedRefund(shop, "overload-a");
    const b = await requestShippedRefund(shop, "overload-b");
    const c = await requestShippedRefund(shop, "overload-c");
    const versionOf = async (refundId: string) => (await shop.staff.AGENT.request<RefundStatus>(REFUND_STATUS, { id: refundId })).refund.version;
    const [versionA, versionB] = [await versionOf(a.refundId), await versionOf(b.refundId)];

    // A phone on graphql-ws follows refund A, a browser on SSE follows refund B: open streams
    // hold no slot, or these two would leave room for nothing.
    const phone = wsClient(server.url, tokenOf(a.customer.client));
    const followA = collect<StatusChanged>(phone, STATUS_CHANGED, { refundId: a.refundId, afterVersion: versionA });
    await untilStreaming(() => server.app.liveSubscriptions(), 1);
    const followB = await sseSubscribe<StatusChanged>(server.url, tokenOf(b.customer.client), STATUS_CHANGED, { refundId: b.refundId, afterVersion: versionB });
    expect(followB.response.status).toBe(200);

    // Two approvals and three queries accepted and held: the process is at its limit.
    const agent = tokenOf(shop.staff.AGENT);
    const heldA = heldRequest(server.url, agent, TRANSITION_REFUND, { input: { refundId: a.refundId, action: "APPROVE" } });
    const heldB = heldRequest(server.url, agent, TRANSITION_REFUND, { input: { refundId: b.refundId, action: "APPROVE" } });
    const heldQueries = Array.from({ length: LIMIT - 2 }, () => heldRequest(server.url, agent, TYPENAME, {}));
    await eventually(() => inFlightAt(server.url), (inFlight) => inFlight === LIMIT);

    // A third approval: 503 with Retry-After and the code, and not one statement.
    let refused: ClientError | undefined;
    const statements = await statementsOf(server.app, async () => {
      refused = await shop.staff.AGENT.request(TRANSITION_REFUND, { input: { refundId: c.refundId, action: "APPROVE" } }).then(
        () => undefined,
        (error: unknown) => (error instanceof ClientError ? error : Promise.reject(error)),
      );
    });
    expect(refused?.response.status).toBe(503);
    expect(refused?.response.headers.get("retry-after")).toBe("1");
    expectOverloaded(refused?.response.errors?.[0]);
    expect(statements).toEqual([]);

    // A new SSE subscription: the same answer.
    const sse = await fetch(server.url, {
      method: "POST",
      headers: { accept: "text/event-stream", "content-type": "application/json", authorization: `Bearer ${tokenOf(c.customer.client)}` },
      body: JSON.stringify({ query: STATUS_CHANGED, variables: { refundId: c.refundId } }),
    });
    expect(sse.status).toBe(503);
    expect(sse.headers.get("retry-after")).toBe("1");
    expectOverloaded(((await sse.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }).errors[0]);

    // A new graphql-ws subscription: an error message with the code, on a connection that stays up.
    const latePhone = wsClient(server.url, tokenOf(c.customer.client));
    const followC = collect<StatusChanged>(latePhone, STATUS_CHANGED, { refundId: c.refundId });
    await followC.ended;
    expect(followC.events).toEqual([]);
    const [wsErrors] = followC.errors as Array<Array<{ message: string; extensions?: Record<string, unknown> }>>;
    expectOverloaded(wsErrors?.[0]);

    // Probes are never shed: a busy process is not a dead one.
    expect((await fetch(new URL("/health", server.url))).status).toBe(200);
    expect(await inFlightAt(server.url)).toBe(LIMIT);

    // Released, every accepted request is answered, both approvals are committed, and the open
    // streams see them.
    const [answerA, answerB, ...queries] = await Promise.all([heldA, heldB, ...heldQueries].map((held) => held.release()));
    for (const query of queries) expect(query).toEqual({ status: 200, body: expect.objectContaining({ data: { __typename: "Query" } }) });
    for (const answer of [answerA!, answerB!]) {
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data?.transitionRefund?.userErrors).toEqual([]);
    }
    for (const refundId of [a.refundId, b.refundId]) {
      const { refund } = await shop.staff.AGENT.request<RefundStatus>(REFUND_STATUS, { id: refundId });
      expect(refund.status).toBe("AWAITING_WAREHOUSE");
      expect(refund.transitions.map((transition) => transition.action)).toContain("APPROVE");
    }
    expect((await followA.waitFor(1))[0]!.refundStatusChanged).toEqual({ to: "AWAITING_WAREHOUSE", version: versionA + 1 });
    expect((await followB.waitFor(1))[0]!.refundStatusChanged).toEqual({ to: "AWAITING_WAREHOUSE", version: versionB + 1 });

    // The refused approval ran nothing; sent again with room, it is served.
    expect((await shop.staff.AGENT.request<RefundStatus>(REFUND_STATUS, { id: c.refundId })).refund.status).toBe("PENDING_REVIEW");
    const retried = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: c.refundId, action: "APPROVE" } });
    expect(retried.transitionRefund.userErrors).toEqual([]);
    // Every slot is given back once its response has closed.
    await eventually(() => inFlightAt(server.url), (inFlight) => inFlight === 0);

    followA.unsubscribe();
    followB.abort();
    await Promise.all([phone.dispose(), latePhone.dispose()]);
  });
});

describe("overload shedding on event-loop delay", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer("pglite", { overload: { maxInFlight: 0, maxEventLoopDelayMs: 50 } });
  });
  afterAll(() => server?.stop());

  /** Keeps the event loop busy in 250 ms slices for `ms`, as CPU-bound requests would: one delay sample per slice. */
  async function starveEventLoop(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const slice = Date.now() + 250;
      while (Date.now() < slice) {
        // busy on purpose
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  const typename = () =>
    fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(server.admin)}` },
      body: JSON.stringify({ query: "{ __typename }" }),
    });

  it("refuses while the event loop lags past the limit, answers probes, and serves again once it recovers", async () => {
    expect((await typename()).status).toBe(200);
    // Past three sampling windows of a starved loop, the last two windows' mean delay is about
    // 250 ms (one long pause alone refuses nothing).
    await starveEventLoop(3_500);
    const [refused, health] = await Promise.all([typename(), fetch(new URL("/health", server.url))]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expectOverloaded(((await refused.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }).errors[0]);
    expect(health.status).toBe(200);
    // An idle window later the process serves again.
    await eventually(typename, (response) => response.status === 200);
  });
});
