// Reason tags as a shop's two-level tree (create, rename, move, archive) seen through the API
// as a console would use it, every refusal checked against the database, and the per-SKU
// refund analysis checked against figures computed by hand from a small fixed data set.
import { randomUUID } from "node:crypto";
import { ClientError, type GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, type UserErrorView } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { statementsOf } from "../support/statements.js";

const TAG_FIELDS = /* GraphQL */ `
  fragment TagFields on ReasonTag { id code label archived parent { code } children { code } }
`;
const CREATE_TAG = /* GraphQL */ `
  ${TAG_FIELDS}
  mutation ($input: CreateReasonTagInput!) {
    createReasonTag(input: $input) { reasonTag { ...TagFields } userErrors { code message field } }
  }
`;
const UPDATE_TAG = /* GraphQL */ `
  ${TAG_FIELDS}
  mutation ($input: UpdateReasonTagInput!) {
    updateReasonTag(input: $input) { reasonTag { ...TagFields } userErrors { code message field } }
  }
`;
const REASON_TAGS = /* GraphQL */ `
  ${TAG_FIELDS}
  query ($includeArchived: Boolean! = false, $shopId: ID) { reasonTags(includeArchived: $includeArchived, shopId: $shopId) { ...TagFields } }
`;
const REFUND_REASON = /* GraphQL */ `
  query ($id: ID!) { refund(id: $id) { reason { code label archived parent { code } } } }
`;
const REFUNDS_BY_REASON = /* GraphQL */ `
  query ($codes: [String!]) { refunds(first: 100, filter: { reasonCodes: $codes }) { edges { node { id reason { code } } } } }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;
const STATS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $first: Int, $after: String, $shopId: ID) {
    productRefundStats(from: $from, to: $to, first: $first, after: $after, shopId: $shopId) {
      edges {
        node {
          sku name orders refunds refundRate
          refundedAmount { amount currency }
          topReasons { reason { code } count }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface Tag {
  id: string;
  code: string;
  label: string;
  archived: boolean;
  parent: { code: string } | null;
  children: Array<{ code: string }>;
}
type TagPayload = { reasonTag: Tag | null; userErrors: UserErrorView[] };
interface StatsRow {
  sku: string;
  name: string;
  orders: number;
  refunds: number;
  refundRate: number;
  refundedAmount: { amount: number; currency: string };
  topReasons: Array<{ reason: { code: string }; count: number }>;
}
type Stats = { productRefundStats: { edges: Array<{ node: StatsRow }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const globalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`).toString("base64");
const rawId = (id: string) => Buffer.from(id, "base64").toString("utf8").split(":").slice(1).join(":");

const createTag = (client: GraphQLClient, input: Record<string, unknown>) =>
  client.request<{ createReasonTag: TagPayload }>(CREATE_TAG, { input }).then((r) => r.createReasonTag);
const updateTag = (client: GraphQLClient, input: Record<string, unknown>) =>
  client.request<{ updateReasonTag: TagPayload }>(UPDATE_TAG, { input }).then((r) => r.updateReasonTag);
const reasonTags = (client: GraphQLClient, includeArchived = false) =>
  client.request<{ reasonTags: Tag[] }>(REASON_TAGS, { includeArchived }).then((r) => r.reasonTags);
const request = (client: GraphQLClient, input: Record<string, unknown>) =>
  client.request<RequestRefundResult>(REQUEST_REFUND, { input }).then((r) => r.requestRefund);

/** The `extensions.code` of each error a query fails with (none when it succeeds). */
async function errorCodes(send: () => Promise<unknown>): Promise<Array<string | undefined>> {
  try {
    await send();
    return [];
  } catch (error) {
    if (!(error instanceof ClientError)) throw error;
    return (error.response.errors ?? []).map((e) => (e as { extensions?: { code?: string } }).extensions?.code);
  }
}

