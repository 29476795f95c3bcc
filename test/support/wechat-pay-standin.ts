// A stand-in of WeChat Pay API v3 (domestic refunds), over real HTTP, following WeChat's
// published protocol: it verifies each request's WECHATPAY2-SHA256-RSA2048 signature exactly as
// documented (the signed message `METHOD\nURL\ntimestamp\nnonce\nbody\n`, the Authorization
// header's mchid/nonce_str/timestamp/serial_no/signature) with the merchant's public key and
// refuses a wrong one with WeChat's documented 401 SIGN_ERROR body; it signs its answers and its
// notifications with the platform key the test made (Wechatpay-Timestamp/Nonce/Signature/Serial
// over `timestamp\nnonce\nbody\n`), and encrypts notifications' resource with AEAD_AES_256_GCM
// under the API v3 key. Tests script what it answers next.
import { createSign, createVerify, generateKeyPairSync, randomBytes, createCipheriv } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** WeChat's documented example values (申请退款 / 退款结果通知 examples). */
export const WECHAT_EXAMPLE = {
  mchid: "1900000100",
  transactionId: "1217752501201407033233368018",
  refundId: "50000000382019052709732678859",
  notificationId: "EV-2018022511223320873",
  userReceivedAccount: "招商银行信用卡0403",
} as const;

export type WechatNextAnswer =
  | "SUCCESS" // settled at once
  | "PROCESSING" // accepted; settled later by settle() / a notification
  | "ABNORMAL" // 退款异常
  | "RATE_LIMIT" // 429 FREQUENCY_LIMITED
  | "SERVER_ERROR" // 500 SYSTEM_ERROR
  | "SILENCE" // never answers (the connection is held open)
  | "HELD" // answered SUCCESS once the test calls releaseHeld() (a slow provider)
  | "LOST_ANSWER" // the refund is made, the answer never sent (the connection is destroyed)
  | "MADE_THEN_SILENT"; // the refund is made, the connection held open with no answer (a kill of the caller lands here)

interface StoredRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id: string;
  status: "SUCCESS" | "PROCESSING" | "ABNORMAL" | "CLOSED";
  amount: number;
  total: number;
  notifyUrl: string | null;
  create_time: string;
}

export interface WechatStandIn {
  url: string;
  mchid: string;
  /** The account a shop admin would set, with keys this test made. */
  account: { mchid: string; merchantSerialNo: string; privateKey: string; apiV3Key: string; platformKeyId: string; platformPublicKey: string };
  /** A payment the buyer made (微信支付订单号 and its total). */
  addTransaction(transactionId: string, total: number): void;
  /** What the next refund calls answer (a queue; empty: SUCCESS). Queries answer the truth unless `queries` says otherwise. */
  next(...answers: WechatNextAnswer[]): void;
  /** What the next queries answer instead of the truth (RATE_LIMIT, SERVER_ERROR, SILENCE); replaces the queue (none: the truth). */
  nextQueries(...answers: Array<"RATE_LIMIT" | "SERVER_ERROR" | "SILENCE">): void;
  /** Answers the refund calls held by HELD: each is then made and answered SUCCESS. */
  releaseHeld(): void;
  /** Refund calls held by HELD now. */
  held(): number;
  /** Settles a PROCESSING refund (the bank answered). */
  settle(outRefundNo: string, status: "SUCCESS" | "ABNORMAL" | "CLOSED"): void;
  /** Sends the refund notification of a refund to its notify_url; answers WeChat's view of the reply. */
  notify(outRefundNo: string, options?: { tamper?: boolean; staleSeconds?: number; wrongKey?: boolean; unsigned?: boolean; url?: string }): Promise<{ status: number; body: string }>;
  refunds(): StoredRefund[];
  /** What WeChat paid back (SUCCESS refunds), per transaction. */
  paid(transactionId?: string): number;
  /** Requests refused for their signature. */
  signatureRefusals: number;
  calls: { refund: number; query: number };
  close(): Promise<void>;
}

const pem = (key: { export(options: { type: string; format: "pem" }): string | Buffer }, type: string) => String(key.export({ type, format: "pem" }));

