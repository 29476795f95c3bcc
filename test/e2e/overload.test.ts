// Overload is shed, not queued: past its in-flight limit a process answers a new request at
// once with 503 SERVICE_OVERLOADED and Retry-After (HTTP and SSE) or a graphql-ws error, before
// any statement; requests it accepted finish and commit; subscriptions already open keep
// receiving; /health and /ready still answer. The requests are held open the way a slow client
// holds them: headers sent, the body not finished. (A plugin hook waiting inside the transition
// would hold a database transaction: the only connection on PGlite, and one with a timeout.)
import { request as httpRequest } from "node:http";
import { ClientError } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdaptiveLimit } from "../../src/limits/adaptive-limit.js";
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

const loadAt = async (url: string) => (await (await fetch(new URL("/ready", url))).json()) as { inFlight: number; limit: number | null };
const inFlightAt = async (url: string) => (await loadAt(url)).inFlight;

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

describe("the in-flight limit that follows latency", () => {
  // Times are given, not measured: a request is late because the test says when it is answered.
  it("starts at the floor and rises by one per request answered in time while half the limit or more is in flight", () => {
    const limit = new AdaptiveLimit({ max: 6, min: 2, targetMs: 100 });
    expect(limit.current).toBe(2);
    const [a, b] = [limit.acquire(0)!, limit.acquire(0)!];
    expect(limit.acquire(0)).toBeNull();
    limit.release(a, 50);
    limit.release(b, 100);
    expect(limit.current).toBe(4);
    // One request at a time on a limit of 4 says nothing about room for more.
    limit.release(limit.acquire(200)!, 210);
    expect(limit.current).toBe(4);
    for (let round = 0; round < 3; round += 1) {
      const taken = Array.from({ length: limit.current }, () => limit.acquire(300)!);
      for (const admission of taken) limit.release(admission, 310);
    }
    expect(limit.current).toBe(6);
  });

  it("cuts to 0.7× once for the requests taken under the limit when one of them is late, never below the floor, then rises by 1/limit", () => {
    const limit = new AdaptiveLimit({ max: 20, min: 2, targetMs: 100 });
    for (let round = 0; limit.current < 20; round += 1) {
      const taken = Array.from({ length: limit.current }, () => limit.acquire(round)!);
      for (const admission of taken) limit.release(admission, round);
    }
    const taken = Array.from({ length: 20 }, () => limit.acquire(1_000)!);
    // Still in flight past the target when the next request arrives: late already.
    expect(limit.acquire(1_101)).toBeNull();
    expect(limit.current).toBe(14);
    // The others taken under 20 are late too, but were answered for by that cut.
    for (const admission of taken.slice(0, 10)) limit.release(admission, 1_500);
    expect(limit.current).toBe(14);
    for (const admission of taken.slice(10)) limit.release(admission, 1_500);
    // Taken under 14 and late: cut again.
    const late = limit.acquire(2_000)!;
    limit.release(late, 2_200);
    expect(limit.current).toBe(9);
    // In time, with the limit in use: 1/limit each.
    const inTime = Array.from({ length: 9 }, () => limit.acquire(3_000)!);
    for (const admission of inTime) limit.release(admission, 3_050);
    expect(limit.current).toBe(10);
    for (let cut = 0; cut < 10; cut += 1) limit.release(limit.acquire(4_000 + cut * 1_000)!, 4_500 + cut * 1_000);
    expect(limit.current).toBe(2);
  });

  it("stays at its ceiling with no target, and takes everything with no ceiling", () => {
    const fixed = new AdaptiveLimit({ max: 3, min: 2, targetMs: 0 });
    const taken = [fixed.acquire(0)!, fixed.acquire(0)!, fixed.acquire(0)!];
    expect(fixed.acquire(10_000)).toBeNull();
    for (const admission of taken) fixed.release(admission, 20_000);
    expect(fixed.current).toBe(3);
    const open = new AdaptiveLimit({ max: 0, min: 2, targetMs: 100 });
    expect(Array.from({ length: 100 }, () => open.acquire(0)).every(Boolean)).toBe(true);
    expect(open.inFlight).toBe(100);
  });
});

describe.each(backends)("overload shedding on latency on %s", (kind) => {
  let server: TestServer;
  // The server's clock: moved forward, it makes the requests in flight late without waiting.
  let offsetMs = 0;
  // Far past any real wait of the test, so that only the moved clock makes a request late.
  const TARGET_MS = 600_000;

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => new Date(Date.now() + offsetMs), overload: { maxInFlight: 8, minInFlight: 2, targetLatencyMs: TARGET_MS } });
  });
  afterAll(() => server?.stop());

  const typename = () => fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(server.admin)}` }, body: JSON.stringify({ query: TYPENAME }) });
  async function expectRefused(): Promise<void> {
    const response = await typename();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("1");
    expectOverloaded(((await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> }).errors[0]);
  }
  const hold = (count: number) => Array.from({ length: count }, () => heldRequest(server.url, tokenOf(server.admin), TYPENAME, {}));
  const answer = async (held: ReturnType<typeof hold>) => {
    for (const reply of await Promise.all(held.map((request) => request.release()))) expect(reply).toEqual({ status: 200, body: expect.objectContaining({ data: { __typename: "Query" } }) });
  };

  it("starts below its ceiling, rises while answers come in time, and takes fewer at once once one is late, finishing what it took", async () => {
    expect(await loadAt(server.url)).toMatchObject({ inFlight: 0, limit: 2 });
    const first = hold(2);
    await eventually(() => inFlightAt(server.url), (inFlight) => inFlight === 2);
    await expectRefused();
    // Both answered in time with the limit in use: one more each.
    await answer(first);
    await eventually(() => loadAt(server.url), (load) => load.inFlight === 0 && load.limit === 4);

    const second = hold(4);
    await eventually(() => inFlightAt(server.url), (inFlight) => inFlight === 4);
    offsetMs += TARGET_MS + 1;
    // The next arrival finds the oldest in flight past the target: the limit is cut to 0.7× (2.8).
    await expectRefused();
    expect(await loadAt(server.url)).toMatchObject({ inFlight: 4, limit: 2 });
    // What was taken is answered; being late under the old limit it cuts nothing more.
    await answer(second);
    await eventually(() => loadAt(server.url), (load) => load.inFlight === 0);
    expect((await loadAt(server.url)).limit).toBe(2);
    expect((await typename()).status).toBe(200);
  });
});
