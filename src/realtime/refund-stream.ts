import { Repeater } from "@graphql-yoga/subscription";
import type { Database } from "../db/database.js";
import type { RefundPubSub } from "./refund-events.js";

/**
 * The transitions of one refund after `afterVersion`, in version order, without a gap or a
 * duplicate: first the stored ones (a phone that reconnects catches up), then live ones. The
 * live subscription starts before the catch-up read, and any hole between what was sent and
 * an arriving event (events of two processes can cross) is filled from the database.
 * A Repeater rather than an async generator: unsubscribing ends it at once, even while it
 * waits for the next event. So does `shutdown`: the stream then completes, and the client
 * reconnects (to another process) with the last version it saw.
 *
 * Each value names a transition for the resolver to load. When a load fails (the database is
 * unreachable), the subscriber got an error in place of that version: the resolver calls
 * `undelivered`, which ends the stream and fails any later value already queued, so the client
 * resumes from the last version it has rather than going on past a hole.
 */
export interface StreamedTransition {
  transitionId: string;
  stream: {
    /** Set once a value could not be delivered: later ones must not be either. */
    failure: { error: unknown } | null;
    undelivered(error: unknown): void;
  };
}

/** A stream's state that, when an event cannot be delivered, records why and ends the stream. */
export function endsWhenUndelivered(stop: () => void): StreamedTransition["stream"] {
  const stream: StreamedTransition["stream"] = {
    failure: null,
    undelivered(error) {
      stream.failure ??= { error };
      stop();
    },
  };
  return stream;
}

export function refundTransitionStream(
  db: Database,
  pubsub: RefundPubSub,
  refund: { id: string; shopId: string },
  afterVersion: number,
  shutdown: AbortSignal,
): Repeater<StreamedTransition> {
  return new Repeater<StreamedTransition>(async (pushValue, stop) => {
    const stream = endsWhenUndelivered(stop);
    const push = (transitionId: string) => pushValue({ transitionId, stream });
    if (shutdown.aborted) return stop();
    const live = pubsub.subscribe("refund:transition", refund.shopId)[Symbol.asyncIterator]();
    const end = () => stop();
    shutdown.addEventListener("abort", end, { once: true });
    void stop.then(() => {
      shutdown.removeEventListener("abort", end);
      return live.return?.();
    });
    // Asking for the first event registers the listener now: from here on, events queue up
    // while the history is read, so none falls between the two.
    let nextEvent = live.next();
    let sent = afterVersion;
    const sendStoredUpTo = async (upTo?: number) => {
      const transitions = await db.prisma.refundTransition.findMany({
        where: { refundId: refund.id, version: { gt: sent, ...(upTo !== undefined && { lte: upTo }) } },
        select: { id: true, version: true },
        orderBy: { version: "asc" },
      });
      for (const transition of transitions) {
        sent = transition.version;
        await push(transition.id);
      }
    };
    try {
      await sendStoredUpTo();
      for (let result = await nextEvent; !result.done; result = await nextEvent) {
        nextEvent = live.next();
        const event = result.value;
        if (event.refundId !== refund.id || event.version <= sent) continue;
        if (event.version === sent + 1) {
          // The next one in order: the event names it, so no read (with 1,000 followers, 1,000 reads saved).
          sent = event.version;
          await push(event.transitionId);
        } else {
          await sendStoredUpTo(event.version);
        }
      }
    } finally {
      stop();
    }
  });
}
