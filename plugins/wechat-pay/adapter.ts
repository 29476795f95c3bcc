import { createHash } from "node:crypto";
import { Wechatpay } from "wechatpay-axios-plugin";
import { type PaymentAdapter, type PaymentQueryOutcome, type PaymentRefundOutcome, type PaymentRefundRequest, PaymentProviderUnavailable } from "../../src/plugin/index.js";
import type { WechatPayAccount } from "./account.js";

/** WeChat Pay's refund, as its API v3 answers it (申请退款 / 查询单笔退款). */
export interface WechatRefund {
  refund_id: string;
  out_refund_no: string;
  transaction_id?: string;
  status: "SUCCESS" | "CLOSED" | "PROCESSING" | "ABNORMAL";
  user_received_account?: string;
  success_time?: string;
}

/** What a refund's status means to the platform: ABNORMAL and CLOSED are refusals, with WeChat's words. */
export function outcomeOf(refund: { refund_id: string; status: string; user_received_account?: string }): PaymentRefundOutcome {
  switch (refund.status) {
    case "SUCCESS":
      return { status: "SUCCEEDED", reference: refund.refund_id, answer: `SUCCESS${refund.user_received_account ? `: ${refund.user_received_account}` : ""}` };
    case "PROCESSING":
      return { status: "PROCESSING", reference: refund.refund_id, answer: "PROCESSING" };
    case "ABNORMAL":
      return { status: "FAILED", reason: `ABNORMAL: 退款异常, the buyer's account${refund.user_received_account ? ` (${refund.user_received_account})` : ""} cannot take it; settle it by hand or retry`, answer: "ABNORMAL" };
    default:
      return { status: "FAILED", reason: `${refund.status}: 退款关闭`, answer: refund.status };
  }
}

interface AxiosLikeError {
  response?: { status: number; headers: Record<string, string | undefined>; data?: { code?: string; message?: string } };
  message: string;
}

/** WeChat's refusals (4xx but 429) are the refund's end; no answer, a 429 or a 5xx is no answer (the attempt is queried later). */
function failureOf(error: unknown): PaymentRefundOutcome {
  const { response, message } = error as AxiosLikeError;
  if (!response || response.status === 429 || response.status >= 500) {
    const seconds = Number(response?.headers["retry-after"]);
    throw new PaymentProviderUnavailable(`WeChat Pay gave no answer: ${response ? `HTTP ${response.status} ${response.data?.code ?? ""}` : message}`, Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined);
  }
  const words = `${response.data?.code ?? `HTTP ${response.status}`}: ${response.data?.message ?? message}`;
  return { status: "FAILED", reason: words, answer: words };
}

/**
 * Refunds through WeChat Pay API v3 with wechatpay-axios-plugin: it signs each request
 * (WECHATPAY2-SHA256-RSA2048 with the merchant's key) and verifies each 2xx answer's signature
 * and timestamp with the platform public key; an answer that fails that check is thrown, so it
 * counts as no answer. One client per account, kept while the account stays the same.
 */
export class WechatPayAdapter implements PaymentAdapter<WechatPayAccount> {
  private readonly clients = new Map<string, Wechatpay>();

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  private client(account: WechatPayAccount): Wechatpay {
    const key = createHash("sha256").update(JSON.stringify(account)).digest("hex");
    let client = this.clients.get(key);
    if (!client) {
      client = new Wechatpay({
        mchid: account.mchid,
        serial: account.merchantSerialNo,
        privateKey: account.privateKey,
        certs: { [account.platformKeyId]: account.platformPublicKey },
        baseURL: this.baseUrl,
        timeout: this.timeoutMs,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async refund(request: PaymentRefundRequest, account: WechatPayAccount): Promise<PaymentRefundOutcome> {
    if (!request.payment) return { status: "FAILED", reason: "The order has no WeChat Pay transaction to refund", answer: "NO_TRANSACTION" };
    try {
      const answer = await this.client(account).chain("v3/refund/domestic/refunds").post({
        transaction_id: request.payment.reference,
        out_refund_no: request.idempotencyKey,
        ...(request.notifyUrl && { notify_url: request.notifyUrl }),
        amount: { refund: request.amount, total: request.payment.totalAmount, currency: request.currency },
      });
      return outcomeOf(answer.data as unknown as WechatRefund);
    } catch (error) {
      return failureOf(error);
    }
  }

  async query(request: PaymentRefundRequest, account: WechatPayAccount): Promise<PaymentQueryOutcome> {
    try {
      const answer = await this.client(account).chain("v3/refund/domestic/refunds/{out_refund_no}").get({ out_refund_no: request.idempotencyKey });
      return outcomeOf(answer.data as unknown as WechatRefund);
    } catch (error) {
      // 查询单笔退款: 404 RESOURCE_NOT_EXISTS — WeChat never got a refund with this number.
      if ((error as AxiosLikeError).response?.status === 404) return { status: "NOT_FOUND", answer: "RESOURCE_NOT_EXISTS" };
      return failureOf(error);
    }
  }
}
