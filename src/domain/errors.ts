/**
 * Stable codes of the `userErrors` every mutation returns. Clients switch on `code`; the
 * message is for people and may change.
 */
export const USER_ERROR_CODES = [
  "UNAUTHENTICATED",
  "INVALID_TOKEN",
  "FORBIDDEN",
  "NOT_FOUND",
  "INVALID_INPUT",
  "INVALID_CURRENCY",
  "INVALID_AMOUNT",
  "AMOUNT_EXCEEDS_REFUNDABLE",
  "UNKNOWN_REASON_CODE",
  "REFUND_TERMINAL",
  "ACTION_NOT_ALLOWED_IN_STATUS",
  "ACTION_NOT_PERMITTED",
  "VERSION_CONFLICT",
  "NOTE_REQUIRED",
  "OFFER_OPTIONS_REQUIRED",
  "OPTION_NOT_FOUND",
  "RETURN_SHIPMENT_REQUIRED",
  "IDEMPOTENCY_KEY_REUSED",
  "CUSTOMER_REQUIRED",
  "BATCH_EMPTY",
  "BATCH_TOO_LARGE",
  "REASON_ARCHIVED",
  "DUPLICATE_REASON_CODE",
  "REASON_TAG_CYCLE",
  "REASON_TAG_TOO_DEEP",
  "STAFF_MEMBER_INACTIVE",
  // Automation rules and timers.
  "UNKNOWN_RULE_FIELD",
  "OPERATOR_NOT_FOR_FIELD",
  "INVALID_RULE_VALUE",
  "ACTION_NOT_ALLOWED_FROM_TRIGGER",
  "TIMER_OUT_OF_RANGE",
  "AUTOMATION_RULE_CYCLE",
  "DUPLICATE_RULE_NAME",
  // Refund labels, and the staff inboxes of NOTIFY rules.
  "INVALID_LABEL",
  "TOO_MANY_LABELS",
  "INVALID_RECIPIENT",
  "INVALID_MESSAGE_TEMPLATE",
  "URL_NOT_ALLOWED",
  // People: discretion limits and the customer's rating.
  "APPROVAL_LIMIT_EXCEEDED",
  "REFUND_NOT_ENDED",
  "ALREADY_RATED",
  "RATING_WINDOW_CLOSED",
] as const;
export type UserErrorCode = (typeof USER_ERROR_CODES)[number];

export interface UserError {
  /** One of USER_ERROR_CODES, or a code a plugin's before-hook vetoed with. */
  code: UserErrorCode | (string & {});
  message: string;
  field?: string[];
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
