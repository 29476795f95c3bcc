/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 instant, e.g. `2026-11-24T08:00:00.000Z`. */
  DateTime: { input: string; output: string; }
  /** Any JSON value (plugin settings). */
  JSON: { input: unknown; output: unknown; }
};

/** What kind of actor took an action. */
export type ActorKind =
  /** A plugin; `name` is the plugin's name. */
  | 'PLUGIN'
  /** An automation rule or timer; `name` is the rule's or timer's name. */
  | 'RULE'
  /** The platform itself (classification, payment results); `name` is `platform` or the job. */
  | 'SYSTEM'
  /** A token's holder (staff, customer or app); `role` is the token's role, `name` its label. */
  | 'USER';

/** What an app's check answers about an action. */
export type AppCheckDecision =
  /** The transition goes on. */
  | 'CONTINUE'
  /** The transition is not made; the refund waits for a person (HELD_FOR_REVIEW). */
  | 'HOLD'
  /** The transition is refused with a userError (the app's code when it is a UserErrorCode, else APP_VETO). */
  | 'VETO';

/** What a check that could not answer (timeout, network error, non-2xx, not an answer, open circuit) counts as. */
export type AppCheckFailurePolicy =
  /** The action goes ahead as if the app had answered CONTINUE (fail open). */
  | 'CONTINUE'
  /** The action is not taken; the refund waits for a person (HELD_FOR_REVIEW; fail closed). */
  | 'HOLD';

/** How one call of a check ended. */
export type AppCheckOutcome =
  /** The body was not JSON or named an unknown decision: the failure policy applied. */
  | 'BAD_ANSWER'
  /** The app answered a status other than 2xx: the failure policy applied. */
  | 'BAD_STATUS'
  /** Not called: the check's circuit is open after failures in a row; the failure policy applied. */
  | 'CIRCUIT_OPEN'
  /** The app answered CONTINUE. */
  | 'CONTINUE'
  /** The app answered HOLD. */
  | 'HOLD'
  /** The call failed (refused connection, DNS, an address the outbound rules refuse): the failure policy applied. */
  | 'NETWORK_ERROR'
  /** No whole answer within the check's timeoutMs: the failure policy applied. */
  | 'TIMEOUT'
  /** The app answered VETO. */
  | 'VETO';

/** The circuit breaker of an app's checks in this server process. */
export type AppCircuitStatus =
  /** Calls go out. */
  | 'CLOSED'
  /** The next call is a trial: its success closes the circuit, its failure opens it again. */
  | 'HALF_OPEN'
  /** Failed too often in a row: not called (its failure policy applies) until the circuit half-opens. */
  | 'OPEN';

/** What an app's webhook is sent for. */
export type AppEvent =
  /** A batchTransitionRefunds run finished and its report was stored: sent once per batch. The document selects `refundBatchProgress(batchId: $batchId)` and declares `$batchId: ID!`, which the platform supplies; it reads the summary, e.g. `subscription ($batchId: ID!) { refundBatchProgress(batchId: $batchId) { batch { id action total succeeded failed } } }`. */
  | 'REFUND_BATCH_FINISHED'
  /** Units of a refund's line items passed inspection (the PASS_INSPECTION transition): an inventory system puts them back on sale. The document reads them as `refund { items { orderItem { sku } inspection { passedQuantity } } }`. */
  | 'REFUND_ITEMS_RESTOCKED'
  /** A refund was requested (its first transition, from nothing to REQUESTED). */
  | 'REFUND_REQUESTED'
  /** A refund moved from one status to another (every transition but the request). */
  | 'REFUND_TRANSITIONED';

/** What an app may do. Its token acts with its creator's role, narrowed to these. */
export type AppPermission =
  /** Read customers (names, tiers). */
  | 'READ_CUSTOMERS'
  /** Read orders and their items. */
  | 'READ_ORDERS'
  /** Read refunds, their transitions, items, shipments and reason tags. */
  | 'READ_REFUNDS'
  /** Take staff actions on refunds (transitionRefund, batchTransitionRefunds), as its creator's role may. */
  | 'TRANSITION_REFUNDS';

/** Where a webhook delivery stands. */
export type AppWebhookDeliveryStatus =
  /** Every attempt failed: redeliverWebhook sends it again. */
  | 'DEAD'
  /** The receiver answered 2xx. */
  | 'DELIVERED'
  /** Queued, or failed and waiting for its next attempt. */
  | 'PENDING';

/** Over a person's approval limit: REFUSE with APPROVAL_LIMIT_EXCEEDED, or SEND_TO_FINANCE (the refund goes to PENDING_FINANCE with that amount, for a second person). */
export type ApprovalOverLimit =
  /** Refuse the action with APPROVAL_LIMIT_EXCEEDED. */
  | 'REFUSE'
  /** Take the action, and send the refund to PENDING_FINANCE for a second person. */
  | 'SEND_TO_FINANCE';

