// Messages to the customer on every refund transition: per-shop templates in zh-CN and
// English, stored once per transition, delivered to the shop's signed webhook with retries.
import { definePlugin } from "../../src/plugin/index.js";
import { notifyTransition } from "./notify.js";
import { notificationsSchema } from "./schema.js";
import { notificationSettings } from "./settings.js";

export { SIGNATURE_HEADER, notifyTransition, webhookBody } from "./notify.js";
export { type NotificationSettings, notificationSettings } from "./settings.js";
export {
  DEFAULT_TEMPLATES,
  TEMPLATE_VARIABLES,
  isTemplateKey,
  localizeWorkingDays,
  renderTemplate,
  resolveTemplate,
  templateVariables,
  unknownVariables,
} from "./templates.js";

export default definePlugin({
  name: "notifications",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["notification", "wechatAccessToken"],
  // The templates' names come with the hook's event; the refunds scope `Refund.notifications`.
  reads: ["refund"],
  config: notificationSettings,
  hooks: { afterTransition: notifyTransition },
  schema: notificationsSchema,
});
