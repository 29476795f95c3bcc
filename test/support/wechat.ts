// A stand-in for WeChat's server API on 127.0.0.1, following its published protocol:
// getStableAccessToken (POST /cgi-bin/stable_token {grant_type, appid, secret, force_refresh} →
// {access_token, expires_in} or {errcode, errmsg}) and subscribeMessage.send (POST
// /cgi-bin/message/subscribe/send?access_token= {touser, template_id, page?, data: {field: {value}},
// miniprogram_state?, lang?} → {errcode, errmsg, msgid?}). A customer's subscription allows one
// message per template (一次性订阅); tests can expire tokens early and script WeChat's refusals.
import { randomBytes } from "node:crypto";
import { type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface WechatApp {
  appId: string;
  secret: string;
  /** Template id → the field names it has. */
  templates: Record<string, string[]>;
}

export interface SentMessage {
  appId: string;
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
  lang?: string;
  msgid: number;
}

/** The kinds of value WeChat checks, by the field name before its number. */
const LIMITS: Record<string, number> = { thing: 20, phrase: 5, character_string: 32, number: 32, letter: 32, symbol: 5, name: 10 };

export async function startWechat() {
  const apps = new Map<string, WechatApp>();
  const tokens = new Map<string, { appId: string; expiresAt: number }>();
  /** The current stable token of each app. */
  const current = new Map<string, string>();
  /** `${appId}:${openid}:${templateId}` → messages the customer still accepts. */
  const accepts = new Map<string, number>();
  const sent: SentMessage[] = [];
  const tokenCalls: Array<{ appid: string; force_refresh: boolean }> = [];
  const sendCalls: Array<{ token: string; body: Record<string, unknown> }> = [];
  const scripted: Array<{ errcode: number; errmsg: string } | { httpStatus: number }> = [];
  let msgids = 1_000_000;

  const json = (response: ServerResponse, body: unknown, status = 200) => response.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  const rid = () => ` rid: ${randomBytes(6).toString("hex")}`;

  function issue(appId: string): { access_token: string; expires_in: number } {
    const token = `tok_${randomBytes(12).toString("hex")}`;
    tokens.set(token, { appId, expiresAt: Date.now() + 7200_000 });
    const previous = current.get(appId);
    if (previous) tokens.delete(previous);
    current.set(appId, token);
    return { access_token: token, expires_in: 7200 };
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        return json(response, { errcode: 47001, errmsg: `data format error${rid()}` });
      }
      if (request.method === "POST" && url.pathname === "/cgi-bin/stable_token") {
        tokenCalls.push({ appid: String(body.appid), force_refresh: body.force_refresh === true });
        if (body.grant_type !== "client_credential") return json(response, { errcode: 40002, errmsg: `invalid grant_type${rid()}` });
        const app = apps.get(String(body.appid));
        if (!app) return json(response, { errcode: 40013, errmsg: `invalid appid${rid()}` });
        if (body.secret !== app.secret) return json(response, { errcode: 40125, errmsg: `invalid appsecret${rid()}` });
        const existing = current.get(app.appId);
        const live = existing ? tokens.get(existing) : undefined;
        // Normal mode: the same token while it is valid; force_refresh: a new one.
        if (existing && live && live.expiresAt > Date.now() && body.force_refresh !== true) {
          return json(response, { access_token: existing, expires_in: Math.floor((live.expiresAt - Date.now()) / 1000) });
        }
        return json(response, issue(app.appId));
      }
      if (request.method === "POST" && url.pathname === "/cgi-bin/message/subscribe/send") {
        const token = url.searchParams.get("access_token") ?? "";
        sendCalls.push({ token, body });
        const next = scripted.shift();
        if (next && "httpStatus" in next) return json(response, { error: "upstream" }, next.httpStatus);
        if (next) return json(response, { ...next, errmsg: `${next.errmsg}${rid()}` });
        const issued = tokens.get(token);
        if (!issued) return json(response, { errcode: 40001, errmsg: `invalid credential, access_token is invalid or not latest${rid()}` });
        if (issued.expiresAt <= Date.now()) return json(response, { errcode: 42001, errmsg: `access_token expired${rid()}` });
        const app = apps.get(issued.appId)!;
        const touser = typeof body.touser === "string" ? body.touser : "";
        if (!/^[A-Za-z0-9_-]{6,64}$/.test(touser)) return json(response, { errcode: 40003, errmsg: `invalid openid${rid()}` });
        const templateId = String(body.template_id ?? "");
        const fields = app.templates[templateId];
        if (!fields) return json(response, { errcode: 40037, errmsg: `invalid template_id${rid()}` });
        const data = (body.data ?? {}) as Record<string, { value?: unknown }>;
        for (const field of fields) {
          const value = data[field]?.value;
          if (typeof value !== "string" || value === "") return json(response, { errcode: 47003, errmsg: `argument invalid! data.${field}.value is empty${rid()}` });
          const limit = LIMITS[field.replace(/\d+$/, "")];
          if (limit && [...value].length > limit) return json(response, { errcode: 47003, errmsg: `argument invalid! data.${field}.value too long${rid()}` });
        }
        const key = `${app.appId}:${touser}:${templateId}`;
        const left = accepts.get(key) ?? 0;
        if (left <= 0) return json(response, { errcode: 43101, errmsg: `user refuse to accept the msg${rid()}` });
        accepts.set(key, left - 1);
        const msgid = ++msgids;
        sent.push({ appId: app.appId, touser, template_id: templateId, page: body.page as string | undefined, data: data as SentMessage["data"], miniprogram_state: body.miniprogram_state as string | undefined, lang: body.lang as string | undefined, msgid });
        return json(response, { errcode: 0, errmsg: "ok", msgid });
      }
      json(response, { errcode: 40066, errmsg: `invalid url${rid()}` }, 404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    tokenCalls,
    sendCalls,
    addApp: (app: WechatApp) => void apps.set(app.appId, app),
    /** The customer tapped "allow" on the mini-program's subscription prompt for a template (once). */
    subscribe: (appId: string, openId: string, templateId: string) => accepts.set(`${appId}:${openId}:${templateId}`, (accepts.get(`${appId}:${openId}:${templateId}`) ?? 0) + 1),
    /** Ends the app's current token before its expires_in is up (WeChat may). */
    expireToken(appId: string) {
      const token = current.get(appId);
      const issued = token ? tokens.get(token) : undefined;
      if (issued) issued.expiresAt = Date.now() - 1;
    },
    /** The next send calls answer these instead (45009 quota, -1 busy, an HTTP 5xx). */
    script: (...answers: Array<{ errcode: number; errmsg: string } | { httpStatus: number }>) => void scripted.push(...answers),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
