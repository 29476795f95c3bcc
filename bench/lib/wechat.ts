// The WeChat Pay API v3 stand-in of the tests (test/support/wechat-pay-standin.ts), run by the
// bench driver: the server process refunds through the real wechat-pay plugin against it
// (PAYMENT_API_URLS), so the automatic case can be measured through WeChat Pay beside the
// sandbox. The stand-in verifies and signs in the driver's process, not in the server's.
import { randomBytes } from "node:crypto";
import { type WechatStandIn, startWechatStandIn } from "../../test/support/wechat-pay-standin.js";
import { type Shop, createShop } from "./fixtures.js";
import { gql } from "./http.js";
import type { Server } from "./server.js";

export type { WechatStandIn };
export { startWechatStandIn };

/** The server's environment: the wechat-pay plugin beside the scenario's own, pointed at the stand-in. */
export function wechatEnv(standIn: WechatStandIn, plugins: string[]): Record<string, string> {
  return { PLUGINS: [...plugins, "wechat-pay"].join(","), PAYMENT_API_URLS: `WECHAT_PAY=${standIn.url}` };
}

/** A second shop of the server, its WeChat Pay account set to the stand-in's; its orders are paid by WeChat Pay. */
export async function wechatShop(server: Server, standIn: WechatStandIn): Promise<Shop & { payment: (paidAmount: number) => Record<string, unknown> }> {
  const shop = await createShop(server);
  const { setPaymentAccount } = await gql<{ setPaymentAccount: { userErrors: unknown[] } }>(
    server.url,
    server.adminToken,
    `mutation ($input: SetPaymentAccountInput!) { setPaymentAccount(input: $input) { userErrors { code message } } }`,
    { input: { shopId: shop.shopId, provider: "WECHAT_PAY", account: standIn.account } },
  );
  if (setPaymentAccount.userErrors.length > 0) throw new Error(`setPaymentAccount: ${JSON.stringify(setPaymentAccount.userErrors)}`);
  return {
    ...shop,
    payment(paidAmount) {
      const reference = `42000${randomBytes(10).toString("hex")}`;
      standIn.addTransaction(reference, paidAmount);
      return { provider: "WECHAT_PAY", reference, totalAmount: paidAmount };
    },
  };
}
