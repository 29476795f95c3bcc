// GraphiQL's docs pane, as a frontend or mobile developer reads it, in a real headless Chromium
// (Debian's package, driven by playwright-core): the core of the API explains itself. For each
// item it opens the docs page through the pane's search, asserts that the item and every
// field, argument and enum value listed on its page show a description, and writes a
// screenshot of the pane to test/.generated/graphiql-docs/ (git-ignored; the path is printed).
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestServer, startTestServer } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
const OUT = path.resolve(import.meta.dirname, "../.generated/graphiql-docs");
if (!CHROMIUM) console.warn("GraphiQL docs browser test SKIPPED: no chromium binary (apt-get install -y chromium)");

/** The items to read: a type by its name, a root field as `Type.field`. */
const ITEMS = ["Refund", "RefundStatus", "RefundAction", "Mutation.transitionRefund", "Mutation.requestRefund"];

interface DocsPage {
  title: string;
  description: string;
  /** Each listed field, argument or enum value, with the description shown under it ("" for none). */
  entries: { name: string; description: string }[];
}

/** Opens an item's page through the docs pane's search box, as a person would. */
async function openDocs(page: Page, item: string): Promise<DocsPage> {
  const [typeName, fieldName] = item.split(".") as [string, string | undefined];
  // Back to the pane's root, where the search box is (an enum's page has none).
  while ((await page.locator(".graphiql-doc-explorer-back").count()) > 0) await page.click(".graphiql-doc-explorer-back");
  await page.click(".graphiql-doc-explorer-search input");
  await page.keyboard.insertText(fieldName ?? typeName);
  const option = fieldName
    ? page.locator("[data-cy=doc-explorer-option]").filter({ has: page.locator(".graphiql-doc-explorer-search-field", { hasText: new RegExp(`^${fieldName}$`) }) })
    : page.locator("[data-cy=doc-explorer-option]").filter({ has: page.locator(".graphiql-doc-explorer-search-type", { hasText: new RegExp(`^${typeName}$`) }) });
  await option.first().click({ timeout: PATIENCE_MS });
  await page.waitForSelector(`.graphiql-doc-explorer-title >> text="${fieldName ?? typeName}"`, { timeout: PATIENCE_MS });
  return page.evaluate(() => {
    const text = (element: Element | null | undefined) => element?.textContent?.trim() ?? "";
    const content = document.querySelector(".graphiql-doc-explorer-content")!;
    const own = [...content.children].find((child) => child.classList.contains("graphiql-markdown-description"));
    const entries = [...content.querySelectorAll(".graphiql-doc-explorer-item, .graphiql-doc-explorer-argument")].map((entry) => ({
      name: text(entry.querySelector(".graphiql-doc-explorer-field-name, .graphiql-doc-explorer-argument-name, .graphiql-doc-explorer-enum-value") ?? entry.firstElementChild),
      description: text(entry.querySelector(".graphiql-markdown-description")),
    }));
    return { title: text(document.querySelector(".graphiql-doc-explorer-title")), description: text(own), entries };
  });
}

describe.skipIf(!CHROMIUM)("GraphiQL's docs pane in Chromium", () => {
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

  it("shows a description for the core items and everything listed on their pages", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(server.url);
    await page.waitForSelector(".graphiql-container .graphiql-query-editor .monaco-editor", { timeout: PATIENCE_MS });
    await page.click('button[aria-label="Show Documentation Explorer"]');
    await page.waitForSelector(".graphiql-doc-explorer >> text=Query", { timeout: PATIENCE_MS });
    mkdirSync(OUT, { recursive: true });

    const undescribed: string[] = [];
    for (const item of ITEMS) {
      await page.setViewportSize({ width: 1400, height: 900 });
      const docs = await openDocs(page, item);
      expect(docs.title).toBe(item.split(".").at(-1));
      expect(docs.entries.length, `${item} lists its fields, arguments or values`).toBeGreaterThan(0);
      if (!docs.description) undescribed.push(item);
      for (const entry of docs.entries) if (!entry.description) undescribed.push(`${item} › ${entry.name}`);

      // The whole pane in one picture: the window grows to the pane's content.
      const height = await page.evaluate(() => document.querySelector(".graphiql-doc-explorer-content")!.scrollHeight);
      await page.setViewportSize({ width: 1400, height: Math.min(height + 200, 12_000) });
      const file = path.join(OUT, `${item.replace(".", "-")}.png`);
      await page.locator(".graphiql-doc-explorer").screenshot({ path: file });
      console.log(`GraphiQL docs of ${item}: ${file}`);
    }
    expect(undescribed).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
