// Case 8: fan-out. SUBSCRIBERS live subscribers, one connection each, mixed evenly: graphql-ws
// and SSE, half following one refund (`refundStatusChanged`), half on the shop's `refundEvents`.
// Then one transition at a time: the time from sending it until each subscriber has it, and the
// transition's own latency, also measured before the subscribers connect. A refund takes two
// rounds (agent APPROVE, then warehouse CONFIRM_NOT_RECEIVED); the refund followers move to
// the next refund every two rounds, subscribing from its current version.
import type { Client } from "graphql-ws";
import { type Shop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { type Latency, latency, pool, sleep } from "../lib/measure.js";
import type { Server } from "../lib/server.js";
import { type Unsubscribe, connectWs, subscribeSse, subscribeWs } from "../lib/subscriptions.js";

const STATUS = `subscription ($id: ID!, $v: Int) { refundStatusChanged(refundId: $id, afterVersion: $v) { id } }`;
const EVENTS = `subscription { refundEvents { id } }`;
const TRANSITION = `mutation ($id: ID!, $a: RefundAction!) { transitionRefund(input: { refundId: $id, action: $a }) { transition { id } refund { version } userErrors { code } } }`;
const DELIVERY_TIMEOUT_MS = 30_000;

export interface FanoutResult {
  subscribers: { ws: number; sse: number; refundStatusChanged: number; refundEvents: number };
  rounds: number;
  /** Send of the transition → each subscriber has it, over every subscriber and round. */
  delivery: Latency & { max: number; missing: number };
  transitionAlone: Latency;
  transitionWithSubscribers: Latency;
}

interface Subscriber {
  transport: "ws" | "sse";
  follows: "refund" | "events";
  ws?: Client;
  unsubscribe?: Unsubscribe;
}

export async function fanoutCase(_server: Server, shop: Shop, options: { subscribers: number; rounds: number }): Promise<FanoutResult> {
  const pairs = Math.ceil(options.rounds / 2);
  const refunds = await pendingReviewRefunds(shop, pairs * 2);
  const steps = (refundId: string) => [
    { refundId, action: "APPROVE", token: shop.tokens.agent },
    { refundId, action: "CONFIRM_NOT_RECEIVED", token: shop.tokens.warehouse },
  ];
  const transition = (step: ReturnType<typeof steps>[number]) =>
    gql<{ transitionRefund: { transition: { id: string }; refund: { version: number } } }>(shop.url, step.token, TRANSITION, { id: step.refundId, a: step.action });

  const alone: number[] = [];
  for (const refundId of refunds.slice(0, pairs)) for (const step of steps(refundId)) alone.push((await transition(step)).ms);

  const arrivals = new Map<string, number[]>();
  const arrived = (transitionId: string) => {
    const times = arrivals.get(transitionId);
    if (times) times.push(performance.now());
    else arrivals.set(transitionId, [performance.now()]);
  };
  const subscribers: Subscriber[] = Array.from({ length: options.subscribers }, (_, i) => ({
    transport: i % 2 === 0 ? "ws" : "sse",
    follows: Math.floor(i / 2) % 2 === 0 ? "refund" : "events",
  }));
  const subscribe = async (subscriber: Subscriber, variables: Record<string, unknown>) => {
    const [query, field] = subscriber.follows === "refund" ? [STATUS, "refundStatusChanged"] : [EVENTS, "refundEvents"];
    const onNext = (data: Record<string, { id: string }>) => arrived(data[field]!.id);
    subscriber.unsubscribe?.();
    subscriber.unsubscribe = subscriber.ws
      ? subscribeWs(subscriber.ws, query, variables, onNext)
      : await subscribeSse(shop.url, shop.tokens.agent, query, variables, onNext);
  };

  try {
    const firstRefund = refunds[pairs]!;
    await pool(subscribers.length, 50, async (i) => {
      const subscriber = subscribers[i]!;
      if (subscriber.transport === "ws") subscriber.ws = await connectWs(shop.url, shop.tokens.agent);
      await subscribe(subscriber, subscriber.follows === "refund" ? { id: firstRefund, v: 2 } : {});
    });
    await sleep(1000); // the last graphql-ws subscriptions reach the server

    const delivery: number[] = [];
    const withSubscribers: number[] = [];
    let missing = 0;
    let round = 0;
    for (const [pair, refundId] of refunds.slice(pairs).entries()) {
      if (pair > 0) {
        const followers = subscribers.filter((subscriber) => subscriber.follows === "refund");
        await pool(followers.length, 50, (i) => subscribe(followers[i]!, { id: refundId, v: 2 }));
        await sleep(500);
      }
      for (const step of steps(refundId)) {
        if (round++ >= options.rounds) break;
        const sentAt = performance.now();
        const answer = await transition(step);
        withSubscribers.push(answer.ms);
        const transitionId = answer.transitionRefund.transition.id;
        const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
        while ((arrivals.get(transitionId)?.length ?? 0) < subscribers.length && performance.now() < deadline) await sleep(2);
        const times = arrivals.get(transitionId) ?? [];
        missing += subscribers.length - times.length;
        for (const at of times) delivery.push(at - sentAt);
      }
    }
    const deliveryLatency = latency(delivery);
    return {
      subscribers: {
        ws: subscribers.filter((s) => s.transport === "ws").length,
        sse: subscribers.filter((s) => s.transport === "sse").length,
        refundStatusChanged: subscribers.filter((s) => s.follows === "refund").length,
        refundEvents: subscribers.filter((s) => s.follows === "events").length,
      },
      rounds: withSubscribers.length,
      delivery: { ...deliveryLatency, max: Math.round(Math.max(...delivery)), missing },
      transitionAlone: latency(alone),
      transitionWithSubscribers: latency(withSubscribers),
    };
  } finally {
    for (const subscriber of subscribers) subscriber.unsubscribe?.();
    await Promise.all(subscribers.map((subscriber) => subscriber.ws?.dispose()));
  }
}
