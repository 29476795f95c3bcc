import type { Redis } from "ioredis";
import type { CredentialChange } from "../services/credential-changes.js";

/**
 * How every server process hears that a credential ended or changed (src/services/credentials.ts).
 *
 * In one process the listeners run synchronously inside `publish`. With Redis the change goes
 * out on the channel below through the same two connections as the refund events, and that
 * matters: Redis delivers one subscriber connection's messages in the order they were
 * published, and `publish` resolves only once Redis has taken the message, before the mutation
 * that ended the credential answers. So a transition committed after that answer is published
 * after the change, and every process ends the streams of the credential before it sees the
 * transition's event.
 *
 * Each change also raises a counter in Redis (in the same script as the PUBLISH, so counter
 * order is message order). A process that has applied fewer changes than the counter says —
 * some are still on their way to it — does not trust its cache for that request: a token
 * revoked on another process is refused here at once, not when the message lands.
 */
export interface CredentialBus {
  publish(change: CredentialChange): Promise<void>;
  /** Listeners run synchronously, in publication order. */
  listen(listener: (change: CredentialChange) => void): void;
  /**
   * Resolves whether every change published so far (by any process) has reached the listeners
   * here; always true in one process.
   */
  upToDate(): Promise<boolean>;
  /** Called when changes may have been lost (Redis reconnected, a gap in the counter): caches start over. */
  onResync(handler: () => void): void;
  /** Resolves once this process receives changes (the Redis SUBSCRIBE is acknowledged). */
  ready(): Promise<void>;
  close(): void;
}

export const CREDENTIAL_CHANNEL = "credential:changed";
export const CREDENTIAL_COUNTER_KEY = "credential:changes";

/** INCR and PUBLISH in one step: the counter and the message order cannot disagree. */
const PUBLISH_SCRIPT = `local n = redis.call('INCR', KEYS[1]) redis.call('PUBLISH', KEYS[2], n .. ' ' .. ARGV[1]) return n`;

export function memoryCredentialBus(): CredentialBus {
  const listeners: Array<(change: CredentialChange) => void> = [];
  return {
    async publish(change) {
      for (const listener of listeners) listener(change);
    },
    listen: (listener) => void listeners.push(listener),
    upToDate: async () => true,
    onResync: () => {},
    ready: async () => {},
    close: () => {},
  };
}

export function redisCredentialBus(publishClient: Redis, subscribeClient: Redis): CredentialBus {
  const listeners: Array<(change: CredentialChange) => void> = [];
  const resyncHandlers: Array<() => void> = [];
  /** The counter value of the last change applied here. */
  let applied = 0;
  const counter = async () => Number((await publishClient.get(CREDENTIAL_COUNTER_KEY)) ?? 0);
  const resync = async () => {
    applied = await counter();
    for (const handler of resyncHandlers) handler();
  };
  subscribeClient.on("message", (channel: string, message: string) => {
    if (channel !== CREDENTIAL_CHANNEL) return;
    const space = message.indexOf(" ");
    const number = Number(message.slice(0, space));
    const change = JSON.parse(message.slice(space + 1)) as CredentialChange;
    // A gap: a change was lost (published while this connection was down). What the cache
    // holds can no longer be trusted; the change in hand still applies.
    const gap = applied > 0 && number > applied + 1;
    applied = Math.max(applied, number);
    for (const listener of listeners) listener(change);
    if (gap) for (const handler of resyncHandlers) handler();
  });
  // ioredis subscribes again after a reconnect; what was published meanwhile never arrives.
  const reconnected = () => void resync();
  const subscribed = subscribeClient.subscribe(CREDENTIAL_CHANNEL).then(async () => {
    applied = await counter();
    subscribeClient.on("ready", reconnected);
  });
  return {
    async publish(change) {
      await publishClient.eval(PUBLISH_SCRIPT, 2, CREDENTIAL_COUNTER_KEY, CREDENTIAL_CHANNEL, JSON.stringify(change));
    },
    listen: (listener) => void listeners.push(listener),
    upToDate: async () => (await counter()) <= applied,
    onResync: (handler) => void resyncHandlers.push(handler),
    ready: () => subscribed,
    close: () => void subscribeClient.off("ready", reconnected),
  };
}
