import { OVER_LIMIT_ACTIONS } from "../domain/approval-limits.js";
import { REFUND_ACTIONS } from "../domain/refund-machine.js";
import { REFUND_STATUSES, REFUND_TYPES, RESOLUTION_KINDS, ROLES, SHIPPING_STATUSES } from "../domain/types.js";
import { KNOWN_PAYMENT_PROVIDERS } from "../payments/provider.js";
import { builder } from "./builder.js";

// GraphQL enums are generated from the domain's lists, so the two cannot drift apart.
export const RoleEnum = builder.enumType("Role", { values: ROLES });
export const RefundStatusEnum = builder.enumType("RefundStatus", { values: REFUND_STATUSES });
export const RefundTypeEnum = builder.enumType("RefundType", { values: REFUND_TYPES });
export const RefundActionEnum = builder.enumType("RefundAction", { values: REFUND_ACTIONS });
export const OrderShippingStatusEnum = builder.enumType("OrderShippingStatus", { values: SHIPPING_STATUSES });
export const ResolutionKindEnum = builder.enumType("ResolutionKind", { values: RESOLUTION_KINDS });
export type PaymentProviderCode = (typeof KNOWN_PAYMENT_PROVIDERS)[number];
export const PaymentProviderEnum = builder.enumType("PaymentProvider", {
  values: KNOWN_PAYMENT_PROVIDERS,
  description: "Where money goes back: SANDBOX (built in, the default), or a provider a plugin registers (WECHAT_PAY, ALIPAY, STRIPE); a provider whose plugin is not loaded is refused with UNKNOWN_PAYMENT_PROVIDER.",
});
export const ActorKindEnum = builder.enumType("ActorKind", { values: ["SYSTEM", "RULE", "PLUGIN", "USER"] as const });
export const OverLimitEnum = builder.enumType("ApprovalOverLimit", {
  values: OVER_LIMIT_ACTIONS,
  description: "Over a person's approval limit: REFUSE with APPROVAL_LIMIT_EXCEEDED, or SEND_TO_FINANCE (the refund goes to PENDING_FINANCE with that amount, for a second person).",
});
