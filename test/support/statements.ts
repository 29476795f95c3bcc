// What statement-count tests leave out: the token's last-use stamp, which the auth layer writes
// at most once a minute per token (src/services/api-tokens.ts), so whether it lands in a
// counted window depends on the clock, not on the code under test.
export function isLastUsedStamp(sql: string): boolean {
  return /UPDATE "public"\."ApiToken" SET "lastUsedAt"/.test(sql);
}

/**
 * What a test server does by itself while a statement window is open, left out of counts: the
 * sweeps' claims (src/jobs: one UPDATE over `FOR UPDATE SKIP LOCKED`), the payment and hook
 * delivery work that follows a claim, and the token's last-use stamp.
 */
export function isBackgroundWork(sql: string): boolean {
  return /SKIP LOCKED/.test(sql) || /"(PaymentRefundAttempt|PluginDelivery|PluginProcess)"/.test(sql) || isLastUsedStamp(sql);
}
