import { z } from "zod";
import { LOCALES, isTemplateKey, unknownVariables } from "./templates.js";

const template = z.string().max(2_000);

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
    if (settings.webhookUrl && !settings.webhookSecret) {
      ctx.addIssue({ code: "custom", path: ["webhookSecret"], message: "required with webhookUrl: every message is signed" });
    }
  });

export type NotificationSettings = z.output<typeof notificationSettings>;
