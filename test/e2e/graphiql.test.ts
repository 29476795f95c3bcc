// GraphiQL in a real headless Chromium (Debian's package, driven by playwright-core) that may
// reach nothing but the loopback server: the page, its scripts, styles and editor workers must
// all come from the server itself. The screenshot lands in test/.generated/graphiql.png.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
const OUT = path.resolve(import.meta.dirname, "../.generated");
if (!CHROMIUM) console.warn("GraphiQL browser test SKIPPED: no chromium binary (apt-get install -y chromium)");

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

describe.skipIf(!CHROMIUM)("GraphiQL in Chromium with no internet", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer("pglite");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("renders the editor and the schema from the server alone, and runs a query", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const blocked: string[] = [];
    const served: string[] = [];
    // Every request of the page, workers included, goes through here: anything that is not the
    // loopback server fails as it would on a machine without internet.
    await page.context().route("**/*", (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === "data:" || url.protocol === "blob:" || LOOPBACK.has(url.hostname)) {
        served.push(url.href);
        return route.continue();
      }
      blocked.push(url.href);
      return route.abort("internetdisconnected");
    });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));

    const response = await page.goto(server.url);
    expect(response!.status()).toBe(200);
    expect(response!.headers()["content-type"]).toContain("text/html");
    // The editors (Monaco) are drawn, and the schema came in by introspection: the docs explorer
    // lists the root types.
    await page.waitForSelector(".graphiql-container .graphiql-query-editor .monaco-editor", { timeout: PATIENCE_MS });
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector(".graphiql-doc-explorer >> text=Query", { timeout: PATIENCE_MS });

    // A query typed in and run shows the API's answer.
    await page.click(".graphiql-query-editor .monaco-editor");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText("{ __typename }");
    // Monaco closes the brace it saw opened: whatever it added after the cursor goes.
    await page.keyboard.press("ControlOrMeta+Shift+End");
    await page.keyboard.press("Delete");
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => /"__typename":\s*"Query"/.test(document.querySelector(".graphiql-response")?.textContent ?? ""), undefined, { timeout: PATIENCE_MS });

    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, "graphiql.png") });
    expect(blocked).toEqual([]);
    expect(served.some((href) => href.startsWith(server.url))).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
