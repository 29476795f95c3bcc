// Work queues: staff members (and the tokens that act as them), assigning refunds to them, and
// per-status deadlines (SLA). The server runs on a clock the tests move, so "entered its status
// at" and "is overdue" are exact. Every refusal is checked against the database: nothing written.
import { randomUUID } from "node:crypto";
import { ClientError, type GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import {
  REQUEST_REFUND,
  type RequestRefundResult,
  TRANSITION_REFUND,
  type TransitionRefundResult,
  type UserErrorView,
} from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";
import { globalId, rawId } from "../support/ids.js";

const CREATE_MEMBER = /* GraphQL */ `
  mutation ($input: CreateStaffMemberInput!) {
    createStaffMember(input: $input) { staffMember { id name role active shop { id } } userErrors { code message field } }
  }
`;
const UPDATE_MEMBER = /* GraphQL */ `
  mutation ($input: UpdateStaffMemberInput!) {
    updateStaffMember(input: $input) { staffMember { id name role active } userErrors { code message field } }
  }
`;
const STAFF_MEMBERS = /* GraphQL */ `
  query ($role: Role, $active: Boolean) { staffMembers(first: 10, role: $role, active: $active) { edges { node { id name role active } } } }
`;
const CREATE_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) {
    createApiToken(input: $input) { token apiToken { id staffMember { id } } userErrors { code message field } }
  }
`;
const VIEWER = /* GraphQL */ `{ viewer { role staffMember { id name } } }`;
const ASSIGN = /* GraphQL */ `
  mutation ($input: AssignRefundsInput!) {
    assignRefunds(input: $input) { refunds { id version status assignee { id name } } userErrors { code message field } }
  }
`;
const SET_SLA = /* GraphQL */ `
  mutation ($input: SetSlaPolicyInput!) { setSlaPolicy(input: $input) { slaPolicy { status minutes } userErrors { code message field } } }
