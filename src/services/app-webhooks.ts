import type { GraphQLSchema } from "graphql";
import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { checkWebhookQuery } from "../apps/documents.js";
import type { AppEvent } from "../apps/webhook-outbox.js";
import { outboundUrlProblem } from "../outbound/index.js";
import { APP_ADMIN_ROLES, appAdminScope } from "./apps.js";
import { recordAudit } from "./audit.js";
import type { HookDispatch, ShopConfig } from "./unit-of-work.js";
import { requireRole, type Viewer } from "./viewer.js";

/** A webhook secret must be hard to guess: at least this long (and at most 256). */
export const MIN_WEBHOOK_SECRET_LENGTH = 24;
const MAX_WEBHOOK_SECRET_LENGTH = 256;

function checkedSecret(secret: string): string {
  if (secret.length < MIN_WEBHOOK_SECRET_LENGTH || secret.length > MAX_WEBHOOK_SECRET_LENGTH) {
    fail("WEBHOOK_SECRET_TOO_SHORT", `A webhook secret is ${MIN_WEBHOOK_SECRET_LENGTH} to ${MAX_WEBHOOK_SECRET_LENGTH} characters (this one has ${secret.length})`, ["input", "secret"]);
  }
  return secret;
}

async function checkedTarget(targetUrl: string): Promise<string> {
  const problem = await outboundUrlProblem(targetUrl);
  if (problem) fail("URL_NOT_ALLOWED", `targetUrl: ${problem}`, ["input", "targetUrl"]);
  return targetUrl;
}

export interface CreateAppWebhookInput {
  appId: string;
  event: AppEvent;
  targetUrl: string;
  query: string;
  secret: string;
}

/**
 * `createAppWebhook`: subscribes an app to an event. The document is checked against the schema
 * and the app's permissions, the URL against the outbound rules, the secret's length; any
 * failure saves nothing. Every process's cached webhooks of the shop are dropped.
 */
export async function createAppWebhook(db: Database, shopConfig: ShopConfig, schema: GraphQLSchema, viewer: Viewer | null, input: CreateAppWebhookInput) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const app = await db.prisma.app.findFirst({ where: { id: input.appId, ...appAdminScope(caller) } });
  if (!app) fail("NOT_FOUND", "No such app", ["input", "appId"]);
  const secret = checkedSecret(input.secret);
  const checked = checkWebhookQuery(schema, input.query, app.permissions, input.event);
  if (!checked.ok) fail(checked.code, checked.message, ["input", "query"]);
  const targetUrl = await checkedTarget(input.targetUrl);
  const webhook = await db.prisma.$transaction(async (tx) => {
    const created = await tx.appWebhook.create({ data: { shopId: app.shopId, appId: app.id, event: input.event, targetUrl, query: input.query, secret } });
    await recordAudit(tx, caller, { shopId: app.shopId, action: "appWebhook.create", targetType: "AppWebhook", targetId: created.id, details: { appId: app.id, event: input.event, targetUrl } });
    return created;
  });
  shopConfig.changed(app.shopId);
  return webhook;
}

async function administeredWebhook(db: Database, caller: Viewer, webhookId: string) {
  const webhook = await db.prisma.appWebhook.findFirst({ where: { id: webhookId, ...appAdminScope(caller) } });
  if (!webhook) fail("NOT_FOUND", "No such webhook", ["input", "webhookId"]);
  return webhook;
}

/** `rotateAppWebhookSecret`: the next POSTs (retries of queued ones included) are signed with the new secret. */
export async function rotateAppWebhookSecret(db: Database, viewer: Viewer | null, input: { webhookId: string; secret: string }) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const webhook = await administeredWebhook(db, caller, input.webhookId);
  const secret = checkedSecret(input.secret);
  return db.prisma.$transaction(async (tx) => {
    const rotated = await tx.appWebhook.update({ where: { id: webhook.id }, data: { secret } });
    await recordAudit(tx, caller, { shopId: webhook.shopId, action: "appWebhook.rotateSecret", targetType: "AppWebhook", targetId: webhook.id });
    return rotated;
  });
}

/** `deleteAppWebhook`: no more deliveries; queued ones go with it. */
export async function deleteAppWebhook(db: Database, shopConfig: ShopConfig, viewer: Viewer | null, input: { webhookId: string }) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const webhook = await administeredWebhook(db, caller, input.webhookId);
  await db.prisma.$transaction(async (tx) => {
    await tx.appWebhook.delete({ where: { id: webhook.id } });
    await recordAudit(tx, caller, { shopId: webhook.shopId, action: "appWebhook.delete", targetType: "AppWebhook", targetId: webhook.id });
  });
  shopConfig.changed(webhook.shopId);
  return webhook.id;
}

/**
 * `redeliverWebhook`: a delivered or dead delivery is sent again, as it is now (the document is
 * run again), with fresh attempts; one still queued is refused (it will be sent anyway).
 */
export async function redeliverWebhook(db: Database, deliveries: HookDispatch, viewer: Viewer | null, input: { deliveryId: string }) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const reset = await db.prisma.appWebhookDelivery.updateMany({
    where: { id: input.deliveryId, ...appAdminScope(caller), status: { in: ["DELIVERED", "DEAD"] } },
    data: { status: "PENDING", attempts: 0, availableAt: new Date(), lockedUntil: null, deliveredAt: null },
  });
  const delivery = await db.prisma.appWebhookDelivery.findFirst({ where: { id: input.deliveryId, ...appAdminScope(caller) } });
  if (!delivery) fail("NOT_FOUND", "No such webhook delivery", ["input", "deliveryId"]);
  if (reset.count === 0) fail("WEBHOOK_DELIVERY_PENDING", "The delivery is still queued: it will be sent without redelivering it", ["input", "deliveryId"]);
  deliveries.dispatch([delivery.id]);
  return delivery;
}
