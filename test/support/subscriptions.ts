// A graphql-ws client as a mobile app or console would use it, collecting events for assertions.
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { PATIENCE_MS } from "./patience.js";

export function wsClient(httpUrl: string, token: string): Client {
  return createClient({
    url: httpUrl.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    retryAttempts: 0,
  });
}

export interface Collected<T> {
  events: T[];
  errors: unknown[];
  /** Resolves once `count` events have arrived (or rejects after the timeout). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves when the server completed or refused the subscription. */
  ended: Promise<void>;
  unsubscribe(): void;
}

export function collect<T>(client: Client, query: string, variables: Record<string, unknown>): Collected<T> {
  const events: T[] = [];
  const errors: unknown[] = [];
  let wake: () => void = () => {};
  let finish: () => void = () => {};
  const ended = new Promise<void>((resolve) => (finish = resolve));
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push(result.data as T);
        wake();
      },
      error: (error) => {
        errors.push(error);
        wake();
        finish();
      },
      complete: () => finish(),
    },
  );
  return {
    events,
    errors,
    ended,
    unsubscribe,
    async waitFor(count, timeoutMs = PATIENCE_MS) {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count) {
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (Date.now() > deadline) throw new Error(`got ${events.length} of ${count} events: ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
      return events.slice(0, count);
    },
  };
}

/**
 * Waits until `count()` graphql-ws streams run on the server: a subscription with no replay
 * (`refundEvents`) sees only what happens after its stream started, and a sleep cannot tell
 * when that is on a busy machine.
 */
export async function untilStreaming(count: () => number | Promise<number>, atLeast: number, timeoutMs = PATIENCE_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = await count(); seen < atLeast; seen = await count()) {
    if (Date.now() > deadline) throw new Error(`${seen} of ${atLeast} subscriptions streaming`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The streams a server process runs, from its `/ready` body (another process's, say). */
export async function streamingAt(graphqlUrl: string): Promise<number> {
  const answer = await fetch(new URL("/ready", graphqlUrl));
  return ((await answer.json()) as { liveSubscriptions: number }).liveSubscriptions;
}
