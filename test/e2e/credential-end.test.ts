// What ends, ends everywhere: a subscription opened with a credential ends when the credential
// does — token revoked, rotated or expired, staff member deactivated, app disabled or deleted,
// app permissions narrowed — over graphql-ws and SSE alike, with CREDENTIAL_ENDED and then
// `complete`, and nothing from after the end is delivered. "Nothing after" is checked with a
// fence: a transition made once the end was seen, waited for on a stream that is still valid;
// when the fence has it, the ended streams would have had it too. Then the same across two
// server processes sharing PostgreSQL and Redis, where the token cache of each process must
// hear of a revocation made on the other.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { Redis } from "ioredis";
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { CREDENTIAL_COUNTER_KEY } from "../../src/realtime/credential-bus.js";
import { backends, postgresAvailable } from "../support/databases.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type ProcessPair, startProcessPair } from "../support/processes.js";
import { rawId } from "../support/ids.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { type SseStream, sseSubscribe } from "../support/sse.js";
import { type Collected, collect, wsClient } from "../support/subscriptions.js";

/** Every transition of one refund, the stored ones first: two of them at once show the stream runs. */
const STATUS = /* GraphQL */ `subscription ($id: ID!) { refundStatusChanged(refundId: $id, afterVersion: 0) { version to } }`;
/** The same, also reading the refund's order: an app needs READ_ORDERS for it. */
const STATUS_WITH_ORDER = /* GraphQL */ `subscription ($id: ID!) { refundStatusChanged(refundId: $id, afterVersion: 0) { version to refund { order { id } } } }`;
type Status = { refundStatusChanged: { version: number; to: string } };

const CREATE_TOKEN = /* GraphQL */ `mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } userErrors { code } } }`;
const REVOKE = /* GraphQL */ `mutation ($id: ID!) { revokeApiToken(input: { tokenId: $id }) { userErrors { code } } }`;
const ROTATE = /* GraphQL */ `mutation ($id: ID!) { rotateApiToken(input: { tokenId: $id }) { token userErrors { code } } }`;
const CREATE_MEMBER = /* GraphQL */ `mutation ($input: CreateStaffMemberInput!) { createStaffMember(input: $input) { staffMember { id } userErrors { code } } }`;
const UPDATE_MEMBER = /* GraphQL */ `mutation ($input: UpdateStaffMemberInput!) { updateStaffMember(input: $input) { userErrors { code } } }`;
const CREATE_APP = /* GraphQL */ `mutation ($input: CreateAppInput!) { createApp(input: $input) { token app { id } userErrors { code } } }`;
const UPDATE_APP = /* GraphQL */ `mutation ($input: UpdateAppInput!) { updateApp(input: $input) { app { permissions enabled } userErrors { code field } } }`;
const DELETE_APP = /* GraphQL */ `mutation ($input: DeleteAppInput!) { deleteApp(input: $input) { userErrors { code } } }`;
const WHO = /* GraphQL */ `{ viewer { role } }`;

type Answer = { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown };
type GraphQLErrorJson = { message: string; extensions?: { code?: string } };

/** A refund's stream over both transports, opened with one token. */
interface Streams {
  ws: Collected<Status>;
  client: Client;
  sse: SseStream<Status>;
}

async function open(url: string, token: string, refundId: string, query = STATUS): Promise<Streams> {
  const client = wsClient(url, token);
  const ws = collect<Status>(client, query, { id: refundId });
  const sse = await sseSubscribe<Status>(url, token, query, { id: refundId });
  // REQUEST and CLASSIFY, replayed: both streams run (the live listener is attached before the replay).
  await Promise.all([ws.waitFor(2), sse.waitFor(2)]);
  return { ws, client, sse };
}

const codesOf = (errors: unknown[]) => errors.map((error) => (error as GraphQLErrorJson).extensions?.code);

