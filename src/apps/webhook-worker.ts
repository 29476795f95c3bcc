import { encodeGlobalID } from "@pothos/plugin-relay";
import { type GraphQLSchema, execute, parse } from "graphql";
import type { Database } from "../db/database.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue, type RetryPolicy, retryAfter } from "../jobs/job-queue.js";
import { outboundFetch } from "../outbound/index.js";
import type { HookDispatch } from "../services/unit-of-work.js";
import type { Viewer } from "../services/viewer.js";
import { permissionProblems } from "./documents.js";
import { SIGNATURE_HEADER, webhookSignature } from "./signing.js";

export interface AppWebhookOptions {
  /** First retry after this long, doubling each time. */
  retryBaseMs?: number;
  /** Retries are at most this far apart. */
  retryMaxMs?: number;
  /** After this many failed POSTs the delivery is dead: listed, and sent again by redeliverWebhook. */
  maxAttempts?: number;
  /** How long one POST may take. */
  timeoutMs?: number;
  /** How long a claim holds before another process may take the delivery over. */
  claimMs?: number;
  sweepIntervalMs?: number;
}

/** What running a webhook's document needs: the schema and a request context for the app's viewer. */
export interface WebhookExecution {
  schema: GraphQLSchema;
  contextFor(viewer: Viewer): object;
}

/** A refund event's delivery names its transition; a REFUND_BATCH_FINISHED one its batch. */
type ClaimedDelivery = { id: string; webhookId: string; shopId: string; transitionId: string | null; batchId: string | null; event: string; attempts: number };

/** What a POST's answer leaves recorded. */
interface Attempt {
  responseStatus: number | null;
  latencyMs: number | null;
}

/**
 * Sends app webhooks from their outbox rows (AppWebhookDelivery), at least once, with backoff,
 * keeping those that keep failing as dead letters: a job of src/jobs over the rows the
 * transition wrote. For each delivery the webhook's document is executed as the app (its
 * creator's role narrowed to its permissions, in its shop) with the event as the source of
 * `refundEvents` (or, for REFUND_BATCH_FINISHED, the batch's summary as the source of
 * `refundBatchProgress`), and the result's `data` is the signed body.
 */
export class AppWebhookWorker implements HookDispatch {
  private readonly jobs: JobQueue<ClaimedDelivery>;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly documents = new Map<string, ReturnType<typeof parse>>();

  constructor(
    private readonly db: Database,
    private readonly execution: WebhookExecution,
    options: AppWebhookOptions = {},
  ) {
    this.retry = { baseMs: options.retryBaseMs ?? 5_000, maxMs: options.retryMaxMs ?? 30 * 60_000, maxAttempts: options.maxAttempts ?? 8 };
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.jobs = new JobQueue<ClaimedDelivery>(db.prisma, {
      name: "app webhook delivery",
      table: {
        table: "AppWebhookDelivery",
        leaseColumn: "lockedUntil",
        attemptsColumn: "attempts",
        due: (now) => Prisma.sql`j.status = 'PENDING' AND j."availableAt" <= ${now}`,
        orderBy: "createdAt",
        returning: Prisma.sql`j.id, j."webhookId", j."shopId", j."transitionId", j."batchId", j.event::text AS event, j.attempts`,
      },
      handle: (claimed) => this.handle(claimed),
      leaseMs: options.claimMs ?? Math.max(30_000, this.timeoutMs * 3),
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      sweepLimit: 50,
    });
  }

  start(): void {
    this.jobs.start();
  }

  dispatch(deliveryIds: readonly string[]): void {
    this.jobs.dispatch(deliveryIds);
  }

  /** Claims and sends these deliveries now (those still due and free). */
  deliver(deliveryIds: readonly string[]): Promise<void> {
    return this.jobs.run(deliveryIds);
  }

