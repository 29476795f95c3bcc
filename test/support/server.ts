// A real server for end-to-end tests: the app listening on a loopback port, a fresh database
// of the given backend, and graphql-request clients holding real API tokens.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { type App, type AppOptions, createApp } from "../../src/app.js";
import type { DatabaseKind } from "../../src/db/database.js";
import type { Role } from "../../src/domain/types.js";
import { createTestDatabase } from "./databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "./operations.js";
import { tagCountedRequests } from "./statements.js";
import { PATIENCE_MS } from "./patience.js";

export interface TestServer {
  app: App;
  url: string;
  admin: GraphQLClient;
  client(token?: string): GraphQLClient;
  stop(): Promise<void>;
}

/** Core tests run with no plugin unless they name some; plugin tests pass theirs. */
export async function startTestServer(
  kind: DatabaseKind,
  options: Pick<
    AppOptions,
    | "plugins" | "hookDelivery" | "appChecks" | "appWebhooks" | "paymentClaimMs" | "paymentSweepIntervalMs" | "clock" | "timers" | "limits" | "redisUrl" | "logger" | "production"
    | "paymentApiUrls" | "paymentReconcileDelayMs" | "paymentRetry" | "paymentCallTimeoutMs" | "credentials" | "overload" | "maxUnsettledPayments"
  > = {},
): Promise<TestServer> {
  const database = await createTestDatabase(kind);
  const adminToken = `test-admin-${randomBytes(8).toString("hex")}`;
  const app = await createApp({
    ...database.options,
    poolSize: 10,
    bootstrapAdminToken: adminToken,
    logLevel: "error",
    paymentSweepIntervalMs: options.paymentSweepIntervalMs ?? 200,
    paymentClaimMs: options.paymentClaimMs,
    plugins: options.plugins ?? [],
    paymentApiUrls: options.paymentApiUrls,
    paymentReconcileDelayMs: options.paymentReconcileDelayMs,
    paymentRetry: options.paymentRetry,
    paymentCallTimeoutMs: options.paymentCallTimeoutMs,
    maxUnsettledPayments: options.maxUnsettledPayments,
    hookDelivery: options.hookDelivery,
    appChecks: options.appChecks,
    appWebhooks: options.appWebhooks,
    clock: options.clock,
    timers: options.timers,
    redisUrl: options.redisUrl,
    logger: options.logger,
    production: options.production,
    credentials: options.credentials,
    // Tests fire requests far faster than a client would: a budget they cannot drain, unless a
    // test is about the budget and passes its own.
    limits: { budget: { max: 1_000_000, refillPerSecond: 1_000_000 }, ...options.limits },
    // Nor is a test's burst shed as overload (nor a busy machine's event-loop delay), unless a
    // test is about shedding and passes its own.
    overload: { maxInFlight: 0, targetLatencyMs: 0, maxEventLoopDelayMs: 0, ...options.overload },
  });
  const url = await app.listen();
  const client = (token?: string) =>
    new GraphQLClient(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, requestMiddleware: tagCountedRequests });
  return {
    app,
    url,
    admin: client(adminToken),
    client,
    async stop() {
      await app.close();
      await database.drop();
    },
  };
}

const SETUP_SHOP = /* GraphQL */ `
  mutation ($name: String!) {
    createShop(input: { name: $name, currency: "CNY" }) { shop { id } userErrors { code message } }
  }
`;
const CREATE_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) {
    createApiToken(input: $input) { token userErrors { code message } }
  }
`;
const UPSERT_CUSTOMER = /* GraphQL */ `
  mutation ($input: UpsertCustomerInput!) {
    upsertCustomer(input: $input) { customer { id } userErrors { code message } }
  }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id } userErrors { code message } }
  }
`;

export interface TestShop {
  shopId: string;
  staff: Record<Exclude<Role, "CUSTOMER" | "PLATFORM_ADMIN">, GraphQLClient>;
  /** Creates a customer with its own CUSTOMER token. */
  customer(externalId: string, options?: { refundBeforeReceipt?: boolean }): Promise<{ id: string; client: GraphQLClient }>;
  /** Creates an order of that customer; amounts in fen. */
  order(customerExternalId: string, input: { externalId?: string; paidAmount: number; shippingStatus: "NOT_SHIPPED" | "SHIPPED" | "DELIVERED"; itemName?: string }): Promise<string>;
}

/** A shop set up through the API as a platform admin would: tokens for every staff role. */
export async function setupShop(server: TestServer, name = `shop-${randomBytes(3).toString("hex")}`): Promise<TestShop> {
  const created = await server.admin.request<{ createShop: { shop: { id: string } } }>(SETUP_SHOP, { name });
  const shopId = created.createShop.shop.id;
  const token = async (role: Role, customerId?: string) => {
    const result = await server.admin.request<{ createApiToken: { token: string | null; userErrors: unknown[] } }>(CREATE_TOKEN, {
      input: { shopId, role, customerId, label: `${name} ${role.toLowerCase()}` },
    });
    if (!result.createApiToken.token) throw new Error(`token for ${role}: ${JSON.stringify(result.createApiToken.userErrors)}`);
    return result.createApiToken.token;
  };
  const roles = ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION"] as const;
  const tokens = await Promise.all(roles.map((role) => token(role)));
  const staff = Object.fromEntries(roles.map((role, index) => [role, server.client(tokens[index])])) as TestShop["staff"];
  let orders = 0;
  return {
    shopId,
    staff,
    async customer(externalId, options = {}) {
      const result = await staff.INTEGRATION.request<{ upsertCustomer: { customer: { id: string } } }>(UPSERT_CUSTOMER, {
        input: { externalId, name: `Customer ${externalId}`, refundBeforeReceipt: options.refundBeforeReceipt ?? false },
      });
      const id = result.upsertCustomer.customer.id;
      return { id, client: server.client(await token("CUSTOMER", id)) };
    },
    async order(customerExternalId, input) {
      orders += 1;
      const result = await staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
        input: {
          externalId: input.externalId ?? `order-${orders}-${randomBytes(3).toString("hex")}`,
          customerExternalId,
          items: [{ sku: "SKU-1", name: input.itemName ?? "商品", quantity: 1, unitPrice: input.paidAmount }],
          paidAmount: input.paidAmount,
          paidAt: new Date().toISOString(),
          shippingStatus: input.shippingStatus,
        },
      });
      if (!result.upsertOrder.order) throw new Error(`order: ${JSON.stringify(result.upsertOrder.userErrors)}`);
      return result.upsertOrder.order.id;
    },
  };
}

/** Polls until the refund reaches `status` (payments settle after the response). */
export async function waitForStatus(client: GraphQLClient, refundId: string, status: string, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await client.request<{ refund: { status: string } | null }>(`query ($id: ID!) { refund(id: $id) { status } }`, { id: refundId });
    if (result.refund?.status === status) return;
    if (Date.now() > deadline) throw new Error(`refund ${refundId} is ${result.refund?.status}, not ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The API token a client sends, for opening a WebSocket or SSE stream as the same caller. */
export function tokenOf(client: GraphQLClient): string {
  return (client.requestConfig.headers as Record<string, string>).authorization!.slice("Bearer ".length);
}

/** A new customer with a shipped 159-yuan order and its refund request, now in PENDING_REVIEW. */
export async function requestShippedRefund(shop: TestShop, customerExternalId: string) {
  const customer = await shop.customer(customerExternalId);
  const orderId = await shop.order(customerExternalId, { paidAmount: 15900, shippingStatus: "SHIPPED" });
  const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
    input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" },
  });
  return { customer, refundId: requested.requestRefund.refund!.id };
}
