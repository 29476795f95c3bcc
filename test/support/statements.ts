// What statement-count tests leave out: the token's last-use stamp, which the auth layer writes
// at most once a minute per token (src/services/api-tokens.ts), so whether it lands in a
// counted window depends on the clock, not on the code under test.
export function isLastUsedStamp(sql: string): boolean {
  return /UPDATE "public"\."ApiToken" SET "lastUsedAt"/.test(sql);
}