  drain(): Promise<void> {
    return this.jobs.drain();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  private document(query: string) {
    let document = this.documents.get(query);
    if (!document) {
      document = parse(query);
      this.documents.set(query, document);
    }
    return document;
  }

  private async handle(claimed: ClaimedDelivery[]): Promise<void> {
    const webhooks = await this.db.prisma.appWebhook.findMany({
      where: { id: { in: [...new Set(claimed.map((delivery) => delivery.webhookId))] } },
      include: { app: true },
    });
    const webhookOf = new Map(webhooks.map((webhook) => [webhook.id, webhook]));
    // A refund's transitions are sent in the order they were claimed (oldest first per sweep);
    // receivers order by the body's version, not by arrival.
    for (const delivery of claimed) {
      const webhook = webhookOf.get(delivery.webhookId);
      if (!webhook || !webhook.app.enabled) {
        await this.fail(delivery, "the app is disabled", { responseStatus: null, latencyMs: null }, true);
        continue;
      }
      const { app } = webhook;
      const document = this.document(webhook.query);
      // Checked at registration; checked again, for nothing else may widen what the app reads.
      const [problem] = permissionProblems(this.execution.schema, document, app.permissions);
      if (problem) {
        await this.fail(delivery, `the app may not read ${problem}`, { responseStatus: null, latencyMs: null }, true);
        continue;
      }
      const viewer: Viewer = { tokenId: `app:${app.id}`, role: app.creatorRole, shopId: app.shopId, customerId: null, label: `app: ${app.name}`, app: { id: app.id, permissions: app.permissions } };
      const source = await this.sourceOf(delivery);
      if (!source) {
        await this.fail(delivery, "the batch no longer exists", { responseStatus: null, latencyMs: null }, true);
        continue;
      }
      const result = await execute({ schema: this.execution.schema, document, ...source, contextValue: this.execution.contextFor(viewer) });
      if (result.errors?.length) {
        await this.fail(delivery, `the query failed: ${result.errors.map((error) => error.message).join("; ")}`, { responseStatus: null, latencyMs: null }, false);
        continue;
      }
      await this.post(delivery, webhook, JSON.stringify(result.data));
    }
  }

  /**
   * What the document runs on: a refund event's transition, or the finished batch's summary as
   * refundBatchProgress yields it last, with the `$batchId` its document declares.
   */
  private async sourceOf(delivery: ClaimedDelivery): Promise<{ rootValue: object; variableValues?: Record<string, unknown> } | null> {
    if (delivery.batchId === null) return { rootValue: { transitionId: delivery.transitionId, shopId: delivery.shopId } };
    const batch = await this.db.prisma.refundBatch.findFirst({ where: { id: delivery.batchId, shopId: delivery.shopId } });
    if (!batch) return null;
    return { rootValue: { batch, item: null, finished: true }, variableValues: { batchId: encodeGlobalID("RefundBatch", batch.id) } };
  }

  private async post(delivery: ClaimedDelivery, webhook: { targetUrl: string; secret: string }, body: string): Promise<void> {
    const started = performance.now();
    let attempt: Attempt = { responseStatus: null, latencyMs: null };
    try {
      const response = await outboundFetch(webhook.targetUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: webhookSignature(webhook.secret, body, Math.floor(Date.now() / 1000)),
          "X-Refund-Event": delivery.event,
          // The same on every attempt: a receiver that saw it already can answer 2xx and skip it.
          "X-Refund-Delivery": delivery.id,
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.body?.cancel();
      attempt = { responseStatus: response.status, latencyMs: Math.round(performance.now() - started) };
      if (response.status < 200 || response.status >= 300) return await this.fail(delivery, `the receiver answered ${response.status}`, attempt, false);
    } catch (error) {
      attempt = { responseStatus: null, latencyMs: Math.round(performance.now() - started) };
      return await this.fail(delivery, error instanceof Error ? error.message : String(error), attempt, false);
    }
    await this.db.prisma.appWebhookDelivery.update({
      where: { id: delivery.id },
      data: { status: "DELIVERED", deliveredAt: new Date(), lockedUntil: null, lastError: null, ...attempt },
    });
  }

  private async fail(delivery: ClaimedDelivery, message: string, attempt: Attempt, permanent: boolean): Promise<void> {
    const retry = retryAfter(this.retry, delivery.attempts);
    const dead = permanent || retry.dead;
    const delayMs = retry.dead ? 0 : retry.delayMs;
    await this.db.prisma.appWebhookDelivery.update({
      where: { id: delivery.id },
      data: {
        status: dead ? "DEAD" : "PENDING",
        lastError: message.slice(0, 2_000),
        lockedUntil: null,
        availableAt: new Date(Date.now() + (dead ? 0 : delayMs)),
        ...attempt,
      },
    });
    if (!dead) this.jobs.retryLater(delivery.id, delayMs);
  }
}
