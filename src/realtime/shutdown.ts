import { setMaxListeners } from "node:events";
import type { Server } from "node:http";
import { Repeater } from "@graphql-yoga/subscription";
import type { WebSocketServer } from "ws";

/**
 * Ending live subscriptions cleanly when the server stops. Every subscription stream listens to
 * `signal` and, once it aborts, finishes like any completed stream: graphql-ws then sends the
 * client a `complete` for it, and yoga ends an SSE response with `event: complete`. A client
 * sees an orderly end (and reconnects elsewhere with its last version) instead of a broken
 * socket. graphql-ws's own `dispose()` only closes every socket with "1001 Going away", which
 * its clients report as an error for each subscription still open.
 */
/** What graphql-ws's context tells of a connection: its running operations and what it sent on connecting. */
interface LiveConnection {
  subscriptions: Record<string, unknown>;
  connectionParams?: Readonly<Record<string, unknown>>;
}

export class LiveShutdown {
  /** The signal of the subscriptions opened since the last `interrupt` (or since the start). */
  private controller = LiveShutdown.newController();
  private stopping = false;
  /** graphql-ws connections, to see when each has sent the `complete` of its subscriptions. */
  private readonly connections = new Set<LiveConnection>();

  private static newController(): AbortController {
    const controller = new AbortController();
    // One listener per open subscription: thousands are expected.
    setMaxListeners(0, controller.signal);
    return controller;
  }

  /** Aborts when the server starts shutting down, or at the next `interrupt`. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Completes every subscription open now, as shutdown does, and keeps serving: the clients
   * come back at once with their last version or cursor and catch up from the database. For
   * when live events may have been lost (the pub/sub connection to Redis was cut).
   */
  interrupt(): void {
    if (this.stopping) return;
    const ended = this.controller;
    this.controller = LiveShutdown.newController();
    ended.abort();
  }

  /** For graphql-ws's `onConnect`: a connection whose subscriptions shutdown waits for. */
  connected(ctx: LiveConnection): void {
    this.connections.add(ctx);
  }

  /**
   * graphql-ws subscriptions of this process whose event stream runs: graphql-ws stores an
   * operation's stream just before it iterates it, and the pub/sub listener is attached within
   * that same turn. `/ready` shows it; tests wait for it instead of sleeping. With
   * `authorization`, only those of the connections that sent it.
   */
  streaming(authorization?: string): number {
    let count = 0;
    for (const ctx of this.connections) {
      if (authorization !== undefined && ctx.connectionParams?.authorization !== authorization) continue;
      for (const operation of Object.values(ctx.subscriptions)) if (operation) count += 1;
    }
    return count;
  }

  /** For graphql-ws's `onClose`. */
  closed(ctx: LiveConnection): void {
    this.connections.delete(ctx);
  }

  /**
   * Ends every subscription, then waits (at most `timeoutMs`) until each graphql-ws operation
   * has sent its `complete`: graphql-ws forgets an operation only after that message is written.
   * Answers how many were still open when the wait ran out (0: all completed in time).
   */
  async endSubscriptions(timeoutMs: number): Promise<number> {
    this.stopping = true;
    this.controller.abort();
    const deadline = Date.now() + timeoutMs;
    const open = () => [...this.connections].reduce((sum, ctx) => sum + Object.keys(ctx.subscriptions).length, 0);
    while (Date.now() < deadline && open() > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return open();
  }
}

/** `source` until the shutdown signal: then it completes (an iterator waiting for an event ends at once). */
export function untilShutdown<T>(source: AsyncIterable<T>, signal: AbortSignal): Repeater<T> {
  return new Repeater<T>(async (push, stop) => {
    if (signal.aborted) return stop();
    const iterator = source[Symbol.asyncIterator]();
    const end = () => stop();
    signal.addEventListener("abort", end, { once: true });
    void stop.then(() => {
      signal.removeEventListener("abort", end);
      return iterator.return?.();
    });
    for (let result = await iterator.next(); !result.done; result = await iterator.next()) await push(result.value);
    stop();
  });
}

/**
 * Closes the HTTP server once subscriptions have ended: WebSockets get "1001 Going away" (their
 * subscriptions already completed), requests in flight finish, idle keep-alive connections are
 * closed as they become idle. What is still open after `graceMs` is cut.
 */
export async function closeHttpServer(
  server: Server,
  serverClosed: Promise<void>,
  webSockets: { server: WebSocketServer; handle: { dispose(): void | Promise<void> } },
  graceMs: number,
  onGraceRanOut: (sockets: number) => void,
): Promise<void> {
  const force = setTimeout(() => {
    onGraceRanOut(webSockets.server.clients.size);
    for (const socket of webSockets.server.clients) socket.terminate();
    server.closeAllConnections();
  }, graceMs);
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  try {
    await webSockets.handle.dispose();
    server.closeIdleConnections();
    await serverClosed;
  } finally {
    clearTimeout(force);
    clearInterval(idle);
  }
}
