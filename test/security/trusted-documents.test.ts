// TRUSTED_DOCUMENTS_MANIFEST and production mode over real HTTP, SSE and graphql-ws: a server
// given the manifest that `npm run codegen` writes runs the documents it lists by hash and
// refuses every other document; NODE_ENV=production turns introspection and GraphiQL off.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentQueueDocument, FollowRefundDocument } from "../../clients/generated/graphql.js";
import { type App, createApp } from "../../src/app.js";
import { configFromEnv } from "../../src/config.js";
import { loadTrustedDocuments } from "../../src/limits/trusted-documents.js";
import { backends, createTestDatabase, type TestDatabase } from "../support/databases.js";
import { type TestServer, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { wsClient, collect } from "../support/subscriptions.js";

const MANIFEST = path.resolve(import.meta.dirname, "../../clients/generated/persisted-documents.json");
/** The hash the client preset puts on each generated document, as a mobile build would send it. */
const hashOf = (document: unknown) => (document as { __meta__: { hash: string } }).__meta__.hash;

async function post(url: string, token: string | undefined, body: Record<string, unknown>, accept = "application/graphql-response+json") {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept, ...(token && { authorization: `Bearer ${token}` }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe.each(backends)("trusted documents on %s", (kind) => {
  let database: TestDatabase;
  let trustedApp: App;
  let url: string;
  let agentToken: string;
  let customerToken: string;
  let refundId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const adminToken = `test-admin-${randomBytes(8).toString("hex")}`;
    const options = { ...database.options, poolSize: 5, bootstrapAdminToken: adminToken, logLevel: "error" as const, plugins: [] };
    // The shop and its tokens are made as an operator would, on the same database before the
    // mobile-facing process starts: its own documents are not in the mobile manifest.
    const setupApp = await createApp(options);
    try {
      const setupUrl = await setupApp.listen();
      const client = (token?: string) => new GraphQLClient(setupUrl, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const shop = await setupShop({ app: setupApp, url: setupUrl, admin: client(adminToken), client, stop: async () => {} } satisfies TestServer);
      const requested = await requestShippedRefund(shop, "c-trusted");
      refundId = requested.refundId;
      agentToken = tokenOf(shop.staff.AGENT);
      customerToken = tokenOf(requested.customer.client);
    } finally {
      await setupApp.close();
    }
    trustedApp = await createApp({ ...options, trustedDocumentsManifest: MANIFEST });
    url = await trustedApp.listen();
  });
  afterAll(async () => {
    await trustedApp?.close();
    await database?.drop();
  });

  it("runs a document of the manifest by its hash", async () => {
    const answer = await post(url, agentToken, {
      extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(AgentQueueDocument) } },
      variables: { assignedTo: "UNASSIGNED" },
    });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.text);
    expect(body.errors).toBeUndefined();
    expect(body.data.refunds.edges.map((edge: { node: { id: string; status: string } }) => edge.node)).toEqual([
      expect.objectContaining({ id: refundId, status: "PENDING_REVIEW" }),
    ]);
    // The draft GraphQL-over-HTTP spelling of the same thing.
    const byDocumentId = JSON.parse((await post(url, agentToken, { documentId: hashOf(AgentQueueDocument), variables: { assignedTo: "UNASSIGNED" } })).text);
    expect(byDocumentId.data.refunds.edges).toHaveLength(1);
  });

  it("refuses a document's text, even one the manifest lists, an unknown hash and a request with neither", async () => {
    const listedText = (await import("../../clients/generated/persisted-documents.json", { with: { type: "json" } })).default as Record<string, string>;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ query: "{ viewer { role } }" }, "TRUSTED_DOCUMENTS_ONLY"],
      [{ query: listedText[hashOf(AgentQueueDocument)], variables: { assignedTo: "UNASSIGNED" } }, "TRUSTED_DOCUMENTS_ONLY"],
      [{ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }, "UNKNOWN_TRUSTED_DOCUMENT"],
      [{ variables: {} }, "TRUSTED_DOCUMENT_ID_REQUIRED"],
    ];
    for (const [body, code] of cases) {
      const answer = await post(url, agentToken, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      const parsed = JSON.parse(answer.text);
      expect(parsed.data).toBeUndefined();
      expect(parsed.errors.map((error: { extensions: { code: string } }) => error.extensions.code)).toEqual([code]);
      expect(parsed.errors[0].message).toMatch(/trusted document/i);
    }
  });

  it("holds over SSE: the hash streams the refund's transitions, a text subscription is refused", async () => {
    const refused = await post(url, customerToken, { query: "subscription ($id: ID!) { refundStatusChanged(refundId: $id) { version } }", variables: { id: refundId } }, "text/event-stream");
    expect(refused.status).not.toBe(500);
    expect(refused.text).toContain("TRUSTED_DOCUMENTS_ONLY");
    expect(refused.text).not.toContain('"version"');

    const controller = new AbortController();
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${customerToken}` },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(FollowRefundDocument) } }, variables: { refundId, afterVersion: 0 } }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = "";
    while (!received.includes('"to":"PENDING_REVIEW"')) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value;
    }
    controller.abort();
    expect(received).toContain('"to":"REQUESTED"');
    expect(received).toContain('"to":"PENDING_REVIEW"');
    // Each event carries the refund as a normalized cache keys it, so the cached refund changes.
    expect(received).toMatch(new RegExp(`"refund":\\{"id":"${refundId.replace(/[+/=]/g, "\\$&")}","status":"[A-Z_]+","version":\\d+\\}`));
  });

  it("holds over graphql-ws: the hash (with an empty query) follows the refund, text and unknown hashes are refused", async () => {
    const client = wsClient(url, customerToken);
    try {
      const noHash = collect<{ refundStatusChanged: { to: string; version: number } }>(client, "", { refundId, afterVersion: 0 });
      // collect() sends no extensions: that is the request with neither text nor hash.
      await noHash.ended;
      expect(noHash.errors.flat()).toMatchObject([{ extensions: { code: "TRUSTED_DOCUMENT_ID_REQUIRED" } }]);

      const events: Array<{ to: string }> = [];
      const errors: unknown[] = [];
      await new Promise<void>((resolve, reject) => {
        const stop = client.subscribe<{ refundStatusChanged: { to: string } }>(
          { query: "", variables: { refundId, afterVersion: 0 }, extensions: { persistedQuery: { version: 1, sha256Hash: hashOf(FollowRefundDocument) } } },
          {
            next: (result) => {
              if (result.errors) errors.push(...result.errors);
              if (result.data) events.push(result.data.refundStatusChanged);
              if (events.length === 2) {
                stop();
                resolve();
              }
            },
            error: reject,
            complete: () => resolve(),
          },
        );
      });
      expect(errors).toEqual([]);
      expect(events.map((event) => event.to)).toEqual(["REQUESTED", "PENDING_REVIEW"]);

      const byText = collect(client, "subscription ($refundId: ID!) { refundStatusChanged(refundId: $refundId) { version } }", { refundId });
      await byText.ended;
      expect(byText.events).toEqual([]);
      expect(byText.errors.flat()).toMatchObject([{ extensions: { code: "TRUSTED_DOCUMENTS_ONLY" } }]);

      const unknown = await new Promise<unknown[]>((resolve) => {
        client.subscribe(
          { query: "", variables: { refundId }, extensions: { persistedQuery: { version: 1, sha256Hash: "f".repeat(64) } } },
          { next: () => {}, error: (error) => resolve(error as unknown[]), complete: () => resolve([]) },
        );
      });
      expect(unknown).toMatchObject([{ extensions: { code: "UNKNOWN_TRUSTED_DOCUMENT" } }]);
    } finally {
      await client.dispose();
    }
  });
});

describe.each(backends)("production mode on %s", (kind) => {
  let production: TestServer;
  let development: TestServer;
  const INTROSPECTION = "{ __schema { queryType { name } } }";

  beforeAll(async () => {
    [production, development] = await Promise.all([startTestServer(kind, { production: true }), startTestServer(kind)]);
  });
  afterAll(async () => {
    await production?.stop();
    await development?.stop();
  });

  it("refuses introspection while a normal query works", async () => {
    const token = tokenOf(production.admin);
    const refused = await post(production.url, token, { query: INTROSPECTION });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.text).errors[0].message).toMatch(/introspection/i);
    const typename = await post(production.url, token, { query: "{ __typename viewer { role } }" });
    expect(JSON.parse(typename.text)).toMatchObject({ data: { __typename: "Query", viewer: { role: "PLATFORM_ADMIN" } } });
    // The same introspection outside production mode answers.
    expect(JSON.parse((await post(development.url, tokenOf(development.admin), { query: INTROSPECTION })).text)).toMatchObject({
      data: { __schema: { queryType: { name: "Query" } } },
    });
  });

  it("refuses introspection over graphql-ws too", async () => {
    const client = wsClient(production.url, tokenOf(production.admin));
    try {
      const answer = await client.iterate({ query: INTROSPECTION }).next().catch((error: unknown) => ({ error }));
      expect(JSON.stringify(answer)).toMatch(/introspection/i);
      expect(JSON.stringify(answer)).not.toContain('"queryType"');
    } finally {
      await client.dispose();
    }
  });

  it("serves no GraphiQL page", async () => {
    const page = (server: TestServer) => fetch(server.url, { headers: { accept: "text/html" } });
    const served = await page(development);
    expect(served.headers.get("content-type")).toContain("text/html");
    expect(await served.text()).toContain("GraphiQL");
    const refused = await page(production);
    expect(refused.headers.get("content-type") ?? "").not.toContain("text/html");
    expect(await refused.text()).not.toContain("GraphiQL");
  });
});

describe("configuration", () => {
  it("reads NODE_ENV and TRUSTED_DOCUMENTS_MANIFEST", () => {
    expect(configFromEnv({ NODE_ENV: "production", TRUSTED_DOCUMENTS_MANIFEST: MANIFEST })).toMatchObject({ production: true, trustedDocumentsManifest: MANIFEST });
    expect(configFromEnv({ NODE_ENV: "development" })).toMatchObject({ production: false, trustedDocumentsManifest: undefined });
  });

  it("a manifest that is missing or not hash → document stops the start with its path", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "manifest-"));
    try {
      const listOfHashes = path.join(dir, "list.json");
      await writeFile(listOfHashes, JSON.stringify(["abc"]));
      expect(() => loadTrustedDocuments(path.join(dir, "missing.json"))).toThrow(/TRUSTED_DOCUMENTS_MANIFEST .*missing\.json cannot be read/);
      expect(() => loadTrustedDocuments(listOfHashes)).toThrow(/must map each hash to a document string/);
      expect(loadTrustedDocuments(MANIFEST).document(hashOf(AgentQueueDocument))).toMatch(/^query AgentQueue/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
