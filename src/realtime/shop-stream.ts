import { Repeater } from "@graphql-yoga/subscription";
import type { Database } from "../db/database.js";
import { CoalescedReads } from "./coalesced-reads.js";
import type { RefundPubSub } from "./refund-events.js";
import { type StreamedTransition, endsWhenUndelivered } from "./refund-stream.js";

/**
 * refundEvents' cursor: a transition's place in its shop's stream, `RefundTransition.sequence`
 * (1, 2, 3… per shop in commit order with no gap: why, in the migration
 * 20261207211019_refund_event_sequence). Opaque to clients: base64url of "<shopId>:<sequence>",
 * the shop inside so that a cursor of another shop is refused rather than read as a number.
 */
export function encodeStreamCursor(shopId: string, sequence: number): string {
  return Buffer.from(`${shopId}:${sequence}`).toString("base64url");
}

export type StreamCursor = { ok: true; shopId: string; sequence: number } | { ok: false };

export function decodeStreamCursor(cursor: string): StreamCursor {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return { ok: false };
  const match = /^([0-9a-f-]{1,64}):([1-9][0-9]{0,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return match ? { ok: true, shopId: match[1]!, sequence: Number(match[2]) } : { ok: false };
}

/** A transition of the shop stream, with its cursor (StreamedTransition for the resolver). */
export interface StreamedShopTransition extends StreamedTransition {
  sequence: number;
}

/** The shop's committed transitions after a sequence; consoles in step share one read. */
const storedAfter = new CoalescedReads();
const PAGE = 200;

function readAfter(db: Database, shopId: string, after: number) {
  return storedAfter.read(`${shopId}:${after}`, () =>
    db.prisma.refundTransition.findMany({
      where: { shopId, sequence: { gt: after } },
      select: { id: true, sequence: true, toStatus: true, action: true },
      orderBy: { sequence: "asc" },
      take: PAGE,
    }),
  );
}

/**
 * The shop's transitions after `after` (a sequence), in commit order, with no gap and none
 * twice: first the stored ones (a console that reconnects catches up), then live ones. As in
 * refundTransitionStream, the live subscription starts before the first read, so nothing
 * falls between the two. A live event carries its sequence: the next one in order is sent as
 * it is (no read); one further on means others are missing (events of two processes can cross,
 * or were lost with a Redis connection): what committed in between is read, once for every
 * console of the shop in step. Once a sequence is committed every lower one is too
 * (src/services/transition-sequence.ts), so what is read has no hole.
 *
 * `keep` filters (statuses, actions) without stopping the cursor: a skipped transition moves
 * it on like a sent one. When the resolver cannot load a value, the stream ends after that
 * error (see refundTransitionStream) and the client resumes from its last cursor.
 */
export function shopTransitionStream(
  db: Database,
  pubsub: RefundPubSub,
  shopId: string,
  after: number,
  keep: (transition: { toStatus: string; action: string }) => boolean,
  shutdown: AbortSignal,
): Repeater<StreamedShopTransition> {
  return new Repeater<StreamedShopTransition>(async (pushValue, stop) => {
    const stream = endsWhenUndelivered(stop);
    if (shutdown.aborted) return stop();
    const live = pubsub.subscribe("refund:transition", shopId)[Symbol.asyncIterator]();
    const end = () => stop();
    shutdown.addEventListener("abort", end, { once: true });
    void stop.then(() => {
      shutdown.removeEventListener("abort", end);
      return live.return?.();
    });
    let nextEvent = live.next();
    let sent = after;
    const sendStored = async () => {
      for (;;) {
        const transitions = await readAfter(db, shopId, sent);
        for (const transition of transitions) {
          if (stream.failure) return;
          if (transition.sequence! <= sent) continue;
          sent = transition.sequence!;
          if (keep(transition)) await pushValue({ transitionId: transition.id, sequence: sent, stream });
        }
        if (transitions.length < PAGE) return;
      }
    };
    try {
      await sendStored();
      for (let result = await nextEvent; !result.done && !stream.failure; result = await nextEvent) {
        nextEvent = live.next();
        const event = result.value;
        if (event.sequence <= sent) continue;
        if (event.sequence === sent + 1) {
          sent = event.sequence;
          if (keep({ toStatus: event.to, action: event.action })) await pushValue({ transitionId: event.transitionId, sequence: sent, stream });
        } else {
          await sendStored();
        }
      }
    } finally {
      stop();
    }
  });
}
