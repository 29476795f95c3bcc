/**
 * Stable codes of the `userErrors` every mutation returns, each with its meaning. Clients switch
 * on `code`; the message is for people and may change. This record is the one list: the
 * GraphQL enum `UserErrorCode` is generated from it (meanings as the values' descriptions), and
 * `UserError.code` accepts nothing else, so the type checker refuses a code missing here.
 */
export const USER_ERROR_CODES = {
  UNAUTHENTICATED: "No API token was sent: send `Authorization: Bearer <token>`.",
  INVALID_TOKEN: "The token is malformed, unknown, revoked or expired, or its staff member is inactive.",
  CREDENTIAL_ENDED: "A live subscription's token ended while it was open (revoked, rotated, expired; its staff member deactivated; its app disabled, deleted, or no longer permitted what the subscription reads): the subscription completes after this error. Sent in `extensions.code` of a subscription's last result, never as a userError.",
  FORBIDDEN: "The token's role (or shop) may not do this.",
  NOT_FOUND: "The id names nothing this token may see (another shop's data answers this too).",
  INVALID_INPUT: "A value of the input is malformed or out of range; `field` says which.",
  INVALID_CURRENCY: "Not an ISO-4217 currency code, or not the shop's currency.",
  INVALID_AMOUNT: "An amount is not a positive whole number of minor units.",
  AMOUNT_EXCEEDS_REFUNDABLE: "More than what is left to refund on the order (paid minus what other refunds hold).",
  UNKNOWN_REASON_CODE: "The reason code is not one of the shop's `reasonTags`.",
  REFUND_TERMINAL: "The refund has ended (refunded, rejected or cancelled): nothing more can be done.",
  ACTION_NOT_ALLOWED_IN_STATUS: "The refund's status does not allow this action (see `availableActions`).",
  ACTION_NOT_PERMITTED: "The token's role may not take this action.",
  VERSION_CONFLICT: "The refund changed since the `expectedVersion` given: reload it and decide again.",
  NOTE_REQUIRED: "The action needs a note saying why.",
  OFFER_OPTIONS_REQUIRED: "OFFER_RESOLUTION needs at least one option.",
  OPTION_NOT_FOUND: "The option is not one offered on this refund.",
  RETURN_SHIPMENT_REQUIRED: "A return shipment needs a carrier and a tracking number.",
  REPLACEMENT_SHIPMENT_REQUIRED: "SHIP_REPLACEMENT needs the replacement parcel's carrier and tracking number.",
  IDEMPOTENCY_KEY_REUSED: "The idempotency key was used already for a different request.",
  CUSTOMER_REQUIRED: "The request must name the customer it is for.",
  BATCH_EMPTY: "The batch (or its filter) names no refund.",
  BATCH_TOO_LARGE: "The batch (or its filter) names more refunds than one batch may act on.",
  REASON_ARCHIVED: "The reason tag (or its parent) is archived: choose a live one.",
  DUPLICATE_REASON_CODE: "The shop has a reason tag with this code already.",
  REASON_TAG_CYCLE: "The move would make a reason tag its own ancestor.",
  REASON_TAG_TOO_DEEP: "Reason tags are two levels deep at most.",
  STAFF_MEMBER_INACTIVE: "The staff member is no longer active.",
  // Automation rules and timers.
  UNKNOWN_RULE_FIELD: "A rule condition names a field rules do not know.",
  OPERATOR_NOT_FOR_FIELD: "The operator does not apply to the condition's field.",
  INVALID_RULE_VALUE: "The condition's value does not fit its field and operator.",
  ACTION_NOT_ALLOWED_FROM_TRIGGER: "The rule's or timer's action cannot be taken from its trigger's status.",
  TIMER_OUT_OF_RANGE: "A timer's minutes are outside 1 minute to 60 days.",
  AUTOMATION_RULE_CYCLE: "Enabled rules could move a refund round in a circle with no person acting.",
  DUPLICATE_RULE_NAME: "The shop has a rule with this name already.",
  // Refund labels, and the staff inboxes of NOTIFY rules.
  INVALID_LABEL: "A label is empty, too long or has characters labels may not have (letters, digits, space, - _ : . up to 40), or more than 20 are given.",
  TOO_MANY_LABELS: "The refund would carry more than 20 labels: remove some first.",
  INVALID_RECIPIENT: "A NOTIFY action needs exactly one recipient: an active staff member of the shop, or a staff role.",
  INVALID_MESSAGE_TEMPLATE: "A NOTIFY message is empty, too long, or names a variable other than {{rule}}, {{status}}, {{refundId}}.",
  URL_NOT_ALLOWED: "An outbound URL is not allowed (a private address, or not http(s)).",
  // People: discretion limits and the customer's rating.
  APPROVAL_LIMIT_EXCEEDED: "The amount is above what this person may approve: someone with a higher limit must.",
  REFUND_NOT_ENDED: "A refund can be rated only once it has ended.",
  ALREADY_RATED: "The refund was rated already; a rating cannot be changed.",
  RATING_WINDOW_CLOSED: "The time to rate this refund has passed.",
  // Line items: refunds of some units of some order items, and their inspection.
  ORDER_ITEM_NOT_IN_ORDER: "The order item is not one of the order's items (another order's or shop's item answers this too).",
  DUPLICATE_ORDER_ITEM: "The same order item is named more than once in one request.",
  INVALID_QUANTITY: "A quantity is not a whole number in its range: at least 1 in a request; 0 to the item's quantity as a passed quantity.",
  QUANTITY_EXCEEDS_PURCHASED: "More units of an order item than were bought.",
  QUANTITY_EXCEEDS_REFUNDABLE: "More units of an order item than are left to refund (bought, less what open and refunded refunds hold).",
  AMOUNT_EXCEEDS_ITEMS_VALUE: "The amount is more than the paid value of the items named.",
  EXCHANGE_ITEMS_REQUIRED: "An EXCHANGE request names its items, each with the `exchangeSku` it is exchanged for.",
  EXCHANGE_SKU_NOT_ALLOWED: "`exchangeSku` was given on a request that is not of type EXCHANGE.",
  EXCHANGE_SAME_SKU: "The `exchangeSku` is the order item's own SKU: an exchange is for another variant.",
  EXCHANGE_SKU_NOT_A_VARIANT: "The `exchangeSku` is not one of the order item's `variants`.",
  EXCHANGE_COSTS_MORE: "The variant asked for costs more than the order item: the exchange is refused (no payments are taken).",
  ITEM_RESULTS_MISMATCH: "Per-item inspection results must name each item of the refund exactly once, and only its items.",
  NOTHING_PASSED_INSPECTION: "Per-item results pass no unit at all: use FAIL_INSPECTION instead.",
  ORDER_ITEMS_LOCKED: "The order's items cannot change once refunds name them.",
  // Return policies and return addresses.
  RETURN_WINDOW_CLOSED: "The shop's return policy window for this item and reason has passed (the message quotes the policy); staff may request it with `overridePolicy`.",
  NOT_RETURNABLE: "The item is exempt from returns without a quality problem under the shop's policy (fresh food, made to order, digital, opened hygiene goods); staff may request it with `overridePolicy`.",
  INVALID_RETURN_WINDOW: "A return window is not a whole number of days from 1 to 365, or the quality window is shorter than the no-reason one.",
  UNKNOWN_EXEMPTION_KIND: "The exemption is not one of FRESH_FOOD, MADE_TO_ORDER, DIGITAL, OPENED_HYGIENE.",
  INVALID_SKU_PATTERN: "A SKU pattern is empty, too long, only wildcards, or has characters other than letters, digits, . _ - / and *.",
  RETURN_ADDRESS_INCOMPLETE: "A return address misses a required field (label, recipient, phone, province, city, street) or a field is too long; `field` says which.",
  RETURN_ADDRESS_DEFAULT: "A shop has exactly one default return address: its first address is the default, the default cannot be unset (make another one the default), and a new address cannot be a second default (make it the default with updateReturnAddress).",
  // Payments: what an order was paid with, and the shops' provider accounts.
  AMOUNT_EXCEEDS_PAYMENT: "The refund would take more back than is left of the order's payment (its total, less what other refunds of it took or hold).",
  UNKNOWN_PAYMENT_PROVIDER: "The provider is not one this platform runs (SANDBOX, or one a loaded plugin registers).",
  PAYMENT_REFERENCE_REQUIRED: "A payment at a real provider needs the provider's reference (transaction, trade or payment-intent id).",
  PAYMENT_CHANGED: "The order was paid with another payment already: an order's payment cannot change.",
  PAYMENT_STILL_OPEN: "The refund's payment attempt still waits for the provider, which may yet pay it: finance may record it as paid by hand only from the attempt's `settleByHandFrom` (the message says when).",
  INVALID_PAYMENT_ACCOUNT: "The provider's account settings are incomplete or malformed (a key or certificate that does not parse); the message says which field and why.",
  // Plugins.
  PLUGIN_VETO: "A plugin's before-hook refused the action; the message says which plugin and why.",
  // Apps and their webhooks.
  APP_PERMISSION_NOT_HELD: "An app may be granted only permissions its creator's role holds; the message names the others.",
  WEBHOOK_QUERY_SYNTAX: "The webhook's query does not parse; the message gives the line and column.",
  WEBHOOK_QUERY_INVALID: "The webhook's query is not one subscription with one root field (refundEvents) valid against the schema; the message gives the line and column.",
  WEBHOOK_QUERY_NOT_PERMITTED: "The webhook's query selects a field the app's permissions do not let it read; the message names it with its line and column.",
  WEBHOOK_SECRET_TOO_SHORT: "A webhook secret is at least 24 characters (and at most 256).",
  WEBHOOK_DELIVERY_PENDING: "The delivery is still queued or being sent: only a delivered or dead one is sent again.",
  // Apps' synchronous checks.
  APP_VETO: "An app's before-transition check refused the action with a code of its own (kept at the start of the message); the message says which app and why.",
  HELD_FOR_REVIEW: "An app's before-transition check holds the refund for a person to review (its answer, or its failure policy when it could not answer in time): the action was not taken.",
} as const satisfies Record<string, string>;
export type UserErrorCode = keyof typeof USER_ERROR_CODES;

export function isUserErrorCode(code: string): code is UserErrorCode {
  return Object.hasOwn(USER_ERROR_CODES, code);
}

export interface UserError {
  code: UserErrorCode;
  message: string;
  field?: string[];
}

/**
 * The code of a stored userError (a batch item's): a code that is no longer one of
 * USER_ERROR_CODES can only be a plugin's own veto code from before the list was closed.
 */
export function storedUserErrorCode(code: string): UserErrorCode {
  return isUserErrorCode(code) ? code : "PLUGIN_VETO";
}

export function userError(code: UserErrorCode, message: string, field?: string[]): UserError {
  return field ? { code, message, field } : { code, message };
}

/** Thrown inside a service's transaction to roll it back and answer with userErrors. */
export class UserErrorsException extends Error {
  constructor(readonly userErrors: UserError[]) {
    super(userErrors.map((error) => `${error.code}: ${error.message}`).join("; "));
  }
}

export function fail(code: UserErrorCode, message: string, field?: string[]): never {
  throw new UserErrorsException([userError(code, message, field)]);
}
