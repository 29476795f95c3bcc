// A stand-in for the Alipay OpenAPI gateway (`gateway.do`), as Alipay documents it, driven over
// real HTTP by the real adapter (only the gateway URL differs):
//  - public parameters in the query string, `biz_content` in the form body; the request is
//    verified exactly as "自行实现签名" says: every parameter but `sign`, empty values left out,
//    sorted by key (ASCII), joined as `k=v` with `&`, SHA256withRSA (RSA2) with the app's public
//    key; a wrong one answers code 40002 / `isv.invalid-signature` with the gateway's string;
//  - every answer is `{"<method>_response":{…},"sign":"…"}`, the sign being SHA256withRSA with
//    the stand-in's own (Alipay's) private key over the response node's JSON text as sent;
//  - `alipay.trade.refund` refunds a trade by `trade_no`, `refund_amount` in yuan with at most
//    two decimals, once per `out_request_no`: a repeat answers `fund_change` "N", a repeat with
//    another amount `ACQ.DISCORDANT_REPEAT_REQUEST`, more than is left
//    `ACQ.REASON_TRADE_REFUND_FEE_ERR`;
//  - `alipay.trade.fastpay.refund.query` answers `refund_status` REFUND_SUCCESS for a settled
//    refund, and no status for one it has not received or not settled;
//  - faults a test asks for: `ACQ.SYSTEM_ERROR`, the rate limit (40005 `isv.app-call-limited`),
//    HTTP 5xx, silence, an answer lost after the refund was made, the gateway down.
import { createSign, createVerify, generateKeyPairSync } from "node:crypto";
import { type Fault, type StandInAnswer, type StandInRequest, StandInServer } from "./stand-in-http.js";

export type AlipayFault = "SYSTEM_ERROR" | "RATE_LIMITED" | "HTTP_5XX" | Fault;

interface Trade {
  tradeNo: string;
  outTradeNo: string;
  total: number; // fen
}

interface AlipayRefund {
  tradeNo: string;
  outRequestNo: string;
  amount: number; // fen
  settled: boolean;
}

type Node = Record<string, string>;

const SUCCESS = { code: "10000", msg: "Success" };

/** Fen as Alipay's `Price`: yuan with two decimals. */
export function yuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

