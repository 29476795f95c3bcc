import type { Tx } from "../db/tx.js";
import type { BeforeTransitionEvent, CommittedTransition, HookOutcome, TransitionHooks } from "../services/transition-hooks.js";
import type { HookDispatch } from "../services/unit-of-work.js";
import { type AppWebhookOutbox, isWebhookDeliveryId } from "./webhook-outbox.js";

/** The transition hooks with the apps' webhooks beside them: their outbox rows join the same insert step. */
export class HooksWithAppWebhooks implements TransitionHooks {
  constructor(
    private readonly inner: TransitionHooks,
    private readonly webhooks: AppWebhookOutbox,
  ) {}

  before(tx: Tx, event: BeforeTransitionEvent): Promise<HookOutcome> {
    return this.inner.before(tx, event);
  }

  async enqueueAfter(tx: Tx, transitions: ReadonlyArray<CommittedTransition>): Promise<string[]> {
    const hooks = await this.inner.enqueueAfter(tx, transitions);
    return [...hooks, ...(await this.webhooks.enqueue(tx, transitions))];
  }

  enqueueBatchFinished(tx: Tx, batch: { id: string; shopId: string }): Promise<string[]> {
    return this.webhooks.enqueueBatchFinished(tx, batch);
  }
}

interface Deliveries extends HookDispatch {
  deliver(ids: readonly string[]): Promise<void>;
  drain(): Promise<void>;
}

/** After commit: plugin hook deliveries to their worker, webhook deliveries (by their id) to theirs. */
export class DeliveriesWithAppWebhooks implements Deliveries {
  constructor(
    private readonly hooks: Deliveries,
    private readonly webhooks: Deliveries,
  ) {}

  private split(ids: readonly string[]): [string[], string[]] {
    return [ids.filter((id) => !isWebhookDeliveryId(id)), ids.filter(isWebhookDeliveryId)];
  }

  dispatch(ids: readonly string[]): void {
    const [hooks, webhooks] = this.split(ids);
    this.hooks.dispatch(hooks);
    if (webhooks.length > 0) this.webhooks.dispatch(webhooks);
  }

  async deliver(ids: readonly string[]): Promise<void> {
    const [hooks, webhooks] = this.split(ids);
    await Promise.all([this.hooks.deliver(hooks), this.webhooks.deliver(webhooks)]);
  }

  async drain(): Promise<void> {
    await Promise.all([this.hooks.drain(), this.webhooks.drain()]);
  }
}
