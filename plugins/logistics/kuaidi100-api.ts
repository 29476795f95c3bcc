// Kuaidi100 (快递100) as its published API has it: the subscription (`/poll`), the push it
// sends back, the real-time query (`/poll/query.do`) and the company auto-detection
// (`/autonumber/auto`). Pure helpers and the HTTP calls; what the plugin does with them is in
// kuaidi100.ts.
import { createHash } from "node:crypto";
import { z } from "zod";
import { outboundFetch } from "../../src/plugin/index.js";
import { carrierKey } from "./adapters.js";
import type { TrackingStatus } from "./tracking.js";

/** The hosts, from the environment (tests point them at a stand-in); Kuaidi100's own by default. */
export function kuaidi100Urls(env: NodeJS.ProcessEnv = process.env) {
  return {
    poll: (env.KUAIDI100_POLL_URL || "https://poll.kuaidi100.com").replace(/\/+$/, ""),
    autonumber: (env.KUAIDI100_AUTONUMBER_URL || "https://www.kuaidi100.com").replace(/\/+$/, ""),
  };
}

const TIMEOUT_MS = 10_000;

/** Upper-case hex MD5, as every Kuaidi100 signature is. */
export const md5Upper = (text: string) => createHash("md5").update(text, "utf8").digest("hex").toUpperCase();

/** A push's `sign`: MD5(param + salt), upper-case hex. */
export const pushSignature = (param: string, salt: string) => md5Upper(param + salt);

/** A real-time query's `sign`: MD5(param + key + customer), upper-case hex. */
export const querySignature = (param: string, key: string, customer: string) => md5Upper(param + key + customer);

/** Company codes of the carriers customers name most, by the names they type. */
const COMPANY_NAMES: ReadonlyArray<readonly [code: string, names: readonly string[]]> = [
  ["shunfeng", ["shunfeng", "顺丰", "顺丰速运", "顺丰快递", "SF", "SF Express", "SFExpress"]],
  ["yuantong", ["yuantong", "圆通", "圆通速递", "圆通快递", "YTO", "YTO Express"]],
  ["zhongtong", ["zhongtong", "中通", "中通快递", "ZTO", "ZTO Express"]],
  ["yunda", ["yunda", "韵达", "韵达快递", "韵达速递", "Yunda", "Yunda Express"]],
  ["shentong", ["shentong", "申通", "申通快递", "STO", "STO Express"]],
  ["jd", ["jd", "京东", "京东快递", "京东物流", "JD Logistics", "JDL"]],
  ["ems", ["ems", "EMS", "邮政EMS", "中国邮政EMS", "邮政特快专递"]],
  ["youzhengguonei", ["youzhengguonei", "邮政", "中国邮政", "邮政包裹", "邮政快递包裹", "China Post"]],
  ["debangkuaidi", ["debangkuaidi", "德邦", "德邦快递", "德邦物流", "Deppon"]],
  ["jtexpress", ["jtexpress", "极兔", "极兔速递", "J&T", "J&T Express"]],
  ["huitongkuaidi", ["huitongkuaidi", "百世", "百世快递", "汇通", "Best Express"]],
];
const COMPANY_BY_NAME = new Map(COMPANY_NAMES.flatMap(([code, names]) => names.map((name) => [carrierKey(name), code] as const)));

/** Kuaidi100's company code for what a customer typed ("顺丰" → shunfeng), or null when unknown. */
export function companyCodeFor(carrier: string): string | null {
  return COMPANY_BY_NAME.get(carrierKey(carrier)) ?? null;
}

/**
 * Kuaidi100's main states (`lastResult.state`) and what the platform makes of them: the parcel
 * moves (IN_TRANSIT), arrived (DELIVERED), or needs a person (EXCEPTION: flagged for staff).
 */
export const KUAIDI100_STATES: Readonly<Record<string, { name: string; status: TrackingStatus }>> = {
  "0": { name: "在途", status: "IN_TRANSIT" },
  "1": { name: "揽收", status: "IN_TRANSIT" },
  "2": { name: "疑难", status: "EXCEPTION" },
  "3": { name: "签收", status: "DELIVERED" },
  "4": { name: "退签", status: "EXCEPTION" },
  "5": { name: "派件", status: "IN_TRANSIT" },
  "6": { name: "退回", status: "EXCEPTION" },
  "7": { name: "转投", status: "IN_TRANSIT" },
  "8": { name: "清关", status: "IN_TRANSIT" },
  "10": { name: "待清关", status: "IN_TRANSIT" },
  "11": { name: "清关中", status: "IN_TRANSIT" },
  "12": { name: "已清关", status: "IN_TRANSIT" },
  "13": { name: "清关异常", status: "EXCEPTION" },
  "14": { name: "拒签", status: "EXCEPTION" },
};

const text = z.union([z.string(), z.number()]).transform(String);

/** One scan of a parcel, newest first in Kuaidi100's lists. */
const trace = z.looseObject({
  time: z.string().max(40).optional(),
  ftime: z.string().max(40).optional(),
  context: z.string().max(2_000).default(""),
  status: z.string().max(40).optional(),
});

