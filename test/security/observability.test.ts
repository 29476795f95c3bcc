// A bug answers "Unexpected error." with a request id, and that id leads to the cause in the
// structured logs; every operation is logged with who asked and how long it took; browsers'
// "simple" cross-site requests are refused.
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/observability/logger.js";
import { definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf } from "../support/server.js";

const broken = definePlugin({
  name: "broken-field",
  version: "1.0.0",
  apiVersion: 1,
  config: z.object({}),
  schema(builder) {
    builder.queryField("brokenField", (t) =>
      t.string({
        resolve: () => {
          throw new Error("connection string postgres://secret@db/internal");
        },
      }),
    );
  },
});

type LogLine = Record<string, unknown> & { level: number; msg: string };

describe("log level", () => {
  it("writes what LOG_LEVEL lets through, as JSON lines", () => {
    const lines: string[] = [];
    const logger = createLogger("warn", { write: (line: string) => void lines.push(line) });
    logger.info({ requestId: "r1" }, "hidden");
    logger.warn({ requestId: "r2" }, "shown");
    expect(lines.map((line) => JSON.parse(line) as LogLine)).toEqual([expect.objectContaining({ requestId: "r2", msg: "shown", service: "refund-platform" })]);
  });
});

describe.each(backends)("errors, logs and CSRF on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    const logger = createLogger("info", { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
    server = await startTestServer(kind, { plugins: [broken], logger });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  const post = (body: string, headers: Record<string, string>) => fetch(server.url, { method: "POST", headers, body });

  it("masks an internal error, answers its request id, and logs the cause under that id", async () => {
    const response = await post(JSON.stringify({ query: "query Broken { brokenField }" }), {
      "content-type": "application/json",
      authorization: `Bearer ${tokenOf(shop.staff.AGENT)}`,
    });
    const text = await response.text();
    expect(text).not.toContain("secret");
    const answer = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code: string; requestId: string } }> };
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(answer.errors[0]).toMatchObject({ message: "Unexpected error.", extensions: { code: "INTERNAL_SERVER_ERROR", requestId } });

    const cause = lines.find((line) => line.requestId === requestId && line.msg === "internal error (masked)");
    expect((cause?.err as { message: string } | undefined)?.message).toContain("postgres://secret@db/internal");
    const operation = lines.find((line) => line.requestId === requestId && line.msg === "operation");
    expect(operation).toMatchObject({ operationName: "Broken", operationType: "query", role: "AGENT", errors: ["INTERNAL_SERVER_ERROR"] });
    expect(typeof operation!.durationMs).toBe("number");
  });

  it("keeps a client's X-Request-Id so its own logs and ours line up", async () => {
    const response = await post(JSON.stringify({ query: "{ __typename }" }), { "content-type": "application/json", "x-request-id": "client-trace-12345" });
    expect(response.headers.get("x-request-id")).toBe("client-trace-12345");
    await response.text();
    expect(lines.some((line) => line.requestId === "client-trace-12345" && line.msg === "operation" && line.role === "ANONYMOUS")).toBe(true);
  });

  it("refuses requests a foreign page could send without a preflight, and serves JSON or a custom header", async () => {
    const form = await post("query={__typename}", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(403);
    const plain = await post(JSON.stringify({ query: "{ __typename }" }), { "content-type": "text/plain" });
    expect(plain.status).toBe(403);
    const get = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(get.status).toBe(403);
    expect(await get.text()).toContain("CSRF");
    const withHeader = await fetch(`${server.url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { "x-graphql-yoga-csrf": "1" } });
    expect(withHeader.status).toBe(200);
    const json = await post(JSON.stringify({ query: "{ __typename }" }), { "content-type": "application/json" });
    expect(json.status).toBe(200);
  });
});