/** Refunds to put in a staff member's queue (or take out of every queue). */
export type AssignRefundsInput = {
  /** Instead of refundIds: every refund it matches, at most 50. */
  filter?: InputMaybe<RefundFilter>;
  /** An active StaffMember of the shop; null unassigns. */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** At most 50. */
  refundIds?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** What a rule does when it matches. */
export type AutomationActionInput = {
  /** The kind of action; each other field says which kind takes it. */
  kind: AutomationActionKind;
  /** TAG: a label (src/domain/labels.ts rules: letters, digits, space, - _ : . ; up to 40). */
  label?: InputMaybe<Scalars['String']['input']>;
  /** ASSIGN: the member whose queue; NOTIFY: the member whose inbox (or recipientRole). */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** NOTIFY: up to 500 characters; may use {{rule}}, {{status}}, {{refundId}}. */
  message?: InputMaybe<Scalars['String']['input']>;
  /** NOTIFY: every member of this role (or memberId). */
  recipientRole?: InputMaybe<AutomationNotifyRole>;
  /** TRANSITION: the refund action to take; it must be possible from the trigger's status (ACTION_NOT_ALLOWED_FROM_TRIGGER). */
  refundAction?: InputMaybe<RefundAction>;
};

/** What kind of thing a rule does when it matches. */
export type AutomationActionKind =
  /** Put the refund in a staff member's queue. */
  | 'ASSIGN'
  /** REQUESTED only: no refund at once, the request goes to review. */
  | 'HOLD'
  /** Leave `message` in a staff inbox (`staffNotifications`): the member's (`memberId`) or every member's of `recipientRole`, committed with the transition that triggered the rule. */
  | 'NOTIFY'
  /** Put `label` on the refund (`Refund.labels`). */
  | 'TAG'
  /** Take `refundAction` in the rule's name. */
  | 'TRANSITION';

/** One condition of a rule: a refund fact compared with a value. */
export type AutomationConditionInput = {
  /** One of amount, refundType, shippingStatus, reasonCode, parentReasonCode, customerTier, riskLevel, hoursSincePayment, hoursSinceDelivery, refundsLast30Days, onCareList. */
  field: Scalars['String']['input'];
  /** How the fact is compared with `value`; not every operator applies to every field (OPERATOR_NOT_FOR_FIELD). */
  operator: AutomationOperator;
  /** A number, a string, or (IN) a list of them. */
  value: Scalars['JSON']['input'];
};

/** How a rule's conditions combine. */
export type AutomationMatch =
  /** Every condition must hold. */
  | 'ALL'
  /** At least one condition must hold. */
  | 'ANY';

/** A staff role whose every active member a NOTIFY rule writes to. */
export type AutomationNotifyRole =
  /** Customer service. */
  | 'AGENT'
  /** Finance. */
  | 'FINANCE'
  /** The shop's admins. */
  | 'SHOP_ADMIN'
  /** The warehouse. */
  | 'WAREHOUSE';

/** How a condition compares a refund fact with its value; a fact that is unknown never holds. */
export type AutomationOperator =
  /** Equal to the value. */
  | 'EQ'
  /** Greater than the value (numbers). */
  | 'GT'
  /** At least the value (numbers). */
  | 'GTE'
  /** One of the values of a list. */
  | 'IN'
  /** Less than the value (numbers). */
  | 'LT'
  /** At most the value (numbers). */
  | 'LTE'
  /** Not equal to the value. */
  | 'NEQ';

/** A customer's refund risk, as rules compare it (the crm-risk plugin sets it). */
export type AutomationRiskLevel =
  /** High refund risk, as the shop's CRM marks it. */
  | 'HIGH'
  /** Low refund risk; also a customer with no level recorded. */
  | 'LOW'
  /** Medium refund risk. */
  | 'MEDIUM';

/** When a rule runs. */
export type AutomationTrigger =
  /** When a refund enters the rule's `status`. */
  | 'ENTERS_STATUS'
  /** On a new request, before it is classified: the rule may approve it at once or hold it for review. */
  | 'REQUESTED';

/** One action on many refunds: name them by `refundIds` or by a `filter`, not both. */
export type BatchTransitionRefundsInput = {
  /** The action to take on every refund (as in `transitionRefund`). */
  action: RefundAction;
  /** APPROVE / PASS_INSPECTION: the amount for every refund (minor units). */
  amount?: InputMaybe<Scalars['Int']['input']>;
  /** The refunds the filter matches (at most 50, oldest first). */
  filter?: InputMaybe<RefundFilter>;
  /** A resent batch with the same key answers the first batch's report. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Why: recorded on every refund's transition; required by REJECT, FAIL_INSPECTION, FINANCE_REJECT. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** The refunds, at most 50. Give refundIds or filter, not both. */
  refundIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  /** Platform admins: the shop whose refunds these are. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** REFUND_COMPLETED: after a refund; REORDER: the exclusive offer when a wrong-size item is sent back. */
export type CouponKind =
  /** Issued after a refund ended REFUNDED: a goodwill coupon. */
  | 'REFUND_COMPLETED'
  /** The exclusive offer when a wrong-size item is sent back: to order the right size. */
  | 'REORDER';

/** A new API token. */
export type CreateApiTokenInput = {
  /** Required for CUSTOMER tokens: the customer they act as. */
  customerId?: InputMaybe<Scalars['ID']['input']>;
  /** After this the token is refused; omitted: no expiry. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** A name for people (e.g. who holds it), recorded as the actor's name of what the token does. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** What the token may do; CUSTOMER needs `customerId`. */
  role: Role;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** Staff tokens: the active member of the shop they belong to, of the same role. */
  staffMemberId?: InputMaybe<Scalars['ID']['input']>;
};

/** A new synchronous check of an app. */
export type CreateAppCheckInput = {
  /** The actions asked about: the ones people take (APPROVE, FINANCE_APPROVE, …). */
  actions: Array<RefundAction>;
  /** The app's global id (`App.id`). */
  appId: Scalars['ID']['input'];
  /** What a failed call counts as; default CONTINUE. */
  onFailure?: InputMaybe<AppCheckFailurePolicy>;
  /** Signs each call (X-Refund-Signature); write-only, 24 to 256 characters. */
  secret: Scalars['String']['input'];
  /** Must pass the outbound rules (a public address, or one OUTBOUND_ALLOW_HOSTS permits). */
  targetUrl: Scalars['String']['input'];
  /** How long a transition waits for the answer: 100 to 5000, default 2000. */
  timeoutMs?: InputMaybe<Scalars['Int']['input']>;
};

/** A new app of the shop. */
export type CreateAppInput = {
  /** The app's name. */
  name: Scalars['String']['input'];
  /** Each must be held by the caller's role. */
  permissions: Array<AppPermission>;
  /** Needed for platform admins. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** A new webhook of an app. */
export type CreateAppWebhookInput = {
  /** The app's global id (`App.id`). */
  appId: Scalars['ID']['input'];
  /** The event that triggers it. */
  event: AppEvent;
  /** A subscription document selecting refundEvents, e.g. `subscription { refundEvents { to refund { status } } }` (for REFUND_BATCH_FINISHED: `refundBatchProgress(batchId: $batchId)` with `$batchId: ID!`): its data for each event is the body. Checked against the app's permissions. */
  query: Scalars['String']['input'];
  /** Signs every POST (X-Refund-Signature); at least 24 characters; write-only. */
  secret: Scalars['String']['input'];
  /** Where to POST: a public http(s) URL (OUTBOUND_ALLOW_HOSTS permits others). */
  targetUrl: Scalars['String']['input'];
};

/** A new automation rule; `name`, `trigger` and `action` are required. */
export type CreateAutomationRuleInput = {
  /** What the rule does. */
  action?: InputMaybe<AutomationActionInput>;
  /** The conditions; none: always matches. */
  conditions?: InputMaybe<Array<AutomationConditionInput>>;
  /** false keeps the rule without running it. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** ALL (default): every condition must hold; ANY: one is enough. */
  match?: InputMaybe<AutomationMatch>;
  /** The rule's name, unique in the shop (DUPLICATE_RULE_NAME). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Lower runs first. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** The shop: a platform admin names it; shop admins act on their own. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** ENTERS_STATUS: the status entered. */
  status?: InputMaybe<RefundStatus>;
  /** true: when it matches, later rules do not run for that event. */
  stopAfterMatch?: InputMaybe<Scalars['Boolean']['input']>;
  /** When the rule runs: REQUESTED (a new request) or ENTERS_STATUS (with `status`). */
  trigger?: InputMaybe<AutomationTrigger>;
};

/** A new reason tag (or sub-reason) of the shop. */
export type CreateReasonTagInput = {
  /** 2–40 characters of A–Z, 0–9 and _, starting with a letter; unique in the shop, never changes. */
  code: Scalars['String']['input'];
  /** 1–40 characters. */
  label: Scalars['String']['input'];
  /** A top-level tag to make this a sub-reason of (the tree is two levels deep). */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** Needed for platform admins; shop admins act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** A new return address of the shop. */
export type CreateReturnAddressInput = {
  /** City of the address. */
  city: Scalars['String']['input'];
  /** District of the address. */
  district?: InputMaybe<Scalars['String']['input']>;
  /** Absent: the default if it is the shop's first address. A later address is made the default with updateReturnAddress. */
  isDefault?: InputMaybe<Scalars['Boolean']['input']>;
  /** The warehouse's name. */
  label: Scalars['String']['input'];
  /** The recipient's phone number, as the carrier needs it. */
  phone: Scalars['String']['input'];
  /** Postal code. */
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** Province (or state) of the address. */
  province: Scalars['String']['input'];
  /** Who receives the parcel (a person or the warehouse's name). */
  recipient: Scalars['String']['input'];
  /** What the parcel must hold, e.g. "unworn, tags attached, all accessories". */
  requirements?: InputMaybe<Scalars['String']['input']>;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** Street and number (the rest of the address line). */
  street: Scalars['String']['input'];
};

/** A new shop. */
export type CreateShopInput = {
  /** ISO-4217 code, e.g. CNY */
  currency: Scalars['String']['input'];
  /** The shop's name. */
  name: Scalars['String']['input'];
};

/** A new staff member of a shop. */
export type CreateStaffMemberInput = {
  /** The member's name. */
  name: Scalars['String']['input'];
  /** SHOP_ADMIN, AGENT, WAREHOUSE or FINANCE; the member's tokens have this role. */
  role: Role;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** Narrows `customers`. */
export type CustomerFilter = {
  /** true: on the care list now; false: not on it. */
  inCare?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The check to delete. */
export type DeleteAppCheckInput = {
  /** The check's global id (`AppCheck.id`). */
  checkId: Scalars['ID']['input'];
};

/** The app to delete. */
export type DeleteAppInput = {
  /** The app's global id (`App.id`). */
  appId: Scalars['ID']['input'];
};

/** The webhook to delete. */
export type DeleteAppWebhookInput = {
  /** The webhook's global id (`AppWebhook.id`). */
  webhookId: Scalars['ID']['input'];
};

/** The rule to delete. */
export type DeleteAutomationRuleInput = {
  /** The rule's global id (`AutomationRule.id`). */
  ruleId: Scalars['ID']['input'];
};

/** A handling-time bucket of the dashboard. */
export type HandlingTimeBucketKey =
  /** 1 to 3 days. */
  | 'ONE_TO_THREE_DAYS'
  /** More than 7 days. */
  | 'OVER_SEVEN_DAYS'
  /** 3 to 7 days. */
  | 'THREE_TO_SEVEN_DAYS'
  /** Less than 24 hours. */
  | 'UNDER_24H';

/** The facts of a refund that does not exist; a fact left out is unknown (a condition on it does not hold). */
export type HypotheticalRefundInput = {
  /** The requested amount in minor units. */
  amount?: InputMaybe<Scalars['Int']['input']>;
  /** The customer's tier (e.g. VIP). */
  customerTier?: InputMaybe<Scalars['String']['input']>;
  /** Leave out for an order not delivered (unknown). */
  hoursSinceDelivery?: InputMaybe<Scalars['Int']['input']>;
  /** Hours since the order was paid. */
  hoursSincePayment?: InputMaybe<Scalars['Int']['input']>;
  /** The code of the reason's parent tag, for a sub-reason. */
  parentReasonCode?: InputMaybe<Scalars['String']['input']>;
  /** The reason tag's code. */
  reasonCode?: InputMaybe<Scalars['String']['input']>;
  /** The refund's type. */
  refundType?: InputMaybe<RefundType>;
  /** How many refunds the customer asked for in the last 30 days. */
  refundsLast30Days?: InputMaybe<Scalars['Int']['input']>;
  /** The customer's refund risk level. */
  riskLevel?: InputMaybe<AutomationRiskLevel>;
  /** The order's shipping status. */
  shippingStatus?: InputMaybe<OrderShippingStatus>;
  /** The status the refund enters (default REQUESTED): whose rules run. */
  status?: InputMaybe<RefundStatus>;
};

/** The inspection result of one refund item (PASS_INSPECTION). */
export type ItemResultInput = {
  /** What the warehouse found, e.g. why units failed. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** Units that passed: 0 to the item's quantity; the rest failed. */
  passedQuantity: Scalars['Int']['input'];
  /** A `RefundItem.id` of the refund. */
  refundItemId: Scalars['ID']['input'];
};

/** WEBHOOK: POSTed to the shop's gateway (SMS, app push); IN_APP: read here only; WECHAT_SUBSCRIPTION: a WeChat subscription message (订阅消息) to the customer's openid. */
export type NotificationChannel =
  /** Read in the app only (`Refund.notifications`). */
  | 'IN_APP'
  /** POSTed to the shop's gateway (SMS, app push). */
  | 'WEBHOOK'
  /** A WeChat subscription message to the customer's openid. */
  | 'WECHAT_SUBSCRIPTION';

/** PENDING until the webhook or WeChat accepted it (retried with backoff); CANCELLED when the channel was removed meanwhile; FAILED: will not be sent, not retried (failureCode says why). */
export type NotificationStatus =
  /** Not sent: the channel was removed meanwhile. */
  | 'CANCELLED'
  /** Will not be sent and is not retried; `failureCode` says why. */
  | 'FAILED'
  /** Not accepted yet by the webhook or WeChat; retried with backoff. */
  | 'PENDING'
  /** Accepted by the channel (or, IN_APP, stored to be read). */
  | 'SENT';

/** Narrows `orders`: every field given must match. */
export type OrderFilter = {
  /** The orders of this Customer. */
  customerId?: InputMaybe<Scalars['ID']['input']>;
  /** true: orders with at least one refund (any status); false: orders with none. */
  hasRefunds?: InputMaybe<Scalars['Boolean']['input']>;
  /** Paid at or after this instant. */
  paidAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Paid before this instant. */
  paidBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Part of the order's externalId (case-insensitive). */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Orders in any of these shipping statuses. */
  shippingStatuses?: InputMaybe<Array<OrderShippingStatus>>;
  /** Required for platform admins: whose orders. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** One line of an order, as the shop's order system sends it. */
export type OrderItemInput = {
  /** The shop's product category: return policies may be set per category (`setReturnPolicy`). */
  category?: InputMaybe<Scalars['String']['input']>;
  /** The product's name, shown to staff and the customer. */
  name: Scalars['String']['input'];
  /** Units bought: a positive whole number. */
  quantity: Scalars['Int']['input'];
  /** The product's SKU. */
  sku: Scalars['String']['input'];
  /** Minor units. */
  unitPrice: Scalars['Int']['input'];
  /** Other SKUs the customer may exchange this item for; kept as given, fixed once refunds name the item. */
  variants?: InputMaybe<Array<OrderItemVariantInput>>;
};

/** Another SKU an order item may be exchanged for. */
export type OrderItemVariantInput = {
  /** The variant's SKU (not the item's own). */
  sku: Scalars['String']['input'];
  /** Minor units: at most the item's for an exchange to be possible without a payment. */
  unitPrice: Scalars['Int']['input'];
};

/** How far the order's parcel got, as the shop's order system reports it (`upsertOrder`). A new refund of a NOT_SHIPPED order is refunded at once. */
export type OrderShippingStatus =
  /** The carrier delivered the parcel. */
  | 'DELIVERED'
  /** The parcel has not left the shop. */
  | 'NOT_SHIPPED'
  /** The parcel is with the carrier. */
  | 'SHIPPED';

/** PENDING: to be sent (or no answer yet: it is queried before anything is sent again). PROCESSING: the provider accepted it and has not settled; the refund stays REFUNDING until its notification or a query settles it. SUCCEEDED / FAILED: settled. */
export type PaymentAttemptStatus =
  /** The provider refused or failed it (PAYMENT_FAILED: the refund is REFUND_FAILED until finance retries). */
  | 'FAILED'
  /** To be sent, or sent with no answer yet. */
  | 'PENDING'
  /** The provider accepted it and has not settled yet. */
  | 'PROCESSING'
  /** The money went back (PAYMENT_SUCCEEDED). */
  | 'SUCCEEDED';

/** What an order was paid with, at which provider. */
export type PaymentInput = {
  /** The provider the customer paid at; its plugin must be loaded (else UNKNOWN_PAYMENT_PROVIDER). */
  provider: PaymentProvider;
  /** The provider's id of the payment (WeChat Pay transaction_id, Alipay trade_no, Stripe payment intent); SANDBOX may leave it out. */
  reference?: InputMaybe<Scalars['String']['input']>;
  /** Minor units: the payment's whole amount, which refunds of it (partial ones added up) may not exceed. */
  totalAmount: Scalars['Int']['input'];
};

/** Where money goes back: SANDBOX (built in, the default), or a provider a plugin registers (WECHAT_PAY, ALIPAY, STRIPE); a provider whose plugin is not loaded is refused with UNKNOWN_PAYMENT_PROVIDER. */
export type PaymentProvider =
  /** Alipay (the alipay plugin). */
  | 'ALIPAY'
  /** The built-in provider: settles at once, moves no real money (demo and tests; orders with no payment). */
  | 'SANDBOX'
  /** Stripe (the stripe plugin). */
  | 'STRIPE'
  /** WeChat Pay (the wechat-pay plugin). */
  | 'WECHAT_PAY';

/** Where a plugin hook's delivery stands. */
export type PluginDeliveryStatus =
  /** It kept failing and is no longer tried: retry it with retryPluginDelivery. */
  | 'DEAD'
  /** The hook succeeded. */
  | 'DELIVERED'
  /** Queued, or failed and waiting for its next try (with backoff). */
  | 'PENDING';

/** The customer's verdict on an ended refund. */
export type RateRefundInput = {
  /** The customer's words about how the refund was handled. */
  comment?: InputMaybe<Scalars['String']['input']>;
  /** The refund's global id (`Refund.id`): an ended refund of the customer's own. */
  refundId: Scalars['ID']['input'];
  /** 1 to 5. */
  score: Scalars['Int']['input'];
};

/** A failed refund that finance paid back by hand. */
export type RecordManualRefundInput = {
  /** How the money went back. */
  note: Scalars['String']['input'];
  /** The reference of the money sent by hand (bank transfer, the provider's console). */
  reference: Scalars['String']['input'];
  /** The refund's global id (`Refund.id`): a REFUND_FAILED refund. */
  refundId: Scalars['ID']['input'];
};

/** The dead delivery to send again. */
export type RedeliverWebhookInput = {
  /** The delivery's global id (`AppWebhookDelivery.id`). */
  deliveryId: Scalars['ID']['input'];
};

/** A step of the refund workflow, taken with `transitionRefund` (or by the platform). Each value says who may take it from which status; `Refund.availableActions` lists those the current viewer may take now. */
export type RefundAction =
  /**
   * The customer accepts one of `Refund.resolutionOptions` (`optionId`).
   *
   * Who may take it, from which status (the state machine's table):
   * - from AWAITING_CUSTOMER → PENDING_FINANCE when KEEP_ITEM_WITH_COMPENSATION is accepted, AWAITING_RETURN when RETURN_WITH_FULL_REFUND is accepted; by CUSTOMER; inputs: `optionId` required.
   */
  | 'ACCEPT_OFFER'
  /**
   * Customer service accepts the request (optionally for a lower `amount`: a partial refund).
   *
   * Who may take it, from which status (the state machine's table):
   * - from PENDING_REVIEW → AWAITING_WAREHOUSE for REFUND_ONLY, AWAITING_RETURN for RETURN_AND_REFUND, AWAITING_RETURN for EXCHANGE; by PLATFORM_ADMIN, SHOP_ADMIN, AGENT or the platform (rules, timers, plugins); inputs: `amount` optional.
   */
  | 'APPROVE'
  /**
   * The customer withdraws the request (or the shop's timer does, when the customer stays silent).
   *
   * Who may take it, from which status (the state machine's table):
   * - from REQUESTED → CANCELLED; by CUSTOMER.
   * - from PENDING_REVIEW → CANCELLED; by CUSTOMER.
   * - from AWAITING_WAREHOUSE → CANCELLED; by CUSTOMER.
   * - from AWAITING_CUSTOMER → CANCELLED; by CUSTOMER or the platform (rules, timers, plugins).
   * - from AWAITING_RETURN → CANCELLED; by CUSTOMER or the platform (rules, timers, plugins).
   */
  | 'CANCEL'
  /**
   * The platform sorts a new request: an unshipped order is refunded at once, a shipped one goes to review.
   *
   * Who may take it, from which status (the state machine's table):
   * - from REQUESTED (REFUND_ONLY, RETURN_AND_REFUND) → REFUNDING when the order is NOT_SHIPPED, PENDING_REVIEW when the order is SHIPPED, PENDING_REVIEW when the order is DELIVERED; by the platform (rules, timers, plugins).
   * - from REQUESTED (EXCHANGE) → PENDING_REVIEW; by the platform (rules, timers, plugins).
   */
  | 'CLASSIFY'
  /**
   * The warehouse confirms the parcel never reached the customer (refund-only requests).
   *
   * Who may take it, from which status (the state machine's table):
   * - from AWAITING_WAREHOUSE → PENDING_FINANCE; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins).
   */
  | 'CONFIRM_NOT_RECEIVED'
  /**
   * The returned item failed inspection; `note` says why.
   *
   * Who may take it, from which status (the state machine's table):
   * - from INSPECTING → REJECTED; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins); inputs: `note` required.
   */
  | 'FAIL_INSPECTION'
  /**
   * Finance releases the money: the payment to the original payment route starts.
   *
   * Who may take it, from which status (the state machine's table):
   * - from PENDING_FINANCE → REFUNDING; by PLATFORM_ADMIN, SHOP_ADMIN, FINANCE or the platform (rules, timers, plugins).
   */
  | 'FINANCE_APPROVE'
  /**
   * Finance refuses to pay, with a `note`.
   *
   * Who may take it, from which status (the state machine's table):
   * - from PENDING_FINANCE → REJECTED; by PLATFORM_ADMIN, SHOP_ADMIN, FINANCE or the platform (rules, timers, plugins); inputs: `note` required.
   */
  | 'FINANCE_REJECT'
  /**
   * Customer service offers the customer options to settle a dispute (`offerOptions`): a full refund with the return paid by the shop, or keep the item with a compensation.
   *
   * Who may take it, from which status (the state machine's table):
   * - from PENDING_REVIEW (REFUND_ONLY, RETURN_AND_REFUND) → AWAITING_CUSTOMER; by PLATFORM_ADMIN, SHOP_ADMIN, AGENT or the platform (rules, timers, plugins); inputs: `offerOptions` required.
   */
  | 'OFFER_RESOLUTION'
  /**
   * The returned item passed inspection (optionally per item with `itemResults`, or a lower `amount`).
   *
   * Who may take it, from which status (the state machine's table):
   * - from INSPECTING (REFUND_ONLY, RETURN_AND_REFUND) → PENDING_FINANCE; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins); inputs: `amount` optional, `itemResults` optional.
   * - from INSPECTING (EXCHANGE) → AWAITING_REPLACEMENT; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins).
   */
  | 'PASS_INSPECTION'
  /**
   * The payment provider declined or failed the refund payment.
   *
   * Who may take it, from which status (the state machine's table):
   * - from REFUNDING → REFUND_FAILED; by the platform (rules, timers, plugins).
   */
  | 'PAYMENT_FAILED'
  /**
   * The payment provider confirmed that the money went back.
   *
   * Who may take it, from which status (the state machine's table):
   * - from REFUNDING (REFUND_ONLY, RETURN_AND_REFUND) → REFUNDED; by the platform (rules, timers, plugins).
   * - from REFUNDING (EXCHANGE) → EXCHANGED; by the platform (rules, timers, plugins).
   */
  | 'PAYMENT_SUCCEEDED'
  /**
   * The warehouse received the returned parcel.
   *
   * Who may take it, from which status (the state machine's table):
   * - from RETURN_IN_TRANSIT → INSPECTING; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins).
   */
  | 'RECEIVE_RETURN'
  /**
   * The request is refused, with a `note` saying why (shown to the customer).
   *
   * Who may take it, from which status (the state machine's table):
   * - from PENDING_REVIEW → REJECTED; by PLATFORM_ADMIN, SHOP_ADMIN, AGENT or the platform (rules, timers, plugins); inputs: `note` required.
   * - from AWAITING_WAREHOUSE → REJECTED; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins); inputs: `note` required.
   */
  | 'REJECT'
  /**
   * The customer (or staff for them) asked for the refund: the first transition of every refund, recorded by `requestRefund`.
   *
   * Not taken with `transitionRefund`: it is recorded by `requestRefund`.
   */
  | 'REQUEST'
  /**
   * Finance sends a failed refund payment again.
   *
   * Who may take it, from which status (the state machine's table):
   * - from REFUND_FAILED → REFUNDING; by PLATFORM_ADMIN, SHOP_ADMIN, FINANCE or the platform (rules, timers, plugins).
   */
  | 'RETRY_PAYMENT'
  /**
   * The warehouse ships an exchange's replacement (`carrier` and `trackingNumber`).
   *
   * Who may take it, from which status (the state machine's table):
   * - from AWAITING_REPLACEMENT (EXCHANGE) → REFUNDING when a cheaper variant's difference is to be refunded, else EXCHANGED; by PLATFORM_ADMIN, SHOP_ADMIN, WAREHOUSE or the platform (rules, timers, plugins); inputs: `replacementShipment` required.
   */
  | 'SHIP_REPLACEMENT'
  /**
   * The customer ships the item back and gives the `carrier` and `trackingNumber`.
   *
   * Who may take it, from which status (the state machine's table):
   * - from AWAITING_RETURN (REFUND_ONLY, RETURN_AND_REFUND) → PENDING_FINANCE for a customer refunded before receipt (shop setting), else RETURN_IN_TRANSIT; by CUSTOMER; inputs: `returnShipment` required.
   * - from AWAITING_RETURN (EXCHANGE) → RETURN_IN_TRANSIT; by CUSTOMER; inputs: `returnShipment` required.
   */
  | 'SUBMIT_RETURN_SHIPMENT';

/** Narrows `refundEvents`; left out: every transition of the shop. */
export type RefundEventFilter = {
  /** Only transitions of these actions. */
  actions?: InputMaybe<Array<RefundAction>>;
  /** Required for platform admins: whose events. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** Only transitions into these statuses. */
  statuses?: InputMaybe<Array<RefundStatus>>;
};

/** Narrows `refunds`: every field given must match (AND); a list matches any of its values (OR). Left out: no constraint. */
export type RefundFilter = {
  /** `ME` (the token's staff member), `UNASSIGNED`, or a StaffMember id. */
  assignedTo?: InputMaybe<Scalars['String']['input']>;
  /** Requested at or after this instant (ISO 8601). */
  createdAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Requested before this instant (ISO 8601). */
  createdBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** One customer's refunds (a `Customer.id`); an id of another type matches nothing. */
  customerId?: InputMaybe<Scalars['ID']['input']>;
  /** Refunds carrying any of these labels (staff only). */
  labels?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Rated at or after this time. */
  ratedAfter?: InputMaybe<Scalars['DateTime']['input']>;
  /** Rated before this time. */
  ratedBefore?: InputMaybe<Scalars['DateTime']['input']>;
  /** Rated at most this score (1–5), e.g. ratingMax: 2 for the unhappy ones; only rated refunds match. */
  ratingMax?: InputMaybe<Scalars['Int']['input']>;
  /** Rated at least this score (1–5); only rated refunds match. */
  ratingMin?: InputMaybe<Scalars['Int']['input']>;
  /** Reason tag codes; a top-level reason also matches refunds tagged with its sub-reasons. */
  reasonCodes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Order reference, customer name or reference, or description. */
  search?: InputMaybe<Scalars['String']['input']>;
  /** Refunds whose order's parcel is in any of these shipping statuses (e.g. NOT_SHIPPED for the “refund at once” pile). */
  shippingStatuses?: InputMaybe<Array<OrderShippingStatus>>;
  /** true: past their deadline; false: not (or no deadline). */
  slaBreached?: InputMaybe<Scalars['Boolean']['input']>;
  /** Refunds in any of these statuses. */
  statuses?: InputMaybe<Array<RefundStatus>>;
  /** Refunds of any of these types. */
  types?: InputMaybe<Array<RefundType>>;
};

/** Some units of one order item to refund (or exchange). */
export type RefundItemInput = {
  /** EXCHANGE only (and required there): the variant wanted instead, one of `OrderItem.variants`. */
  exchangeSku?: InputMaybe<Scalars['String']['input']>;
  /** An `OrderItem.id` of the order. */
  orderItemId: Scalars['ID']['input'];
  /** Units to refund: at least 1, at most what is left of the item. */
  quantity: Scalars['Int']['input'];
};

/** Labels to add to or take off one refund. */
export type RefundLabelsInput = {
  /** Each up to 40 characters: letters, digits, spaces, '-', '_', ':' and '.'; stored trimmed and lower-cased. */
  labels: Array<Scalars['String']['input']>;
  /** The refund's global id (`Refund.id`). */
  refundId: Scalars['ID']['input'];
};

/** The order of `refunds`; ties are broken by id, so paging is stable. */
export type RefundOrderBy =
  /** Oldest request first: a queue's first-come order. */
  | 'CREATED_AT_ASC'
  /** Newest request first (the default). */
  | 'CREATED_AT_DESC'
  /** Smallest requested amount first. */
  | 'REQUESTED_AMOUNT_ASC'
  /** Largest requested amount first. */
  | 'REQUESTED_AMOUNT_DESC'
  /** The deadline that breaches next first (`slaDueAt`); refunds without a deadline last. */
  | 'SLA_DUE_AT_ASC'
  /** Most recently changed first. */
  | 'UPDATED_AT_DESC';

/** A customer's refund risk band, by the score's thresholds in the shop's crm-risk settings. */
export type RefundRiskLevel =
  /** At or above the high threshold: a high refund-risk customer (pushed to the shop's CRM). */
  | 'HIGH'
  /** Below the medium threshold. */
  | 'LOW'
  /** At or above the medium threshold, below the high one. */
  | 'MEDIUM';

/** Where a refund stands. Each value says what the customer should be shown and which actions may follow; REFUNDED, REJECTED, CANCELLED and EXCHANGED are terminal. */
export type RefundStatus =
  /** The shop offered options (`resolutionOptions`) and waits for the customer to choose one. Show: “Action needed: choose an option”. Next actions: ACCEPT_OFFER, CANCEL. */
  | 'AWAITING_CUSTOMER'
  /** Exchange: the return passed inspection and the replacement is being prepared. Show: “Replacement being prepared”. Next actions: SHIP_REPLACEMENT. */
  | 'AWAITING_REPLACEMENT'
  /** Approved with a return: the customer must ship the item back and submit the tracking number. Show: “Action needed: send the item back” (with the shop's `returnAddress`). Next actions: SUBMIT_RETURN_SHIPMENT, CANCEL. */
  | 'AWAITING_RETURN'
  /** Refund-only: the warehouse checks that the parcel was not received. Show: “Being checked by the warehouse”. Next actions: CONFIRM_NOT_RECEIVED, REJECT, CANCEL. */
  | 'AWAITING_WAREHOUSE'
  /** Ended: withdrawn by the customer (or closed by the shop's timer after the customer stayed silent). Show: “Cancelled”. Terminal: no action follows (REFUND_TERMINAL). */
  | 'CANCELLED'
  /** Ended: the replacement was shipped (`replacementShipment`); a cheaper variant's difference was refunded. Show: “Exchanged”. Terminal: no action follows (REFUND_TERMINAL). */
  | 'EXCHANGED'
  /** The shop received the return and inspects it. Show: “Return received, being inspected”. Next actions: PASS_INSPECTION, FAIL_INSPECTION. */
  | 'INSPECTING'
  /** Approved; waiting for finance to release the money. Show: “Approved, refund being prepared”. Next actions: FINANCE_APPROVE, FINANCE_REJECT. */
  | 'PENDING_FINANCE'
  /** Waiting for customer service to review it. Show: “Under review”. Next actions: APPROVE, REJECT, OFFER_RESOLUTION, CANCEL. */
  | 'PENDING_REVIEW'
  /** Ended: the money went back (`refundedAmount`). Show: “Refunded”. Terminal: no action follows (REFUND_TERMINAL). */
  | 'REFUNDED'
  /** The money is being sent back to the original payment route. Show: “Refund on its way”. Next actions: PAYMENT_SUCCEEDED, PAYMENT_FAILED. */
  | 'REFUNDING'
  /** The payment provider failed the refund; finance will retry. Show: “Refund delayed” (no action for the customer). Next actions: RETRY_PAYMENT. */
  | 'REFUND_FAILED'
  /** Ended: refused; the reason is the `note` of the last transition. Show: “Refund declined” with that note. Terminal: no action follows (REFUND_TERMINAL). */
  | 'REJECTED'
  /** Just requested, being sorted by the platform. Show: “Request received”. Next actions: CLASSIFY, CANCEL. */
  | 'REQUESTED'
  /** The returned parcel is on its way to the shop (`returnShipment`). Show: “Return on its way”. Next actions: RECEIVE_RETURN. */
  | 'RETURN_IN_TRANSIT';

/** What the customer asks for. */
export type RefundType =
  /** The item goes back for another variant of it (`RefundItemInput.exchangeSku`); money moves only when the variant is cheaper. */
  | 'EXCHANGE'
  /** Money back without sending anything back (e.g. the parcel never arrived, or the order has not shipped). */
  | 'REFUND_ONLY'
  /** The customer ships the item back; the money follows the warehouse's inspection. */
  | 'RETURN_AND_REFUND';

/** A refund request for one order. */
export type RequestRefundInput = {
  /** Minor units; defaults to what is still refundable on the order, or with `items` to their paid value. */
  amount?: InputMaybe<Scalars['Int']['input']>;
  /** The customer's own words about the problem, shown to staff. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Repeating a request with the same key returns the first refund. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** Some units of some order items; left out: the whole order. */
  items?: InputMaybe<Array<RefundItemInput>>;
  /** The order's global id (`Order.id`); a CUSTOMER token may name only its own orders (another's answers NOT_FOUND). */
  orderId: Scalars['ID']['input'];
  /** Staff (AGENT, SHOP_ADMIN) only: request it although the return policy refuses it (RETURN_WINDOW_CLOSED, NOT_RETURNABLE); recorded as `Refund.policyOverride`. */
  overridePolicy?: InputMaybe<ReturnPolicyOverrideInput>;
  /** A code of `reasonTags`. */
  reasonCode: Scalars['String']['input'];
  /** What the customer asks for: money only, return and refund, or an exchange. */
  type: RefundType;
};

/** An option customer service offers to settle a dispute (OFFER_RESOLUTION). */
export type ResolutionKind =
  /** The customer keeps the item and gets the offered `amount` as compensation. */
  | 'KEEP_ITEM_WITH_COMPENSATION'
  /** The customer returns the item, the shop pays the return shipping, and the full amount is refunded. */
  | 'RETURN_WITH_FULL_REFUND';

/** One option offered with OFFER_RESOLUTION. */
export type ResolutionOfferInput = {
  /** Minor units; required for a compensation, defaults to the requested amount otherwise. */
  amount?: InputMaybe<Scalars['Int']['input']>;
  /** What is offered: return with a full refund (the shop pays the return shipping), or keep the item with a compensation. */
  kind: ResolutionKind;
};

/** The dead delivery to send again. */
export type RetryPluginDeliveryInput = {
  /** The delivery's global id (`PluginDelivery.id`). */
  deliveryId: Scalars['ID']['input'];
};

/** The refund whose dead timer to run again. */
export type RetryRefundTimerInput = {
  /** The `refund { id }` of a timerDeadLetters entry. */
  refundId: Scalars['ID']['input'];
};

/** Goods that come back only with a quality problem. */
export type ReturnExemption =
  /** Digital goods (downloads, codes). */
  | 'DIGITAL'
  /** Fresh food. */
  | 'FRESH_FOOD'
  /** Goods made to the customer's order. */
  | 'MADE_TO_ORDER'
  /** Hygiene goods once opened. */
  | 'OPENED_HYGIENE';

/** Staff setting the return policy aside for one request, and why. */
export type ReturnPolicyOverrideInput = {
  /** Why the policy is set aside. */
  reason: Scalars['String']['input'];
};

/** Which items a return policy covers. */
export type ReturnPolicyScope =
  /** Items of one category. */
  | 'CATEGORY'
  /** No policy stored: the platform's default. */
  | 'DEFAULT'
  /** Shop-wide. */
  | 'SHOP'
  /** Items whose SKU matches a pattern. */
  | 'SKU';

/** Which window of a return policy a reason falls under. */
export type ReturnReasonClass =
  /** The customer's choice (e.g. CHANGED_MIND). */
  | 'NO_REASON'
  /** A quality problem (e.g. NOT_AS_DESCRIBED): the longer window, exemptions do not apply. */
  | 'QUALITY';

/** The token to revoke. */
export type RevokeApiTokenInput = {
  /** The token's global id (`ApiToken.id`). */
  tokenId: Scalars['ID']['input'];
};

/** What an API token may do. Staff roles (PLATFORM_ADMIN, SHOP_ADMIN, AGENT, WAREHOUSE, FINANCE) see the whole shop; CUSTOMER sees its own refunds only. */
export type Role =
  /** Customer service of one shop: reviews requests (APPROVE, REJECT, OFFER_RESOLUTION), works its queue. */
  | 'AGENT'
  /** One customer of one shop: sees and acts on its own refunds and orders only. */
  | 'CUSTOMER'
  /** Finance of one shop: releases or refuses the money (FINANCE_APPROVE, FINANCE_REJECT), retries failed payments. */
  | 'FINANCE'
  /** A shop's order system: syncs customers and orders (`upsertCustomer`, `upsertOrder`); takes no refund action. */
  | 'INTEGRATION'
  /** Runs the platform: every shop, and every staff action of any shop (names the shop with `shopId`). */
  | 'PLATFORM_ADMIN'
  /** Runs one shop: its settings, tokens, staff, rules, and every staff action on its refunds. */
  | 'SHOP_ADMIN'
  /** The warehouse of one shop: confirms parcels not received, receives and inspects returns, ships replacements. */
  | 'WAREHOUSE';

/** The token to give a new secret. */
export type RotateApiTokenInput = {
  /** The new expiry; omitted: the old one stays. */
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The token's global id (`ApiToken.id`). */
  tokenId: Scalars['ID']['input'];
};

/** A webhook's new signing secret. */
export type RotateAppWebhookSecretInput = {
  /** The new secret the deliveries are signed with: 24 to 256 characters. */
  secret: Scalars['String']['input'];
  /** The webhook's global id (`AppWebhook.id`). */
  webhookId: Scalars['ID']['input'];
};

/** The largest amount a role, a staff member or the automation rules may approve alone. */
export type SetApprovalLimitInput = {
  /** true: the automation rules' and timers' limit. */
  automationRules?: InputMaybe<Scalars['Boolean']['input']>;
  /** Minor units, 0 to 100000000; null removes the limit. */
  maxAmount?: InputMaybe<Scalars['Int']['input']>;
  /** A StaffMember of the shop: its own limit, higher or lower than its role's. */
  memberId?: InputMaybe<Scalars['ID']['input']>;
  /** One of SHOP_ADMIN, AGENT, WAREHOUSE, FINANCE. */
  role?: InputMaybe<Role>;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** The shop's timer for one status: set it, or remove it (minutes null or 0). */
export type SetAutomationTimerInput = {
  /** The action to take; required with `minutes`. */
  action?: InputMaybe<RefundAction>;
  /** Minutes before the timer acts; null or 0 removes the timer of `status`. */
  minutes?: InputMaybe<Scalars['Int']['input']>;
  /** The actor name of its transitions; a default says what it does. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The shop: a platform admin names it; shop admins act on their own. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** The status a refund waits in. */
  status: RefundStatus;
};

/** The shop's account at one provider. */
export type SetPaymentAccountInput = {
  /** The provider's fields (docs/payments.md). A secret left out keeps its stored value; null removes it. Keys and certificates are checked when set. */
  account: Scalars['JSON']['input'];
  /** The provider; its plugin must be loaded (UNKNOWN_PAYMENT_PROVIDER). */
  provider: PaymentProvider;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** One return policy to set or remove: shop-wide, for a category, or for a SKU pattern. */
export type SetReturnPolicyInput = {
  /** The policy of this category (`OrderItemInput.category`); with no category and no skuPattern: the shop-wide policy. */
  category?: InputMaybe<Scalars['String']['input']>;
  /** One of FRESH_FOOD, MADE_TO_ORDER, DIGITAL, OPENED_HYGIENE; null: none (shop-wide's applies). */
  exemption?: InputMaybe<Scalars['String']['input']>;
  /** 1 to 365; absent: unchanged; null: the shop-wide (or default) value. */
  noReasonDays?: InputMaybe<Scalars['Int']['input']>;
  /** 1 to 365, not shorter than noReasonDays; absent: unchanged; null: the shop-wide (or default) value. */
  qualityDays?: InputMaybe<Scalars['Int']['input']>;
  /** Shop-wide only: reason codes that count as quality problems. */
  qualityReasonCodes?: InputMaybe<Array<Scalars['String']['input']>>;
  /** true: delete this policy (shop-wide: back to the default). */
  remove?: InputMaybe<Scalars['Boolean']['input']>;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** The policy of SKUs matching this pattern: letters, digits, . _ - / and * (any characters). */
  skuPattern?: InputMaybe<Scalars['String']['input']>;
  /** The policy's words, quoted to the customer (at most 500 characters). */
  terms?: InputMaybe<Scalars['String']['input']>;
};

/** The shop's deadline for one refund status. */
export type SetSlaPolicyInput = {
  /** 1 to 86400 (60 days); null or 0 removes the deadline. */
  minutes?: InputMaybe<Scalars['Int']['input']>;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** A non-terminal status. */
  status: RefundStatus;
};

/** The refund to run the rules over: `refundId`, or a hypothetical `refund`. */
export type SimulateAutomationRulesInput = {
  /** Instead of refundId: a hypothetical refund entering `status` (default REQUESTED); facts left out are unknown. */
  refund?: InputMaybe<HypotheticalRefundInput>;
  /** An existing refund: the rules of the status it is in, over its facts. */
  refundId?: InputMaybe<Scalars['ID']['input']>;
  /** For platform admins with a hypothetical refund. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** One action on one refund. Which fields an action needs is listed on each `RefundAction` value; a field the action does not take answers INVALID_INPUT. */
export type TransitionRefundInput = {
  /** The action to take; `Refund.availableActions` lists those the token may take now. */
  action: RefundAction;
  /** APPROVE / PASS_INSPECTION: a partial amount in minor units. */
  amount?: InputMaybe<Scalars['Int']['input']>;
  /** SUBMIT_RETURN_SHIPMENT, SHIP_REPLACEMENT */
  carrier?: InputMaybe<Scalars['String']['input']>;
  /** Act only if the refund is still at this version. */
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  /** Resending the same change with the same key (e.g. after a lost answer) returns the first answer instead of a VERSION_CONFLICT. */
  idempotencyKey?: InputMaybe<Scalars['String']['input']>;
  /** PASS_INSPECTION of a refund with items: one result per item; the approved amount follows unless `amount` is set. Left out: every unit passed. */
  itemResults?: InputMaybe<Array<ItemResultInput>>;
  /** Required for REJECT, FAIL_INSPECTION and FINANCE_REJECT. */
  note?: InputMaybe<Scalars['String']['input']>;
  /** OFFER_RESOLUTION */
  offerOptions?: InputMaybe<Array<ResolutionOfferInput>>;
  /** ACCEPT_OFFER: one of `Refund.resolutionOptions`. */
  optionId?: InputMaybe<Scalars['ID']['input']>;
  /** The refund's global id (`Refund.id`). */
  refundId: Scalars['ID']['input'];
  /** SUBMIT_RETURN_SHIPMENT, SHIP_REPLACEMENT */
  trackingNumber?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to an app; a field left out stays as it is. */
export type UpdateAppInput = {
  /** The app's global id (`App.id`). */
  appId: Scalars['ID']['input'];
  /** false: the app's token is refused, its webhooks are not sent and its live subscriptions end (CREDENTIAL_ENDED). */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** A new name. */
  name?: InputMaybe<Scalars['String']['input']>;
  /** The app's permissions from now on (at least one, each held by the role the app acts with). A live subscription of the app that reads what they no longer grant ends with CREDENTIAL_ENDED. */
  permissions?: InputMaybe<Array<AppPermission>>;
};

/** Changes to an automation rule; a field left out stays as it is. */
export type UpdateAutomationRuleInput = {
  /** What the rule does. */
  action?: InputMaybe<AutomationActionInput>;
  /** The conditions; none: always matches. */
  conditions?: InputMaybe<Array<AutomationConditionInput>>;
  /** false keeps the rule without running it. */
  enabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** ALL (default): every condition must hold; ANY: one is enough. */
  match?: InputMaybe<AutomationMatch>;
  /** The rule's name, unique in the shop (DUPLICATE_RULE_NAME). */
  name?: InputMaybe<Scalars['String']['input']>;
  /** Lower runs first. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** The rule's global id (`AutomationRule.id`). */
  ruleId: Scalars['ID']['input'];
  /** ENTERS_STATUS: the status entered. */
  status?: InputMaybe<RefundStatus>;
  /** true: when it matches, later rules do not run for that event. */
  stopAfterMatch?: InputMaybe<Scalars['Boolean']['input']>;
  /** When the rule runs: REQUESTED (a new request) or ENTERS_STATUS (with `status`). */
  trigger?: InputMaybe<AutomationTrigger>;
};

/** One plugin's settings for a shop. */
export type UpdatePluginSettingsInput = {
  /** The plugin's name (`Plugin.name`). */
  plugin: Scalars['String']['input'];
  /** Validated by the plugin's settings schema; omitted keys take defaults. */
  settings: Scalars['JSON']['input'];
  /** Needed for platform admins. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
};

/** Changes to a reason tag; a field left out stays as it is. Its `code` never changes. */
export type UpdateReasonTagInput = {
  /** true archives (kept on old refunds, refused for new requests); false brings it back. */
  archived?: InputMaybe<Scalars['Boolean']['input']>;
  /** The tag's global id (`ReasonTag.id`). */
  id: Scalars['ID']['input'];
  /** A new label, 1–40 characters. The code never changes. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** Move under this top-level tag; `null` makes the tag top-level; leave it out to keep it where it is. A tag with sub-reasons cannot move under another (REASON_TAG_TOO_DEEP); under itself or its own sub-reason is REASON_TAG_CYCLE. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
};

/** Changes to a return address; a field left out stays as it is. */
export type UpdateReturnAddressInput = {
  /** City of the address. Left out: unchanged. */
  city?: InputMaybe<Scalars['String']['input']>;
  /** District of the address. Left out: unchanged. */
  district?: InputMaybe<Scalars['String']['input']>;
  /** The address's global id (`ReturnAddress.id`). */
  id: Scalars['ID']['input'];
  /** true: returns approved from now on go here (the former default stops being it). */
  isDefault?: InputMaybe<Scalars['Boolean']['input']>;
  /** The shop's name for the address (e.g. Shanghai warehouse). Left out: unchanged. */
  label?: InputMaybe<Scalars['String']['input']>;
  /** The recipient's phone number, as the carrier needs it. Left out: unchanged. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Postal code. Left out: unchanged. */
  postalCode?: InputMaybe<Scalars['String']['input']>;
  /** Province (or state) of the address. Left out: unchanged. */
  province?: InputMaybe<Scalars['String']['input']>;
  /** Who receives the parcel (a person or the warehouse's name). Left out: unchanged. */
  recipient?: InputMaybe<Scalars['String']['input']>;
  /** What the parcel must hold or how it must be packed (e.g. the original box, the invoice), for the customer. Left out: unchanged. */
  requirements?: InputMaybe<Scalars['String']['input']>;
  /** Street and number (the rest of the address line). Left out: unchanged. */
  street?: InputMaybe<Scalars['String']['input']>;
};

/** The shop settings to change; a field left out stays as it is. */
export type UpdateShopSettingsInput = {
  /** 0 (no care list) to 365; absent leaves it. */
  careDays?: InputMaybe<Scalars['Int']['input']>;
  /** 0..1 (0.08 = 8%); null clears it, absent leaves it. */
  industryRefundRate?: InputMaybe<Scalars['Float']['input']>;
  /** REFUSE (APPROVAL_LIMIT_EXCEEDED) or SEND_TO_FINANCE; absent leaves it. */
  overLimit?: InputMaybe<ApprovalOverLimit>;
  /** Needed for platform admins; shop admins act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** IANA time zone, e.g. Asia/Shanghai; absent leaves it. */
  timeZone?: InputMaybe<Scalars['String']['input']>;
};

/** Changes to a staff member; a field left out stays as it is. */
export type UpdateStaffMemberInput = {
  /** false: no new refunds, tokens stop working; assigned refunds stay assigned until reassigned. */
  active?: InputMaybe<Scalars['Boolean']['input']>;
  /** The member's global id (`StaffMember.id`). */
  memberId: Scalars['ID']['input'];
  /** A new name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** A customer as the shop's order system has it: created the first time its `externalId` is sent, updated after. */
export type UpsertCustomerInput = {
  /** The shop's own customer reference. */
  externalId: Scalars['String']['input'];
  /** The customer's name. */
  name: Scalars['String']['input'];
  /** A high-value customer: refunded as soon as the return ships, before it arrives. Left out: unchanged (false for a new customer). */
  refundBeforeReceipt?: InputMaybe<Scalars['Boolean']['input']>;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** Free-form tier, e.g. STANDARD or VIP. */
  tier?: InputMaybe<Scalars['String']['input']>;
  /** The customer's openid in the shop's WeChat mini-program (subscription messages); "" removes it, null keeps it. */
  wechatOpenId?: InputMaybe<Scalars['String']['input']>;
};

/** An order as the shop's order system has it: created the first time its `externalId` is sent, updated after. */
export type UpsertOrderInput = {
  /** The carrier of the order's parcel, once shipped. */
  carrier?: InputMaybe<Scalars['String']['input']>;
  /** The shop's reference of the customer (`upsertCustomer` first); an order never changes customer. */
  customerExternalId: Scalars['String']['input'];
  /** DELIVERED only: when it arrived; default: when first sent as DELIVERED. */
  deliveredAt?: InputMaybe<Scalars['DateTime']['input']>;
  /** The shop's own order reference: sending it again updates that order. */
  externalId: Scalars['String']['input'];
  /** The order's lines; fixed once refunds name them (ORDER_ITEMS_LOCKED). */
  items: Array<OrderItemInput>;
  /** Minor units. */
  paidAmount: Scalars['Int']['input'];
  /** When the customer paid (ISO 8601). */
  paidAt: Scalars['DateTime']['input'];
  /** What the order was paid with: refunds go back through this provider. Left out: the payment recorded earlier stays (none: the sandbox). */
  payment?: InputMaybe<PaymentInput>;
  /** How far the parcel got. */
  shippingStatus: OrderShippingStatus;
  /** Needed for platform admins; others act on their own shop. */
  shopId?: InputMaybe<Scalars['ID']['input']>;
  /** The tracking number of the order's parcel, once shipped. */
  trackingNumber?: InputMaybe<Scalars['String']['input']>;
};

/** The stable code of a `UserError`: clients switch on it. The list only grows; a code is never renamed. */
export type UserErrorCode =
  /** The rule's or timer's action cannot be taken from its trigger's status. */
  | 'ACTION_NOT_ALLOWED_FROM_TRIGGER'
  /** The refund's status does not allow this action (see `availableActions`). */
  | 'ACTION_NOT_ALLOWED_IN_STATUS'
  /** The token's role may not take this action. */
  | 'ACTION_NOT_PERMITTED'
  /** The refund was rated already; a rating cannot be changed. */
  | 'ALREADY_RATED'
  /** The amount is more than the paid value of the items named. */
  | 'AMOUNT_EXCEEDS_ITEMS_VALUE'
  /** The refund would take more back than is left of the order's payment (its total, less what other refunds of it took or hold). */
  | 'AMOUNT_EXCEEDS_PAYMENT'
  /** More than what is left to refund on the order (paid minus what other refunds hold). */
  | 'AMOUNT_EXCEEDS_REFUNDABLE'
  /** The amount is above what this person may approve: someone with a higher limit must. */
  | 'APPROVAL_LIMIT_EXCEEDED'
  /** An app may be granted only permissions its creator's role holds; the message names the others. */
  | 'APP_PERMISSION_NOT_HELD'
  /** An app's before-transition check refused the action with a code of its own (kept at the start of the message); the message says which app and why. */
  | 'APP_VETO'
  /** Enabled rules could move a refund round in a circle with no person acting. */
  | 'AUTOMATION_RULE_CYCLE'
  /** The batch (or its filter) names no refund. */
  | 'BATCH_EMPTY'
  /** The batch (or its filter) names more refunds than one batch may act on. */
  | 'BATCH_TOO_LARGE'
  /** A live subscription's token ended while it was open (revoked, rotated, expired; its staff member deactivated; its app disabled, deleted, or no longer permitted what the subscription reads): the subscription completes after this error. Sent in `extensions.code` of a subscription's last result, never as a userError. */
  | 'CREDENTIAL_ENDED'
  /** The request must name the customer it is for. */
  | 'CUSTOMER_REQUIRED'
  /** The same order item is named more than once in one request. */
  | 'DUPLICATE_ORDER_ITEM'
  /** The shop has a reason tag with this code already. */
  | 'DUPLICATE_REASON_CODE'
  /** The shop has a rule with this name already. */
  | 'DUPLICATE_RULE_NAME'
  /** The variant asked for costs more than the order item: the exchange is refused (no payments are taken). */
  | 'EXCHANGE_COSTS_MORE'
  /** An EXCHANGE request names its items, each with the `exchangeSku` it is exchanged for. */
  | 'EXCHANGE_ITEMS_REQUIRED'
  /** The `exchangeSku` is the order item's own SKU: an exchange is for another variant. */
  | 'EXCHANGE_SAME_SKU'
  /** `exchangeSku` was given on a request that is not of type EXCHANGE. */
  | 'EXCHANGE_SKU_NOT_ALLOWED'
  /** The `exchangeSku` is not one of the order item's `variants`. */
  | 'EXCHANGE_SKU_NOT_A_VARIANT'
  /** The token's role (or shop) may not do this. */
  | 'FORBIDDEN'
  /** An app's before-transition check holds the refund for a person to review (its answer, or its failure policy when it could not answer in time): the action was not taken. */
  | 'HELD_FOR_REVIEW'
  /** The idempotency key was used already for a different request. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** An amount is not a positive whole number of minor units. */
  | 'INVALID_AMOUNT'
  /** Not an ISO-4217 currency code, or not the shop's currency. */
  | 'INVALID_CURRENCY'
  /** A value of the input is malformed or out of range; `field` says which. */
  | 'INVALID_INPUT'
  /** A label is empty, too long or has characters labels may not have (letters, digits, space, - _ : . up to 40), or more than 20 are given. */
  | 'INVALID_LABEL'
  /** A NOTIFY message is empty, too long, or names a variable other than {{rule}}, {{status}}, {{refundId}}. */
  | 'INVALID_MESSAGE_TEMPLATE'
  /** The provider's account settings are incomplete or malformed (a key or certificate that does not parse); the message says which field and why. */
  | 'INVALID_PAYMENT_ACCOUNT'
  /** A quantity is not a whole number in its range: at least 1 in a request; 0 to the item's quantity as a passed quantity. */
  | 'INVALID_QUANTITY'
  /** A NOTIFY action needs exactly one recipient: an active staff member of the shop, or a staff role. */
  | 'INVALID_RECIPIENT'
  /** A return window is not a whole number of days from 1 to 365, or the quality window is shorter than the no-reason one. */
  | 'INVALID_RETURN_WINDOW'
  /** The condition's value does not fit its field and operator. */
  | 'INVALID_RULE_VALUE'
  /** A SKU pattern is empty, too long, only wildcards, or has characters other than letters, digits, . _ - / and *. */
  | 'INVALID_SKU_PATTERN'
  /** The token is malformed, unknown, revoked or expired, or its staff member is inactive. */
  | 'INVALID_TOKEN'
  /** Per-item inspection results must name each item of the refund exactly once, and only its items. */
  | 'ITEM_RESULTS_MISMATCH'
  /** The action needs a note saying why. */
  | 'NOTE_REQUIRED'
  /** Per-item results pass no unit at all: use FAIL_INSPECTION instead. */
  | 'NOTHING_PASSED_INSPECTION'
  /** The id names nothing this token may see (another shop's data answers this too). */
  | 'NOT_FOUND'
  /** The item is exempt from returns without a quality problem under the shop's policy (fresh food, made to order, digital, opened hygiene goods); staff may request it with `overridePolicy`. */
  | 'NOT_RETURNABLE'
  /** OFFER_RESOLUTION needs at least one option. */
  | 'OFFER_OPTIONS_REQUIRED'
  /** The operator does not apply to the condition's field. */
  | 'OPERATOR_NOT_FOR_FIELD'
  /** The option is not one offered on this refund. */
  | 'OPTION_NOT_FOUND'
  /** The order's items cannot change once refunds name them. */
  | 'ORDER_ITEMS_LOCKED'
  /** The order item is not one of the order's items (another order's or shop's item answers this too). */
  | 'ORDER_ITEM_NOT_IN_ORDER'
  /** The order was paid with another payment already: an order's payment cannot change. */
  | 'PAYMENT_CHANGED'
  /** A payment at a real provider needs the provider's reference (transaction, trade or payment-intent id). */
  | 'PAYMENT_REFERENCE_REQUIRED'
  /** The refund's payment attempt still waits for the provider, which may yet pay it: finance may record it as paid by hand only from the attempt's `settleByHandFrom` (the message says when). */
  | 'PAYMENT_STILL_OPEN'
  /** A plugin's before-hook refused the action; the message says which plugin and why. */
  | 'PLUGIN_VETO'
  /** More units of an order item than were bought. */
  | 'QUANTITY_EXCEEDS_PURCHASED'
  /** More units of an order item than are left to refund (bought, less what open and refunded refunds hold). */
  | 'QUANTITY_EXCEEDS_REFUNDABLE'
  /** The time to rate this refund has passed. */
  | 'RATING_WINDOW_CLOSED'
  /** The reason tag (or its parent) is archived: choose a live one. */
  | 'REASON_ARCHIVED'
  /** The move would make a reason tag its own ancestor. */
  | 'REASON_TAG_CYCLE'
  /** Reason tags are two levels deep at most. */
  | 'REASON_TAG_TOO_DEEP'
  /** A refund can be rated only once it has ended. */
  | 'REFUND_NOT_ENDED'
  /** The refund has ended (refunded, rejected or cancelled): nothing more can be done. */
  | 'REFUND_TERMINAL'
  /** SHIP_REPLACEMENT needs the replacement parcel's carrier and tracking number. */
  | 'REPLACEMENT_SHIPMENT_REQUIRED'
  /** A shop has exactly one default return address: its first address is the default, the default cannot be unset (make another one the default), and a new address cannot be a second default (make it the default with updateReturnAddress). */
  | 'RETURN_ADDRESS_DEFAULT'
  /** A return address misses a required field (label, recipient, phone, province, city, street) or a field is too long; `field` says which. */
  | 'RETURN_ADDRESS_INCOMPLETE'
  /** A return shipment needs a carrier and a tracking number. */
  | 'RETURN_SHIPMENT_REQUIRED'
  /** The shop's return policy window for this item and reason has passed (the message quotes the policy); staff may request it with `overridePolicy`. */
  | 'RETURN_WINDOW_CLOSED'
  /** The staff member is no longer active. */
  | 'STAFF_MEMBER_INACTIVE'
  /** A timer's minutes are outside 1 minute to 60 days. */
  | 'TIMER_OUT_OF_RANGE'
  /** The refund would carry more than 20 labels: remove some first. */
  | 'TOO_MANY_LABELS'
  /** No API token was sent: send `Authorization: Bearer <token>`. */
  | 'UNAUTHENTICATED'
  /** The exemption is not one of FRESH_FOOD, MADE_TO_ORDER, DIGITAL, OPENED_HYGIENE. */
  | 'UNKNOWN_EXEMPTION_KIND'
  /** The provider is not one this platform runs (SANDBOX, or one a loaded plugin registers). */
  | 'UNKNOWN_PAYMENT_PROVIDER'
  /** The reason code is not one of the shop's `reasonTags`. */
  | 'UNKNOWN_REASON_CODE'
  /** A rule condition names a field rules do not know. */
  | 'UNKNOWN_RULE_FIELD'
  /** An outbound URL is not allowed (a private address, or not http(s)). */
  | 'URL_NOT_ALLOWED'
  /** The refund changed since the `expectedVersion` given: reload it and decide again. */
  | 'VERSION_CONFLICT'
  /** The delivery is still queued or being sent: only a delivered or dead one is sent again. */
  | 'WEBHOOK_DELIVERY_PENDING'
  /** The webhook's query is not one subscription with one root field (refundEvents) valid against the schema; the message gives the line and column. */
  | 'WEBHOOK_QUERY_INVALID'
  /** The webhook's query selects a field the app's permissions do not let it read; the message names it with its line and column. */
  | 'WEBHOOK_QUERY_NOT_PERMITTED'
  /** The webhook's query does not parse; the message gives the line and column. */
  | 'WEBHOOK_QUERY_SYNTAX'
  /** A webhook secret is at least 24 characters (and at most 256). */
  | 'WEBHOOK_SECRET_TOO_SHORT';

export type AgentQueueQueryVariables = Exact<{
  assignedTo?: InputMaybe<Scalars['String']['input']>;
  statuses?: InputMaybe<Array<RefundStatus> | RefundStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type AgentQueueQuery = { __typename?: 'Query', refunds: { __typename?: 'QueryRefundsConnection', edges: Array<{ __typename?: 'QueryRefundsConnectionEdge', cursor: string, node: { __typename?: 'Refund', id: string, status: RefundStatus, type: RefundType, version: number, slaDueAt?: string | null, slaBreached: boolean, availableActions: Array<RefundAction>, createdAt: string, requestedAmount: { __typename?: 'Money', amount: number, currency: string, formatted: string }, customer: { __typename?: 'Customer', id: string, name: string }, reason: { __typename?: 'ReasonTag', id: string, code: string, label: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type BatchTransitionRefundsMutationVariables = Exact<{
  input: BatchTransitionRefundsInput;
}>;


export type BatchTransitionRefundsMutation = { __typename?: 'Mutation', batchTransitionRefunds: { __typename?: 'BatchTransitionRefundsPayload', batch?: { __typename?: 'RefundBatch', id: string, total: number, succeeded: number, failed: number, amountTotal: { __typename?: 'Money', amount: number, currency: string }, failuresByCode: Array<{ __typename?: 'RefundBatchFailureCount', code: string, count: number }> } | null, results?: Array<{ __typename?: 'RefundBatchResult', refundId: string, ok: boolean, refund?: { __typename?: 'Refund', id: string, status: RefundStatus, version: number } | null, userErrors: Array<{ __typename?: 'UserError', code: UserErrorCode, field?: Array<string> | null, message: string }> }> | null, userErrors: Array<{ __typename?: 'UserError', code: UserErrorCode, field?: Array<string> | null, message: string }> } };

export type RefundEventsSubscriptionVariables = Exact<{
  filter?: InputMaybe<RefundEventFilter>;
}>;


export type RefundEventsSubscription = { __typename?: 'Subscription', refundEvents: { __typename?: 'RefundTransition', id: string, action: RefundAction, from?: RefundStatus | null, to: RefundStatus, version: number, createdAt: string, refund: { __typename?: 'Refund', id: string, status: RefundStatus, version: number, availableActions: Array<RefundAction> } } };

export type RefundMetricsQueryVariables = Exact<{
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
  timeZone?: InputMaybe<Scalars['String']['input']>;
}>;


export type RefundMetricsQuery = { __typename?: 'Query', refundMetrics: { __typename?: 'RefundMetrics', from: string, to: string, timeZone: string, orderCount: number, refundCount: number, refundRate: number, refundedAmount: { __typename?: 'Money', amount: number, currency: string, formatted: string }, reasons: Array<{ __typename?: 'ReasonShare', count: number, share: number, reason: { __typename?: 'ReasonTag', id: string, code: string, label: string } }>, trend: Array<{ __typename?: 'RefundMetricsDay', date: string, orders: number, refunds: number, refundRate: number }> } };

export type TransitionRefundMutationVariables = Exact<{
  input: TransitionRefundInput;
}>;


export type TransitionRefundMutation = { __typename?: 'Mutation', transitionRefund: { __typename?: 'TransitionRefundPayload', refund?: { __typename?: 'Refund', id: string, status: RefundStatus, version: number, availableActions: Array<RefundAction>, approvedAmount?: { __typename?: 'Money', amount: number, currency: string } | null } | null, transition?: { __typename?: 'RefundTransition', id: string, action: RefundAction, from?: RefundStatus | null, to: RefundStatus, version: number, createdAt: string } | null, userErrors: Array<{ __typename?: 'UserError', code: UserErrorCode, field?: Array<string> | null, message: string }> } };

export type FollowRefundSubscriptionVariables = Exact<{
  refundId: Scalars['ID']['input'];
  afterVersion?: InputMaybe<Scalars['Int']['input']>;
}>;


export type FollowRefundSubscription = { __typename?: 'Subscription', refundStatusChanged: { __typename?: 'RefundTransition', id: string, action: RefundAction, from?: RefundStatus | null, to: RefundStatus, version: number, createdAt: string, amount?: { __typename?: 'Money', amount: number, currency: string, formatted: string } | null, refund: { __typename?: 'Refund', id: string, status: RefundStatus, version: number } } };

export type RequestRefundMutationVariables = Exact<{
  input: RequestRefundInput;
}>;


export type RequestRefundMutation = { __typename?: 'Mutation', requestRefund: { __typename?: 'RequestRefundPayload', refund?: { __typename?: 'Refund', id: string, status: RefundStatus, type: RefundType, version: number, createdAt: string, requestedAmount: { __typename?: 'Money', amount: number, currency: string, formatted: string } } | null, userErrors: Array<{ __typename?: 'UserError', code: UserErrorCode, field?: Array<string> | null, message: string }> } };


export const AgentQueueDocument = {"__meta__":{"hash":"af9a9a414873fbb7057683e72cde8605c9ed66d904eabacdd75269ac165c78c3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"AgentQueue"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"assignedTo"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}},"defaultValue":{"kind":"StringValue","value":"ME","block":false}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"statuses"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RefundStatus"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}},"defaultValue":{"kind":"IntValue","value":"20"}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"assignedTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"assignedTo"}}},{"kind":"ObjectField","name":{"kind":"Name","value":"statuses"},"value":{"kind":"Variable","name":{"kind":"Name","value":"statuses"}}}]}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"EnumValue","value":"CREATED_AT_ASC"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"slaDueAt"}},{"kind":"Field","name":{"kind":"Name","value":"slaBreached"}},{"kind":"Field","name":{"kind":"Name","value":"availableActions"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"customer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reason"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<AgentQueueQuery, AgentQueueQueryVariables>;
export const BatchTransitionRefundsDocument = {"__meta__":{"hash":"8bd32c6be4cce8d86b35a10965c966aad53a44f46b0f5b0d2b9f0b831ec4c3e3"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BatchTransitionRefunds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"BatchTransitionRefundsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batchTransitionRefunds"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"batch"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"succeeded"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}},{"kind":"Field","name":{"kind":"Name","value":"amountTotal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failuresByCode"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refundId"}},{"kind":"Field","name":{"kind":"Name","value":"ok"}},{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<BatchTransitionRefundsMutation, BatchTransitionRefundsMutationVariables>;
export const RefundEventsDocument = {"__meta__":{"hash":"9fc3b06a707663e40a901cf4ed800f56e9185cda22d9cda4cd4282fcd3c39566"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RefundEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RefundEventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refundEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"availableActions"}}]}}]}}]}}]} as unknown as DocumentNode<RefundEventsSubscription, RefundEventsSubscriptionVariables>;
export const RefundMetricsDocument = {"__meta__":{"hash":"df609e49e4da2175a664f1fc9d60d4354dc845adbc9377cda1c605f73aa050ca"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RefundMetrics"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"from"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"to"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"timeZone"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refundMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"from"},"value":{"kind":"Variable","name":{"kind":"Name","value":"from"}}},{"kind":"Argument","name":{"kind":"Name","value":"to"},"value":{"kind":"Variable","name":{"kind":"Name","value":"to"}}},{"kind":"Argument","name":{"kind":"Name","value":"timeZone"},"value":{"kind":"Variable","name":{"kind":"Name","value":"timeZone"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"timeZone"}},{"kind":"Field","name":{"kind":"Name","value":"orderCount"}},{"kind":"Field","name":{"kind":"Name","value":"refundCount"}},{"kind":"Field","name":{"kind":"Name","value":"refundRate"}},{"kind":"Field","name":{"kind":"Name","value":"refundedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reasons"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"share"}}]}},{"kind":"Field","name":{"kind":"Name","value":"trend"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"orders"}},{"kind":"Field","name":{"kind":"Name","value":"refunds"}},{"kind":"Field","name":{"kind":"Name","value":"refundRate"}}]}}]}}]}}]} as unknown as DocumentNode<RefundMetricsQuery, RefundMetricsQueryVariables>;
export const TransitionRefundDocument = {"__meta__":{"hash":"fc457a28b83cf13050e4e1de65a5e912f94fb656f50c7c4d6b5fb9d27696754b"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TransitionRefund"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TransitionRefundInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"transitionRefund"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"availableActions"}},{"kind":"Field","name":{"kind":"Name","value":"approvedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"transition"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<TransitionRefundMutation, TransitionRefundMutationVariables>;
export const FollowRefundDocument = {"__meta__":{"hash":"961bf476f9ac4bd332e6b2949e2e26baa7542beae75f76ef66b79890c0ee1103"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"FollowRefund"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"refundId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refundStatusChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"refundId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"refundId"}}},{"kind":"Argument","name":{"kind":"Name","value":"afterVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"afterVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"action"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"to"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"amount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]}}]} as unknown as DocumentNode<FollowRefundSubscription, FollowRefundSubscriptionVariables>;
export const RequestRefundDocument = {"__meta__":{"hash":"85c5926704e42bb9e3ab32c334ceb0a53b9eac86ed7e9dd610433f078b1bfff5"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestRefund"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestRefundInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestRefund"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refund"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"requestedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"formatted"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userErrors"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"field"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<RequestRefundMutation, RequestRefundMutationVariables>;