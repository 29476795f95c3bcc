// Refunds through Alipay's OpenAPI gateway with the kept SDK (`alipay-sdk`): it signs each
// request RSA2 over the sorted parameters and, with `validateSign`, verifies Alipay's answer over
// the response node before we read it.
import { AlipayRequestError, AlipaySdk } from "alipay-sdk";
import {
  type PaymentAdapter,
  type PaymentQueryOutcome,
  PaymentProviderUnavailable,
  type PaymentRefundOutcome,
  type PaymentRefundRequest,
} from "../../src/plugin/index.js";
import { type AlipayAccount, sdkKeys } from "./account.js";

/** Alipay's production gateway; PAYMENT_API_URLS (tests: a stand-in) gives another origin. */
export const ALIPAY_ORIGIN = "https://openapi.alipay.com";
const GATEWAY_PATH = "/gateway.do";

type AlipayNode = Record<string, string | undefined>;

/** Fen as Alipay's `Price`: yuan with two decimals. */
export function yuan(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;
}

/** Gateway answers that say nothing of the refund: rate limit, system error, gateway trouble. */
function unavailable(node: AlipayNode): string | null {
  if (node.code === "40005") return `rate limited (${node.sub_code})`;
  if (node.code === "20000" || node.sub_code === "ACQ.SYSTEM_ERROR" || node.sub_code === "aop.ACQ.SYSTEM_ERROR") {
    return `${node.sub_code ?? node.code}: ${node.sub_msg ?? node.msg}`;
  }
  return null;
}

function refused(node: AlipayNode): PaymentRefundOutcome {
  const words = `${node.sub_code ?? node.code}: ${node.sub_msg ?? node.msg}`;
  return { status: "FAILED", reason: `Alipay: ${words}`, answer: words };
}

const NO_TRADE: PaymentRefundOutcome = { status: "FAILED", reason: "Alipay: the order has no trade_no (upsertOrder payment.reference)" };

/** `timeoutMs`: how long one call may take before its answer counts as lost (then it is queried). */
export function alipayAdapter(options: { baseUrl: string | undefined; timeoutMs: number }): PaymentAdapter<AlipayAccount> {
  const gateway = new URL(GATEWAY_PATH, options.baseUrl ?? ALIPAY_ORIGIN).toString();

  /** One signed call; its verified response node, or PaymentProviderUnavailable when there is none. */
  async function call(account: AlipayAccount, method: string, bizContent: Record<string, string>): Promise<AlipayNode> {
    const sdk = new AlipaySdk({ appId: account.appId, ...sdkKeys(account), keyType: "PKCS8", gateway, timeout: options.timeoutMs, camelcase: false });
    try {
      // The SDK snake-cases bizContent keys; ours are Alipay's names already.
      return (await sdk.exec(method, { bizContent }, { validateSign: true })) as AlipayNode;
    } catch (error) {
      // Unreachable, silent, 5xx, or an answer whose signature does not verify: no answer to go by.
      if (error instanceof AlipayRequestError) throw new PaymentProviderUnavailable(`Alipay ${method}: ${error.message}`);
      throw error;
    }
  }

  async function query(request: PaymentRefundRequest, account: AlipayAccount): Promise<PaymentQueryOutcome> {
    if (!request.payment) return NO_TRADE;
    const tradeNo = request.payment.reference;
    const node = await call(account, "alipay.trade.fastpay.refund.query", { trade_no: tradeNo, out_request_no: request.idempotencyKey });
    // A query refused for any other reason (a key changed since, a limit) says nothing of a refund
    // that may have been paid: asked again later. Only a trade Alipay does not know settles it.
    if (node.code !== "10000") {
      if (node.sub_code === "ACQ.TRADE_NOT_EXIST") return refused(node);
      throw new PaymentProviderUnavailable(`Alipay refund query: ${unavailable(node) ?? `${node.sub_code ?? node.code}: ${node.sub_msg ?? node.msg}`}`);
    }
    if (node.refund_status === "REFUND_SUCCESS") return { status: "SUCCEEDED", reference: `${tradeNo}/${request.idempotencyKey}`, answer: "REFUND_SUCCESS" };
    // No refund_status: Alipay has not received it, or not settled it. Sending it again with the
    // same out_request_no is safe either way: Alipay refunds each out_request_no once.
    return { status: "NOT_FOUND", answer: "no refund_status" };
  }

  return {
    async refund(request, account) {
      if (!request.payment) return NO_TRADE;
      // refund_amount is yuan: a refund in another currency would be read as yuan.
      if (request.currency !== "CNY") return { status: "FAILED", reason: `Alipay: refunds are sent in CNY (refund_amount in yuan); this one is in ${request.currency}` };
      const tradeNo = request.payment.reference;
      const node = await call(account, "alipay.trade.refund", { trade_no: tradeNo, refund_amount: yuan(request.amount), out_request_no: request.idempotencyKey });
      const trouble = unavailable(node);
      if (trouble) throw new PaymentProviderUnavailable(`Alipay refund: ${trouble}`);
      if (node.code !== "10000") return refused(node);
      const reference = `${tradeNo}/${request.idempotencyKey}`;
      if (node.fund_change === "Y") return { status: "SUCCEEDED", reference, answer: `fund_change Y, refund_fee ${node.refund_fee}` };
      // fund_change N: refunded before (a resend), or not settled yet. Alipay's guidance is to ask
      // the refund query, which alone says REFUND_SUCCESS.
      const settled = await query(request, account);
      if (settled.status === "SUCCEEDED" || settled.status === "FAILED") return settled;
      return { status: "PROCESSING", reference, answer: "fund_change N, no refund_status yet" };
    },
    query,
  };
}
