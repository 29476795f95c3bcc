// WeChat subscription messages (订阅消息) of a shop's mini-program, as WeChat publishes the API:
// the stable access token (POST /cgi-bin/stable_token), cached per shop in this plugin's table
// until shortly before it expires and fetched by one process at a time, and the message itself
// (POST /cgi-bin/message/subscribe/send).
import { type PluginDb, outboundFetch } from "../../src/plugin/index.js";

/** WeChat's API host, from the environment (tests point it at a stand-in). */
export const wechatApiUrl = (env: NodeJS.ProcessEnv = process.env) => (env.WECHAT_API_URL || "https://api.weixin.qq.com").replace(/\/+$/, "");

const TIMEOUT_MS = 10_000;
/** A token is used until this long before WeChat says it expires, then fetched anew. */
export const TOKEN_MARGIN_MS = 5 * 60_000;
/**
 * How long one process may take to fetch a token before another takes over: longer than a fetch
 * can take (two calls at most, each cut at TIMEOUT_MS), so a slow fetch is not doubled.
 */
const FETCH_LEASE_MS = 3 * TIMEOUT_MS;

/** Stable codes of a message that will not be sent (Notification.failureCode). */
export const WECHAT_FAILURES = {
  43101: "WECHAT_NOT_SUBSCRIBED",
  40003: "WECHAT_INVALID_OPENID",
  40037: "WECHAT_TEMPLATE_INVALID",
  47003: "WECHAT_DATA_INVALID",
  41030: "WECHAT_PAGE_INVALID",
} as const satisfies Record<number, string>;
/** The token is no longer good: fetched again once, then the message is sent again. */
export const TOKEN_INVALID = new Set([40001, 40014, 42001]);
/** WeChat's own trouble or a quota: the host retries the delivery with backoff. */
export const WECHAT_RETRYABLE = new Set([-1, 45009, 45011]);

export interface WechatAnswer {
  errcode: number;
  errmsg: string;
  raw: string;
}

/** The shop's app id and secret are not accepted by WeChat (40125 invalid appsecret, 40013…): no retry helps. */
export class WechatCredentialsError extends Error {
  constructor(readonly answer: WechatAnswer) {
    super(`WeChat refused the mini-program's credentials: ${answer.errcode} ${answer.errmsg}`);
  }
}

async function postJson(url: string, body: unknown): Promise<WechatAnswer & Record<string, unknown>> {
  const response = await outboundFetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const raw = await response.text();
  if (!response.ok) throw new Error(`WeChat answered HTTP ${response.status}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    throw new Error(`WeChat answered with no JSON: ${raw.slice(0, 200)}`);
  }
  return { ...parsed, errcode: typeof parsed.errcode === "number" ? parsed.errcode : 0, errmsg: typeof parsed.errmsg === "string" ? parsed.errmsg : "", raw: raw.slice(0, 2_000) };
}

/** getStableAccessToken; `force` invalidates the current token (WeChat allows it rarely). */
async function fetchStableToken(appId: string, appSecret: string, force: boolean): Promise<{ token: string; expiresAt: Date }> {
  const answer = await postJson(`${wechatApiUrl()}/cgi-bin/stable_token`, { grant_type: "client_credential", appid: appId, secret: appSecret, force_refresh: force });
  if (answer.errcode !== 0 || typeof answer.access_token !== "string") {
    if (WECHAT_RETRYABLE.has(answer.errcode)) throw new Error(`WeChat could not issue a token now: ${answer.errcode} ${answer.errmsg}`);
    throw new WechatCredentialsError(answer);
  }
  const seconds = typeof answer.expires_in === "number" && answer.expires_in > 0 ? answer.expires_in : 7200;
  return { token: answer.access_token, expiresAt: new Date(Date.now() + seconds * 1000) };
}


/**
 * The shop's access token: the cached one while it has more than TOKEN_MARGIN_MS left, else a
 * new one fetched by exactly one process (a lease on the shop's row; the others wait for its
 * token). `invalid`: the token WeChat just refused (40001/42001) — never handed out again.
 */
export async function accessToken(
  db: PluginDb<"wechatAccessToken">,
  shopId: string,
  credentials: { appId: string; appSecret: string },
  options: { invalid?: string } = {},
): Promise<string> {
  await db.wechatAccessToken.createMany({ data: [{ shopId, appId: credentials.appId }], skipDuplicates: true });
  for (let round = 0; ; round++) {
    const row = await db.wechatAccessToken.findUnique({ where: { shopId } });
    const now = Date.now();
    if (
      row?.appId === credentials.appId &&
      row.accessToken &&
      row.accessToken !== options.invalid &&
      row.expiresAt &&
      row.expiresAt.getTime() - TOKEN_MARGIN_MS > now
    ) {
      return row.accessToken;
    }
    // Claimed only while the row still has no usable token: a caller that read the row before
    // another process stored its fresh token (and cleared its lease) must not fetch again.
    const stale = [
      { accessToken: null },
      { expiresAt: null },
      { expiresAt: { lte: new Date(now + TOKEN_MARGIN_MS) } },
      { appId: { not: credentials.appId } },
      ...(options.invalid ? [{ accessToken: options.invalid }] : []),
    ];
    const claimed = await db.wechatAccessToken.updateMany({
      where: { shopId, AND: [{ OR: [{ fetchingUntil: null }, { fetchingUntil: { lt: new Date(now) } }] }, { OR: stale }] },
      data: { fetchingUntil: new Date(now + FETCH_LEASE_MS) },
    });
    if (claimed.count === 1) {
      try {
        let fetched = await fetchStableToken(credentials.appId, credentials.appSecret, false);
        // The stable token is the same until it expires: one WeChat refused needs a forced refresh.
        if (fetched.token === options.invalid) fetched = await fetchStableToken(credentials.appId, credentials.appSecret, true);
        await db.wechatAccessToken.updateMany({ where: { shopId }, data: { appId: credentials.appId, accessToken: fetched.token, expiresAt: fetched.expiresAt, fetchingUntil: null } });
        return fetched.token;
      } catch (error) {
        await db.wechatAccessToken.updateMany({ where: { shopId }, data: { fetchingUntil: null } });
        throw error;
      }
    }
    // Another process is fetching: its token will be in the row shortly (or its lease runs out).
    await new Promise((resolve) => setTimeout(resolve, Math.min(25 * 2 ** round, 500)));
  }
}

/** subscribeMessage.send; the answer as WeChat gave it. */
export function sendSubscribeMessage(token: string, body: Record<string, unknown>): Promise<WechatAnswer> {
  return postJson(`${wechatApiUrl()}/cgi-bin/message/subscribe/send?access_token=${encodeURIComponent(token)}`, body);
}

/**
 * A field value as WeChat accepts it for the field's kind (the name before its number:
 * `thing1`, `phrase3`…): cut to the kind's length, and never empty (WeChat refuses that).
 */
export function fitFieldValue(field: string, value: string, empty: string): string {
  const kind = field.replace(/\d+$/, "");
  const limits: Record<string, number> = { thing: 20, phrase: 5, character_string: 32, number: 32, letter: 32, symbol: 5, car_number: 8, name: 10 };
  const text = value.trim() || empty;
  const limit = limits[kind];
  const chars = [...text];
  if (!limit || chars.length <= limit) return text;
  return kind === "thing" ? `${chars.slice(0, limit - 1).join("")}…` : chars.slice(0, limit).join("");
}