/** `lastResult` of a push, and the body of a real-time query's answer. */
export const trackingResult = z.looseObject({
  message: z.string().max(500).optional(),
  state: text,
  ischeck: text.optional(),
  com: z.string().max(50).default(""),
  nu: z.string().min(1).max(64),
  data: z.array(trace).max(2_000).default([]),
});
export type TrackingResult = z.output<typeof trackingResult>;

/** A push's `param`. `status`: polling, shutdown (signed for), abort (given up), updateall. */
export const pushParam = z.looseObject({
  status: z.string().max(20),
  message: z.string().max(500).default(""),
  autoCheck: text.optional(),
  comOld: z.string().max(50).nullish(),
  comNew: z.string().max(50).nullish(),
  lastResult: trackingResult.optional(),
});
export type PushParam = z.output<typeof pushParam>;

/** "2026-12-07 09:30:00" is Beijing time in every Kuaidi100 answer. */
export function parseChinaTime(value: string | undefined): Date | null {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim()) : null;
  if (!match) return null;
  const date = new Date(`${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6] ?? "00"}+08:00`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The newest scan of a result (lists are newest first, but order is not trusted), with its time. */
export function newestTrace(result: TrackingResult): { at: Date; context: string } | null {
  let newest: { at: Date; context: string } | null = null;
  for (const item of result.data) {
    const at = parseChinaTime(item.ftime) ?? parseChinaTime(item.time);
    if (at && (!newest || at > newest.at)) newest = { at, context: item.context };
  }
  return newest;
}

/** What the subscription call answered: 200 accepted, 501 already tracked, others refused. */
export interface SubscribeAnswer {
  result: boolean;
  returnCode: string;
  message: string;
}

async function postForm(url: string, form: Record<string, string>): Promise<unknown> {
  const response = await outboundFetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
    body: new URLSearchParams(form).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const body = await response.text();
  if (response.status >= 500) throw new Error(`Kuaidi100 answered HTTP ${response.status}`);
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`Kuaidi100 answered HTTP ${response.status} with no JSON: ${body.slice(0, 200)}`);
  }
}

/** 订阅: asks Kuaidi100 to follow a parcel and push its scans to `callbackUrl`, signed with `salt`. */
export async function subscribe(input: { key: string; company: string; number: string; callbackUrl: string; salt: string }): Promise<SubscribeAnswer> {
  const param = JSON.stringify({
    company: input.company,
    number: input.number,
    key: input.key,
    parameters: { callbackurl: input.callbackUrl, salt: input.salt, resultv2: "1" },
  });
  const answer = z
    .looseObject({ result: z.boolean(), returnCode: text, message: z.string().default("") })
    .safeParse(await postForm(`${kuaidi100Urls().poll}/poll`, { schema: "json", param }));
  if (!answer.success) throw new Error("Kuaidi100's subscription answer was not understood");
  return answer.data;
}

/** 实时查询: the parcel's scans now, or Kuaidi100's refusal (`returnCode`, `message`). */
export async function queryTracking(input: { key: string; customer: string; company: string; number: string }): Promise<
  { ok: true; result: TrackingResult } | { ok: false; returnCode: string; message: string }
> {
  const param = JSON.stringify({ com: input.company, num: input.number, resultv2: "1", show: "0", order: "desc" });
  const body = await postForm(`${kuaidi100Urls().poll}/poll/query.do`, { customer: input.customer, sign: querySignature(param, input.key, input.customer), param });
  const refused = z.looseObject({ result: z.literal(false), returnCode: text, message: z.string().default("") }).safeParse(body);
  if (refused.success) return { ok: false, returnCode: refused.data.returnCode, message: refused.data.message };
  const result = trackingResult.safeParse(body);
  if (!result.success) throw new Error("Kuaidi100's query answer was not understood");
  return { ok: true, result: result.data };
}

/** 智能判断: the likeliest company code of a tracking number, or null (with Kuaidi100's reason). */
export async function detectCompany(input: { key: string; number: string }): Promise<{ company: string | null; message: string }> {
  const url = `${kuaidi100Urls().autonumber}/autonumber/auto?${new URLSearchParams({ num: input.number, key: input.key })}`;
  const response = await outboundFetch(url, { method: "GET", signal: AbortSignal.timeout(TIMEOUT_MS) });
  const raw = await response.text();
  if (response.status >= 500) throw new Error(`Kuaidi100 answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new Error(`Kuaidi100 answered HTTP ${response.status} with no JSON: ${raw.slice(0, 200)}`);
  }
  const candidates = z.array(z.looseObject({ comCode: z.string().min(1) })).safeParse(body);
  if (candidates.success) {
    const first = candidates.data[0]?.comCode ?? null;
    return { company: first, message: first ? "" : "Kuaidi100 does not recognise this tracking number" };
  }
  const refused = z.looseObject({ returnCode: text.optional(), message: z.string().default("") }).safeParse(body);
  return { company: null, message: refused.success ? `${refused.data.returnCode ?? ""} ${refused.data.message}`.trim() : "unexpected answer" };
}
