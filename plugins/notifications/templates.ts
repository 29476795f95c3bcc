// Message templates: the defaults, which template a transition takes, and a small pure
// renderer. No I/O here, so it is unit-tested on its own.
import { REFUND_ACTIONS, REFUND_STATUSES, REFUND_TYPES, type RefundAction, type RefundStatus, type RefundType, addressLine } from "../../src/plugin/index.js";

export type { RefundAction, RefundStatus, RefundType };

export const LOCALES = ["zh-CN", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** Variables a template may use, e.g. `{{amount}}`. */
export const TEMPLATE_VARIABLES = [
  "amount",
  "requestedAmount",
  "orderRef",
  "note",
  "workingDays",
  "customerName",
  "shopName",
  "carrier",
  "trackingNumber",
  // Where a return goes and what it must hold (Refund.returnAddress), as a sentence of the
  // locale; empty when the refund has none (the shop set no return address).
  "returnAddress",
  // The status the refund entered, in words of the locale (退款中, Refunding…).
  "status",
  // When the transition happened, in the shop's time zone: 2026-12-07 18:30.
  "time",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];
export type TemplateVariables = Record<TemplateVariable, string>;

/**
 * A template key names the transitions it applies to: a status entered (`REFUNDED`), an
 * action taken (`REJECT`), or one action into one status (`CLASSIFY:REFUNDING`) — each also
 * for one refund type only, prefixed with it (`EXCHANGE:AWAITING_RETURN`: an exchange's
 * instructions are not a refund's).
 */
export function isTemplateKey(key: string): boolean {
  const [type, ...after] = key.split(":");
  if ((REFUND_TYPES as readonly string[]).includes(type!)) return after.length > 0 && isUntypedKey(after.join(":"));
  return isUntypedKey(key);
}

function isUntypedKey(key: string): boolean {
  const [first, second, ...rest] = key.split(":");
  if (rest.length > 0 || !first) return false;
  if (second === undefined) return (REFUND_STATUSES as readonly string[]).includes(first) || (REFUND_ACTIONS as readonly string[]).includes(first);
  return (REFUND_ACTIONS as readonly string[]).includes(first) && (REFUND_STATUSES as readonly string[]).includes(second);
}

/** The keys a transition looks a template up by, most specific first: its refund type's, then any type's. */
export function templateKeys(action: RefundAction, to: RefundStatus, type?: RefundType): string[] {
  const keys = [`${action}:${to}`, action, to];
  return type ? [...keys.map((key) => `${type}:${key}`), ...keys] : keys;
}

type Templates = Partial<Record<string, Partial<Record<Locale, string>>>>;

/**
 * Defaults written for this product, in both locales. The request itself (REQUESTED) has no
 * message: its automatic classification follows within the same second and says more.
 */
export const DEFAULT_TEMPLATES: Templates = {
  "CLASSIFY:REFUNDING": {
    "zh-CN": "您的退款申请已自动通过，{{amount}} 将在 {{workingDays}} 个工作日内原路退回。",
    en: "Your refund was approved automatically; {{amount}} will reach your original payment account within {{workingDays}} working days.",
  },
  PENDING_REVIEW: {
    "zh-CN": "我们已收到您对订单 {{orderRef}} 的退款申请（{{requestedAmount}}），客服将在 24 小时内审核。",
    en: "We have received your refund request for order {{orderRef}} ({{requestedAmount}}); customer service will review it within 24 hours.",
  },
  AWAITING_WAREHOUSE: {
    "zh-CN": "您的退款申请已通过初审，仓库正在确认包裹情况，确认后将为您退款 {{amount}}。",
    en: "Your refund passed the first review; our warehouse is checking on the parcel, and {{amount}} will be refunded once it is confirmed.",
  },
  AWAITING_RETURN: {
    "zh-CN": "您的退货申请已通过。请在 7 天内将商品寄回，并在退款详情中填写快递公司和运单号；我们收到商品并验货后将退款 {{amount}}。{{returnAddress}}",
    en: "Your return was approved. Please send the item back within 7 days and enter the carrier and tracking number in your refund; we refund {{amount}} once we have received and inspected it.{{returnAddress}}",
  },
  "ACCEPT_OFFER:AWAITING_RETURN": {
    "zh-CN": "您选择了退货并全额退款，退货运费由商家承担。请在 7 天内将商品寄回，并在退款详情中填写快递公司和运单号；验货后将退款 {{amount}}。{{returnAddress}}",
    en: "You chose to return the item for a full refund; the shop pays the return shipping. Please send it back within 7 days and enter the carrier and tracking number in your refund; we refund {{amount}} after inspection.{{returnAddress}}",
  },
  AWAITING_CUSTOMER: {
    "zh-CN": "关于订单 {{orderRef}} 的退款，我们为您准备了几种处理方案，请在退款详情中选择。",
    en: "We have prepared some options for your refund on order {{orderRef}}; please choose one in your refund details.",
  },
  RETURN_IN_TRANSIT: {
    "zh-CN": "已收到您的退货运单（{{carrier}} {{trackingNumber}}），包裹到仓后我们将在 24 小时内验货。",
    en: "We have your return's tracking number ({{carrier}} {{trackingNumber}}); we inspect the parcel within 24 hours of its arrival.",
  },
  INSPECTING: {
    "zh-CN": "您的退货已到仓，我们将在 24 小时内完成验货。",
    en: "Your return has arrived at our warehouse; we will inspect it within 24 hours.",
  },
  PENDING_FINANCE: {
    "zh-CN": "您的退款 {{amount}} 已审核通过，正在等待财务确认。",
    en: "Your refund of {{amount}} was approved and is awaiting confirmation by finance.",
  },
  "SUBMIT_RETURN_SHIPMENT:PENDING_FINANCE": {
    "zh-CN": "感谢您寄回商品。作为我们的优质客户，您无需等待包裹到仓，退款 {{amount}} 正在等待财务确认。",
    en: "Thank you for sending the item back. As a valued customer you need not wait for it to arrive: your refund of {{amount}} is awaiting confirmation by finance.",
  },
  REFUNDING: {
    "zh-CN": "您的退款 {{amount}} 已审核通过，将在 {{workingDays}} 个工作日内原路退回。",
    en: "Your refund of {{amount}} was approved and will reach your original payment account within {{workingDays}} working days.",
  },
  "RETRY_PAYMENT:REFUNDING": {
    "zh-CN": "我们已重新为您发起退款 {{amount}}，将在 {{workingDays}} 个工作日内原路退回。",
    en: "We have sent your refund of {{amount}} again; it will reach your original payment account within {{workingDays}} working days.",
  },
  // A refund that ended invites the customer's rating (rateRefund: 1–5, within 30 days).
  REFUNDED: {
    "zh-CN": "退款 {{amount}} 已原路退回，请注意查收。感谢您的耐心。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "{{amount}} has been refunded to your original payment account. Thank you for your patience. Please rate how we handled it (1–5) within 30 days.",
  },
  REFUND_FAILED: {
    "zh-CN": "退款 {{amount}} 暂未成功退回原支付账户，我们正在处理，稍后将重新发起，无需您操作。",
    en: "Refunding {{amount}} to your original payment account did not go through yet; we are on it and will send it again, nothing for you to do.",
  },
  REJECTED: {
    "zh-CN": "很抱歉，您对订单 {{orderRef}} 的退款申请未通过：{{note}}。如有疑问，请联系客服。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "Sorry, your refund request for order {{orderRef}} was declined: {{note}}. If you have questions, please contact customer service. Please rate how we handled it (1–5) within 30 days.",
  },
  "FAIL_INSPECTION:REJECTED": {
    "zh-CN": "很抱歉，您退回的商品未通过验货：{{note}}。如有疑问，请联系客服。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "Sorry, the item you sent back did not pass inspection: {{note}}. If you have questions, please contact customer service. Please rate how we handled it (1–5) within 30 days.",
  },
  CANCELLED: {
    "zh-CN": "您已撤销订单 {{orderRef}} 的退款申请。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "You have cancelled your refund request for order {{orderRef}}. Please rate how we handled it (1–5) within 30 days.",
  },
  // Exchanges (换货): the item goes back, another variant comes; money only for a cheaper one.
  "EXCHANGE:PENDING_REVIEW": {
    "zh-CN": "我们已收到您对订单 {{orderRef}} 的换货申请，客服将在 24 小时内审核。",
    en: "We have received your exchange request for order {{orderRef}}; customer service will review it within 24 hours.",
  },
  "EXCHANGE:AWAITING_RETURN": {
    "zh-CN": "您的换货申请已通过。请在 7 天内将商品寄回，并在售后详情中填写快递公司和运单号；我们收到商品并验货后将为您寄出新商品。",
    en: "Your exchange was approved. Please send the item back within 7 days and enter the carrier and tracking number; we ship the replacement once we have received and inspected it.",
  },
  AWAITING_REPLACEMENT: {
    "zh-CN": "您寄回的商品已通过验货，我们正在为您准备换货商品，寄出后将告知运单号。",
    en: "The item you sent back passed inspection; we are preparing your replacement and will send you its tracking number.",
  },
  "SHIP_REPLACEMENT:EXCHANGED": {
    "zh-CN": "您的换货商品已寄出（{{carrier}} {{trackingNumber}}），请注意查收。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "Your replacement is on its way ({{carrier}} {{trackingNumber}}). Please rate how we handled it (1–5) within 30 days.",
  },
  "SHIP_REPLACEMENT:REFUNDING": {
    "zh-CN": "您的换货商品已寄出（{{carrier}} {{trackingNumber}}），差价 {{amount}} 将在 {{workingDays}} 个工作日内原路退回。",
    en: "Your replacement is on its way ({{carrier}} {{trackingNumber}}); the price difference of {{amount}} will reach your original payment account within {{workingDays}} working days.",
  },
  "PAYMENT_SUCCEEDED:EXCHANGED": {
    "zh-CN": "换货差价 {{amount}} 已原路退回，请注意查收。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "The price difference of {{amount}} has been refunded to your original payment account. Please rate how we handled it (1–5) within 30 days.",
  },
  "EXCHANGE:REJECTED": {
    "zh-CN": "很抱歉，您对订单 {{orderRef}} 的换货申请未通过：{{note}}。如有疑问，请联系客服。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "Sorry, your exchange request for order {{orderRef}} was declined: {{note}}. If you have questions, please contact customer service. Please rate how we handled it (1–5) within 30 days.",
  },
  "EXCHANGE:CANCELLED": {
    "zh-CN": "您已撤销订单 {{orderRef}} 的换货申请。欢迎在 30 天内为本次售后服务评分（1–5 分）。",
    en: "You have cancelled your exchange request for order {{orderRef}}. Please rate how we handled it (1–5) within 30 days.",
  },
};

/**
 * The template for a transition in a locale: the shop's overrides first (most specific key
 * first), then the defaults. An override of `""` means "no message" for what it matches.
 * null when nothing applies.
 */
export function resolveTemplate(overrides: Templates, locale: Locale, action: RefundAction, to: RefundStatus, type?: RefundType): string | null {
  for (const templates of [overrides, DEFAULT_TEMPLATES]) {
    for (const key of templateKeys(action, to, type)) {
      const template = templates[key]?.[locale];
      if (template !== undefined) return template === "" ? null : template;
    }
  }
  return null;
}

const VARIABLE = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** The variable names a template uses, in order, repeats included. */
export function templateVariables(template: string): string[] {
  return [...template.matchAll(VARIABLE)].map((match) => match[1]!);
}

/** Names a template uses that no transition provides. */
export function unknownVariables(template: string): string[] {
  return [...new Set(templateVariables(template).filter((name) => !(TEMPLATE_VARIABLES as readonly string[]).includes(name)))];
}

/**
 * Replaces each `{{name}}` (spaces inside the braces allowed) with its value. A name with no
 * value stays as written, visible, rather than vanishing from the message; settings
 * validation refuses such templates before they are stored.
 */
export function renderTemplate(template: string, variables: Partial<Record<string, string>>): string {
  return template.replace(VARIABLE, (whole, name: string) => {
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    return value ?? whole;
  });
}

/** `{{status}}`: each status in words of the locale (short: WeChat's phrase fields take 5 characters). */
export const STATUS_LABELS: Record<RefundStatus, Record<Locale, string>> = {
  REQUESTED: { "zh-CN": "已申请", en: "Requested" },
  PENDING_REVIEW: { "zh-CN": "待审核", en: "In review" },
  AWAITING_CUSTOMER: { "zh-CN": "待选择", en: "Awaiting you" },
  AWAITING_WAREHOUSE: { "zh-CN": "仓库确认中", en: "Warehouse check" },
  AWAITING_RETURN: { "zh-CN": "待退货", en: "Awaiting return" },
  RETURN_IN_TRANSIT: { "zh-CN": "退货在途", en: "Return in transit" },
  INSPECTING: { "zh-CN": "验货中", en: "Inspecting" },
  PENDING_FINANCE: { "zh-CN": "财务审核", en: "Finance review" },
  REFUNDING: { "zh-CN": "退款中", en: "Refunding" },
  REFUND_FAILED: { "zh-CN": "退款重试", en: "Retrying" },
  REFUNDED: { "zh-CN": "已退款", en: "Refunded" },
  REJECTED: { "zh-CN": "未通过", en: "Declined" },
  CANCELLED: { "zh-CN": "已撤销", en: "Cancelled" },
  AWAITING_REPLACEMENT: { "zh-CN": "待换货", en: "Preparing" },
  EXCHANGED: { "zh-CN": "已换货", en: "Exchanged" },
};

/** One formatter per time zone: building one costs more than a message's whole template (0.3 ms in the profile, BENCHMARKS.md). */
const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `{{time}}`: a moment in the shop's time zone, `YYYY-MM-DD HH:mm` (the form WeChat's time fields take). */
export function localTime(at: Date, timeZone: string): string {
  let format = timeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    timeFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** `1-3` reads `1–3` in English; other spellings are left as the shop wrote them. */
export function localizeWorkingDays(workingDays: string, locale: Locale): string {
  return locale === "en" ? workingDays.replace(/^(\d+)\s*-\s*(\d+)$/, "$1–$2") : workingDays;
}

/** A note is quoted inside a sentence: its own final full stop would double the template's. */
export function noteForSentence(note: string | null): string {
  return (note ?? "").trim().replace(/[。．.!！]+$/u, "");
}

/**
 * The `returnAddress` variable: the refund's return address and requirements as a sentence of
 * the locale (English with a leading space, as it follows a sentence), or "" when there is none.
 */
export function returnAddressSentence(
  address: Parameters<typeof addressLine>[0] | null,
  locale: Locale,
): string {
  if (!address) return "";
  const line = addressLine(address);
  const requirements = address.requirements ? noteForSentence(address.requirements) : "";
  if (locale === "zh-CN") return `退货地址：${line}。${requirements ? `退货要求：${requirements}。` : ""}`;
  return ` Return address: ${line}.${requirements ? ` Requirements: ${requirements}.` : ""}`;
}
