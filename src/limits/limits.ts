import type { BudgetSettings } from "./budget.js";

/** What one caller may ask of the API; the numbers are documented in docs/limits.md. */
export interface ApiLimits {
  /** Nested selections below the operation (introspection excepted). */
  maxDepth: number;
  /** Aliased fields in one operation (`__typename` excepted). */
  maxAliases: number;
  /** Lexical tokens in one document: refused while parsing, before anything is built. */
  maxTokens: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Per-caller cost budget; one operation may cost at most `budget.max`. */
  budget: BudgetSettings;
  /** Bytes of one HTTP request body. */
  maxBodyBytes: number;
  /** Operations in one batched HTTP request (a JSON array body). */
  maxBatchSize: number;
  /** Open subscriptions on one graphql-ws connection. */
  maxSubscriptionsPerConnection: number;
}

export const DEFAULT_LIMITS: ApiLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 2_000,
  maxDirectives: 20,
  budget: { max: 2_000, refillPerSecond: 100 },
  maxBodyBytes: 100_000,
  maxBatchSize: 10,
  maxSubscriptionsPerConnection: 25,
};

/**
 * Codes in `extensions.code` of a request refused for its size or the caller's budget. These are
 * top-level errors, not userErrors: nothing of the operation ran.
 */
export const LIMIT_ERROR_CODES = [
  "MAX_DEPTH_EXCEEDED",
  "MAX_ALIASES_EXCEEDED",
  "MAX_DIRECTIVES_EXCEEDED",
  "MAX_TOKENS_EXCEEDED",
  "MAX_COST_EXCEEDED",
  "THROTTLED",
  "TOO_MANY_SUBSCRIPTIONS",
  "PAGE_SIZE_OUT_OF_RANGE",
] as const;
export type LimitErrorCode = (typeof LIMIT_ERROR_CODES)[number];