function fenOf(price: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(price);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

function alipayTime(at: Date): string {
  // Beijing time, as the gateway writes it.
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/** The string both sides sign: every parameter but `sign`, no empty values, sorted by key. */
export function alipaySignContent(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((key) => key !== "sign" && params[key] !== "")
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join("&");
}

export class AlipayGatewayStandIn {
  /** Alipay's public key, for the shop's settings (`alipayPublicKey`). */
  readonly alipayPublicKey: string;
  private readonly alipayPrivateKey: string;
  private readonly http: StandInServer;
  private readonly trades = new Map<string, Trade>();
  private readonly refunds = new Map<string, AlipayRefund>();
  private readonly faults: AlipayFault[] = [];
  private unsettledNext = 0;
  private port = 0;
  /** Every request that reached the gateway, by method name. */
  readonly calls: string[] = [];

  constructor(private readonly app: { appId: string; appPublicKey: string }) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.alipayPublicKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
    this.alipayPrivateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    this.http = new StandInServer((request) => this.serve(request));
  }

  /** The gateway URL (`…/gateway.do`) to configure. */
  get gatewayUrl(): string {
    return `${this.http.url}/gateway.do`;
  }

  async start(): Promise<string> {
    await this.http.start(this.port);
    this.port = Number(new URL(this.http.url).port);
    return this.gatewayUrl;
  }

  /** The gateway stops answering at all (connections refused) until `comeBack()`. */
  goDown(): Promise<void> {
    return this.http.stop();
  }

  async comeBack(): Promise<void> {
    await this.http.start(this.port);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get held(): StandInServer {
    return this.http;
  }

  addTrade(trade: Trade): void {
    this.trades.set(trade.tradeNo, trade);
  }

  /** The next calls meet these faults, one each, in order. */
  failNext(...faults: AlipayFault[]): void {
    this.faults.push(...faults);
  }

  /** Forgets faults asked for and not met (an SDK resent fewer times than a test allowed for). */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The next refunds are accepted (`fund_change` "N") but settled only by `settle()`. */
  leaveUnsettledNext(count = 1): void {
    this.unsettledNext += count;
  }

  settle(outRequestNo: string): void {
    const refund = this.refunds.get(outRequestNo);
    if (!refund) throw new Error(`no refund ${outRequestNo}`);
    refund.settled = true;
  }

  /** What the buyer got back on a trade: settled refunds only. */
  paidFor(tradeNo: string): number {
    let total = 0;
    for (const refund of this.refunds.values()) if (refund.tradeNo === tradeNo && refund.settled) total += refund.amount;
    return total;
  }

  refundCount(tradeNo: string): number {
    return [...this.refunds.values()].filter((refund) => refund.tradeNo === tradeNo).length;
  }

  private serve(request: StandInRequest): { answer: StandInAnswer; fault?: Fault } {
    const params: Record<string, string> = Object.fromEntries(request.url.searchParams);
    for (const [key, value] of new URLSearchParams(request.body)) params[key] = value;
    const method = params.method ?? "";
    this.calls.push(method);
    const fault = this.faults.shift();
    if (fault === "HTTP_5XX") return { answer: { status: 502, headers: { "content-type": "text/html" }, body: "<html><body>502 Bad Gateway</body></html>" } };

    const responseKey = `${method.replaceAll(".", "_")}_response`;
    const answer = (node: Node) => ({ answer: this.signed(method ? responseKey : "error_response", node) });
    if (request.method !== "POST" || request.url.pathname !== "/gateway.do") return { answer: { status: 404, body: "{}" } };
    if (!method) return answer({ code: "40001", msg: "Missing Required Arguments", sub_code: "isv.missing-method", sub_msg: "缺少方法名参数" });
    if (!params.sign) return answer({ code: "40001", msg: "Missing Required Arguments", sub_code: "isv.missing-signature", sub_msg: "缺少签名参数" });
    if (!params.sign_type) return answer({ code: "40001", msg: "Missing Required Arguments", sub_code: "isv.missing-signature-type", sub_msg: "缺少签名类型参数" });
    if (params.app_id !== this.app.appId) return answer({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-app-id", sub_msg: "无效的AppID参数" });
    if (params.sign_type !== "RSA2") return answer({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-signature-type", sub_msg: "无效的签名类型" });
    if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(params.timestamp ?? "")) {
      return answer({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-timestamp", sub_msg: "非法的时间戳参数" });
    }
    const content = alipaySignContent(params);
    const verifier = createVerify("RSA-SHA256").update(content, "utf8");
    let valid = false;
    try {
      valid = verifier.verify(this.app.appPublicKey, params.sign, "base64");
    } catch {
      valid = false;
    }
    if (!valid) {
      return answer({
        code: "40002",
        msg: "Invalid Arguments",
        sub_code: "isv.invalid-signature",
        sub_msg: `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${content.replaceAll("&", "&amp;")}`,
      });
    }
    if (fault === "RATE_LIMITED") return answer({ code: "40005", msg: "Call Limited", sub_code: "isv.app-call-limited", sub_msg: "应用调用次数超限，包含调用频率超限" });
    if (fault === "SYSTEM_ERROR") return answer({ code: "40004", msg: "Business Failed", sub_code: "ACQ.SYSTEM_ERROR", sub_msg: "系统错误" });

    let biz: Record<string, unknown>;
    try {
      biz = JSON.parse(params.biz_content ?? "") as Record<string, unknown>;
    } catch {
      return answer({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-parameter", sub_msg: "参数无效" });
    }
    let node: Node;
    if (method === "alipay.trade.refund") node = this.refund(biz);
    else if (method === "alipay.trade.fastpay.refund.query") node = this.query(biz);
    else return answer({ code: "40002", msg: "Invalid Arguments", sub_code: "isv.invalid-method", sub_msg: "不存在的方法名" });
    return { ...answer(node), fault: fault === "silence" || fault === "lost" ? fault : undefined };
  }

  private tradeOf(biz: Record<string, unknown>): Trade | undefined {
    if (typeof biz.trade_no === "string") return this.trades.get(biz.trade_no);
    if (typeof biz.out_trade_no === "string") return [...this.trades.values()].find((trade) => trade.outTradeNo === biz.out_trade_no);
    return undefined;
  }

  private refunded(trade: Trade): number {
    let total = 0;
    for (const refund of this.refunds.values()) if (refund.tradeNo === trade.tradeNo) total += refund.amount;
    return total;
  }

  private refund(biz: Record<string, unknown>): Node {
    const amount = typeof biz.refund_amount === "string" ? fenOf(biz.refund_amount) : null;
    const outRequestNo = typeof biz.out_request_no === "string" ? biz.out_request_no : "";
    if (amount === null || amount <= 0 || !outRequestNo || outRequestNo.length > 64) {
      return { code: "40004", msg: "Business Failed", sub_code: "ACQ.INVALID_PARAMETER", sub_msg: "参数无效" };
    }
    const trade = this.tradeOf(biz);
    if (!trade) return { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "交易不存在" };
    const head = { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, buyer_logon_id: "159****5620", buyer_user_id: "2088101117955611" };
    const known = this.refunds.get(outRequestNo);
    if (known) {
      if (known.tradeNo !== trade.tradeNo || known.amount !== amount) {
        return { code: "40004", msg: "Business Failed", sub_code: "ACQ.DISCORDANT_REPEAT_REQUEST", sub_msg: "不一致的请求" };
      }
      // Already refunded: success again, no money moved this time.
      return { ...SUCCESS, ...head, fund_change: "N", refund_fee: yuan(this.refunded(trade)), send_back_fee: "0.00" };
    }
    if (this.refunded(trade) + amount > trade.total) {
      return { code: "40004", msg: "Business Failed", sub_code: "ACQ.REASON_TRADE_REFUND_FEE_ERR", sub_msg: "退款金额无效" };
    }
    const settled = this.unsettledNext === 0;
    if (!settled) this.unsettledNext -= 1;
    this.refunds.set(outRequestNo, { tradeNo: trade.tradeNo, outRequestNo, amount, settled });
    return {
      ...SUCCESS,
      ...head,
      fund_change: settled ? "Y" : "N",
      gmt_refund_pay: alipayTime(new Date()),
      refund_fee: yuan(this.refunded(trade)),
      send_back_fee: settled ? yuan(amount) : "0.00",
    };
  }

  private query(biz: Record<string, unknown>): Node {
    const trade = this.tradeOf(biz);
    if (!trade) return { code: "40004", msg: "Business Failed", sub_code: "ACQ.TRADE_NOT_EXIST", sub_msg: "交易不存在" };
    const outRequestNo = typeof biz.out_request_no === "string" ? biz.out_request_no : "";
    const refund = this.refunds.get(outRequestNo);
    const head = { ...SUCCESS, trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo, out_request_no: outRequestNo };
    // No refund_status: the request was not received, or it has not been settled.
    if (!refund || refund.tradeNo !== trade.tradeNo || !refund.settled) return head;
    return { ...head, total_amount: yuan(trade.total), refund_amount: yuan(refund.amount), refund_status: "REFUND_SUCCESS" };
  }

  private signed(responseKey: string, node: Node): StandInAnswer {
    const text = JSON.stringify(node);
    const sign = createSign("RSA-SHA256").update(text, "utf8").sign(this.alipayPrivateKey, "base64");
    return { status: 200, body: `{"${responseKey}":${text},"sign":"${sign}"}` };
  }
}
