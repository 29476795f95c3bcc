import { z } from "zod";
import { LOCALES, isTemplateKey, unknownVariables } from "./templates.js";

const template = z.string().max(2_000);

/**
 * WeChat subscription messages (订阅消息) of the shop's mini-program: its app id and secret
 * (write-only), and per message key the subscription template to send with its fields, each a
 * text with variables (`{ "amount1": "{{amount}}", "phrase2": "{{status}}" }`).
 */
const wechatSubscription = z
  .object({
    appId: z.string().trim().min(1).max(64),
    appSecret: z.string().trim().min(1).max(128),
    /** Which version of the mini-program a tap opens. */
    miniprogramState: z.enum(["formal", "trial", "developer"]).default("formal"),
    lang: z.enum(["zh_CN", "en_US", "zh_HK", "zh_TW"]).default("zh_CN"),
    /** The mini-program page a tap opens, e.g. `pages/refund/detail`; `?refundId=<id>` is added. */
    page: z.string().trim().max(400).optional(),
    templates: z
      .record(
        z.string(),
        z
          .object({
            templateId: z.string().trim().min(1).max(128),
            fields: z.record(z.string().regex(/^[a-z_]+\d+$/, "a WeChat field name such as thing1 or amount2"), template.max(200)),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

/** Per-shop settings of the notifications plugin; `{}` gives the defaults. */
export const notificationSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** The language of the shop's messages. */
    locale: z.enum(LOCALES).default("zh-CN"),
    /**
     * Overrides by template key (`REFUNDED`, `REJECT`, `CLASSIFY:REFUNDING`), then locale.
     * `""` silences what the key matches.
     */
    templates: z.record(z.string(), z.object({ "zh-CN": template.optional(), en: template.optional() }).strict()).default({}),
    /** Where messages are POSTed (the shop's SMS / app-push gateway). Unset: kept in-app only. */
    webhookUrl: z.url({ protocol: /^https?$/, message: "must be an http(s) URL" }).max(2_000).optional(),
    /** Signs each POST: `X-Refund-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
    webhookSecret: z.string().min(16, "use at least 16 characters").max(256).optional(),
    /** `{{workingDays}}`: how long a refund takes to reach the payment account. */
    workingDays: z.string().trim().min(1).max(20).default("1-3"),
    /** Also send WeChat subscription messages (channel WECHAT_SUBSCRIPTION); unset: none. */
    wechatSubscription: wechatSubscription.optional(),
  })
  .strict()
  .superRefine((settings, ctx) => {
    for (const [key, byLocale] of Object.entries(settings.templates)) {
      if (!isTemplateKey(key)) {
        ctx.addIssue({ code: "custom", path: ["templates", key], message: "not a refund status, an action, or ACTION:STATUS" });
        continue;
      }
      for (const [locale, text] of Object.entries(byLocale)) {
        const unknown = unknownVariables(text ?? "");
        if (unknown.length > 0) {
          ctx.addIssue({ code: "custom", path: ["templates", key, locale], message: `unknown variable ${unknown.map((name) => `{{${name}}}`).join(", ")}` });
        }
      }
    }
    for (const [key, wechat] of Object.entries(settings.wechatSubscription?.templates ?? {})) {
      if (!isTemplateKey(key)) {
        ctx.addIssue({ code: "custom", path: ["wechatSubscription", "templates", key], message: "not a refund status, an action, or ACTION:STATUS" });
        continue;
      }
      for (const [field, text] of Object.entries(wechat.fields)) {
        const unknown = unknownVariables(text);
        if (unknown.length > 0) {
          ctx.addIssue({ code: "custom", path: ["wechatSubscription", "templates", key, "fields", field], message: `unknown variable ${unknown.map((name) => `{{${name}}}`).join(", ")}` });
        }
      }
    }
    if (settings.webhookUrl && !settings.webhookSecret) {
      ctx.addIssue({ code: "custom", path: ["webhookSecret"], message: "required with webhookUrl: every message is signed" });
    }
  });

export type NotificationSettings = z.output<typeof notificationSettings>;
