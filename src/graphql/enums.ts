import { OVER_LIMIT_ACTIONS } from "../domain/approval-limits.js";
import { REFUND_TYPES, RESOLUTION_KINDS, SHIPPING_STATUSES } from "../domain/types.js";
import { KNOWN_PAYMENT_PROVIDERS } from "../payments/provider.js";
import { builder } from "./builder.js";
import { refundActionValues, refundStatusValues, roleValues } from "./enum-docs.js";

// GraphQL enums are generated from the domain's lists, so the two cannot drift apart.
export const RoleEnum = builder.enumType("Role", {
  values: roleValues,
  description: "What an API token may do. Staff roles (PLATFORM_ADMIN, SHOP_ADMIN, AGENT, WAREHOUSE, FINANCE) see the whole shop; CUSTOMER sees its own refunds only.",
});
export const RefundStatusEnum = builder.enumType("RefundStatus", {
  values: refundStatusValues,
  description: "Where a refund stands. Each value says what the customer should be shown and which actions may follow; REFUNDED, REJECTED, CANCELLED and EXCHANGED are terminal.",
});
export const RefundTypeEnum = builder.enumType("RefundType", {
  description: "What the customer asks for.",
  values: {
    REFUND_ONLY: { value: "REFUND_ONLY", description: "Money back without sending anything back (e.g. the parcel never arrived, or the order has not shipped)." },
    RETURN_AND_REFUND: { value: "RETURN_AND_REFUND", description: "The customer ships the item back; the money follows the warehouse's inspection." },
    EXCHANGE: { value: "EXCHANGE", description: "The item goes back for another variant of it (`RefundItemInput.exchangeSku`); money moves only when the variant is cheaper." },
  } satisfies Record<(typeof REFUND_TYPES)[number], { value: (typeof REFUND_TYPES)[number]; description: string }>,
});
export const RefundActionEnum = builder.enumType("RefundAction", {
  values: refundActionValues,
  description: "A step of the refund workflow, taken with `transitionRefund` (or by the platform). Each value says who may take it from which status; `Refund.availableActions` lists those the current viewer may take now.",
});
export const OrderShippingStatusEnum = builder.enumType("OrderShippingStatus", {
  description: "How far the order's parcel got, as the shop's order system reports it (`upsertOrder`). A new refund of a NOT_SHIPPED order is refunded at once.",
  values: {
    NOT_SHIPPED: { value: "NOT_SHIPPED", description: "The parcel has not left the shop." },
    SHIPPED: { value: "SHIPPED", description: "The parcel is with the carrier." },
    DELIVERED: { value: "DELIVERED", description: "The carrier delivered the parcel." },
  } satisfies Record<(typeof SHIPPING_STATUSES)[number], { value: (typeof SHIPPING_STATUSES)[number]; description: string }>,
});
export const ResolutionKindEnum = builder.enumType("ResolutionKind", {
  description: "An option customer service offers to settle a dispute (OFFER_RESOLUTION).",
  values: {
    RETURN_WITH_FULL_REFUND: { value: "RETURN_WITH_FULL_REFUND", description: "The customer returns the item, the shop pays the return shipping, and the full amount is refunded." },
    KEEP_ITEM_WITH_COMPENSATION: { value: "KEEP_ITEM_WITH_COMPENSATION", description: "The customer keeps the item and gets the offered `amount` as compensation." },
  } satisfies Record<(typeof RESOLUTION_KINDS)[number], { value: (typeof RESOLUTION_KINDS)[number]; description: string }>,
});
export type PaymentProviderCode = (typeof KNOWN_PAYMENT_PROVIDERS)[number];
export const PaymentProviderEnum = builder.enumType("PaymentProvider", {
  values: {
    SANDBOX: { value: "SANDBOX", description: "The built-in provider: settles at once, moves no real money (demo and tests; orders with no payment)." },
    WECHAT_PAY: { value: "WECHAT_PAY", description: "WeChat Pay (the wechat-pay plugin)." },
    ALIPAY: { value: "ALIPAY", description: "Alipay (the alipay plugin)." },
    STRIPE: { value: "STRIPE", description: "Stripe (the stripe plugin)." },
  } satisfies Record<PaymentProviderCode, { value: PaymentProviderCode; description: string }>,
  description: "Where money goes back: SANDBOX (built in, the default), or a provider a plugin registers (WECHAT_PAY, ALIPAY, STRIPE); a provider whose plugin is not loaded is refused with UNKNOWN_PAYMENT_PROVIDER.",
});
export const ActorKindEnum = builder.enumType("ActorKind", {
  description: "What kind of actor took an action.",
  values: {
    SYSTEM: { value: "SYSTEM", description: "The platform itself (classification, payment results); `name` is `platform` or the job." },
    RULE: { value: "RULE", description: "An automation rule or timer; `name` is the rule's or timer's name." },
    PLUGIN: { value: "PLUGIN", description: "A plugin; `name` is the plugin's name." },
    USER: { value: "USER", description: "A token's holder (staff, customer or app); `role` is the token's role, `name` its label." },
  } as const,
});
export const OverLimitEnum = builder.enumType("ApprovalOverLimit", {
  values: {
    REFUSE: { value: "REFUSE", description: "Refuse the action with APPROVAL_LIMIT_EXCEEDED." },
    SEND_TO_FINANCE: { value: "SEND_TO_FINANCE", description: "Take the action, and send the refund to PENDING_FINANCE for a second person." },
  } satisfies Record<(typeof OVER_LIMIT_ACTIONS)[number], { value: (typeof OVER_LIMIT_ACTIONS)[number]; description: string }>,
  description: "Over a person's approval limit: REFUSE with APPROVAL_LIMIT_EXCEEDED, or SEND_TO_FINANCE (the refund goes to PENDING_FINANCE with that amount, for a second person).",
});
