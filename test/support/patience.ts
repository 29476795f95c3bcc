/**
 * How long a test waits for something that happens after a response (a payment settling, a
 * hook delivered, an event pushed) before it fails. A wait ends as soon as its condition holds,
 * so this costs nothing when all is well; it is long because the suite must pass on a busy
 * 2-core machine, where work that takes 50 ms alone can take seconds. vitest.config.ts gives a
 * test several of these.
 */
export const PATIENCE_MS = 60_000;

/** Reads until `done` holds of what it read (work that happens after a response); no fixed sleeps. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`still not there: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
