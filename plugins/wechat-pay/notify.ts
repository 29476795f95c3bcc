import { Aes, Formatter, Rsa } from "wechatpay-axios-plugin";
import { type RouteContext, globalId } from "../../src/plugin/index.js";
import type { WechatPayAccount } from "./account.js";
import { outcomeOf } from "./adapter.js";

/** WeChat Pay refuses answers older than 5 minutes; the platform refuses notifications alike (a replay). */
const MAX_CLOCK_OFFSET_S = 300;

/** The refund notification's decrypted `resource` (退款结果通知). */
interface RefundResource {
  mchid: string;
  transaction_id: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: "SUCCESS" | "CLOSED" | "ABNORMAL";
  user_received_account?: string;
  amount?: { total: number; refund: number };
}

/** WeChat's documented answers: success is 200/204 with no body; failure a 4XX/5XX with `{ code: "FAIL", message }`, and WeChat notifies again later. */
const received = () => new Response(null, { status: 204 });
const refused = (status: number, message: string) => Response.json({ code: "FAIL", message }, { status });

/**
 * POST /plugins/wechat-pay/notify/:shop — WeChat Pay's refund notification (REFUND.SUCCESS,
 * REFUND.ABNORMAL, REFUND.CLOSED) for the shop in the path: its signature verified with the
 * shop's platform public key over `timestamp\nnonce\nbody\n`, its timestamp within 5 minutes,
 * its `resource` decrypted with the API v3 key (AEAD_AES_256_GCM), then the attempt with its
 * out_refund_no settled. Anything that does not verify changes nothing and is refused.
 */
export async function handleRefundNotification(request: Request, ctx: RouteContext<unknown, unknown, WechatPayAccount>, params: Readonly<Record<string, string>>): Promise<Response> {
  const shopId = globalId.parse(params.shop ?? "", "Shop");
  const account = shopId ? await ctx.payments.accountFor(shopId) : null;
  if (!shopId || !account) return refused(404, "no WeChat Pay account for this shop");
  const body = await request.text();
  const header = (name: string) => request.headers.get(name) ?? "";
  const [timestamp, nonce, signature, serial] = [header("Wechatpay-Timestamp"), header("Wechatpay-Nonce"), header("Wechatpay-Signature"), header("Wechatpay-Serial")];
  if (!timestamp || !nonce || !signature || !serial) return refused(401, "unsigned notification");
  if (serial !== account.platformKeyId) return refused(401, `Wechatpay-Serial ${serial} is not the configured platform key`);
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > MAX_CLOCK_OFFSET_S) return refused(401, "stale notification");
  let verified = false;
  try {
    verified = Rsa.verify(Formatter.response(timestamp, nonce, body), signature, account.platformPublicKey);
  } catch {
    verified = false;
  }
  if (!verified) return refused(401, "signature does not verify");

  let resource: RefundResource;
  let eventType: string;
  try {
    const notification = JSON.parse(body) as { event_type: string; resource: { algorithm: string; ciphertext: string; nonce: string; associated_data?: string } };
    eventType = notification.event_type;
    if (notification.resource.algorithm !== "AEAD_AES_256_GCM") return refused(400, `unknown algorithm ${notification.resource.algorithm}`);
    resource = JSON.parse(Aes.AesGcm.decrypt(notification.resource.ciphertext, account.apiV3Key, notification.resource.nonce, notification.resource.associated_data ?? "")) as RefundResource;
  } catch {
    return refused(400, "the notification's resource does not decrypt");
  }
  if (!eventType.startsWith("REFUND.")) return received(); // not a refund's: nothing to do here
  if (resource.mchid !== account.mchid) return refused(400, "the notification is for another merchant");

  const settled = await ctx.payments.settle({
    shopId,
    idempotencyKey: resource.out_refund_no,
    outcome: outcomeOf({ refund_id: resource.refund_id, status: resource.refund_status, user_received_account: resource.user_received_account }),
  });
  // An unknown refund (another shop's, or none of the platform's) is refused; a repeated one is received.
  return settled === "NOT_FOUND" ? refused(404, "no such refund") : received();
}