describe.each(backends)("reason tags on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let otherShop: TestShop;
  let byCode: (code: string) => Promise<Tag>;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [shop, otherShop] = [await setupShop(server, "tags shop"), await setupShop(server, "other tags shop")];
    byCode = async (code) => (await reasonTags(shop.staff.SHOP_ADMIN, true)).find((tag) => tag.code === code)!;
  });
  afterAll(() => server?.stop());

  /** Every reason tag row and the refund count, straight from the database. */
  async function snapshot() {
    const p = server.app.db.prisma;
    return { tags: await p.reasonTag.findMany({ orderBy: { id: "asc" } }), refunds: await p.refund.count(), transitions: await p.refundTransition.count() };
  }

  async function expectRefused(send: () => Promise<{ userErrors: UserErrorView[] } & Record<string, unknown>>, code: string, field: string[] | null) {
    const before = await snapshot();
    const payload = await send();
    expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(/\S/) }]);
    for (const [key, value] of Object.entries(payload)) if (key !== "userErrors") expect(value, `payload.${key}`).toBeNull();
    expect(await snapshot()).toEqual(before);
  }

  let customers = 0;
  async function shippedOrder(target: TestShop = shop) {
    customers += 1;
    const externalId = `tags-${customers}`;
    const customer = await target.customer(externalId);
    const orderId = await target.order(externalId, { paidAmount: 5000, shippingStatus: "SHIPPED" });
    return { customer, orderId };
  }

  it("builds the tree: a sub-reason under ORDERED_BY_MISTAKE, listed flat with parent and children", async () => {
    const mistake = await byCode("ORDERED_BY_MISTAKE");
    const created = await createTag(shop.staff.SHOP_ADMIN, { code: "SIZE_TOO_SMALL", label: " 尺码偏小 ", parentId: mistake.id });
    expect(created).toEqual({
      reasonTag: { id: expect.any(String), code: "SIZE_TOO_SMALL", label: "尺码偏小", archived: false, parent: { code: "ORDERED_BY_MISTAKE" }, children: [] },
      userErrors: [],
    });

    const tags = await reasonTags(shop.staff.AGENT);
    expect(tags.map((tag) => tag.code)).toEqual(["ORDERED_BY_MISTAKE", "NOT_AS_DESCRIBED", "LOGISTICS", "CHANGED_MIND", "OTHER", "SIZE_TOO_SMALL"]);
    expect(tags.find((tag) => tag.code === "ORDERED_BY_MISTAKE")!.children).toEqual([{ code: "SIZE_TOO_SMALL" }]);
    expect(tags.filter((tag) => tag.parent === null).map((tag) => tag.code)).toHaveLength(5);

    // A platform admin names the shop; the tag lands in that shop only.
    const byAdmin = await createTag(server.admin, { shopId: shop.shopId, code: "SIZE_TOO_LARGE", label: "尺码偏大", parentId: mistake.id });
    expect(byAdmin.userErrors).toEqual([]);
    expect((await reasonTags(otherShop.staff.AGENT)).map((tag) => tag.code)).not.toContain("SIZE_TOO_LARGE");
    const rows = await server.app.db.prisma.reasonTag.findMany({ where: { code: { in: ["SIZE_TOO_SMALL", "SIZE_TOO_LARGE"] } } });
    expect(rows.map((row) => [row.code, row.parentId, row.archived])).toEqual(
      expect.arrayContaining([
        ["SIZE_TOO_SMALL", rawId(mistake.id), false],
        ["SIZE_TOO_LARGE", rawId(mistake.id), false],
      ]),
    );
  });

  it("renames a tag and moves it to the top level and back; the code stays", async () => {
    const tag = await createTag(shop.staff.SHOP_ADMIN, { code: "WRONG_COLOR", label: "颜色不对" });
    const id = tag.reasonTag!.id;
    expect((await updateTag(shop.staff.SHOP_ADMIN, { id, label: "颜色与图片不符" })).reasonTag).toMatchObject({ code: "WRONG_COLOR", label: "颜色与图片不符", parent: null });

    const notAsDescribed = await byCode("NOT_AS_DESCRIBED");
    expect((await updateTag(shop.staff.SHOP_ADMIN, { id, parentId: notAsDescribed.id })).reasonTag).toMatchObject({ parent: { code: "NOT_AS_DESCRIBED" } });
    // Leaving parentId out keeps the parent; null clears it.
    expect((await updateTag(shop.staff.SHOP_ADMIN, { id, label: "颜色不符" })).reasonTag).toMatchObject({ label: "颜色不符", parent: { code: "NOT_AS_DESCRIBED" } });
    expect((await updateTag(shop.staff.SHOP_ADMIN, { id, parentId: null })).reasonTag).toMatchObject({ parent: null });
    expect((await updateTag(server.admin, { id, parentId: notAsDescribed.id })).reasonTag).toMatchObject({ parent: { code: "NOT_AS_DESCRIBED" } });
    expect((await byCode("NOT_AS_DESCRIBED")).children).toEqual([{ code: "WRONG_COLOR" }]);
  });

  it("takes a sub-reason in a request, and filtering by the parent returns the sub-reason's refunds too", async () => {
    const small = await shippedOrder();
    const bySubReason = await request(small.customer.client, { orderId: small.orderId, type: "RETURN_AND_REFUND", reasonCode: "SIZE_TOO_SMALL" });
    expect(bySubReason.userErrors).toEqual([]);
    expect(bySubReason.refund!.reason).toEqual({ code: "SIZE_TOO_SMALL" });
    const mistake = await shippedOrder();
    const byParent = await request(mistake.customer.client, { orderId: mistake.orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" });
    const logistics = await shippedOrder();
    const byOther = await request(logistics.customer.client, { orderId: logistics.orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" });

    const filtered = async (codes: string[]) =>
      (await shop.staff.AGENT.request<{ refunds: { edges: Array<{ node: { id: string } }> } }>(REFUNDS_BY_REASON, { codes })).refunds.edges
        .map((edge) => edge.node.id)
        .sort();
    expect(await filtered(["ORDERED_BY_MISTAKE"])).toEqual([bySubReason.refund!.id, byParent.refund!.id].sort());
    expect(await filtered(["SIZE_TOO_SMALL"])).toEqual([bySubReason.refund!.id]);
    expect(await filtered(["LOGISTICS"])).toEqual([byOther.refund!.id]);
    expect(await filtered(["SIZE_TOO_SMALL", "LOGISTICS"])).toEqual([bySubReason.refund!.id, byOther.refund!.id].sort());
  });

  it("archives a tag: refused for new requests, still on old refunds, listed only with includeArchived, back when unarchived", async () => {
    const tag = (await createTag(shop.staff.SHOP_ADMIN, { code: "GIFT_UNWANTED", label: "礼物不需要" })).reasonTag!;
    const old = await shippedOrder();
    const oldRefund = (await request(old.customer.client, { orderId: old.orderId, type: "REFUND_ONLY", reasonCode: "GIFT_UNWANTED" })).refund!;

    expect((await updateTag(shop.staff.SHOP_ADMIN, { id: tag.id, archived: true })).reasonTag).toMatchObject({ archived: true });
    const fresh = await shippedOrder();
    await expectRefused(() => request(fresh.customer.client, { orderId: fresh.orderId, type: "REFUND_ONLY", reasonCode: "GIFT_UNWANTED" }), "REASON_ARCHIVED", ["input", "reasonCode"]);

    expect(await old.customer.client.request(REFUND_REASON, { id: oldRefund.id })).toEqual({
      refund: { reason: { code: "GIFT_UNWANTED", label: "礼物不需要", archived: true, parent: null } },
    });
    expect((await reasonTags(shop.staff.AGENT)).map((t) => t.code)).not.toContain("GIFT_UNWANTED");
    expect((await reasonTags(shop.staff.AGENT, true)).map((t) => t.code)).toContain("GIFT_UNWANTED");

    expect((await updateTag(shop.staff.SHOP_ADMIN, { id: tag.id, archived: false })).reasonTag).toMatchObject({ archived: false });
    expect((await request(fresh.customer.client, { orderId: fresh.orderId, type: "REFUND_ONLY", reasonCode: "GIFT_UNWANTED" })).userErrors).toEqual([]);
  });

  it("archiving a parent retires its sub-reasons for new requests too", async () => {
    const parent = (await createTag(shop.staff.SHOP_ADMIN, { code: "PACKAGING", label: "包装问题" })).reasonTag!;
    const child = (await createTag(shop.staff.SHOP_ADMIN, { code: "PACKAGING_DAMAGED", label: "包装破损", parentId: parent.id })).reasonTag!;
    await updateTag(shop.staff.SHOP_ADMIN, { id: parent.id, archived: true });

    const order = await shippedOrder();
    await expectRefused(() => request(order.customer.client, { orderId: order.orderId, type: "REFUND_ONLY", reasonCode: "PACKAGING_DAMAGED" }), "REASON_ARCHIVED", ["input", "reasonCode"]);
    const listed = await reasonTags(shop.staff.AGENT);
    expect(listed.map((t) => t.code)).not.toContain("PACKAGING_DAMAGED");
    expect((await reasonTags(shop.staff.AGENT, true)).find((t) => t.id === child.id)).toMatchObject({ archived: false, parent: { code: "PACKAGING" } });
    // Nor can a tag be put under an archived parent.
    await expectRefused(() => createTag(shop.staff.SHOP_ADMIN, { code: "PACKAGING_WET", label: "受潮", parentId: parent.id }), "REASON_ARCHIVED", ["input", "parentId"]);
  });

  it("refuses bad codes and labels, duplicates, cycles, a third level and unknown or foreign parents, writing nothing", async () => {
    const admin = shop.staff.SHOP_ADMIN;
    const mistake = await byCode("ORDERED_BY_MISTAKE");
    const small = await byCode("SIZE_TOO_SMALL");
    const logistics = await byCode("LOGISTICS");

    await expectRefused(() => createTag(admin, { code: "OTHER", label: "又一个其他" }), "DUPLICATE_REASON_CODE", ["input", "code"]);
    await expectRefused(() => createTag(admin, { code: "SIZE_TOO_SMALL", label: "重复", parentId: mistake.id }), "DUPLICATE_REASON_CODE", ["input", "code"]);
    for (const code of ["lower_case", "A", "1ABC", "A-B", "A B", "", `A${"B".repeat(40)}`, "尺码"]) {
      await expectRefused(() => createTag(admin, { code, label: "标签" }), "INVALID_INPUT", ["input", "code"]);
    }
    for (const label of ["", "   ", "长".repeat(41)]) {
      await expectRefused(() => createTag(admin, { code: "FINE_CODE", label }), "INVALID_INPUT", ["input", "label"]);
      await expectRefused(() => updateTag(admin, { id: logistics.id, label }), "INVALID_INPUT", ["input", "label"]);
    }
    expect((await createTag(admin, { code: `A${"B".repeat(39)}`, label: "长".repeat(40) })).userErrors).toEqual([]);

    // Cycles: under itself, or a parent under its own sub-reason.
    await expectRefused(() => updateTag(admin, { id: logistics.id, parentId: logistics.id }), "REASON_TAG_CYCLE", ["input", "parentId"]);
    await expectRefused(() => updateTag(admin, { id: small.id, parentId: small.id }), "REASON_TAG_CYCLE", ["input", "parentId"]);
    await expectRefused(() => updateTag(admin, { id: mistake.id, parentId: small.id }), "REASON_TAG_CYCLE", ["input", "parentId"]);
    // Two levels: no tag under a sub-reason, and a tag with sub-reasons stays top-level.
    await expectRefused(() => createTag(admin, { code: "SIZE_TINY", label: "太小", parentId: small.id }), "REASON_TAG_TOO_DEEP", ["input", "parentId"]);
    await expectRefused(() => updateTag(admin, { id: logistics.id, parentId: small.id }), "REASON_TAG_TOO_DEEP", ["input", "parentId"]);
    await expectRefused(() => updateTag(admin, { id: mistake.id, parentId: logistics.id }), "REASON_TAG_TOO_DEEP", ["input", "parentId"]);

    // Unknown, foreign or mistyped ids.
    const foreign = (await reasonTags(otherShop.staff.AGENT))[0]!;
    for (const parentId of [globalId("ReasonTag", randomUUID()), foreign.id, globalId("Order", rawId(logistics.id)), "not an id"]) {
      await expectRefused(() => createTag(admin, { code: "NEW_REASON", label: "新", parentId }), "NOT_FOUND", ["input", "parentId"]);
      await expectRefused(() => updateTag(admin, { id: logistics.id, parentId }), "NOT_FOUND", ["input", "parentId"]);
    }
    await expectRefused(() => updateTag(admin, { id: foreign.id, label: "抢走" }), "NOT_FOUND", ["input", "id"]);
    await expectRefused(() => updateTag(admin, { id: globalId("ReasonTag", randomUUID()), archived: true }), "NOT_FOUND", ["input", "id"]);
    await expectRefused(() => createTag(server.admin, { code: "NEW_REASON", label: "新" }), "INVALID_INPUT", ["input", "shopId"]);
    await expectRefused(() => createTag(server.admin, { shopId: globalId("Shop", randomUUID()), code: "NEW_REASON", label: "新" }), "NOT_FOUND", ["input", "shopId"]);
  });

  it("lets only shop and platform admins change tags", async () => {
    const customer = await shop.customer("tags-customer");
    const logistics = await byCode("LOGISTICS");
    const others = [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.FINANCE, shop.staff.INTEGRATION, customer.client];
    for (const client of others) {
      await expectRefused(() => createTag(client, { code: "NOT_ALLOWED", label: "不行" }), "FORBIDDEN", null);
      await expectRefused(() => updateTag(client, { id: logistics.id, archived: true }), "FORBIDDEN", null);
    }
    await expectRefused(() => createTag(server.client(), { code: "NOT_ALLOWED", label: "不行" }), "UNAUTHENTICATED", null);
    await expectRefused(() => updateTag(otherShop.staff.SHOP_ADMIN, { id: logistics.id, archived: true }), "NOT_FOUND", ["input", "id"]);
  });

  describe("productRefundStats", () => {
    let stats: TestShop;
    const periodStart = new Date(Date.now() - 24 * 3600_000);
    const periodEnd = new Date(Date.now() + 24 * 3600_000);
    const inPeriod = new Date(Date.now() - 3600_000).toISOString();
    const beforePeriod = new Date(Date.now() - 40 * 24 * 3600_000).toISOString();
    const query = (client: GraphQLClient, variables: Record<string, unknown>) => client.request<Stats>(STATS, variables);
    const period = { from: periodStart.toISOString(), to: periodEnd.toISOString() };

    /**
     * Refunds are created now, so the period runs from a day ago to a day ahead; orders are
     * paid in it (an hour ago) or before it (40 days ago).
     *   O1 in, unshipped 10000: SKU-A on two lines + SKU-B   R1 SIZE_TOO_SMALL, refunded 10000
     *   O2 in, shipped 3000: SKU-A                            R2 LOGISTICS (in review, 0 refunded)
     *   O3 in, shipped 4000: SKU-A + SKU-C                    —
     *   O4 in, shipped 2000: SKU-B                            —
     *   O5 before, unshipped 6000: SKU-C + SKU-G              R5 LOGISTICS, refunded 6000
     *   O6 before, shipped 1000: SKU-D                        —
     *   O7 in, shipped 1000: SKU-E                            R7 NOT_AS_DESCRIBED
     *   O8–O12 in, shipped 1000: SKU-F                        CHANGED_MIND ×2, OTHER, NOT_AS_DESCRIBED, LOGISTICS
     */
    beforeAll(async () => {
      stats = await setupShop(server, "stats shop");
      const mistake = (await reasonTags(stats.staff.AGENT)).find((tag) => tag.code === "ORDERED_BY_MISTAKE")!;
      await createTag(stats.staff.SHOP_ADMIN, { code: "SIZE_TOO_SMALL", label: "尺码偏小", parentId: mistake.id });
      const customer = await stats.customer("stats-1");
      const item = (sku: string, unitPrice: number) => ({ sku, name: `商品 ${sku}`, quantity: 1, unitPrice });
      const order = async (externalId: string, paidAt: string, shippingStatus: string, items: ReturnType<typeof item>[]) => {
        const paidAmount = items.reduce((sum, line) => sum + line.unitPrice, 0);
        const result = await stats.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
          input: { externalId, customerExternalId: "stats-1", items, paidAmount, paidAt, shippingStatus },
        });
        expect(result.upsertOrder.userErrors).toEqual([]);
        return result.upsertOrder.order!.id;
      };
      const refund = async (orderId: string, reasonCode: string) => {
        const requested = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode });
        expect(requested.userErrors).toEqual([]);
        return requested.refund!.id;
      };

      const r1 = await refund(await order("O1", inPeriod, "NOT_SHIPPED", [item("SKU-A", 3000), item("SKU-A", 2000), item("SKU-B", 5000)]), "SIZE_TOO_SMALL");
      await refund(await order("O2", inPeriod, "SHIPPED", [item("SKU-A", 3000)]), "LOGISTICS");
      await order("O3", inPeriod, "SHIPPED", [item("SKU-A", 3000), item("SKU-C", 1000)]);
      await order("O4", inPeriod, "SHIPPED", [item("SKU-B", 2000)]);
      const r5 = await refund(await order("O5", beforePeriod, "NOT_SHIPPED", [item("SKU-C", 4000), item("SKU-G", 2000)]), "LOGISTICS");
      await order("O6", beforePeriod, "SHIPPED", [item("SKU-D", 1000)]);
      await refund(await order("O7", inPeriod, "SHIPPED", [item("SKU-E", 1000)]), "NOT_AS_DESCRIBED");
      for (const [index, reason] of ["CHANGED_MIND", "OTHER", "CHANGED_MIND", "NOT_AS_DESCRIBED", "LOGISTICS"].entries()) {
        await refund(await order(`O${8 + index}`, inPeriod, "SHIPPED", [item("SKU-F", 1000)]), reason);
      }
      await waitForStatus(stats.staff.AGENT, r1, "REFUNDED");
      await waitForStatus(stats.staff.AGENT, r5, "REFUNDED");
    });

    const row = (sku: string, orders: number, refunds: number, refundRate: number, amount: number, top: Array<[string, number]>): StatsRow => ({
      sku,
      name: `商品 ${sku}`,
      orders,
      refunds,
      refundRate,
      refundedAmount: { amount, currency: "CNY" },
      topReasons: top.map(([code, count]) => ({ reason: { code }, count })),
    });
    const expected = [
      row("SKU-F", 5, 5, 1, 0, [["CHANGED_MIND", 2], ["LOGISTICS", 1], ["NOT_AS_DESCRIBED", 1]]),
      row("SKU-C", 1, 1, 1, 6000, [["LOGISTICS", 1]]),
      row("SKU-E", 1, 1, 1, 0, [["NOT_AS_DESCRIBED", 1]]),
      row("SKU-A", 3, 2, 2 / 3, 10000, [["LOGISTICS", 1], ["SIZE_TOO_SMALL", 1]]),
      row("SKU-B", 2, 1, 0.5, 10000, [["SIZE_TOO_SMALL", 1]]),
      row("SKU-G", 0, 1, 0, 6000, [["LOGISTICS", 1]]),
    ];

    it("answers the hand-computed rows, highest refund rate first, counted in the database", async () => {
      let answer!: Awaited<ReturnType<typeof query>>;
      const statements = await statementsOf(server.app, async () => {
        answer = await query(stats.staff.AGENT, { ...period, first: 50 });
      });
      // The shop's currency, the one aggregate statement, the reason tags named (the token was
      // seen before: the process's cache answers it).
      expect(statements, statements.join("\n")).toHaveLength(3);
      expect(statements.filter((sql) => sql.includes('"Refund"'))).toHaveLength(1);
      expect(answer.productRefundStats.edges.map((edge) => edge.node)).toEqual(expected);
      expect(answer.productRefundStats.pageInfo.hasNextPage).toBe(false);
      // The platform admin names the shop and sees the same.
      const asAdmin = await query(server.admin, { ...period, first: 50, shopId: stats.shopId });
      expect(asAdmin.productRefundStats.edges.map((edge) => edge.node)).toEqual(expected);
    });

    it("pages through the rows", async () => {
      const first = await query(stats.staff.FINANCE, { ...period, first: 4 });
      expect(first.productRefundStats.edges.map((edge) => edge.node.sku)).toEqual(["SKU-F", "SKU-C", "SKU-E", "SKU-A"]);
      expect(first.productRefundStats.pageInfo.hasNextPage).toBe(true);
      const second = await query(stats.staff.FINANCE, { ...period, first: 4, after: first.productRefundStats.pageInfo.endCursor });
      expect(second.productRefundStats.edges.map((edge) => edge.node)).toEqual(expected.slice(4));
      expect(second.productRefundStats.pageInfo.hasNextPage).toBe(false);
    });

    it("answers an empty connection for a period with nothing in it", async () => {
      for (const empty of [
        { from: "2020-01-01T00:00:00Z", to: "2020-02-01T00:00:00Z" },
        { from: period.from, to: period.from },
      ]) {
        const answer = await query(stats.staff.AGENT, empty);
        expect(answer.productRefundStats.edges).toEqual([]);
        expect(answer.productRefundStats.pageInfo.hasNextPage).toBe(false);
      }
      // Only the orders: a period covering O5/O6's payment but not today's refunds.
      const past = await query(stats.staff.AGENT, { from: new Date(Date.parse(beforePeriod) - 3600_000).toISOString(), to: period.from });
      expect(past.productRefundStats.edges.map((edge) => edge.node)).toEqual([
        row("SKU-C", 1, 0, 0, 0, []),
        row("SKU-D", 1, 0, 0, 0, []),
        row("SKU-G", 1, 0, 0, 0, []),
      ]);
    });

    it("refuses a reversed or over-long period, customers, integrations and anonymous callers", async () => {
      const day = 24 * 3600_000;
      const start = Date.parse("2026-01-01T00:00:00Z");
      expect(await errorCodes(() => query(stats.staff.AGENT, { from: period.to, to: period.from }))).toEqual(["INVALID_INPUT"]);
      expect(await errorCodes(() => query(stats.staff.AGENT, { from: new Date(start).toISOString(), to: new Date(start + 366 * day + 1).toISOString() }))).toEqual(["INVALID_INPUT"]);
      expect(await errorCodes(() => query(stats.staff.AGENT, { from: new Date(start).toISOString(), to: new Date(start + 366 * day).toISOString() }))).toEqual([]);
      const customer = await stats.customer("stats-customer");
      expect(await errorCodes(() => query(customer.client, period))).toEqual(["FORBIDDEN"]);
      expect(await errorCodes(() => query(stats.staff.INTEGRATION, period))).toEqual(["FORBIDDEN"]);
      expect(await errorCodes(() => query(server.client(), period))).toEqual(["UNAUTHENTICATED"]);
      expect(await errorCodes(() => query(server.admin, period))).toEqual(["INVALID_INPUT"]);
    });
  });
});
