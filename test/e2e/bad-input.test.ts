// Every input a client can send gets a clear answer: a `userErrors` entry with a stable code
// (and the offending field), never a top-level error or an internal error, and nothing is
// written. Each refusal below is checked against a snapshot of every table's row count and of
// the refunds concerned, read straight from the database before and after.
import { randomBytes, randomUUID } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import {
  REQUEST_REFUND,
  type RequestRefundResult,
  TRANSITION_REFUND,
  type TransitionRefundResult,
  type UserErrorView,
} from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { globalId, rawId } from "../support/ids.js";

const CREATE_SHOP = /* GraphQL */ `
  mutation ($input: CreateShopInput!) { createShop(input: $input) { shop { id } userErrors { code message field } } }
`;
const CREATE_API_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) {
    createApiToken(input: $input) { token apiToken { id } userErrors { code message field } }
  }
`;
const UPSERT_CUSTOMER = /* GraphQL */ `
  mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } userErrors { code message field } } }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;

type Payload = { userErrors: UserErrorView[] } & Record<string, unknown>;


describe.each(backends)("bad input on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let otherShop: TestShop;
  let customers = 0;

  beforeAll(async () => {
    server = await startTestServer(kind);
    [shop, otherShop] = [await setupShop(server, "bad-input shop"), await setupShop(server, "other shop")];
  });
  afterAll(() => server?.stop());

  // --- sending ---------------------------------------------------------------------------

  const transition = (client: GraphQLClient, input: Record<string, unknown>): Promise<Payload> =>
    client.request<TransitionRefundResult>(TRANSITION_REFUND, { input }).then((r) => r.transitionRefund as unknown as Payload);
  const request = (client: GraphQLClient, input: Record<string, unknown>): Promise<Payload> =>
    client.request<RequestRefundResult>(REQUEST_REFUND, { input }).then((r) => r.requestRefund as unknown as Payload);
  const mutate = (client: GraphQLClient, document: string, field: string, input: Record<string, unknown>): Promise<Payload> =>
    client.request<Record<string, Payload>>(document, { input }).then((r) => r[field]!);

  /** POSTs a document as any HTTP client could, headers and all; answers status and body. */
  async function post(body: unknown, authorization?: string) {
    const response = await fetch(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(authorization !== undefined && { authorization }),
      },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: Array<{ message: string; extensions?: { code?: string } }> },
    };
  }

  // --- nothing written -------------------------------------------------------------------

  async function rowCounts() {
    const p = server.app.db.prisma;
    return {
      shops: await p.shop.count(),
      apiTokens: await p.apiToken.count(),
      customers: await p.customer.count(),
      orders: await p.order.count(),
      orderItems: await p.orderItem.count(),
      reasonTags: await p.reasonTag.count(),
      refunds: await p.refund.count(),
      transitions: await p.refundTransition.count(),
      resolutionOptions: await p.resolutionOption.count(),
      returnShipments: await p.returnShipment.count(),
      paymentAttempts: await p.paymentRefundAttempt.count(),
    };
  }

  /** The refund's row (status, version, amounts, updatedAt…) with everything hanging off it. */
  function refundRow(refundId: string) {
    return server.app.db.prisma.refund.findUniqueOrThrow({
      where: { id: rawId(refundId) },
      include: { transitions: { orderBy: { version: "asc" } }, resolutionOptions: true, returnShipment: true },
    });
  }

  async function snapshot(refundIds: readonly string[]) {
    return { rows: await rowCounts(), refunds: await Promise.all(refundIds.map(refundRow)) };
  }

  /**
   * Sends a bad input and checks the answer is exactly one userError with this code and field,
   * that no object came back, and that the database is as it was, refunds `watched` included.
   */
  async function expectRefused(send: () => Promise<Payload>, code: string, field: string[] | null, watched: readonly string[] = []) {
    const before = await snapshot(watched);
    const payload = await send();
    expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(/\S/) }]);
    for (const [key, value] of Object.entries(payload)) if (key !== "userErrors") expect(value, `payload.${key}`).toBeNull();
    expect(await snapshot(watched)).toEqual(before);
  }

  // --- refunds in a given status ------------------------------------------------------

  async function newCustomer(options: { refundBeforeReceipt?: boolean } = {}) {
    customers += 1;
    const externalId = `bad-${customers}`;
    return { externalId, ...(await shop.customer(externalId, options)) };
  }

  /** A shipped order's refund, waiting for an agent (version 2). */
  async function pendingReview(type: "REFUND_ONLY" | "RETURN_AND_REFUND" = "RETURN_AND_REFUND", paidAmount = 10_000) {
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount, shippingStatus: "DELIVERED" });
    const requested = await request(customer.client, { orderId, type, reasonCode: "NOT_AS_DESCRIBED" });
    expect(requested.userErrors).toEqual([]);
    const refund = requested.refund as { id: string; status: string; version: number };
    expect([refund.status, refund.version]).toEqual(["PENDING_REVIEW", 2]);
    return { customer, orderId, refundId: refund.id };
  }

  async function step(client: GraphQLClient, refundId: string, input: Record<string, unknown>, status: string) {
    const result = await transition(client, { refundId, ...input });
    expect(result.userErrors).toEqual([]);
    expect((result.refund as { status: string }).status).toBe(status);
  }

  async function pendingFinance() {
    const refund = await pendingReview("REFUND_ONLY");
    await step(shop.staff.AGENT, refund.refundId, { action: "APPROVE" }, "AWAITING_WAREHOUSE");
    await step(shop.staff.WAREHOUSE, refund.refundId, { action: "CONFIRM_NOT_RECEIVED" }, "PENDING_FINANCE");
    return refund;
  }

  async function awaitingReturn() {
    const refund = await pendingReview("RETURN_AND_REFUND");
    await step(shop.staff.AGENT, refund.refundId, { action: "APPROVE" }, "AWAITING_RETURN");
    return refund;
  }

  async function awaitingCustomer() {
    const refund = await pendingReview("RETURN_AND_REFUND");
    await step(
      shop.staff.AGENT,
      refund.refundId,
      { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 1500 }] },
      "AWAITING_CUSTOMER",
    );
    return refund;
  }

  // --- ids ---------------------------------------------------------------------------------

  it("answers NOT_FOUND for a refund id that is malformed, of another type, unknown, or of another shop", async () => {
    const { refundId, orderId } = await pendingReview();
    const foreignCustomer = await otherShop.customer("foreign");
    const foreignOrderId = await otherShop.order("foreign", { paidAmount: 5000, shippingStatus: "SHIPPED" });
    const foreign = await request(foreignCustomer.client, { orderId: foreignOrderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" });
    const foreignRefundId = (foreign.refund as { id: string }).id;
    const watched = [refundId, foreignRefundId];

    for (const badId of [
      "nope",
      "",
      orderId, // an Order's global id where a Refund's is expected
      globalId("Order", rawId(refundId)), // the right raw id under the wrong type
      globalId("Refund", randomUUID()),
      globalId("Refund", ""),
      rawId(refundId), // a raw database id, not a global id
      foreignRefundId,
    ]) {
      await expectRefused(() => transition(shop.staff.AGENT, { refundId: badId, action: "APPROVE" }), "NOT_FOUND", ["input", "refundId"], watched);
    }
    // Another shop's refund looks exactly like a missing one, whatever the role.
    await expectRefused(() => transition(shop.staff.SHOP_ADMIN, { refundId: foreignRefundId, action: "REJECT", note: "not yours" }), "NOT_FOUND", ["input", "refundId"], watched);
  });

  it("answers NOT_FOUND for an order id that is malformed, of another type, unknown, or of another shop", async () => {
    const { refundId, customer } = await pendingReview();
    await otherShop.customer("foreign-2");
    const foreignOrderId = await otherShop.order("foreign-2", { paidAmount: 5000, shippingStatus: "SHIPPED" });
    for (const badId of ["nope", refundId, globalId("Order", randomUUID()), foreignOrderId]) {
      for (const client of [customer.client, shop.staff.AGENT, shop.staff.INTEGRATION]) {
        await expectRefused(() => request(client, { orderId: badId, type: "REFUND_ONLY", reasonCode: "OTHER" }), "NOT_FOUND", ["input", "orderId"], [refundId]);
      }
    }
  });

  // --- who may act, and when -------------------------------------------------------------

  it("answers ACTION_NOT_PERMITTED when the caller's role may not take the action", async () => {
    const review = await pendingReview();
    const watched = [review.refundId];
    for (const [client, action] of [
      [shop.staff.WAREHOUSE, "APPROVE"],
      [review.customer.client, "APPROVE"],
      [shop.staff.FINANCE, "APPROVE"],
      [shop.staff.INTEGRATION, "APPROVE"],
      [shop.staff.WAREHOUSE, "OFFER_RESOLUTION"],
      // A customer's action stays the customer's, even for staff who may do everything else.
      [shop.staff.AGENT, "CANCEL"],
      [shop.staff.SHOP_ADMIN, "CANCEL"],
    ] as const) {
      const input = action === "OFFER_RESOLUTION" ? { offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }] } : {};
      await expectRefused(() => transition(client, { refundId: review.refundId, action, ...input }), "ACTION_NOT_PERMITTED", ["input", "action"], watched);
    }
    await expectRefused(() => transition(review.customer.client, { refundId: review.refundId, action: "REJECT", note: "changed my mind" }), "ACTION_NOT_PERMITTED", ["input", "action"], watched);

    const finance = await pendingFinance();
    for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.INTEGRATION, finance.customer.client]) {
      await expectRefused(() => transition(client, { refundId: finance.refundId, action: "FINANCE_APPROVE" }), "ACTION_NOT_PERMITTED", ["input", "action"], [finance.refundId]);
    }
    await expectRefused(() => transition(shop.staff.AGENT, { refundId: finance.refundId, action: "FINANCE_REJECT", note: "no" }), "ACTION_NOT_PERMITTED", ["input", "action"], [finance.refundId]);
  });

  it("answers ACTION_NOT_PERMITTED when a person reports the payment provider's answer", async () => {
    // The provider is unreachable twice: the refund waits in REFUNDING for retries 2 s and then
    // 4 s later, long enough for the checks below on a loaded machine.
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount: 4200, shippingStatus: "NOT_SHIPPED" });
    server.app.sandbox.failConnectionNext(2);
    const requested = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" });
    const refundId = (requested.refund as { id: string; status: string }).id;
    expect((requested.refund as { status: string }).status).toBe("REFUNDING");
    for (const [client, action] of [
      [shop.staff.AGENT, "PAYMENT_SUCCEEDED"],
      [shop.staff.FINANCE, "PAYMENT_SUCCEEDED"],
      [shop.staff.SHOP_ADMIN, "PAYMENT_SUCCEEDED"],
      [shop.staff.FINANCE, "PAYMENT_FAILED"],
      [customer.client, "PAYMENT_SUCCEEDED"],
    ] as const) {
      await expectRefused(() => transition(client, { refundId, action }), "ACTION_NOT_PERMITTED", ["input", "action"], [refundId]);
    }
    // The platform itself still settles it, once.
    await waitForStatus(shop.staff.AGENT, refundId, "REFUNDED");
  });

  it("answers ACTION_NOT_ALLOWED_IN_STATUS for an action the refund's status does not offer", async () => {
    const review = await pendingReview();
    const watched = [review.refundId];
    for (const [client, input] of [
      [shop.staff.WAREHOUSE, { action: "CONFIRM_NOT_RECEIVED" }],
      [shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" }],
      [shop.staff.WAREHOUSE, { action: "FAIL_INSPECTION", note: "scratched" }],
      [shop.staff.FINANCE, { action: "FINANCE_APPROVE" }],
      [shop.staff.FINANCE, { action: "RETRY_PAYMENT" }],
      [review.customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF Express", trackingNumber: "SF1" }],
      [review.customer.client, { action: "ACCEPT_OFFER", optionId: randomUUID() }],
      [shop.staff.AGENT, { action: "REQUEST" }],
      [shop.staff.AGENT, { action: "CLASSIFY" }],
      [shop.staff.SHOP_ADMIN, { action: "PAYMENT_SUCCEEDED" }],
    ] as const) {
      await expectRefused(() => transition(client, { refundId: review.refundId, ...input }), "ACTION_NOT_ALLOWED_IN_STATUS", ["input", "action"], watched);
    }
    const waiting = await awaitingReturn();
    await expectRefused(() => transition(shop.staff.AGENT, { refundId: waiting.refundId, action: "APPROVE" }), "ACTION_NOT_ALLOWED_IN_STATUS", ["input", "action"], [waiting.refundId]);
  });

  it("answers REFUND_TERMINAL for any action on a refunded, rejected or cancelled refund", async () => {
    const cancelled = await pendingReview();
    await step(cancelled.customer.client, cancelled.refundId, { action: "CANCEL" }, "CANCELLED");
    const rejected = await pendingReview();
    await step(shop.staff.AGENT, rejected.refundId, { action: "REJECT", note: "outside the return window" }, "REJECTED");
    const paid = await newCustomer();
    const paidOrderId = await shop.order(paid.externalId, { paidAmount: 3300, shippingStatus: "NOT_SHIPPED" });
    const refunded = await request(paid.client, { orderId: paidOrderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" });
    const refundedId = (refunded.refund as { id: string }).id;
    await waitForStatus(paid.client, refundedId, "REFUNDED");

    const terminal = [
      { refundId: cancelled.refundId, customer: cancelled.customer.client },
      { refundId: rejected.refundId, customer: rejected.customer.client },
      { refundId: refundedId, customer: paid.client },
    ];
    const watched = terminal.map((t) => t.refundId);
    for (const { refundId, customer } of terminal) {
      for (const [client, input] of [
        [customer, { action: "CANCEL" }],
        [shop.staff.AGENT, { action: "APPROVE" }],
        [shop.staff.AGENT, { action: "REJECT", note: "again" }],
        [shop.staff.FINANCE, { action: "RETRY_PAYMENT" }],
        [shop.staff.SHOP_ADMIN, { action: "FINANCE_APPROVE" }],
        // A stale version does not hide that the refund is closed.
        [shop.staff.AGENT, { action: "APPROVE", expectedVersion: 1 }],
      ] as const) {
        await expectRefused(() => transition(client, { refundId, ...input }), "REFUND_TERMINAL", ["input", "action"], watched);
      }
    }
  });

  it("answers VERSION_CONFLICT for a stale expectedVersion, and applies the action at the current one", async () => {
    const { refundId } = await pendingReview();
    for (const expectedVersion of [1, 3, 0, -1]) {
      await expectRefused(() => transition(shop.staff.AGENT, { refundId, action: "APPROVE", expectedVersion }), "VERSION_CONFLICT", ["input", "expectedVersion"], [refundId]);
    }
    await step(shop.staff.AGENT, refundId, { action: "APPROVE", expectedVersion: 2 }, "AWAITING_RETURN");
    // What was current a moment ago is stale now.
    await expectRefused(
      () => transition(shop.staff.AGENT, { refundId, action: "APPROVE", expectedVersion: 2 }),
      "VERSION_CONFLICT",
      ["input", "expectedVersion"],
      [refundId],
    );
  });

  // --- what an action needs ----------------------------------------------------------------

  it("answers NOTE_REQUIRED for a rejection without a reason", async () => {
    const review = await pendingReview("REFUND_ONLY");
    for (const note of [undefined, null, "", "   ", "\n\t"]) {
      await expectRefused(() => transition(shop.staff.AGENT, { refundId: review.refundId, action: "REJECT", note }), "NOTE_REQUIRED", ["input", "note"], [review.refundId]);
    }
    await step(shop.staff.AGENT, review.refundId, { action: "APPROVE" }, "AWAITING_WAREHOUSE");
    await expectRefused(() => transition(shop.staff.WAREHOUSE, { refundId: review.refundId, action: "REJECT", note: " " }), "NOTE_REQUIRED", ["input", "note"], [review.refundId]);
    const finance = await pendingFinance();
    await expectRefused(() => transition(shop.staff.FINANCE, { refundId: finance.refundId, action: "FINANCE_REJECT" }), "NOTE_REQUIRED", ["input", "note"], [finance.refundId]);
  });

  it("answers RETURN_SHIPMENT_REQUIRED for a return shipment without carrier or tracking number", async () => {
    const { refundId, customer } = await awaitingReturn();
    for (const [input, field] of [
      [{ carrier: "SF Express" }, "trackingNumber"],
      [{ carrier: "SF Express", trackingNumber: "  " }, "trackingNumber"],
      [{ trackingNumber: "SF1234567890" }, "carrier"],
      [{}, "carrier"],
    ] as const) {
      await expectRefused(() => transition(customer.client, { refundId, action: "SUBMIT_RETURN_SHIPMENT", ...input }), "RETURN_SHIPMENT_REQUIRED", ["input", field], [refundId]);
    }
  });

  it("answers OFFER_OPTIONS_REQUIRED, and checks each offered option", async () => {
    const { refundId } = await pendingReview("RETURN_AND_REFUND", 10_000);
    const offer = (offerOptions: unknown) => () => transition(shop.staff.AGENT, { refundId, action: "OFFER_RESOLUTION", offerOptions });
    await expectRefused(offer(undefined), "OFFER_OPTIONS_REQUIRED", ["input", "offerOptions"], [refundId]);
    await expectRefused(offer([]), "OFFER_OPTIONS_REQUIRED", ["input", "offerOptions"], [refundId]);
    await expectRefused(offer([{ kind: "KEEP_ITEM_WITH_COMPENSATION" }]), "INVALID_AMOUNT", ["input", "offerOptions", "0", "amount"], [refundId]);
    await expectRefused(offer([{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 0 }]), "INVALID_AMOUNT", ["input", "offerOptions", "1", "amount"], [refundId]);
    await expectRefused(offer([{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 10_001 }]), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "offerOptions", "0", "amount"], [refundId]);
    await expectRefused(offer([{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "RETURN_WITH_FULL_REFUND" }]), "INVALID_INPUT", ["input", "offerOptions"], [refundId]);
  });

  it("answers OPTION_NOT_FOUND for an option that is not offered on this refund", async () => {
    const { refundId, customer } = await awaitingCustomer();
    const elsewhere = await awaitingCustomer();
    const elsewhereOption = (await refundRow(elsewhere.refundId)).resolutionOptions[0]!.id;
    for (const optionId of [randomUUID(), "nope", elsewhereOption, undefined]) {
      await expectRefused(() => transition(customer.client, { refundId, action: "ACCEPT_OFFER", optionId }), "OPTION_NOT_FOUND", ["input", "optionId"], [refundId, elsewhere.refundId]);
    }
  });

  it("answers INVALID_INPUT for an input the action does not take", async () => {
    const { refundId } = await pendingReview();
    await expectRefused(() => transition(shop.staff.AGENT, { refundId, action: "REJECT", note: "no", amount: 100 }), "INVALID_INPUT", ["input", "amount"], [refundId]);
    await expectRefused(() => transition(shop.staff.AGENT, { refundId, action: "APPROVE", optionId: randomUUID() }), "INVALID_INPUT", ["input", "optionId"], [refundId]);
    await expectRefused(() => transition(shop.staff.AGENT, { refundId, action: "APPROVE", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }] }), "INVALID_INPUT", ["input", "offerOptions"], [refundId]);
  });

  // --- amounts --------------------------------------------------------------------------------

  it("answers INVALID_AMOUNT and AMOUNT_EXCEEDS_REFUNDABLE on requestRefund", async () => {
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount: 1000, shippingStatus: "SHIPPED" });
    const ask = (input: Record<string, unknown>) => () => request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER", ...input });
    for (const amount of [0, -1, -2_147_483_648]) await expectRefused(ask({ amount }), "INVALID_AMOUNT", ["input", "amount"]);
    await expectRefused(ask({ amount: 1001 }), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "amount"]);
    await expectRefused(ask({ amount: 2_147_483_647 }), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "amount"]);

    // 600 of 1000 is held by an open refund: 401 is too much, the rest is fine, then nothing is left.
    const first = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 600 });
    expect(first.userErrors).toEqual([]);
    const firstId = (first.refund as { id: string }).id;
    await expectRefused(ask({ amount: 401 }), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "amount"], [firstId]);
    const second = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER" });
    expect(second.userErrors).toEqual([]);
    expect((second.refund as { requestedAmount: { amount: number } }).requestedAmount.amount).toBe(400);
    await expectRefused(ask({}), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "orderId"], [firstId]);
    await expectRefused(ask({ amount: 1 }), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "orderId"], [firstId]);
  });

  it("answers INVALID_AMOUNT and AMOUNT_EXCEEDS_REFUNDABLE on APPROVE", async () => {
    const { refundId } = await pendingReview("RETURN_AND_REFUND", 8800);
    const approve = (amount: number) => () => transition(shop.staff.AGENT, { refundId, action: "APPROVE", amount });
    for (const amount of [0, -5]) await expectRefused(approve(amount), "INVALID_AMOUNT", ["input", "amount"], [refundId]);
    for (const amount of [8801, 2_147_483_647]) await expectRefused(approve(amount), "AMOUNT_EXCEEDS_REFUNDABLE", ["input", "amount"], [refundId]);
    // A partial approval is fine; the approved amount is then the ceiling for inspection.
    await step(shop.staff.AGENT, refundId, { action: "APPROVE", amount: 8000 }, "AWAITING_RETURN");
  });

  it("refuses amounts that are not 32-bit integers as GraphQL validation errors, not server errors", async () => {
    const { refundId, orderId } = await pendingReview();
    const agent = `Bearer ${(await tokenFor("AGENT")).token}`;
    const before = await snapshot([refundId]);
    for (const amount of [12.5, "100", 3_000_000_000, true]) {
      const asVariable = await post({ query: TRANSITION_REFUND, variables: { input: { refundId, action: "APPROVE", amount } } }, agent);
      expect(asVariable.status).toBe(400);
      expect(asVariable.body.data).toBeUndefined();
      expect(asVariable.body.errors?.[0]?.message).toMatch(/Int cannot represent/);
      const requested = await post({ query: REQUEST_REFUND, variables: { input: { orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount } } }, agent);
      expect(requested.status).toBe(400);
      expect(requested.body.errors?.[0]?.message).toMatch(/Int cannot represent/);
    }
    const literal = await post({ query: `mutation { transitionRefund(input: { refundId: "${refundId}", action: APPROVE, amount: 12.5 }) { userErrors { code } } }` }, agent);
    expect(literal.status).toBe(400);
    expect(literal.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(await snapshot([refundId])).toEqual(before);
  });

  // --- reasons, idempotency ------------------------------------------------------------------

  it("answers UNKNOWN_REASON_CODE for a reason code the shop does not have", async () => {
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount: 1000, shippingStatus: "SHIPPED" });
    for (const reasonCode of ["NOPE", "", "other", " OTHER", "拍错/多拍"]) {
      await expectRefused(() => request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode }), "UNKNOWN_REASON_CODE", ["input", "reasonCode"]);
    }
  });

  it("returns the first refund for a repeated idempotency key, and refuses the key for another order", async () => {
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount: 5000, shippingStatus: "SHIPPED" });
    const otherOrderId = await shop.order(customer.externalId, { paidAmount: 5000, shippingStatus: "SHIPPED" });
    const key = `key-${randomUUID()}`;
    const first = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS", amount: 1200, idempotencyKey: key });
    expect(first.userErrors).toEqual([]);
    const refundId = (first.refund as { id: string }).id;

    const before = await snapshot([refundId]);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      // A retry after a lost answer, even with other details, is the same request.
      const again = await request(customer.client, { orderId, type: "RETURN_AND_REFUND", reasonCode: "OTHER", amount: 100 + attempt, idempotencyKey: key });
      expect(again.userErrors).toEqual([]);
      expect(again.refund).toMatchObject({ id: refundId, status: "PENDING_REVIEW", version: 2, requestedAmount: { amount: 1200 } });
    }
    const byStaff = await request(shop.staff.AGENT, { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS", idempotencyKey: key });
    expect((byStaff.refund as { id: string }).id).toBe(refundId);
    expect(await snapshot([refundId])).toEqual(before);

    await expectRefused(
      () => request(customer.client, { orderId: otherOrderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS", idempotencyKey: key }),
      "IDEMPOTENCY_KEY_REUSED",
      ["input", "idempotencyKey"],
      [refundId],
    );
  });

  // --- tokens ------------------------------------------------------------------------------------

  it("answers INVALID_TOKEN for a malformed, unknown or revoked token, and UNAUTHENTICATED without one", async () => {
    const { refundId, orderId } = await pendingReview();
    const { token: revoked, id: revokedId } = await tokenFor("AGENT");
    await server.app.db.prisma.apiToken.update({ where: { id: rawId(revokedId) }, data: { revokedAt: new Date() } });
    const invalid = ["Bearer !!", "Basic abc", "Bearer", "bearer", `Bearer ${randomBytes(24).toString("base64url")}`, `Bearer ${revoked}`, `Token ${revoked}`];

    for (const authorization of invalid) {
      const client = new GraphQLClient(server.url, { headers: { authorization } });
      await expectRefused(() => transition(client, { refundId, action: "APPROVE" }), "INVALID_TOKEN", null, [refundId]);
      // The token is judged before the input: a malformed id does not change the answer.
      await expectRefused(() => transition(client, { refundId: "nope", action: "APPROVE" }), "INVALID_TOKEN", null, [refundId]);
      await expectRefused(() => request(client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER" }), "INVALID_TOKEN", null, [refundId]);
      await expectRefused(() => mutate(client, CREATE_SHOP, "createShop", { name: "x", currency: "CNY" }), "INVALID_TOKEN", null);

      for (const query of [`query ($id: ID!) { refund(id: $id) { id } }`, `{ viewer { role } }`, `{ refunds { edges { node { id } } } }`]) {
        const answer = await post({ query, variables: { id: refundId } }, authorization);
        expect(answer.status).toBe(200);
        expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["INVALID_TOKEN"]);
      }
    }

    const anonymous = server.client();
    await expectRefused(() => transition(anonymous, { refundId, action: "APPROVE" }), "UNAUTHENTICATED", null, [refundId]);
    await expectRefused(() => transition(anonymous, { refundId: "nope", action: "APPROVE" }), "UNAUTHENTICATED", null, [refundId]);
    await expectRefused(() => request(anonymous, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER" }), "UNAUTHENTICATED", null, [refundId]);
    await expectRefused(() => request(anonymous, { orderId: "nope", type: "REFUND_ONLY", reasonCode: "OTHER" }), "UNAUTHENTICATED", null, [refundId]);
    await expectRefused(() => mutate(anonymous, CREATE_SHOP, "createShop", { name: "x", currency: "CNY" }), "UNAUTHENTICATED", null);
    await expectRefused(() => mutate(anonymous, CREATE_API_TOKEN, "createApiToken", { shopId: shop.shopId, role: "PLATFORM_ADMIN" }), "UNAUTHENTICATED", null);
    for (const query of [`query ($id: ID!) { refund(id: $id) { id } }`, `{ viewer { role } }`]) {
      const answer = await post({ query, variables: { id: refundId } });
      expect(answer.status).toBe(200);
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    }
  });

  // --- setup mutations -----------------------------------------------------------------------------

  it("answers INVALID_CURRENCY, INVALID_INPUT and FORBIDDEN on createShop", async () => {
    for (const currency of ["XXY", "cny", "CN", "CNYY", "", "¥"]) {
      await expectRefused(() => mutate(server.admin, CREATE_SHOP, "createShop", { name: "New shop", currency }), "INVALID_CURRENCY", ["input", "currency"]);
    }
    await expectRefused(() => mutate(server.admin, CREATE_SHOP, "createShop", { name: "  ", currency: "CNY" }), "INVALID_INPUT", ["input", "name"]);
    for (const client of [shop.staff.SHOP_ADMIN, shop.staff.AGENT, shop.staff.INTEGRATION]) {
      await expectRefused(() => mutate(client, CREATE_SHOP, "createShop", { name: "Mine", currency: "CNY" }), "FORBIDDEN", null);
    }
  });

  it("answers FORBIDDEN, CUSTOMER_REQUIRED, NOT_FOUND and INVALID_INPUT on createApiToken", async () => {
    const customer = await newCustomer();
    const foreignCustomer = await otherShop.customer("foreign-token");
    const create = (client: GraphQLClient, input: Record<string, unknown>) => () => mutate(client, CREATE_API_TOKEN, "createApiToken", input);
    for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.FINANCE, shop.staff.INTEGRATION, customer.client]) {
      await expectRefused(create(client, { role: "AGENT" }), "FORBIDDEN", null);
      await expectRefused(create(client, { role: "SHOP_ADMIN" }), "FORBIDDEN", null);
    }
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "PLATFORM_ADMIN" }), "FORBIDDEN", ["input", "role"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "CUSTOMER" }), "CUSTOMER_REQUIRED", ["input", "customerId"]);
    await expectRefused(create(server.admin, { shopId: shop.shopId, role: "CUSTOMER" }), "CUSTOMER_REQUIRED", ["input", "customerId"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "CUSTOMER", customerId: foreignCustomer.id }), "NOT_FOUND", ["input", "customerId"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "CUSTOMER", customerId: "nope" }), "NOT_FOUND", ["input", "customerId"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "CUSTOMER", customerId: shop.shopId }), "NOT_FOUND", ["input", "customerId"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "AGENT", customerId: customer.id }), "INVALID_INPUT", ["input", "customerId"]);
    await expectRefused(create(shop.staff.SHOP_ADMIN, { role: "AGENT", shopId: otherShop.shopId }), "NOT_FOUND", ["input", "shopId"]);
    await expectRefused(create(server.admin, { role: "AGENT" }), "INVALID_INPUT", ["input", "shopId"]);
    await expectRefused(create(server.admin, { role: "AGENT", shopId: globalId("Shop", randomUUID()) }), "NOT_FOUND", ["input", "shopId"]);
  });

  it("answers FORBIDDEN on requestRefund and the order sync for roles that do not do them", async () => {
    const customer = await newCustomer();
    const orderId = await shop.order(customer.externalId, { paidAmount: 1000, shippingStatus: "SHIPPED" });
    for (const client of [shop.staff.WAREHOUSE, shop.staff.FINANCE]) {
      await expectRefused(() => request(client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER" }), "FORBIDDEN", null);
    }
    const order = { externalId: "o-forbidden", customerExternalId: customer.externalId, items: [], paidAmount: 100, paidAt: new Date().toISOString(), shippingStatus: "SHIPPED" };
    for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, shop.staff.FINANCE, customer.client]) {
      await expectRefused(() => mutate(client, UPSERT_ORDER, "upsertOrder", order), "FORBIDDEN", null);
      await expectRefused(() => mutate(client, UPSERT_CUSTOMER, "upsertCustomer", { externalId: "c-forbidden", name: "x" }), "FORBIDDEN", null);
    }
  });

  it("checks every field of upsertOrder", async () => {
    const customer = await newCustomer();
    const order = {
      externalId: `o-${randomUUID()}`,
      customerExternalId: customer.externalId,
      items: [{ sku: "S", name: "n", quantity: 1, unitPrice: 100 }],
      paidAmount: 100,
      paidAt: new Date().toISOString(),
      shippingStatus: "SHIPPED",
    };
    const upsert = (input: Record<string, unknown>) => () => mutate(shop.staff.INTEGRATION, UPSERT_ORDER, "upsertOrder", { ...order, ...input });
    for (const paidAmount of [0, -100]) await expectRefused(upsert({ paidAmount }), "INVALID_AMOUNT", ["input", "paidAmount"]);
    await expectRefused(upsert({ externalId: "  " }), "INVALID_INPUT", ["input", "externalId"]);
    await expectRefused(upsert({ customerExternalId: "nobody" }), "NOT_FOUND", ["input", "customerExternalId"]);
    await expectRefused(upsert({ items: [order.items[0], { sku: "T", name: "m", quantity: 0, unitPrice: 1 }] }), "INVALID_INPUT", ["input", "items", "1", "quantity"]);
    await expectRefused(upsert({ items: [{ sku: "T", name: "m", quantity: 1, unitPrice: -1 }] }), "INVALID_AMOUNT", ["input", "items", "0", "unitPrice"]);
    await expectRefused(upsert({ shopId: otherShop.shopId }), "NOT_FOUND", ["input", "shopId"]);
    await expectRefused(upsert({ shopId: "nope" }), "NOT_FOUND", ["input", "shopId"]);

    const integration = `Bearer ${(await tokenFor("INTEGRATION")).token}`;
    const before = await snapshot([]);
    const badDate = await post({ query: UPSERT_ORDER, variables: { input: { ...order, paidAt: "yesterday" } } }, integration);
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors?.[0]?.message).toMatch(/DateTime/);
    expect(await snapshot([])).toEqual(before);
  });

  // --- text the database cannot store -----------------------------------------------------

  it("answers INVALID_INPUT for text with a NUL character or of unbounded length, instead of failing in the database", async () => {
    const { refundId, customer } = await pendingReview("RETURN_AND_REFUND");
    // An order with room left, so that only the text can be what is wrong.
    const orderId = await shop.order(customer.externalId, { paidAmount: 1000, shippingStatus: "SHIPPED" });
    const huge = randomBytes(6000).toString("base64"); // incompressible, far past an index entry's limit
    const ask = (input: Record<string, unknown>) => () => request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 1, ...input });
    await expectRefused(ask({ description: "a\u0000b" }), "INVALID_INPUT", ["input", "description"], [refundId]);
    await expectRefused(ask({ reasonCode: "OTHER\u0000" }), "INVALID_INPUT", ["input", "reasonCode"], [refundId]);
    await expectRefused(ask({ idempotencyKey: "k\u0000" }), "INVALID_INPUT", ["input", "idempotencyKey"], [refundId]);
    await expectRefused(ask({ idempotencyKey: huge }), "INVALID_INPUT", ["input", "idempotencyKey"], [refundId]);
    await expectRefused(ask({ description: huge.repeat(2) }), "INVALID_INPUT", ["input", "description"], [refundId]);

    await expectRefused(() => transition(shop.staff.AGENT, { refundId, action: "REJECT", note: "no\u0000pe" }), "INVALID_INPUT", ["input", "note"], [refundId]);
    await expectRefused(() => transition(shop.staff.AGENT, { refundId: globalId("Refund", "a\u0000"), action: "APPROVE" }), "NOT_FOUND", ["input", "refundId"], [refundId]);
    await expectRefused(() => transition(shop.staff.AGENT, { refundId: globalId("Refund", huge), action: "APPROVE" }), "INVALID_INPUT", ["input", "refundId"], [refundId]);
    await step(shop.staff.AGENT, refundId, { action: "APPROVE" }, "AWAITING_RETURN");
    await expectRefused(
      () => transition(customer.client, { refundId, action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF\u0000", trackingNumber: "SF1" }),
      "INVALID_INPUT",
      ["input", "carrier"],
      [refundId],
    );
    await expectRefused(
      () => transition(customer.client, { refundId, action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: huge }),
      "INVALID_INPUT",
      ["input", "trackingNumber"],
      [refundId],
    );

    await expectRefused(() => mutate(server.admin, CREATE_SHOP, "createShop", { name: "a\u0000", currency: "CNY" }), "INVALID_INPUT", ["input", "name"]);
    await expectRefused(() => mutate(shop.staff.INTEGRATION, UPSERT_CUSTOMER, "upsertCustomer", { externalId: "x\u0000", name: "n" }), "INVALID_INPUT", ["input", "externalId"]);
    await expectRefused(() => mutate(shop.staff.INTEGRATION, UPSERT_CUSTOMER, "upsertCustomer", { externalId: huge, name: "n" }), "INVALID_INPUT", ["input", "externalId"]);
    await expectRefused(
      () =>
        mutate(shop.staff.INTEGRATION, UPSERT_ORDER, "upsertOrder", {
          externalId: "o-nul",
          customerExternalId: customer.externalId,
          items: [{ sku: "S\u0000", name: "n", quantity: 1, unitPrice: 1 }],
          paidAmount: 1,
          paidAt: new Date().toISOString(),
          shippingStatus: "SHIPPED",
        }),
      "INVALID_INPUT",
      ["input", "items", "0", "sku"],
    );
    await expectRefused(() => mutate(shop.staff.SHOP_ADMIN, CREATE_API_TOKEN, "createApiToken", { role: "AGENT", label: "\u0000" }), "INVALID_INPUT", ["input", "label"]);

    // Queries: an id that decodes to unstorable text is simply not found; a filter says why.
    const agent = `Bearer ${(await tokenFor("AGENT")).token}`;
    const byId = await post({ query: `query ($id: ID!) { refund(id: $id) { id } order(id: $id) { id } }`, variables: { id: globalId("Refund", "a\u0000") } }, agent);
    expect(byId).toEqual({ status: 200, body: { data: { refund: null, order: null }, extensions: { cost: expect.any(Object) } } });
    const search = await post({ query: `query ($s: String) { refunds(filter: { search: $s }) { edges { node { id } } } }`, variables: { s: "a\u0000" } }, agent);
    expect(search.status).toBe(200);
    expect(search.body.errors?.map((e) => e.extensions?.code)).toEqual(["INVALID_INPUT"]);
  });

  it("answers a malformed id in a query with null and a plain error, never an internal error", async () => {
    const agent = `Bearer ${(await tokenFor("AGENT")).token}`;
    for (const id of ["nope", "", globalId("Refund", "a\u0000"), globalId("Nope", "1")]) {
      for (const field of ["node", "nodes"]) {
        const query = field === "node" ? `query ($id: ID!) { node(id: $id) { id } }` : `query ($id: ID!) { nodes(ids: [$id]) { id } }`;
        const answer = await post({ query, variables: { id } }, agent);
        expect(answer.status, `${field}(${JSON.stringify(id)})`).toBe(200);
        expect(answer.body.errors).toHaveLength(1);
        expect(answer.body.errors![0]!.message).toMatch(/Invalid global ID|has not been implemented/);
        expect(answer.body.errors![0]!.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
      }
      // The typed lookups answer null and say nothing more.
      const typed = await post({ query: `query ($id: ID!) { refund(id: $id) { id } order(id: $id) { id } }`, variables: { id } }, agent);
      expect(typed).toEqual({ status: 200, body: { data: { refund: null, order: null }, extensions: { cost: expect.any(Object) } } });
    }
  });

  /** A fresh token of the shop, for requests sent without graphql-request; its global id too. */
  async function tokenFor(role: "AGENT" | "INTEGRATION"): Promise<{ token: string; id: string }> {
    const created = await mutate(server.admin, CREATE_API_TOKEN, "createApiToken", { shopId: shop.shopId, role, label: `raw ${role}` });
    expect(created.userErrors).toEqual([]);
    return { token: created.token as string, id: (created.apiToken as { id: string }).id };
  }
});
