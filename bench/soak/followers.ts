// Customers following their refunds with `refundStatusChanged(refundId, afterVersion)` over
// graphql-ws, as the mobile client of docs/subscriptions.md does: reconnect to whichever server
// is up, and start each subscription again from the last version shown, so nothing is missed or shown twice.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { rawId } from "../../test/support/ids.js";

const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { version to }
  }`;
const TERMINAL = new Set(["REFUNDED", "REJECTED", "CANCELLED"]);

export interface Followed {
  /** The refund's row id, as the database holds it. */
  refundId: string;
  /** Versions shown to the customer, in the order shown. */
  shown: number[];
  /** Events received again after a resubscribe (already shown, so dropped). */
  replayed: number;
  /** Subscriptions started again after a complete, an error or a reconnect. */
  resubscribes: number;
  /** Error results and socket errors, by code. */
  errors: Map<string, number>;
  /** Reached a terminal status. */
  done: boolean;
}

export class Follower {
  private readonly client: Client;
  private readonly resubscribers = new Set<() => void>();
  readonly followed: Followed[] = [];
  private closed = false;

  /** `url()` names a server for each connection attempt (the soak rotates over those alive). */
  constructor(url: () => string, token: string) {
    this.client = createClient({
      url: () => url().replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      connectionAckWaitTimeout: 5_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 300 + 700 * Math.random())),
      on: {
        connected: (_socket, _payload, wasRetry) => {
          if (wasRetry && !this.closed) for (const resubscribe of [...this.resubscribers]) resubscribe();
        },
      },
    });
  }

  /** Follows a refund from `afterVersion` until a terminal status or `close()`. */
  follow(refundId: string, afterVersion = 0): Followed {
    const state: Followed = { refundId: rawId(refundId), shown: [], replayed: 0, resubscribes: 0, errors: new Map(), done: false };
    this.followed.push(state);
    let last = afterVersion;
    let current: (() => void) | undefined;
    const countError = (code: string) => state.errors.set(code, (state.errors.get(code) ?? 0) + 1);
    const again = (self: () => void) => {
      // Only the live subscription may restart itself, and only once.
      if (current !== self || state.done || this.closed) return;
      current = undefined;
      setTimeout(() => !state.done && !this.closed && current === undefined && subscribe(), 300 + 700 * Math.random());
    };
    const subscribe = () => {
      const previous = current;
      current = undefined; // so that its complete, which unsubscribing sends, restarts nothing
      if (previous) {
        state.resubscribes += 1;
        previous();
      }
      const self: () => void = this.client.subscribe<{ refundStatusChanged: { version: number; to: string } }>(
        { query: STATUS_CHANGED, variables: { refundId, afterVersion: last } },
        {
          next: ({ data, errors }) => {
            if (errors?.length) {
              for (const error of errors) countError(String((error.extensions as { code?: string } | undefined)?.code ?? "NO_CODE"));
              return;
            }
            const event = data!.refundStatusChanged;
            if (event.version <= last) {
              state.replayed += 1;
              return;
            }
            last = event.version;
            state.shown.push(event.version);
            if (TERMINAL.has(event.to)) finish();
          },
          error: (error) => {
            countError(error instanceof Error ? error.message.slice(0, 60) : "socket closed");
            state.resubscribes += 1;
            again(self);
          },
          // A server completes its subscriptions when it stops, and a refused or failed one
          // completes after its error: start again from the last version shown.
          complete: () => {
            if (current === self) state.resubscribes += 1;
            again(self);
          },
        },
      );
      current = self;
    };
    const finish = () => {
      state.done = true;
      this.resubscribers.delete(subscribe);
      const unsubscribe = current;
      current = undefined;
      unsubscribe?.();
    };
    this.resubscribers.add(subscribe);
    subscribe();
    return state;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client.dispose();
  }
}