/** Settles with `promise`, or fails after PATIENCE_MS. */
async function patiently<T>(promise: Promise<T>): Promise<T> {
  let settled: { value: T } | null = null;
  void promise.then((value) => (settled = { value }));
  return (await eventually(async () => settled, (value) => value !== null))!.value;
}

/** Both streams ended with CREDENTIAL_ENDED, then `complete`: the end itself is the last thing each got. */
async function expectEnded(streams: Streams): Promise<void> {
  await patiently(streams.ws.ended);
  expect(codesOf(streams.ws.errors)).toEqual(["CREDENTIAL_ENDED"]);
  expect(await patiently(streams.sse.ended)).toEqual({ completed: true, error: null });
  expect(streams.sse.messages.map((message) => message.event).slice(-2)).toEqual(["next", "complete"]);
  expect(codesOf(streams.sse.results.at(-1)!.errors ?? [])).toEqual(["CREDENTIAL_ENDED"]);
  await streams.client.dispose();
}

const versions = (events: Status[]) => events.map((event) => event.refundStatusChanged.version);
const sseVersions = (sse: SseStream<Status>) => versions(sse.results.flatMap((result) => (result.data ? [result.data] : [])));

/**
 * A transition made after the end, seen by the still-valid `fence` stream: the ended streams
 * never got it, nor anything else after their end.
 */
async function expectNothingAfterEnd(agent: GraphQLClient, refundId: string, fence: Collected<Status>, ended: Streams[]): Promise<void> {
  const approved = await agent.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
  expect(approved.transitionRefund.userErrors).toEqual([]);
  const seen = await fence.waitFor(3);
  expect(versions(seen)).toEqual([1, 2, 3]);
  for (const streams of ended) {
    expect(versions(streams.ws.events)).not.toContain(3);
    expect(sseVersions(streams.sse)).not.toContain(3);
    // The end is the last message: no result after the error.
    expect(streams.sse.results.at(-1)!.errors).toBeDefined();
  }
}

