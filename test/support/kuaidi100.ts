// A stand-in for Kuaidi100 (快递100) on 127.0.0.1, following its published API: the subscription
// (POST /poll, form `schema` + `param` JSON with company, number, key, parameters.callbackurl,
// salt), the push to the callback (form `param` + `sign` = upper-case MD5(param + salt)), the
// real-time query (POST /poll/query.do, `sign` = upper-case MD5(param + key + customer)) and the
// auto-detection (GET /autonumber/auto?num=&key=). Tests drive the real plugin against it.
import { createHash } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

const md5Upper = (text: string) => createHash("md5").update(text, "utf8").digest("hex").toUpperCase();

/** One scan as Kuaidi100 lists it (newest first). */
export interface Kuaidi100Trace {
  time: string;
  ftime: string;
  context: string;
  status?: string;
  areaCode?: string | null;
  areaName?: string | null;
}

export interface Kuaidi100Subscription {
  company: string;
  number: string;
  key: string;
  callbackurl: string;
  salt: string;
  resultv2?: string;
  /** The form as received, raw. */
  param: string;
}

export interface Kuaidi100Account {
  key: string;
  customer: string;
}

/** "2026-12-07 09:30:00" in Beijing time, as Kuaidi100 writes times. */
export function chinaTime(at: Date): string {
  const shifted = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)}`;
}

export async function startKuaidi100() {
  const accounts: Kuaidi100Account[] = [];
  const subscriptions: Kuaidi100Subscription[] = [];
  /** What Kuaidi100 knows of each parcel: `${company}:${number}` → state and scans, newest first. */
  const parcels = new Map<string, { state: string; data: Kuaidi100Trace[] }>();
  /** Numbers the auto-detection recognises. */
  const detectable = new Map<string, string>();
  const queries: Array<{ customer: string; sign: string; param: string }> = [];
  let refuseNext: { returnCode: string; message: string } | null = null;

  const answer = (response: import("node:http").ServerResponse, body: unknown, status = 200) =>
    response.writeHead(status, { "content-type": "application/json;charset=UTF-8" }).end(JSON.stringify(body));

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      if (request.method === "POST" && url.pathname === "/poll") {
        if (!/^application\/x-www-form-urlencoded/.test(request.headers["content-type"] ?? "")) return answer(response, { result: false, returnCode: "700", message: "请求格式错误" });
        if (refuseNext) {
          const refusal = refuseNext;
          refuseNext = null;
          return answer(response, { result: false, ...refusal });
        }
        let param: { company?: string; number?: string; key?: string; parameters?: { callbackurl?: string; salt?: string; resultv2?: string } };
        try {
          param = JSON.parse(form.get("param") ?? "");
        } catch {
          return answer(response, { result: false, returnCode: "700", message: "订阅方的订阅数据存在错误" });
        }
        if (!accounts.some((account) => account.key === param.key)) return answer(response, { result: false, returnCode: "600", message: "您不是合法的订阅者" });
        if (!param.company || !/^[a-z0-9]+$/.test(param.company)) return answer(response, { result: false, returnCode: "700", message: "不支持的快递公司" });
        if (!param.number || param.number.length < 6 || param.number.length > 32) return answer(response, { result: false, returnCode: "700", message: "单号不合法" });
        if (!param.parameters?.callbackurl) return answer(response, { result: false, returnCode: "700", message: "错误的回调地址" });
        if (subscriptions.some((sub) => sub.company === param.company && sub.number === param.number && sub.key === param.key)) {
          return answer(response, { result: false, returnCode: "501", message: "重复订阅" });
        }
        subscriptions.push({
          company: param.company,
          number: param.number,
          key: param.key!,
          callbackurl: param.parameters.callbackurl,
          salt: param.parameters.salt ?? "",
          resultv2: param.parameters.resultv2,
          param: form.get("param")!,
        });
        return answer(response, { result: true, returnCode: "200", message: "提交成功" });
      }
      if (request.method === "POST" && url.pathname === "/poll/query.do") {
        const customer = form.get("customer") ?? "";
        const sign = form.get("sign") ?? "";
        const param = form.get("param") ?? "";
        queries.push({ customer, sign, param });
        const account = accounts.find((candidate) => candidate.customer === customer);
        if (!account || sign !== md5Upper(param + account.key + customer)) return answer(response, { result: false, returnCode: "503", message: "验证签名失败" });
        const { com, num } = JSON.parse(param) as { com: string; num: string };
        const parcel = parcels.get(`${com}:${num}`);
        if (!parcel) return answer(response, { result: false, returnCode: "500", message: "查询无结果，请隔段时间再查" });
        return answer(response, { message: "ok", nu: num, ischeck: parcel.state === "3" ? "1" : "0", condition: "00", com, status: "200", state: parcel.state, data: parcel.data });
      }
      if (request.method === "GET" && url.pathname === "/autonumber/auto") {
        const key = url.searchParams.get("key");
        if (!key) return answer(response, { returnCode: "701", message: "key缺失", result: false });
        if (!accounts.some((account) => account.key === key)) return answer(response, { returnCode: "601", message: "POLL: KEY 已过期", result: false });
        const number = url.searchParams.get("num") ?? "";
        const company = detectable.get(number);
        return answer(response, company ? [{ lengthPre: number.length, comCode: company, name: company }] : []);
      }
      answer(response, { result: false, returnCode: "404", message: "not found" }, 404);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function subscriptionOf(number: string): Kuaidi100Subscription {
    const found = subscriptions.filter((sub) => sub.number === number).at(-1);
    if (!found) throw new Error(`nobody subscribed ${number}`);
    return found;
  }

  /** The push body Kuaidi100 would send for a parcel now: `param` JSON and its `sign`. */
  function pushBody(subscription: Kuaidi100Subscription, options: { state: string; data: Kuaidi100Trace[]; status?: string; message?: string }) {
    const param = JSON.stringify({
      status: options.status ?? (options.state === "3" ? "shutdown" : "polling"),
      billstatus: "got",
      message: options.message ?? "",
      autoCheck: "0",
      comOld: "",
      comNew: "",
      lastResult: {
        message: "ok",
        state: options.state,
        status: "200",
        condition: "F00",
        ischeck: options.state === "3" ? "1" : "0",
        com: subscription.company,
        nu: subscription.number,
        data: options.data,
      },
    });
    return { param, sign: md5Upper(param + subscription.salt) };
  }

  /** POSTs a form to the subscription's callback as Kuaidi100 does; answers what the platform said. */
  async function post(callbackurl: string, form: Record<string, string>) {
    const response = await fetch(callbackurl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as { result: boolean; returnCode: string; message: string; code?: string } };
  }

  return {
    url: base,
    subscriptions,
    queries,
    addAccount: (account: Kuaidi100Account) => void accounts.push(account),
    detects: (number: string, company: string) => void detectable.set(number, company),
    /** The next subscription is refused with this answer (quota, key…). */
    refuseNext: (refusal: { returnCode: string; message: string }) => void (refuseNext = refusal),
    subscriptionOf,
    /** Records what Kuaidi100 knows of a parcel (for queries) and pushes it to the subscriber. */
    async push(number: string, options: { state: string; data: Kuaidi100Trace[]; status?: string; message?: string }) {
      const subscription = subscriptionOf(number);
      parcels.set(`${subscription.company}:${number}`, { state: options.state, data: options.data });
      const body = pushBody(subscription, options);
      return { ...(await post(subscription.callbackurl, body)), sent: body };
    },
    pushBody,
    post,
    /** What the real-time query answers for a parcel (mode POLL has no subscription here). */
    setParcel: (company: string, number: string, state: string, data: Kuaidi100Trace[]) => void parcels.set(`${company}:${number}`, { state, data }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
