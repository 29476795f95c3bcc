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