`;
const SLA_POLICIES = /* GraphQL */ `{ slaPolicies { status minutes } }`;
const REFUNDS = /* GraphQL */ `
  query ($filter: RefundFilter, $orderBy: RefundOrderBy, $first: Int, $after: String) {
    refunds(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      edges { node { id status slaDueAt slaBreached assignee { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const REFUND = /* GraphQL */ `
  query ($id: ID!) { refund(id: $id) { id status version slaDueAt slaBreached resolvedAt assignee { id name } } }
`;

type Payload = { userErrors: UserErrorView[] } & Record<string, unknown>;
type RefundRow = { id: string; status: string; slaDueAt: string | null; slaBreached: boolean; assignee: { id: string } | null };

const T0 = new Date("2026-11-24T08:00:00.000Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);


describe.each(backends)("work queues on %s", (kind) => {
  let server: TestServer;
  let otherShop: TestShop;
  let now = T0;
  let customers = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => now });
    otherShop = await setupShop(server, "other shop");
  });
  afterAll(() => server?.stop());

  const mutate = (client: GraphQLClient, document: string, field: string, input: Record<string, unknown>): Promise<Payload> =>
    client.request<Record<string, Payload>>(document, { input }).then((r) => r[field]!);

  async function member(shop: TestShop, name: string, role: string): Promise<string> {
    const created = await mutate(shop.staff.SHOP_ADMIN, CREATE_MEMBER, "createStaffMember", { name, role });
    expect(created.userErrors).toEqual([]);
    return (created.staffMember as { id: string }).id;
  }

  /** A token of the member's own, as the shop admin issues it. */
  async function memberClient(shop: TestShop, memberId: string, role: string): Promise<GraphQLClient> {
    const created = await mutate(shop.staff.SHOP_ADMIN, CREATE_TOKEN, "createApiToken", { role, staffMemberId: memberId, label: "member" });
    expect(created.userErrors).toEqual([]);
    return server.client(created.token as string);
  }

  /** A new customer's refund of a shipped order, classified into PENDING_REVIEW at the clock's now. */
  async function pendingReview(shop: TestShop, type: "REFUND_ONLY" | "RETURN_AND_REFUND" = "REFUND_ONLY") {
    customers += 1;
    const externalId = `queue-${customers}`;
    const customer = await shop.customer(externalId);
    const orderId = await shop.order(externalId, { paidAmount: 10_000, shippingStatus: "DELIVERED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type, reasonCode: "LOGISTICS" } });
    expect(requested.requestRefund.refund?.status).toBe("PENDING_REVIEW");
    return { id: requested.requestRefund.refund!.id, customer: customer.client };
  }

  async function step(client: GraphQLClient, refundId: string, input: Record<string, unknown>, status: string) {
    const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
    expect(result.transitionRefund.userErrors).toEqual([]);
    expect(result.transitionRefund.refund?.status).toBe(status);
  }

  const getRefund = (client: GraphQLClient, id: string) =>
    client.request<{ refund: { id: string; status: string; version: number; slaDueAt: string | null; slaBreached: boolean; resolvedAt: string | null; assignee: { id: string; name: string } | null } }>(REFUND, { id }).then((r) => r.refund);

  async function list(client: GraphQLClient, filter: Record<string, unknown>, orderBy = "CREATED_AT_ASC"): Promise<RefundRow[]> {
    const result = await client.request<{ refunds: { edges: Array<{ node: RefundRow }> } }>(REFUNDS, { filter, orderBy, first: 100 });
    return result.refunds.edges.map((edge) => edge.node);
  }
  const ids = (rows: readonly RefundRow[]) => rows.map((row) => row.id);

  async function queryError(send: () => Promise<unknown>): Promise<{ code?: string; field?: string[] }> {
    const error = await send().then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ClientError);
    const [first] = (error as ClientError).response.errors ?? [];
    return (first?.extensions ?? {}) as { code?: string; field?: string[] };
  }

  // --- nothing written -------------------------------------------------------------------

  /** Every row these features write, read straight from the database. */
  async function snapshot() {
    const p = server.app.db.prisma;
    return {
      refunds: await p.refund.findMany({
        select: { id: true, status: true, version: true, assigneeId: true, slaDueAt: true, updatedAt: true },
        orderBy: { id: "asc" },
      }),
      transitions: await p.refundTransition.count(),
      members: await p.staffMember.findMany({ orderBy: { id: "asc" } }),
      tokens: await p.apiToken.count(),
      policies: await p.slaPolicy.findMany({ orderBy: [{ shopId: "asc" }, { status: "asc" }] }),
    };
  }

  async function expectRefused(send: () => Promise<Payload>, code: string, field: string[] | null) {
    const before = await snapshot();
    const payload = await send();
    expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(/\S/) }]);
    for (const [key, value] of Object.entries(payload)) if (key !== "userErrors") expect(value, `payload.${key}`).toBeNull();
    expect(await snapshot()).toEqual(before);
  }

  // --- staff members -----------------------------------------------------------------------

  it("lets a shop admin create and update staff members, lists them for staff, and binds tokens to them", async () => {
    const shop = await setupShop(server);
    const alice = await member(shop, "Alice", "AGENT");
    const bob = await member(shop, "Bob", "AGENT");
    const wendy = await member(shop, "Wendy", "WAREHOUSE");

    const agents = await shop.staff.AGENT.request<{ staffMembers: { edges: Array<{ node: { id: string; name: string } }> } }>(STAFF_MEMBERS, { role: "AGENT" });
    expect(agents.staffMembers.edges.map((edge) => edge.node.name)).toEqual(["Alice", "Bob"]);
    const everyone = await shop.staff.WAREHOUSE.request<{ staffMembers: { edges: Array<{ node: { id: string } }> } }>(STAFF_MEMBERS, {});
    expect(everyone.staffMembers.edges.map((edge) => edge.node.id)).toEqual([alice, bob, wendy]);
    const foreign = await otherShop.staff.AGENT.request<{ staffMembers: { edges: unknown[] } }>(STAFF_MEMBERS, {});
    expect(foreign.staffMembers.edges).toEqual([]);
    const customer = await shop.customer(`member-viewer-${randomUUID()}`);
    expect(await queryError(() => customer.client.request(STAFF_MEMBERS, {}))).toMatchObject({ code: "FORBIDDEN" });

    const aliceClient = await memberClient(shop, alice, "AGENT");
    expect(await aliceClient.request(VIEWER)).toEqual({ viewer: { role: "AGENT", staffMember: { id: alice, name: "Alice" } } });
    // Tokens without a member keep working as before.
    expect(await shop.staff.AGENT.request(VIEWER)).toEqual({ viewer: { role: "AGENT", staffMember: null } });

    const renamed = await mutate(shop.staff.SHOP_ADMIN, UPDATE_MEMBER, "updateStaffMember", { memberId: alice, name: " Alice Li " });
    expect(renamed).toEqual({ staffMember: { id: alice, name: "Alice Li", role: "AGENT", active: true }, userErrors: [] });

    // A member who leaves takes its tokens along; coming back brings them back.
    await mutate(shop.staff.SHOP_ADMIN, UPDATE_MEMBER, "updateStaffMember", { memberId: alice, active: false });
    expect(await queryError(() => aliceClient.request(VIEWER))).toMatchObject({ code: "INVALID_TOKEN" });
    const inactive = await shop.staff.AGENT.request<{ staffMembers: { edges: Array<{ node: { id: string } }> } }>(STAFF_MEMBERS, { active: false });
    expect(inactive.staffMembers.edges.map((edge) => edge.node.id)).toEqual([alice]);
    await mutate(shop.staff.SHOP_ADMIN, UPDATE_MEMBER, "updateStaffMember", { memberId: alice, active: true });
    expect(await aliceClient.request(VIEWER)).toMatchObject({ viewer: { staffMember: { id: alice } } });
  });

  // --- assignment ------------------------------------------------------------------------------

  it("assigns by ids and by filter, lists queues by assignedTo ME, UNASSIGNED or a member, and unassigns, with no transition and no new version", async () => {
    const shop = await setupShop(server);
    const alice = await member(shop, "Alice", "AGENT");
    const bob = await member(shop, "Bob", "AGENT");
    const aliceClient = await memberClient(shop, alice, "AGENT");
    // Requested a second apart: the queue lists oldest first, and refunds record the clock's time.
    const requested = [];
    for (let index = 0; index < 3; index += 1) {
      now = new Date(now.getTime() + 1_000);
      requested.push(await pendingReview(shop));
    }
    const [r1, r2, r3] = requested as [Awaited<ReturnType<typeof pendingReview>>, Awaited<ReturnType<typeof pendingReview>>, Awaited<ReturnType<typeof pendingReview>>];
    const transitionsBefore = await server.app.db.prisma.refundTransition.count();

    const mine = await mutate(aliceClient, ASSIGN, "assignRefunds", { refundIds: [r2.id, r1.id], memberId: alice });
    expect(mine).toEqual({
      refunds: [r2, r1].map((r) => ({ id: r.id, version: 2, status: "PENDING_REVIEW", assignee: { id: alice, name: "Alice" } })),
      userErrors: [],
    });
    expect(ids(await list(aliceClient, { assignedTo: "ME" }))).toEqual([r1.id, r2.id]);
    expect(ids(await list(aliceClient, { assignedTo: alice }))).toEqual([r1.id, r2.id]);
    expect(ids(await list(aliceClient, { assignedTo: "UNASSIGNED" }))).toEqual([r3.id]);
    expect(await list(aliceClient, { assignedTo: bob })).toEqual([]);

    // By filter: the shop admin hands whatever is unassigned to Bob.
    const byFilter = await mutate(shop.staff.SHOP_ADMIN, ASSIGN, "assignRefunds", { filter: { assignedTo: "UNASSIGNED" }, memberId: bob });
    expect(byFilter.userErrors).toEqual([]);
    expect(byFilter.refunds).toEqual([{ id: r3.id, version: 2, status: "PENDING_REVIEW", assignee: { id: bob, name: "Bob" } }]);
    expect(ids(await list(shop.staff.AGENT, { assignedTo: bob }))).toEqual([r3.id]);
    expect(await list(shop.staff.AGENT, { assignedTo: "UNASSIGNED" })).toEqual([]);

    const unassigned = await mutate(aliceClient, ASSIGN, "assignRefunds", { refundIds: [r1.id], memberId: null });
    expect(unassigned).toEqual({ refunds: [{ id: r1.id, version: 2, status: "PENDING_REVIEW", assignee: null }], userErrors: [] });
    expect(ids(await list(aliceClient, { assignedTo: "ME" }))).toEqual([r2.id]);
    expect(ids(await list(aliceClient, { assignedTo: "UNASSIGNED" }))).toEqual([r1.id]);

    // Assignment is not a status change.
    const rows = await server.app.db.prisma.refund.findMany({ where: { id: { in: [r1, r2, r3].map((r) => rawId(r.id)) } } });
    expect(rows.map((row) => [row.status, row.version])).toEqual([
      ["PENDING_REVIEW", 2],
      ["PENDING_REVIEW", 2],
      ["PENDING_REVIEW", 2],
    ]);
    expect(await server.app.db.prisma.refundTransition.count()).toBe(transitionsBefore);
    // The queue is the staff's business: the customer sees no assignee.
    expect((await getRefund(r2.customer, r2.id)).assignee).toBeNull();
    expect((await getRefund(shop.staff.FINANCE, r2.id)).assignee).toEqual({ id: alice, name: "Alice" });

    // ME needs a token of a member; anything else than ME, UNASSIGNED or a member id is refused.
    expect(await queryError(() => list(shop.staff.AGENT, { assignedTo: "ME" }))).toEqual({ code: "INVALID_INPUT", field: ["filter", "assignedTo"] });
    expect(await queryError(() => list(aliceClient, { assignedTo: "me" }))).toEqual({ code: "INVALID_INPUT", field: ["filter", "assignedTo"] });
    expect(await queryError(() => list(aliceClient, { assignedTo: r1.id }))).toEqual({ code: "INVALID_INPUT", field: ["filter", "assignedTo"] });
    await expectRefused(() => mutate(shop.staff.AGENT, ASSIGN, "assignRefunds", { filter: { assignedTo: "ME" }, memberId: bob }), "INVALID_INPUT", ["input", "filter", "assignedTo"]);
  });

  it("refuses every bad assignment whole, with nothing written", async () => {
    const shop = await setupShop(server);
    const alice = await member(shop, "Alice", "AGENT");
    const gone = await member(shop, "Gone", "AGENT");
    await mutate(shop.staff.SHOP_ADMIN, UPDATE_MEMBER, "updateStaffMember", { memberId: gone, active: false });
    const foreignMember = await member(otherShop, "Stranger", "AGENT");
    const [r1, r2] = [await pendingReview(shop), await pendingReview(shop)];
    const foreign = await pendingReview(otherShop);
    const assign = (client: GraphQLClient, input: Record<string, unknown>) => () => mutate(client, ASSIGN, "assignRefunds", input);
    const agent = shop.staff.AGENT;

    const tooMany = Array.from({ length: 51 }, () => globalId("Refund", randomUUID()));
    await expectRefused(assign(agent, { refundIds: tooMany, memberId: alice }), "BATCH_TOO_LARGE", ["input", "refundIds"]);
    await expectRefused(assign(agent, { refundIds: [], memberId: alice }), "BATCH_EMPTY", ["input", "refundIds"]);
    await expectRefused(assign(agent, { filter: { statuses: ["INSPECTING"] }, memberId: alice }), "BATCH_EMPTY", ["input", "filter"]);
    await expectRefused(assign(agent, { refundIds: [r1.id, foreign.id, r2.id], memberId: alice }), "NOT_FOUND", ["input", "refundIds", "1"]);
    await expectRefused(assign(agent, { refundIds: [r1.id, r2.id, globalId("Refund", randomUUID())], memberId: alice }), "NOT_FOUND", ["input", "refundIds", "2"]);
    await expectRefused(assign(agent, { refundIds: ["nope", r1.id], memberId: alice }), "NOT_FOUND", ["input", "refundIds", "0"]);
    await expectRefused(assign(agent, { refundIds: [r1.id], memberId: foreignMember }), "NOT_FOUND", ["input", "memberId"]);
    await expectRefused(assign(agent, { refundIds: [r1.id], memberId: globalId("StaffMember", randomUUID()) }), "NOT_FOUND", ["input", "memberId"]);
    await expectRefused(assign(agent, { refundIds: [r1.id], memberId: r1.id }), "NOT_FOUND", ["input", "memberId"]);
    await expectRefused(assign(agent, { refundIds: [r1.id], memberId: gone }), "STAFF_MEMBER_INACTIVE", ["input", "memberId"]);
    await expectRefused(assign(agent, { refundIds: [r1.id], filter: {}, memberId: alice }), "INVALID_INPUT", ["input"]);
    await expectRefused(assign(agent, { memberId: alice }), "INVALID_INPUT", ["input"]);
    for (const client of [r1.customer, shop.staff.WAREHOUSE, shop.staff.FINANCE, shop.staff.INTEGRATION, otherShop.staff.AGENT]) {
      const expected = client === otherShop.staff.AGENT ? ["NOT_FOUND", ["input", "refundIds", "0"]] : ["FORBIDDEN", null];
      await expectRefused(assign(client, { refundIds: [r1.id], memberId: alice }), expected[0] as string, expected[1] as string[] | null);
    }

    // A filter matching more than 50 refunds: 49 more in the shop, copies of one made in the database.
    const template = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(r1.id) } });
    const { id: _id, idempotencyKey: _key, createdAt: _at, updatedAt: _up, returnAddress: _address, ...row } = template;
    await server.app.db.prisma.refund.createMany({ data: Array.from({ length: 49 }, () => ({ ...row })) });
    await expectRefused(assign(agent, { filter: { statuses: ["PENDING_REVIEW"] }, memberId: alice }), "BATCH_TOO_LARGE", ["input", "filter"]);
    // Fifty is allowed: with one of the 51 assigned, the unassigned rest all go at once.
    expect((await mutate(agent, ASSIGN, "assignRefunds", { refundIds: [r1.id], memberId: alice })).userErrors).toEqual([]);
    const fifty = await mutate(agent, ASSIGN, "assignRefunds", { filter: { statuses: ["PENDING_REVIEW"], assignedTo: "UNASSIGNED" }, memberId: alice });
    expect(fifty.userErrors).toEqual([]);
    expect(fifty.refunds).toHaveLength(50);
    expect(await server.app.db.prisma.refund.count({ where: { shopId: template.shopId, assigneeId: rawId(alice) } })).toBe(51);
  });

  it("refuses bad staff members and member tokens, with nothing written", async () => {
    const shop = await setupShop(server);
    const alice = await member(shop, "Alice", "AGENT");
    const gone = await member(shop, "Gone", "FINANCE");
    await mutate(shop.staff.SHOP_ADMIN, UPDATE_MEMBER, "updateStaffMember", { memberId: gone, active: false });
    const foreignMember = await member(otherShop, "Stranger", "AGENT");
    const create = (client: GraphQLClient, input: Record<string, unknown>) => () => mutate(client, CREATE_MEMBER, "createStaffMember", input);
    const update = (client: GraphQLClient, input: Record<string, unknown>) => () => mutate(client, UPDATE_MEMBER, "updateStaffMember", input);
    const token = (input: Record<string, unknown>) => () => mutate(shop.staff.SHOP_ADMIN, CREATE_TOKEN, "createApiToken", input);

    for (const role of ["CUSTOMER", "INTEGRATION", "PLATFORM_ADMIN"]) {
      await expectRefused(create(shop.staff.SHOP_ADMIN, { name: "X", role }), "INVALID_INPUT", ["input", "role"]);
    }
    await expectRefused(create(shop.staff.SHOP_ADMIN, { name: "  ", role: "AGENT" }), "INVALID_INPUT", ["input", "name"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { name: "X", role: "AGENT", shopId: otherShop.shopId }), "NOT_FOUND", ["input", "shopId"]);
    for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.INTEGRATION]) {
      await expectRefused(create(client, { name: "X", role: "AGENT" }), "FORBIDDEN", null);
      await expectRefused(update(client, { memberId: alice, active: false }), "FORBIDDEN", null);
    }
    await expectRefused(update(shop.staff.SHOP_ADMIN, { memberId: foreignMember, active: false }), "NOT_FOUND", ["input", "memberId"]);
    await expectRefused(update(shop.staff.SHOP_ADMIN, { memberId: alice, name: "" }), "INVALID_INPUT", ["input", "name"]);

    await expectRefused(token({ role: "WAREHOUSE", staffMemberId: alice }), "INVALID_INPUT", ["input", "staffMemberId"]);
    await expectRefused(token({ role: "AGENT", staffMemberId: foreignMember }), "NOT_FOUND", ["input", "staffMemberId"]);
    await expectRefused(token({ role: "FINANCE", staffMemberId: gone }), "STAFF_MEMBER_INACTIVE", ["input", "staffMemberId"]);
    await expectRefused(token({ role: "AGENT", staffMemberId: "nope" }), "NOT_FOUND", ["input", "staffMemberId"]);
  });

  // --- deadlines -------------------------------------------------------------------------

  it("sets a deadline on entering a status, breaches it when the clock passes, filters and sorts by it, and clears it when terminal", async () => {
    const shop = await setupShop(server);
    const admin = shop.staff.SHOP_ADMIN;
    now = T0;
    expect(await mutate(admin, SET_SLA, "setSlaPolicy", { status: "PENDING_REVIEW", minutes: 5 })).toEqual({
      slaPolicy: { status: "PENDING_REVIEW", minutes: 5 },
      userErrors: [],
    });
    await mutate(admin, SET_SLA, "setSlaPolicy", { status: "INSPECTING", minutes: 24 * 60 });
    expect(await shop.staff.WAREHOUSE.request(SLA_POLICIES)).toEqual({
      slaPolicies: [
        { status: "PENDING_REVIEW", minutes: 5 },
        { status: "INSPECTING", minutes: 1440 },
      ],
    });

    const first = await pendingReview(shop, "RETURN_AND_REFUND"); // due T0 + 5 min
    now = minutes(1);
    const second = await pendingReview(shop); // due T0 + 6 min
    now = minutes(2);
    const noDeadline = await pendingReview(shop);
    await step(shop.staff.AGENT, noDeadline.id, { action: "APPROVE" }, "AWAITING_WAREHOUSE"); // no policy: no deadline

    expect(await getRefund(admin, first.id)).toMatchObject({ slaDueAt: minutes(5).toISOString(), slaBreached: false });
    expect(await getRefund(admin, second.id)).toMatchObject({ slaDueAt: minutes(6).toISOString(), slaBreached: false });
    expect(await getRefund(admin, noDeadline.id)).toMatchObject({ slaDueAt: null, slaBreached: false });
    const queue = await list(admin, {}, "SLA_DUE_AT_ASC");
    expect(ids(queue)).toEqual([first.id, second.id, noDeadline.id]);

    // Pages of the queue follow the same order, the refunds without a deadline last.
    const page = (after?: string) =>
      admin.request<{ refunds: { edges: Array<{ node: RefundRow }>; pageInfo: { endCursor: string } } }>(REFUNDS, { orderBy: "SLA_DUE_AT_ASC", first: 2, after });
    const one = await page();
    const two = await page(one.refunds.pageInfo.endCursor);
    expect([...one.refunds.edges, ...two.refunds.edges].map((edge) => edge.node.id)).toEqual([first.id, second.id, noDeadline.id]);

    now = new Date(minutes(5).getTime() + 30_000);
    expect(await getRefund(admin, first.id)).toMatchObject({ slaBreached: true });
    expect(await getRefund(admin, second.id)).toMatchObject({ slaBreached: false });
    expect(ids(await list(admin, { slaBreached: true }))).toEqual([first.id]);
    expect(ids(await list(admin, { slaBreached: false }))).toEqual([second.id, noDeadline.id]);
    expect((await list(admin, { slaBreached: true }, "SLA_DUE_AT_ASC")).map((row) => row.slaBreached)).toEqual([true]);

    // Through a return to inspection, which is due 24 h after the parcel was received.
    await step(shop.staff.AGENT, first.id, { action: "APPROVE" }, "AWAITING_RETURN");
    expect(await getRefund(admin, first.id)).toMatchObject({ slaDueAt: null, slaBreached: false });
    await step(first.customer, first.id, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF100" }, "RETURN_IN_TRANSIT");
    now = minutes(60);
    await step(shop.staff.WAREHOUSE, first.id, { action: "RECEIVE_RETURN" }, "INSPECTING");
    expect(await getRefund(admin, first.id)).toMatchObject({ slaDueAt: minutes(60 + 24 * 60).toISOString(), slaBreached: false });
    now = minutes(60 + 24 * 60 + 1);
    expect(await getRefund(admin, first.id)).toMatchObject({ slaBreached: true });
    expect(ids(await list(shop.staff.WAREHOUSE, { slaBreached: true, statuses: ["INSPECTING"] }))).toEqual([first.id]);

    // Terminal: nothing is due any more.
    await step(shop.staff.WAREHOUSE, first.id, { action: "FAIL_INSPECTION", note: "worn" }, "REJECTED");
    expect(await getRefund(admin, first.id)).toMatchObject({ status: "REJECTED", slaDueAt: null, slaBreached: false });
    await step(second.customer, second.id, { action: "CANCEL" }, "CANCELLED");
    expect(await getRefund(admin, second.id)).toMatchObject({ slaDueAt: null, slaBreached: false });
    expect(await list(admin, { slaBreached: true })).toEqual([]);
  });

  it("changes a policy for refunds entering the status from then on, and removes it with 0 or null", async () => {
    const shop = await setupShop(server);
    const admin = shop.staff.SHOP_ADMIN;
    now = T0;
    await mutate(admin, SET_SLA, "setSlaPolicy", { status: "PENDING_REVIEW", minutes: 5 });
    const before = await pendingReview(shop);
    expect(await mutate(admin, SET_SLA, "setSlaPolicy", { status: "PENDING_REVIEW", minutes: 60 })).toMatchObject({ slaPolicy: { minutes: 60 } });
    const after = await pendingReview(shop);
    expect((await getRefund(admin, before.id)).slaDueAt).toBe(minutes(5).toISOString());
    expect((await getRefund(admin, after.id)).slaDueAt).toBe(minutes(60).toISOString());

    expect(await mutate(admin, SET_SLA, "setSlaPolicy", { status: "PENDING_REVIEW", minutes: 0 })).toEqual({ slaPolicy: null, userErrors: [] });
    expect(await admin.request(SLA_POLICIES)).toEqual({ slaPolicies: [] });
    expect((await getRefund(admin, (await pendingReview(shop)).id)).slaDueAt).toBeNull();
    await mutate(admin, SET_SLA, "setSlaPolicy", { status: "AWAITING_WAREHOUSE", minutes: 30 });
    expect(await mutate(admin, SET_SLA, "setSlaPolicy", { status: "AWAITING_WAREHOUSE", minutes: null })).toEqual({ slaPolicy: null, userErrors: [] });
    expect(await admin.request(SLA_POLICIES)).toEqual({ slaPolicies: [] });
  });

  it("refuses deadlines out of bounds, on terminal statuses, or set by anyone but a shop admin, with nothing written", async () => {
    const shop = await setupShop(server);
    const set = (client: GraphQLClient, input: Record<string, unknown>) => () => mutate(client, SET_SLA, "setSlaPolicy", input);
    await mutate(shop.staff.SHOP_ADMIN, SET_SLA, "setSlaPolicy", { status: "PENDING_REVIEW", minutes: 60 * 24 * 60 }); // the upper bound itself
    for (const minutes of [-1, 60 * 24 * 60 + 1, 2 ** 31 - 1]) {
      await expectRefused(set(shop.staff.SHOP_ADMIN, { status: "PENDING_REVIEW", minutes }), "INVALID_INPUT", ["input", "minutes"]);
    }
    for (const status of ["REFUNDED", "REJECTED", "CANCELLED"]) {
      await expectRefused(set(shop.staff.SHOP_ADMIN, { status, minutes: 5 }), "INVALID_INPUT", ["input", "status"]);
    }
    await expectRefused(set(shop.staff.SHOP_ADMIN, { status: "INSPECTING", minutes: 5, shopId: otherShop.shopId }), "NOT_FOUND", ["input", "shopId"]);
    for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.FINANCE, shop.staff.INTEGRATION]) {
      await expectRefused(set(client, { status: "INSPECTING", minutes: 5 }), "FORBIDDEN", null);
    }
    const customer = await shop.customer(`sla-${randomUUID()}`);
    await expectRefused(set(customer.client, { status: "INSPECTING", minutes: 5 }), "FORBIDDEN", null);
    expect(await queryError(() => customer.client.request(SLA_POLICIES))).toMatchObject({ code: "FORBIDDEN" });
  });
});
