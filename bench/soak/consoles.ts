// Staff consoles following the whole shop with `refundEvents(after)` over graphql-ws, as
// docs/subscriptions.md describes: each stays on one server process, and after a reconnect, a
// `complete` (a server stopping, or its pub/sub connection to Redis restored) or an error it
// subscribes again after the last cursor shown, so every transition is shown once, in order.
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { rawId } from "../../test/support/ids.js";

const EVENTS = /* GraphQL */ `
  subscription ($after: String) { refundEvents(after: $after) { id streamCursor } }`;

export interface ConsoleState {
  name: string;
  /** Transition row ids shown, in the order shown. */
  shown: string[];
  /** Events received again after a resubscribe (already shown by cursor, so dropped). */
  replayed: number;
  /** Subscriptions started again after a complete, an error or a reconnect. */
  resubscribes: number;
  /** Error results and socket errors, by code. */
  errors: Map<string, number>;
}

export class StaffConsole {
  private readonly client: Client;
  private current: (() => void) | undefined;
  private closed = false;
  /** The last cursor shown: where the next subscription starts. */
  private cursor: string | null = null;
  /** Cursors in the order shown, to tell a replay from a new event. */
  private readonly seen = new Set<string>();
  readonly state: ConsoleState;

  constructor(name: string, url: string, token: string) {
    this.state = { name, shown: [], replayed: 0, resubscribes: 0, errors: new Map() };
    this.client = createClient({
      url: url.replace(/^http/, "ws"),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      connectionAckWaitTimeout: 5_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: () => new Promise((resolve) => setTimeout(resolve, 300 + 700 * Math.random())),
      on: { connected: (_socket, _payload, wasRetry) => wasRetry && !this.closed && this.subscribe() },
    });
    this.subscribe();
  }

  private countError(code: string) {
    this.state.errors.set(code, (this.state.errors.get(code) ?? 0) + 1);
  }

  private again(self: () => void) {
    if (this.current !== self || this.closed) return;
    this.current = undefined;
    this.state.resubscribes += 1;
    setTimeout(() => !this.closed && this.current === undefined && this.subscribe(), 300 + 700 * Math.random());
  }

  private subscribe() {
    const previous = this.current;
    this.current = undefined; // its complete, which unsubscribing sends, restarts nothing
    if (previous) {
      this.state.resubscribes += 1;
      previous();
    }
    const self: () => void = this.client.subscribe<{ refundEvents: { id: string; streamCursor: string } }>(
      { query: EVENTS, variables: { after: this.cursor } },
      {
        next: ({ data, errors }) => {
          if (errors?.length) {
            for (const error of errors) this.countError(String((error.extensions as { code?: string } | undefined)?.code ?? "NO_CODE"));
            return;
          }
          const event = data!.refundEvents;
          if (this.seen.has(event.streamCursor)) {
            this.state.replayed += 1;
            return;
          }
          this.seen.add(event.streamCursor);
          this.cursor = event.streamCursor;
          this.state.shown.push(rawId(event.id));
        },
        error: (error) => {
          this.countError(error instanceof Error ? error.message.slice(0, 60) : "socket closed");
          this.again(self);
        },
        complete: () => this.again(self),
      },
    );
    this.current = self;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current?.();
    await this.client.dispose();
  }
}
