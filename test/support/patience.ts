/**
 * How long a test waits for something that happens after a response (a payment settling, a
 * hook delivered, an event pushed) before it fails. A wait ends as soon as its condition holds,
 * so this costs nothing when all is well; it is long because the suite must pass on a busy
 * 2-core machine, where work that takes 50 ms alone can take seconds. vitest.config.ts gives a
 * test several of these.
 */
export const PATIENCE_MS = 60_000;
