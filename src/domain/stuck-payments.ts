/**
 * When finance may settle a refund by hand while its payment attempt is still open (PENDING with
 * no answer, or PROCESSING at the provider): only after it has waited this long since it was sent.
 * The provider may still pay an open attempt, so settling it earlier risks paying twice; 72 hours
 * is past WeChat Pay's and Stripe's usual bank delays (1–3 working days) and their notifications.
 */
export const SETTLE_BY_HAND_AFTER_MS = 72 * 3_600_000;

/** What waits: an open attempt, since it was sent (or queued, if never sent). */
export interface OpenAttempt {
  status: string;
  sentAt: Date | null;
  createdAt: Date;
}

const OPEN = new Set(["PENDING", "PROCESSING"]);

/** Since when an open attempt waits for its provider (null: settled). */
export function waitingSince(attempt: OpenAttempt): Date | null {
  return OPEN.has(attempt.status) ? (attempt.sentAt ?? attempt.createdAt) : null;
}

/** From when finance may settle an open attempt's refund by hand (null: settled). */
export function settleByHandFrom(attempt: OpenAttempt): Date | null {
  const since = waitingSince(attempt);
  return since ? new Date(since.getTime() + SETTLE_BY_HAND_AFTER_MS) : null;
}
