// A shop admin must not be able to point the platform's outbound calls at the platform itself or
// its private network, nor read back the secrets it configured.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OutboundPolicy, OutboundRefused, outboundFetch, outboundUrlProblem } from "../../src/outbound/index.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings secretsSet } userErrors { code message field } }
  }
`;
const PLUGINS = /* GraphQL */ `query { plugins { name settings secretsSet } }`;
const SECRET = "a-very-secret-value-0123456789";

type Update = { updatePluginSettings: { plugin: { settings: Record<string, unknown>; secretsSet: string[] } | null; userErrors: Array<{ code: string; message: string; field: string[] }> } };

const allowed = process.env.OUTBOUND_ALLOW_HOSTS;
afterEach(() => {
  process.env.OUTBOUND_ALLOW_HOSTS = allowed;
});

describe("outbound policy", () => {
  it("permits public addresses and refuses loopback, private, link-local, metadata and mapped ones", () => {
    const policy = new OutboundPolicy(undefined);
    for (const address of ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"]) expect(policy.allowsAddress(address), address).toBe(true);
    for (const address of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"]) {
      expect(policy.allowsAddress(address), address).toBe(false);
    }
  });

  it("lets OUTBOUND_ALLOW_HOSTS permit host names, addresses and CIDRs", () => {
    const policy = new OutboundPolicy("crm.internal, 127.0.0.1, 10.20.0.0/16");
    expect(policy.allowsName("CRM.internal")).toBe(true);
    expect(policy.allowsAddress("127.0.0.1")).toBe(true);
    expect(policy.allowsAddress("10.20.3.4")).toBe(true);
    expect(policy.allowsAddress("10.21.3.4")).toBe(false);
    expect(policy.allowsAddress("127.0.0.2")).toBe(false);
  });

  it("checks the address actually connected to when sending, so a name cannot be rebound to loopback", async () => {
    const receiver = createServer((_request, response) => response.end("ok"));
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const port = (receiver.address() as AddressInfo).port;
    try {
      process.env.OUTBOUND_ALLOW_HOSTS = "";
      // `localhost` is a name: only its resolved address tells it is loopback.
      await expect(outboundFetch(`http://localhost:${port}/`, { method: "POST", body: "{}" })).rejects.toThrow(/not a public address/);
      await expect(outboundFetch(`http://127.0.0.1:${port}/`)).rejects.toBeInstanceOf(OutboundRefused);
      expect(await outboundUrlProblem(`http://localhost:${port}/`)).toMatch(/not a public address/);
      process.env.OUTBOUND_ALLOW_HOSTS = "127.0.0.1";
      const response = await outboundFetch(`http://localhost:${port}/`, { method: "POST", body: "{}" });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("ok");
    } finally {
      receiver.close();
    }
  });
});

describe.each(backends)("plugin settings on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  const update = (plugin: string, settings: unknown) => shop.staff.SHOP_ADMIN.request<Update>(UPDATE_SETTINGS, { input: { plugin, settings } });

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["crm-risk", "notifications", "logistics"] });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("refuses a loopback or private webhook URL unless OUTBOUND_ALLOW_HOSTS permits it", async () => {
    process.env.OUTBOUND_ALLOW_HOSTS = "";
    for (const url of ["http://127.0.0.1:4000/graphql", "http://localhost/hook", "http://169.254.169.254/latest/meta-data", "http://[::1]/x", "http://10.0.0.5/x"]) {
      const refused = await update("notifications", { webhookUrl: url, webhookSecret: SECRET });
      expect(refused.updatePluginSettings.userErrors, url).toEqual([
        expect.objectContaining({ code: "URL_NOT_ALLOWED", field: ["input", "settings", "webhookUrl"] }),
      ]);
      const crm = await update("crm-risk", { crmWebhookUrl: url, crmWebhookSecret: SECRET });
      expect(crm.updatePluginSettings.userErrors[0]?.code, url).toBe("URL_NOT_ALLOWED");
    }
    // Nothing was stored.
    expect(await server.app.db.prisma.pluginSetting.count({ where: { plugin: { in: ["notifications", "crm-risk"] } } })).toBe(0);

    process.env.OUTBOUND_ALLOW_HOSTS = "127.0.0.1";
    expect((await update("notifications", { webhookUrl: "http://127.0.0.1:4000/hook", webhookSecret: SECRET })).updatePluginSettings.userErrors).toEqual([]);
    // The allow-list permits what it names, nothing more.
    expect((await update("notifications", { webhookUrl: "http://169.254.169.254/x", webhookSecret: SECRET })).updatePluginSettings.userErrors[0]?.code).toBe("URL_NOT_ALLOWED");
  });

  it("never returns a secret: only whether it is set; leaving it out keeps it, null removes it", async () => {
    const set = await update("logistics", { webhookSecret: SECRET, stuckAfterDays: 3 });
    expect(set.updatePluginSettings.userErrors).toEqual([]);
    expect(set.updatePluginSettings.plugin).toEqual({ name: "logistics", settings: { enabled: true, stuckAfterDays: 3 }, secretsSet: ["webhookSecret"] });

    const listed = await shop.staff.SHOP_ADMIN.rawRequest<{ plugins: Array<{ name: string; settings: Record<string, unknown>; secretsSet: string[] }> }>(PLUGINS);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(listed.data.plugins.find((plugin) => plugin.name === "logistics")).toEqual({ name: "logistics", settings: { enabled: true, stuckAfterDays: 3 }, secretsSet: ["webhookSecret"] });

    // A console sends back what it was shown, with one change: the secret stays.
    const edited = await update("logistics", { enabled: true, stuckAfterDays: 7 });
    expect(edited.updatePluginSettings.plugin!.secretsSet).toEqual(["webhookSecret"]);
    const stored = await server.app.db.prisma.pluginSetting.findFirstOrThrow({ where: { plugin: "logistics" } });
    expect(stored.settings).toMatchObject({ webhookSecret: SECRET, stuckAfterDays: 7 });

    const removed = await update("logistics", { webhookSecret: null });
    expect(removed.updatePluginSettings.plugin!.secretsSet).toEqual([]);
  });
});