export async function startWechatStandIn(): Promise<WechatStandIn> {
  const merchant = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const platform = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const impostor = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const account = {
    mchid: WECHAT_EXAMPLE.mchid,
    merchantSerialNo: randomBytes(20).toString("hex").toUpperCase(),
    privateKey: pem(merchant.privateKey, "pkcs8"),
    apiV3Key: randomBytes(16).toString("hex"), // 32 characters
    platformKeyId: `PUB_KEY_ID_${randomBytes(12).toString("hex").toUpperCase()}`,
    platformPublicKey: pem(platform.publicKey, "spki"),
  };
  const transactions = new Map<string, number>();
  const refunds = new Map<string, StoredRefund>();
  const answers: WechatNextAnswer[] = [];
  const queryAnswers: Array<"RATE_LIMIT" | "SERVER_ERROR" | "SILENCE"> = [];
  const held = new Set<ServerResponse>();
  let heldAnswers: Array<() => void> = [];
  let sequence = 0;

  const sign = (message: string, key = platform.privateKey) => createSign("RSA-SHA256").update(message).sign(key, "base64");
  const signedHeaders = (body: string, key = platform.privateKey, offsetSeconds = 0) => {
    const timestamp = String(Math.floor(Date.now() / 1000) - offsetSeconds);
    const nonce = randomBytes(16).toString("hex").toUpperCase();
    return {
      "Wechatpay-Timestamp": timestamp,
      "Wechatpay-Nonce": nonce,
      "Wechatpay-Serial": account.platformKeyId,
      "Wechatpay-Signature": sign(`${timestamp}\n${nonce}\n${body}\n`, key),
    };
  };
  const answer = (response: ServerResponse, status: number, value: unknown) => {
    const body = value === undefined ? "" : JSON.stringify(value);
    response.writeHead(status, { "Content-Type": "application/json", "Request-ID": randomBytes(8).toString("hex"), ...(status < 300 ? signedHeaders(body) : {}) });
    response.end(body);
  };
  const refundView = (refund: StoredRefund) => ({
    refund_id: refund.refund_id,
    out_refund_no: refund.out_refund_no,
    transaction_id: refund.transaction_id,
    channel: "ORIGINAL",
    user_received_account: WECHAT_EXAMPLE.userReceivedAccount,
    ...(refund.status === "SUCCESS" && { success_time: new Date().toISOString() }),
    create_time: refund.create_time,
    status: refund.status,
    funds_account: "AVAILABLE",
    amount: { total: refund.total, refund: refund.amount, payer_total: refund.total, payer_refund: refund.amount, settlement_refund: refund.amount, settlement_total: refund.total, discount_refund: 0, currency: "CNY" },
  });

  /** 签名验证: the Authorization header parsed and its signature checked as WeChat documents it. */
  const signatureValid = (request: IncomingMessage, body: string): boolean => {
    const authorization = request.headers.authorization ?? "";
    const match = /^WECHATPAY2-SHA256-RSA2048 (.+)$/.exec(authorization);
    if (!match) return false;
    const fields = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    if (fields.mchid !== account.mchid || fields.serial_no !== account.merchantSerialNo || !fields.nonce_str || !fields.timestamp || !fields.signature) return false;
    if (Math.abs(Date.now() / 1000 - Number(fields.timestamp)) > 300) return false;
    const message = `${request.method}\n${request.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
    return createVerify("RSA-SHA256").update(message).verify(merchant.publicKey, fields.signature, "base64");
  };

  const standIn: WechatStandIn = {
    url: "",
    mchid: account.mchid,
    account,
    signatureRefusals: 0,
    calls: { refund: 0, query: 0 },
    addTransaction: (transactionId, total) => void transactions.set(transactionId, total),
    next: (...next) => void answers.push(...next),
    nextQueries: (...next) => void queryAnswers.splice(0, queryAnswers.length, ...next),
    releaseHeld() {
      const release = heldAnswers;
      heldAnswers = [];
      for (const answerNow of release) answerNow();
    },
    held: () => heldAnswers.length,
    settle(outRefundNo, status) {
      const refund = refunds.get(outRefundNo);
      if (!refund) throw new Error(`no refund ${outRefundNo}`);
      refund.status = status;
    },
    async notify(outRefundNo, options = {}) {
      const refund = refunds.get(outRefundNo);
      if (!refund) throw new Error(`no refund ${outRefundNo}`);
      const url = options.url ?? refund.notifyUrl;
      if (!url) throw new Error(`refund ${outRefundNo} has no notify_url`);
      const resource = {
        mchid: account.mchid,
        out_trade_no: `trade-${refund.transaction_id}`,
        transaction_id: refund.transaction_id,
        out_refund_no: refund.out_refund_no,
        refund_id: refund.refund_id,
        refund_status: refund.status,
        ...(refund.status === "SUCCESS" && { success_time: new Date().toISOString() }),
        user_received_account: WECHAT_EXAMPLE.userReceivedAccount,
        amount: { total: refund.total, refund: refund.amount, payer_total: refund.total, payer_refund: refund.amount },
      };
      const nonce = randomBytes(6).toString("hex"); // 12 bytes of text, as WeChat's
      const cipher = createCipheriv("aes-256-gcm", Buffer.from(account.apiV3Key), Buffer.from(nonce));
      cipher.setAAD(Buffer.from("refund"));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(resource)), cipher.final(), cipher.getAuthTag()]).toString("base64");
      const eventType = `REFUND.${refund.status}`;
      const body = JSON.stringify({
        id: WECHAT_EXAMPLE.notificationId,
        create_time: new Date().toISOString(),
        resource_type: "encrypt-resource",
        event_type: eventType,
        summary: refund.status === "SUCCESS" ? "退款成功" : refund.status === "ABNORMAL" ? "退款异常" : "退款关闭",
        resource: { original_type: "refund", algorithm: "AEAD_AES_256_GCM", ciphertext, associated_data: "refund", nonce },
      });
      const headers = options.unsigned ? {} : signedHeaders(body, options.wrongKey ? impostor.privateKey : platform.privateKey, options.staleSeconds ?? 0);
      const sent = options.tamper ? body.replace(ciphertext, Buffer.from(ciphertext, "base64").reverse().toString("base64")) : body;
      const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: sent });
      return { status: response.status, body: await response.text() };
    },
    refunds: () => [...refunds.values()],
    paid: (transactionId) => [...refunds.values()].filter((refund) => refund.status === "SUCCESS" && (!transactionId || refund.transaction_id === transactionId)).reduce((sum, refund) => sum + refund.amount, 0),
    async close() {
      standIn.releaseHeld();
      for (const response of held) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    if (!signatureValid(request, body)) {
      standIn.signatureRefusals += 1;
      answer(response, 401, { code: "SIGN_ERROR", message: "错误的签名，验签失败" });
      return;
    }
    const path = new URL(request.url ?? "/", "http://standin").pathname;
    if (request.method === "POST" && path === "/v3/refund/domestic/refunds") {
      standIn.calls.refund += 1;
      const next = answers.shift() ?? "SUCCESS";
      if (next === "RATE_LIMIT") return answer(response, 429, { code: "FREQUENCY_LIMITED", message: "频率超限" });
      if (next === "SERVER_ERROR") return answer(response, 500, { code: "SYSTEM_ERROR", message: "系统错误" });
      if (next === "SILENCE") return void held.add(response);
      if (next === "HELD") await new Promise<void>((resolve) => heldAnswers.push(resolve));
      const input = JSON.parse(body) as { transaction_id?: string; out_refund_no?: string; notify_url?: string; amount?: { refund?: number; total?: number; currency?: string } };
      const total = input.transaction_id ? transactions.get(input.transaction_id) : undefined;
      if (!input.out_refund_no || !input.amount?.refund || !input.amount.total || input.amount.currency !== "CNY") {
        return answer(response, 400, { code: "PARAM_ERROR", message: "参数错误" });
      }
      // 同一退款单号多次请求只退一笔: the first refund is answered again.
      const existing = refunds.get(input.out_refund_no);
      if (existing) return answer(response, 200, refundView(existing));
      if (total === undefined) return answer(response, 404, { code: "RESOURCE_NOT_EXISTS", message: "订单不存在" });
      if (input.amount.total !== total) return answer(response, 400, { code: "INVALID_REQUEST", message: "订单金额或退款金额与之前请求不一致，请核实后再试" });
      const taken = [...refunds.values()].filter((refund) => refund.transaction_id === input.transaction_id && refund.status !== "ABNORMAL" && refund.status !== "CLOSED").reduce((sum, refund) => sum + refund.amount, 0);
      if (taken + input.amount.refund > total) return answer(response, 403, { code: "NOT_ENOUGH", message: "订单已全额退款" });
      sequence += 1;
      const refund: StoredRefund = {
        refund_id: `${WECHAT_EXAMPLE.refundId.slice(0, -4)}${String(sequence).padStart(4, "0")}`,
        out_refund_no: input.out_refund_no,
        transaction_id: input.transaction_id!,
        status: next === "LOST_ANSWER" || next === "MADE_THEN_SILENT" || next === "HELD" ? "SUCCESS" : next,
        amount: input.amount.refund,
        total,
        notifyUrl: input.notify_url ?? null,
        create_time: new Date().toISOString(),
      };
      refunds.set(refund.out_refund_no, refund);
      if (next === "LOST_ANSWER") return void response.destroy();
      if (next === "MADE_THEN_SILENT") return void held.add(response);
      return answer(response, 200, refundView(refund));
    }
    const queried = /^\/v3\/refund\/domestic\/refunds\/([^/]+)$/.exec(path);
    if (request.method === "GET" && queried) {
      standIn.calls.query += 1;
      const next = queryAnswers.shift();
      if (next === "RATE_LIMIT") return answer(response, 429, { code: "FREQUENCY_LIMITED", message: "频率超限" });
      if (next === "SERVER_ERROR") return answer(response, 500, { code: "SYSTEM_ERROR", message: "系统错误" });
      if (next === "SILENCE") return void held.add(response);
      const refund = refunds.get(decodeURIComponent(queried[1]!));
      return refund ? answer(response, 200, refundView(refund)) : answer(response, 404, { code: "RESOURCE_NOT_EXISTS", message: "退款单不存在" });
    }
    answer(response, 404, { code: "NOT_FOUND", message: "no such API in the stand-in" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return standIn;
}
