import { setMaxListeners } from "node:events";
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import type { RefundAction } from "../domain/refund-machine.js";
import type { ActorKind, RefundStatus, Role } from "../domain/types.js";
import { type CredentialBus, memoryCredentialBus, redisCredentialBus } from "./credential-bus.js";

/** What subscribers receive: one committed transition, identified well enough to route it. */
export interface RefundTransitionEvent {
  transitionId: string;
  refundId: string;
  shopId: string;
  customerId: string;
  version: number;
  /** Its place in the shop's stream (RefundTransition.sequence). */
  sequence: number;
  from: RefundStatus | null;
  to: RefundStatus;
  action: RefundAction;
  actorKind: ActorKind;
  actorRole: Role | null;
}

/** A message a NOTIFY rule left in a staff inbox (a member's, or a role's), committed. */
export interface StaffNotificationEvent {
  notificationId: string;
  shopId: string;
  memberId: string | null;
  role: Role | null;
}

type RefundTopics = {
  "refund:transition": [shopId: string, event: RefundTransitionEvent];
  "staff:notification": [shopId: string, event: StaffNotificationEvent];
  /** A shop changed configuration that processes cache (plugin settings, deadlines). */
  "shop:config": [event: { shopId: string }];
};
export type RefundPubSub = ReturnType<typeof createPubSub<RefundTopics>>;

function createRefundPubSubWith(config?: Parameters<typeof createPubSub<RefundTopics>>[0]): RefundPubSub {
  // One topic per shop: a process receives only what some subscriber of that shop may see.
  return createPubSub<RefundTopics>(config);
}

/**
 * In-process pub/sub by default; with a Redis URL every server process sees every other's
 * transitions (yoga's Redis event target, one publish and one subscribe connection). The ends
 * of credentials travel on the same connections, so that they stay in order with the
 * transitions (src/realtime/credential-bus.ts). `onResumed`: called when the subscribe
 * connection is back after it was lost; `onConnectionError`: when a connection fails (ioredis
 * reconnects by itself).
 */
export function createRefundPubSub(redisUrl?: string, onResumed?: () => void, onConnectionError?: (error: Error) => void): { pubsub: RefundPubSub; credentials: CredentialBus; close(): Promise<void> } {
  if (!redisUrl) {
    // Every subscriber of a shop listens on its topic: thousands of listeners are expected.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createRefundPubSubWith({ eventTarget }), credentials: memoryCredentialBus(), close: async () => {} };
  }
  const publishClient = new Redis(redisUrl, { lazyConnect: false });
  const subscribeClient = new Redis(redisUrl, { lazyConnect: false });
  if (onConnectionError) for (const client of [publishClient, subscribeClient]) client.on("error", onConnectionError);
  // What was published while this process was cut off from Redis (a restart, a network cut)
  // never reaches it: once subscribed again, `onResumed` has the streams catch up.
  let cutOff = false;
  subscribeClient.on("close", () => (cutOff = true));
  subscribeClient.on("ready", () => {
    if (!cutOff) return;
    cutOff = false;
    onResumed?.();
  });
  const eventTarget = createRedisEventTarget<CustomEvent>({ publishClient, subscribeClient });
  const credentials = redisCredentialBus(publishClient, subscribeClient);
  return {
    pubsub: createRefundPubSubWith({ eventTarget }),
    credentials,
    async close() {
      credentials.close();
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
