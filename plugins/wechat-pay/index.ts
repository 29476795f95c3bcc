import { definePlugin } from "../../src/plugin/index.js";
import { WECHAT_PAY_SECRETS, wechatPayAccount } from "./account.js";
import { WechatPayAdapter } from "./adapter.js";
import { handleRefundNotification } from "./notify.js";

/** WeChat Pay's API host (商户平台 API v3). */
const WECHAT_PAY_API = "https://api.mch.weixin.qq.com/";

/**
 * WeChat Pay API v3 domestic refunds (申请退款, 查询单笔退款, 退款结果通知), per shop with the
 * shop's own merchant account. See README.md.
 */
export default definePlugin({
  name: "wechat-pay",
  version: "1.0.0",
  apiVersion: 1,
  paymentProvider: {
    code: "WECHAT_PAY",
    account: wechatPayAccount,
    secretFields: WECHAT_PAY_SECRETS,
    adapter: ({ baseUrl, timeoutMs }) => new WechatPayAdapter(baseUrl ?? WECHAT_PAY_API, timeoutMs),
    notifyPath: "/notify/:shop",
  },
  routes: [{ method: "POST", path: "/notify/:shop", handler: handleRefundNotification }],
});
