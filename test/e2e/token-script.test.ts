// `npm run token` against a real database and a real server process, as docs/running.md tells an
// operator to use it: on PostgreSQL next to the running server; on the embedded database only
// while no server has it open (then the server is restarted with the new token valid).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { GraphQLClient } from "graphql-request";
import { afterEach, describe, expect, it } from "vitest";
import { backends, createTestDatabase, type TestDatabase } from "../support/databases.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

function runToken(env: Record<string, string>, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child: ChildProcess = spawn("npm", ["run", "--silent", "token", "--", ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, stdout, stderr })));
}

const VIEWER = /* GraphQL */ `{ viewer { role shop { name } } }`;
const CUSTOMER_VIEW = /* GraphQL */ `query ($orderId: ID!) { viewer { role shop { name } customer { externalId } } order(id: $orderId) { externalId } }`;

describe.each(backends)("npm run token (%s)", (kind) => {
  let database: TestDatabase | undefined;
  let server: ServerProcess | undefined;

  afterEach(async () => {
    if (server) await stopServerProcess(server);
    server = undefined;
    await database?.drop();
  });

  it("prints a token of the role for the named shop that works over HTTP", async () => {
    database = await createTestDatabase(kind);
    const adminToken = `admin-${randomBytes(8).toString("hex")}`;
    const env: Record<string, string> = {
      ...(database.options.databaseUrl ? { DATABASE_URL: database.options.databaseUrl } : { DATA_DIR: database.options.dataDir!, DEMO_DATA: "0" }),
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      PLUGINS: "none",
    };
    server = await startServerProcess(env);
    const ready = await fetch(server.url.replace(/\/graphql$/, "/ready"));
    expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 200, body: { database: kind, ready: true, liveSubscriptions: 0, inFlight: 0, limit: 32, eventLoopDelayMs: expect.any(Number) } });
    const shopName = `Token shop ${randomBytes(3).toString("hex")}`;
    const admin = new GraphQLClient(server.url, { headers: { authorization: `Bearer ${adminToken}` } });
    const created = await admin.request<{ createShop: { shop: { id: string }; userErrors: unknown[] } }>(`mutation ($name: String!) { createShop(input: { name: $name, currency: "CNY" }) { shop { id } userErrors { code } } }`, { name: shopName });
    expect(created.createShop.userErrors).toEqual([]);
    // A customer with an order, as the shop's order sync would send them, and one it does not own.
    const shopId = created.createShop.shop.id;
    const orderOf = async (customerExternalId: string) => {
      const synced = await admin.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(
        `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message } } }`,
        { input: { shopId, externalId: `order-of-${customerExternalId}`, customerExternalId, items: [{ sku: "S", name: "Shoes", quantity: 1, unitPrice: 8900 }], paidAmount: 8900, paidAt: new Date().toISOString(), shippingStatus: "SHIPPED" } },
      );
      expect(synced.upsertOrder.userErrors).toEqual([]);
      return synced.upsertOrder.order!.id;
    };
    for (const externalId of ["c-token", "c-other"]) {
      const upserted = await admin.request<{ upsertCustomer: { userErrors: unknown[] } }>(
        `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { userErrors { code message } } }`,
        { input: { shopId, externalId, name: `Customer ${externalId}` } },
      );
      expect(upserted.upsertCustomer.userErrors).toEqual([]);
    }
    const ownOrder = await orderOf("c-token");
    const otherOrder = await orderOf("c-other");

    if (kind === "pglite") {
      // One process at a time on the embedded database: refused while the server has it open.
      const refused = await runToken(env, ["--shop", shopName, "--role", "AGENT"]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe("");
      expect(refused.stderr).toContain("is open in a running server");
      expect(await stopServerProcess(server)).toEqual({ code: 0, signal: null });
    }

    const agent = await runToken(env, ["--shop", shopName, "--role", "AGENT"]);
    expect(agent.stderr).toContain("AGENT token");
    expect(agent.code).toBe(0);
    expect(agent.stdout).toMatch(/^rfp_[A-Za-z0-9_-]+\n$/);
    const shopAdmin = await runToken(env, ["--shop", shopName, "--role", "shop_admin"]);
    expect(shopAdmin.code).toBe(0);
    const customer = await runToken(env, ["--shop", shopName, "--role", "CUSTOMER", "--customer", "c-token"]);
    expect(customer.code).toBe(0);
    expect(customer.stdout).toMatch(/^rfp_[A-Za-z0-9_-]+\n$/);
    const platform = await runToken(env, ["--role", "PLATFORM_ADMIN"]);
    expect(platform.code).toBe(0);
    const noCustomer = await runToken(env, ["--shop", shopName, "--role", "CUSTOMER", "--customer", "c-nobody"]);
    expect(noCustomer).toMatchObject({ code: 1, stdout: "" });
    expect(noCustomer.stderr).toContain(`NOT_FOUND: No customer with external id "c-nobody" in this shop`);
    const unknown = await runToken(env, ["--shop", "No such shop", "--role", "AGENT"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toContain(`NOT_FOUND: No shop named "No such shop"; shops: "${shopName}"`);

    if (kind === "pglite") server = await startServerProcess(env);
    const asAgent = new GraphQLClient(server!.url, { headers: { authorization: `Bearer ${agent.stdout.trim()}` } });
    expect(await asAgent.request(VIEWER)).toEqual({ viewer: { role: "AGENT", shop: { name: shopName } } });
    const asPlatform = new GraphQLClient(server!.url, { headers: { authorization: `Bearer ${platform.stdout.trim()}` } });
    expect(await asPlatform.request(VIEWER)).toEqual({ viewer: { role: "PLATFORM_ADMIN", shop: null } });
    // The customer's token acts as that customer: its own order, not another customer's.
    const asCustomer = new GraphQLClient(server!.url, { headers: { authorization: `Bearer ${customer.stdout.trim()}` } });
    expect(await asCustomer.request(CUSTOMER_VIEW, { orderId: ownOrder })).toEqual({
      viewer: { role: "CUSTOMER", shop: { name: shopName }, customer: { externalId: "c-token" } },
      order: { externalId: "order-of-c-token" },
    });
    expect(await asCustomer.request(CUSTOMER_VIEW, { orderId: otherOrder })).toMatchObject({ order: null });
    const asShopAdmin = new GraphQLClient(server!.url, { headers: { authorization: `Bearer ${shopAdmin.stdout.trim()}` } });
    // Made through createApiToken: audited like a token made over the API, by "npm run token".
    const { auditEntries } = await asShopAdmin.request<{ auditEntries: Array<{ action: string; actorName: string; actorRole: string }> }>(
      `{ auditEntries(first: 10) { action actorName actorRole } }`,
    );
    expect(auditEntries).toEqual([
      { action: "apiToken.create", actorName: "npm run token", actorRole: "PLATFORM_ADMIN" },
      { action: "apiToken.create", actorName: "npm run token", actorRole: "PLATFORM_ADMIN" },
      { action: "apiToken.create", actorName: "npm run token", actorRole: "PLATFORM_ADMIN" },
    ]);
  });
});