describe.each(backends)("a credential that ends ends its live subscriptions, on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let fenceClient: Client;
  /** The server's clock runs this far ahead of the real one: how an hour passes in the expiry test. */
  let clockAheadMs = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => new Date(Date.now() + clockAheadMs), credentials: { expirySweepMs: 20 } });
    shop = await setupShop(server);
    fenceClient = wsClient(server.url, tokenOf(shop.staff.SHOP_ADMIN));
  });
  afterAll(async () => {
    await fenceClient?.dispose();
    await server?.stop();
  });

  const admin = () => shop.staff.SHOP_ADMIN;
  const who = async (token: string): Promise<Answer> =>
    (await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: WHO }) })).json() as Promise<Answer>;

  async function agentToken(input: Record<string, unknown> = {}) {
    const created = await admin().request<{ createApiToken: { token: string; apiToken: { id: string } } }>(CREATE_TOKEN, { input: { role: "AGENT", label: "to end", ...input } });
    return created.createApiToken;
  }

  /** A refund in PENDING_REVIEW and the still-valid shop admin's stream of it. */
  async function refundWithFence(name: string) {
    const { refundId } = await requestShippedRefund(shop, `${name}-${randomBytes(3).toString("hex")}`);
    const fence = collect<Status>(fenceClient, STATUS, { id: refundId });
    await fence.waitFor(2);
    return { refundId, fence };
  }

  async function appToken(permissions: string[]) {
    const created = await admin().request<{ createApp: { token: string; app: { id: string } } }>(CREATE_APP, { input: { name: `app-${randomBytes(3).toString("hex")}`, permissions } });
    return created.createApp;
  }

  it("revoked: the token's graphql-ws and SSE streams end, and a cached token is refused at once", async () => {
    const { refundId, fence } = await refundWithFence("revoked");
    const { token, apiToken } = await agentToken();
    // Used twice: the second request is answered from the cache.
    expect((await who(token)).data).toEqual({ viewer: { role: "AGENT" } });
    expect((await who(token)).data).toEqual({ viewer: { role: "AGENT" } });
    const streams = await open(server.url, token, refundId);
    expect(server.app.credentialStreams(rawId(apiToken.id))).toBe(2);

    expect((await admin().request<{ revokeApiToken: { userErrors: unknown[] } }>(REVOKE, { id: apiToken.id })).revokeApiToken.userErrors).toEqual([]);
    expect((await who(token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    await expectEnded(streams);
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
  });

  it("rotated: the streams of the old secret end; the new secret streams on", async () => {
    const { refundId, fence } = await refundWithFence("rotated");
    const { token, apiToken } = await agentToken();
    const streams = await open(server.url, token, refundId);
    const rotated = await admin().request<{ rotateApiToken: { token: string; userErrors: unknown[] } }>(ROTATE, { id: apiToken.id });
    expect(rotated.rotateApiToken.userErrors).toEqual([]);
    await expectEnded(streams);
    const renewed = await open(server.url, rotated.rotateApiToken.token, refundId);
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
    expect(versions(await renewed.ws.waitFor(3))).toEqual([1, 2, 3]);
    expect(versions(await renewed.sse.waitFor(3))).toEqual([1, 2, 3]);
    renewed.sse.abort();
    await renewed.client.dispose();
  });

  it("expired: the streams end when the clock passes the token's expiry, and the token is refused", async () => {
    const { refundId, fence } = await refundWithFence("expired");
    const { token } = await agentToken({ expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const streams = await open(server.url, token, refundId);
    clockAheadMs = 2 * 3_600_000; // two hours pass
    try {
      await expectEnded(streams);
      expect((await who(token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    } finally {
      clockAheadMs = 0;
    }
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
  });

  it("staff member deactivated: the streams of the member's tokens end", async () => {
    const { refundId, fence } = await refundWithFence("deactivated");
    const member = await admin().request<{ createStaffMember: { staffMember: { id: string } } }>(CREATE_MEMBER, { input: { name: "Leaving", role: "AGENT" } });
    const memberId = member.createStaffMember.staffMember.id;
    const { token } = await agentToken({ staffMemberId: memberId });
    const streams = await open(server.url, token, refundId);
    const updated = await admin().request<{ updateStaffMember: { userErrors: unknown[] } }>(UPDATE_MEMBER, { input: { memberId, active: false } });
    expect(updated.updateStaffMember.userErrors).toEqual([]);
    await expectEnded(streams);
    expect((await who(token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
  });

  it("app disabled, and app deleted: the app's streams end", async () => {
    const { refundId, fence } = await refundWithFence("app");
    const disabled = await appToken(["READ_REFUNDS"]);
    const deleted = await appToken(["READ_REFUNDS"]);
    const [disabledStreams, deletedStreams] = await Promise.all([open(server.url, disabled.token, refundId), open(server.url, deleted.token, refundId)]);
    const off = await admin().request<{ updateApp: { userErrors: unknown[] } }>(UPDATE_APP, { input: { appId: disabled.app.id, enabled: false } });
    expect(off.updateApp.userErrors).toEqual([]);
    await expectEnded(disabledStreams);
    const gone = await admin().request<{ deleteApp: { userErrors: unknown[] } }>(DELETE_APP, { input: { appId: deleted.app.id } });
    expect(gone.deleteApp.userErrors).toEqual([]);
    await expectEnded(deletedStreams);
    expect((await who(disabled.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    expect((await who(deleted.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [disabledStreams, deletedStreams]);
  });

  it("app permissions narrowed: a stream reading what they no longer grant ends, one within them streams on", async () => {
    const { refundId, fence } = await refundWithFence("narrowed");
    const app = await appToken(["READ_REFUNDS", "READ_ORDERS"]);
    const reading = await open(server.url, app.token, refundId, STATUS_WITH_ORDER);
    const within = await open(server.url, app.token, refundId);
    const narrowed = await admin().request<{ updateApp: { app: { permissions: string[] }; userErrors: unknown[] } }>(UPDATE_APP, { input: { appId: app.app.id, permissions: ["READ_REFUNDS"] } });
    expect(narrowed.updateApp).toEqual({ app: { permissions: ["READ_REFUNDS"], enabled: true }, userErrors: [] });
    await expectEnded(reading);
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [reading]);
    expect(versions(await within.ws.waitFor(3))).toEqual([1, 2, 3]);
    expect(versions(await within.sse.waitFor(3))).toEqual([1, 2, 3]);
    within.sse.abort();
    await within.client.dispose();

    // Permissions the app's role does not hold, or none at all, are refused.
    const none = await admin().request<{ updateApp: { userErrors: unknown[] } }>(UPDATE_APP, { input: { appId: app.app.id, permissions: [] } });
    expect(none.updateApp.userErrors).toEqual([{ code: "INVALID_INPUT", field: ["input", "permissions"] }]);
  });

  it("a stream opened with a token revoked a moment later ends (or is refused) and gets nothing from after", async () => {
    const { refundId, fence } = await refundWithFence("raced-open");
    const { token, apiToken } = await agentToken();
    const client = wsClient(server.url, token);
    const ws = collect<Status>(client, STATUS, { id: refundId });
    const sse = sseSubscribe<Status>(server.url, token, STATUS, { id: refundId });
    await admin().request(REVOKE, { id: apiToken.id });
    await patiently(ws.ended);
    const opened = await sse;
    await patiently(opened.ended);
    // Refused at the start, or ended just after it: either way with a stable code, and over.
    expect(["INVALID_TOKEN", "CREDENTIAL_ENDED"]).toContain(codesOf(ws.errors).at(-1));
    expect(["INVALID_TOKEN", "CREDENTIAL_ENDED"]).toContain(codesOf(opened.results.at(-1)!.errors ?? []).at(-1));
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [{ ws, client, sse: opened }]);
    await client.dispose();
  });

  it("a revocation racing a transition: the streams end, and the transitions after the revocation never arrive", async () => {
    const { refundId, fence } = await refundWithFence("raced-transition");
    const { token, apiToken } = await agentToken();
    const streams = await open(server.url, token, refundId);
    // APPROVE (version 3) and the revocation at once: version 3 may arrive before the end or not.
    await Promise.all([
      admin().request(REVOKE, { id: apiToken.id }),
      shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } }),
    ]);
    await expectEnded(streams);
    const confirmed = await shop.staff.WAREHOUSE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "CONFIRM_NOT_RECEIVED" } });
    expect(confirmed.transitionRefund.userErrors).toEqual([]);
    expect(versions(await fence.waitFor(4))).toEqual([1, 2, 3, 4]);
    expect(versions(streams.ws.events)).not.toContain(4);
    expect(sseVersions(streams.sse)).not.toContain(4);
  });
});

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!postgresAvailable || !redisUrl)("a credential ended on one process, with its streams and cache on another (PostgreSQL and Redis)", () => {
  let pair: ProcessPair;
  let processes: ProcessPair["processes"];
  let shop: TestShop;

  beforeAll(async () => {
    pair = await startProcessPair(redisUrl!, `credential-end-admin-${randomBytes(8).toString("hex")}`);
    ({ processes, shop } = pair);
  });
  afterAll(() => pair?.stop());

  const who = async (url: string, token: string): Promise<Answer> =>
    (await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: WHO }) })).json() as Promise<Answer>;

  it("a token cached on the second process is refused there right after its revocation on the first", async () => {
    const created = await shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string; apiToken: { id: string } } }>(CREATE_TOKEN, { input: { role: "AGENT", label: "cached" } });
    const { token, apiToken } = created.createApiToken;
    const second = processes[1]!.url;
    for (let use = 0; use < 3; use += 1) expect((await who(second, token)).data).toEqual({ viewer: { role: "AGENT" } });
    await shop.staff.SHOP_ADMIN.request(REVOKE, { id: apiToken.id });
    expect((await who(second, token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
  });

  it("streams on the second process end when their token is revoked on the first, and get nothing after", async () => {
    const second = processes[1]!.url;
    const { refundId } = await requestShippedRefund(shop, `cross-${randomBytes(3).toString("hex")}`);
    const fenceClient = wsClient(second, tokenOf(shop.staff.SHOP_ADMIN));
    const fence = collect<Status>(fenceClient, STATUS, { id: refundId });
    await fence.waitFor(2);
    const created = await shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string; apiToken: { id: string } } }>(CREATE_TOKEN, { input: { role: "AGENT", label: "streaming" } });
    const streams = await open(second, created.createApiToken.token, refundId);
    await shop.staff.SHOP_ADMIN.request(REVOKE, { id: created.createApiToken.apiToken.id });
    await expectEnded(streams);
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
    await fenceClient.dispose();
  });

  it("a staff member deactivated on the first process ends the member's streams on the second", async () => {
    const second = processes[1]!.url;
    const { refundId } = await requestShippedRefund(shop, `cross-member-${randomBytes(3).toString("hex")}`);
    const fenceClient = wsClient(second, tokenOf(shop.staff.SHOP_ADMIN));
    const fence = collect<Status>(fenceClient, STATUS, { id: refundId });
    await fence.waitFor(2);
    const member = await shop.staff.SHOP_ADMIN.request<{ createStaffMember: { staffMember: { id: string } } }>(CREATE_MEMBER, { input: { name: "Moving on", role: "AGENT" } });
    const memberId = member.createStaffMember.staffMember.id;
    const created = await shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { role: "AGENT", label: "member", staffMemberId: memberId } });
    const streams = await open(second, created.createApiToken.token, refundId);
    await shop.staff.SHOP_ADMIN.request(UPDATE_MEMBER, { input: { memberId, active: false } });
    await expectEnded(streams);
    expect((await who(second, created.createApiToken.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
    await fenceClient.dispose();
  });

  it("a change that never reached a process is caught up with: at the next change it hears, it checks its streams' tokens again", async () => {
    const second = processes[1]!.url;
    const { refundId } = await requestShippedRefund(shop, `cross-lost-${randomBytes(3).toString("hex")}`);
    const fenceClient = wsClient(second, tokenOf(shop.staff.SHOP_ADMIN));
    const fence = collect<Status>(fenceClient, STATUS, { id: refundId });
    await fence.waitFor(2);
    const create = (label: string) =>
      shop.staff.SHOP_ADMIN.request<{ createApiToken: { token: string; apiToken: { id: string } } }>(CREATE_TOKEN, { input: { role: "AGENT", label } });
    const lost = (await create("lost")).createApiToken;
    const streams = await open(second, lost.token, refundId);
    // Revoked with no message, as if its message were lost on the way (Redis restarted); the
    // change counter moved on all the same, as the publication raises it.
    const db = await openDatabase({ databaseUrl: pair.database.options.databaseUrl!, poolSize: 1 });
    const redis = new Redis(redisUrl!);
    try {
      await db.prisma.apiToken.update({ where: { id: rawId(lost.apiToken.id) }, data: { revokedAt: new Date() } });
      await redis.incr(CREDENTIAL_COUNTER_KEY);
    } finally {
      await db.close();
      redis.disconnect();
    }
    // A token the second process has cached is checked against the database while it is behind.
    expect((await who(second, lost.token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    // The next change it hears shows the gap: its streams' tokens are read again.
    await shop.staff.SHOP_ADMIN.request(REVOKE, { id: (await create("next")).createApiToken.apiToken.id });
    await expectEnded(streams);
    await expectNothingAfterEnd(shop.staff.AGENT, refundId, fence, [streams]);
    await fenceClient.dispose();
  });
});
