import type { Database } from "../db/database.js";
import { CHECKABLE_ACTIONS, CHECK_TIMEOUT_MS, type CheckFailurePolicy, isCheckableAction } from "../domain/app-checks.js";
import { fail } from "../domain/errors.js";
import type { RefundAction } from "../domain/refund-machine.js";
import { outboundUrlProblem } from "../outbound/index.js";
import { recordAudit } from "./audit.js";
import type { ShopConfig } from "./unit-of-work.js";
import { type Viewer, requireRole } from "./viewer.js";

/** Who registers and removes apps' checks: the admins of the app's shop. */
const CHECK_ADMIN_ROLES = ["SHOP_ADMIN", "PLATFORM_ADMIN"] as const;
/** As for webhooks. */
const MIN_SECRET = 24;
const MAX_SECRET = 256;
/** Each check is a wait on the transition path: a few per app are plenty. */
const MAX_CHECKS_PER_APP = 5;

export interface CreateAppCheckInput {
  appId: string;
  actions: readonly RefundAction[];
  targetUrl: string;
  timeoutMs?: number | null;
  onFailure?: CheckFailurePolicy | null;
  secret: string;
}

function adminScope(viewer: Viewer): { shopId?: string } {
  return viewer.role === "PLATFORM_ADMIN" ? {} : { shopId: viewer.shopId! };
}

/**
 * `createAppCheck`: registers a synchronous before-transition check of an app. Every process
 * drops the shop's cached policies, so the next transition of the shop asks it.
 */
export async function createAppCheck(db: Database, shopConfig: ShopConfig, viewer: Viewer | null, input: CreateAppCheckInput) {
  const caller = requireRole(viewer, CHECK_ADMIN_ROLES);
  if (caller.app) fail("FORBIDDEN", "An app cannot register checks: a shop admin does");
  const app = await db.prisma.app.findFirst({ where: { id: input.appId, ...adminScope(caller) }, include: { _count: { select: { checks: true } } } });
  if (!app) fail("NOT_FOUND", "No such app", ["input", "appId"]);
  const actions = [...new Set(input.actions)];
  if (actions.length === 0) fail("INVALID_INPUT", "Name at least one action to check", ["input", "actions"]);
  const unchecked = actions.filter((action) => !isCheckableAction(action));
  if (unchecked.length > 0) {
    fail("INVALID_INPUT", `Only the actions people take can be checked (${CHECKABLE_ACTIONS.join(", ")}), not ${unchecked.join(", ")}`, ["input", "actions"]);
  }
  const timeoutMs = input.timeoutMs ?? CHECK_TIMEOUT_MS.default;
  if (!Number.isInteger(timeoutMs) || timeoutMs < CHECK_TIMEOUT_MS.min || timeoutMs > CHECK_TIMEOUT_MS.max) {
    fail("INVALID_INPUT", `timeoutMs is ${CHECK_TIMEOUT_MS.min} to ${CHECK_TIMEOUT_MS.max} (default ${CHECK_TIMEOUT_MS.default})`, ["input", "timeoutMs"]);
  }
  if (input.secret.length < MIN_SECRET || input.secret.length > MAX_SECRET) {
    fail("WEBHOOK_SECRET_TOO_SHORT", `The signing secret is ${MIN_SECRET} to ${MAX_SECRET} characters`, ["input", "secret"]);
  }
  const problem = await outboundUrlProblem(input.targetUrl);
  if (problem) fail("URL_NOT_ALLOWED", `The check's URL cannot be called: ${problem}`, ["input", "targetUrl"]);
  if (app._count.checks >= MAX_CHECKS_PER_APP) fail("INVALID_INPUT", `An app has at most ${MAX_CHECKS_PER_APP} checks`, ["input", "appId"]);
  const check = await db.prisma.$transaction(async (tx) => {
    const created = await tx.appCheck.create({
      data: { shopId: app.shopId, appId: app.id, actions, targetUrl: input.targetUrl, timeoutMs, onFailure: input.onFailure ?? "CONTINUE", secret: input.secret },
    });
    await recordAudit(tx, caller, { shopId: app.shopId, action: "appCheck.create", targetType: "AppCheck", targetId: created.id, details: { appId: app.id, actions, targetUrl: input.targetUrl, timeoutMs, onFailure: created.onFailure } });
    return created;
  });
  shopConfig.changed(app.shopId);
  return { check };
}

/** `deleteAppCheck`: the check is no longer asked, in any process; its call history goes with it. */
export async function deleteAppCheck(db: Database, shopConfig: ShopConfig, viewer: Viewer | null, input: { checkId: string }, forget: (checkId: string) => void) {
  const caller = requireRole(viewer, CHECK_ADMIN_ROLES);
  if (caller.app) fail("FORBIDDEN", "An app cannot remove checks: a shop admin does");
  const check = await db.prisma.appCheck.findFirst({ where: { id: input.checkId, ...adminScope(caller) } });
  if (!check) fail("NOT_FOUND", "No such check", ["input", "checkId"]);
  await db.prisma.$transaction(async (tx) => {
    await tx.appCheck.delete({ where: { id: check.id } });
    await recordAudit(tx, caller, { shopId: check.shopId, action: "appCheck.delete", targetType: "AppCheck", targetId: check.id, details: { appId: check.appId } });
  });
  shopConfig.changed(check.shopId);
  forget(check.id);
  return { deletedCheckId: check.id };
}
