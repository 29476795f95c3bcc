// API tokens can expire, be revoked and be rotated; their last use is known without a write per
// request (nor any statement: a token seen before is answered from the process's cache); a shop admin lists them without ever seeing a secret; every staff change outside
// refunds leaves an audit entry.
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id expiresAt } userErrors { code field } } }
`;
const REVOKE = /* GraphQL */ `mutation ($id: ID!) { revokeApiToken(input: { tokenId: $id }) { apiToken { id revokedAt } userErrors { code } } }`;
const ROTATE = /* GraphQL */ `mutation ($id: ID!) { rotateApiToken(input: { tokenId: $id }) { token apiToken { id } userErrors { code } } }`;
const LIST = /* GraphQL */ `{ apiTokens { id role label revokedAt expiresAt lastUsedAt } }`;
const AUDIT = /* GraphQL */ `{ auditEntries(first: 100) { action targetType targetId actorRole details } }`;
const WHO = /* GraphQL */ `{ viewer { role } }`;

type Created = { createApiToken: { token: string | null; apiToken: { id: string } | null; userErrors: Array<{ code: string; field: string[] }> } };
type Answer = { errors?: Array<{ extensions?: { code?: string } }>; data?: unknown };

describe.each(backends)("API tokens and audit on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  /** The server's clock runs this far ahead of the real one: how an hour passes. */
  let clockAheadMs = 0;
  const raw = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;
  const who = async (token: string): Promise<Answer> =>
    (await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query: WHO }) })).json() as Promise<Answer>;
  const create = (input: Record<string, unknown>) => shop.staff.SHOP_ADMIN.request<Created>(CREATE, { input: { role: "AGENT", ...input } });

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["logistics"], clock: () => new Date(Date.now() + clockAheadMs), credentials: { stampIntervalMs: 20 } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("refuses an expired token, and an expiry in the past at creation", async () => {
    const past = await create({ expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(past.createApiToken.userErrors).toEqual([{ code: "INVALID_INPUT", field: ["input", "expiresAt"] }]);
    const created = await create({ label: "temp", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    const token = created.createApiToken.token!;
    expect((await who(token)).data).toEqual({ viewer: { role: "AGENT" } });
    // Two hours pass (on the server's clock rather than waited for): the cached token is refused too.
    clockAheadMs = 2 * 3_600_000;
    try {
      expect((await who(token)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    } finally {
      clockAheadMs = 0;
    }
  });

  it("revokes a token at once, and rotates one: the old secret dies, the new one is shown once", async () => {
    const created = await create({ label: "to revoke" });
    const id = created.createApiToken.apiToken!.id;
    expect((await shop.staff.SHOP_ADMIN.request<{ revokeApiToken: { userErrors: unknown[] } }>(REVOKE, { id })).revokeApiToken.userErrors).toEqual([]);
    expect((await who(created.createApiToken.token!)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");

    const kept = await create({ label: "to rotate" });
    const rotated = await shop.staff.SHOP_ADMIN.request<{ rotateApiToken: { token: string; apiToken: { id: string }; userErrors: unknown[] } }>(ROTATE, { id: kept.createApiToken.apiToken!.id });
    expect(rotated.rotateApiToken.apiToken.id).toBe(kept.createApiToken.apiToken!.id);
    expect(rotated.rotateApiToken.token).not.toBe(kept.createApiToken.token);
    expect((await who(kept.createApiToken.token!)).errors?.[0]?.extensions?.code).toBe("INVALID_TOKEN");
    expect((await who(rotated.rotateApiToken.token)).data).toEqual({ viewer: { role: "AGENT" } });

    // Only the shop's own admins manage its tokens.
    const other = await setupShop(server);
    const foreign = await other.staff.SHOP_ADMIN.request<{ revokeApiToken: { userErrors: Array<{ code: string }> } }>(REVOKE, { id: kept.createApiToken.apiToken!.id });
    expect(foreign.revokeApiToken.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    const agent = await shop.staff.AGENT.request<{ rotateApiToken: { userErrors: Array<{ code: string }> } }>(ROTATE, { id: kept.createApiToken.apiToken!.id });
    expect(agent.rotateApiToken.userErrors).toEqual([{ code: "FORBIDDEN" }]);
  });

  it("stamps the last use at most once a minute per token, off the request path", async () => {
    const created = await create({ label: "stamped" });
    const id = raw(created.createApiToken.apiToken!.id);
    await who(created.createApiToken.token!);
    // Written shortly after the request, by the process's periodic write of the tokens it saw.
    const { lastUsedAt: first } = await eventually(
      () => server.app.db.prisma.apiToken.findUniqueOrThrow({ where: { id } }),
      (token) => token.lastUsedAt !== null,
    );
    expect(first).toBeInstanceOf(Date);
    // Writes to tokens only: the background sweeps' claims (src/jobs) are UPDATEs of their own tables.
    const writes: string[] = [];
    const stop = server.app.db.onQuery((sql) => /^\s*UPDATE\b[^]*"ApiToken"/i.test(sql) && writes.push(sql));
    for (let index = 0; index < 5; index += 1) await who(created.createApiToken.token!);
    // Past the writer's next round: it had nothing to write.
    await server.app.settle();
    stop();
    expect(writes).toEqual([]);
    expect((await server.app.db.prisma.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).toEqual(first);
  });

  it("lists the shop's tokens to its admin, never a secret, and to nobody else", async () => {
    const created = await create({ label: "listed" });
    const listed = await shop.staff.SHOP_ADMIN.rawRequest<{ apiTokens: Array<{ id: string; label: string }> }>(LIST);
    expect(listed.data.apiTokens.map((token) => token.label)).toContain("listed");
    expect(JSON.stringify(listed.data)).not.toContain(created.createApiToken.token!);
    const other = await setupShop(server);
    const theirs = await other.staff.SHOP_ADMIN.request<{ apiTokens: Array<{ id: string }> }>(LIST);
    expect(theirs.apiTokens.map((token) => token.id)).not.toContain(created.createApiToken.apiToken!.id);
    const refused = (await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: (shop.staff.AGENT.requestConfig.headers as Record<string, string>).authorization! },
      body: JSON.stringify({ query: LIST }),
    }).then((response) => response.json())) as Answer;
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("records an audit entry for every staff change outside refunds, secrets as set only", async () => {
    const admin: GraphQLClient = shop.staff.SHOP_ADMIN;
    await admin.request(`mutation { createReasonTag(input: { code: "AUDITED", label: "audited" }) { userErrors { code } } }`);
    await admin.request(`mutation { createStaffMember(input: { name: "Ada", role: AGENT }) { userErrors { code } } }`);
    await admin.request(`mutation { setSlaPolicy(input: { status: PENDING_REVIEW, minutes: 30 }) { userErrors { code } } }`);
    await admin.request(`mutation ($s: JSON!) { updatePluginSettings(input: { plugin: "logistics", settings: $s }) { userErrors { code } } }`, {
      s: { webhookSecret: "audited-secret-0123456789" },
    });
    const { auditEntries } = await admin.request<{ auditEntries: Array<{ action: string; actorRole: string; details: unknown }> }>(AUDIT);
    const actions = new Set(auditEntries.map((entry) => entry.action));
    for (const action of ["apiToken.create", "apiToken.revoke", "apiToken.rotate", "reasonTag.create", "staffMember.create", "slaPolicy.set", "pluginSettings.update"]) {
      expect(actions, action).toContain(action);
    }
    expect(JSON.stringify(auditEntries)).not.toContain("audited-secret-0123456789");
    expect(auditEntries.find((entry) => entry.action === "pluginSettings.update")!.details).toMatchObject({ settings: { webhookSecret: "[set]" } });
    // Another shop sees only its own: the tokens the platform admin issued it while setting it up.
    const other = await setupShop(server);
    const theirs = await other.staff.SHOP_ADMIN.request<{ auditEntries: Array<{ action: string; actorRole: string }> }>(AUDIT);
    expect(new Set(theirs.auditEntries.map((entry) => `${entry.actorRole} ${entry.action}`))).toEqual(new Set(["PLATFORM_ADMIN apiToken.create"]));
  });
});
