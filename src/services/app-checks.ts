import { checksFor } from "../domain/app-checks.js";
import { type RefundChange, beforeEvent, inScope, loadRefunds, planChange } from "./refund-change.js";
import { NO_POLICIES } from "./shop-policies.js";
import type { RefundServiceDeps } from "./unit-of-work.js";

/**
 * Asks the apps' before-transition checks about these changes BEFORE their unit of work opens,
 * so that an app's HTTP call (up to its timeout, 5 s at most) holds no pooled connection — the
 * embedded PGlite has only one — and no row lock. The refunds are read here, outside the
 * transaction, and handed to the unit as `loaded`: the unit plans from exactly the refund the
 * apps were asked about and skips its own read, and its version-checked UPDATE refuses the write
 * (VERSION_CONFLICT) if the refund moved meanwhile — so an answer is never applied to a refund
 * other than the one it was given, and the transition costs the same statements as without apps.
 *
 * A shop with no check for the action pays nothing: its checks come with its cached policies.
 * Changes of a caller with no shop scope (a platform admin) are asked inside the unit instead.
 */
export async function askAppChecksBeforeUnit(deps: RefundServiceDeps, changes: readonly RefundChange[]): Promise<RefundChange[]> {
  const runner = deps.appChecks;
  const shopIds = [...new Set(changes.flatMap((change) => (change.scope?.shopId ? [change.scope.shopId] : [])))];
  if (!runner || shopIds.length === 0) return [...changes];
  const policies = await deps.shopConfig.policies.get(deps.db.prisma, shopIds);
  const asked = changes.filter((change) => change.scope?.shopId && !change.loaded && checksFor(policies.get(change.scope.shopId)?.checks, change.request.action).length > 0);
  if (asked.length === 0) return [...changes];

  const loaded = await loadRefunds({ tx: deps.db.prisma, now: deps.clock() }, asked);
  const answered = new Map<RefundChange, RefundChange>();
  await Promise.all(
    asked.map(async (change) => {
      const current = loaded.get(change.refundId);
      // Another shop's (or customer's) refund, or none: the unit answers NOT_FOUND, and no app hears of it.
      if (!current || !inScope(current.refund, change.scope)) return;
      // A stale expectedVersion: the unit answers VERSION_CONFLICT.
      if (change.expectedVersion != null && change.expectedVersion !== current.refund.version) return;
      const shop = policies.get(current.refund.shopId) ?? NO_POLICIES;
      const planning = planChange(change, current, shop);
      // A change the machine refuses is refused by the unit the same way: no app is asked.
      if (!planning.ok) return answered.set(change, { ...change, loaded: current });
      const checks = checksFor(shop.checks, change.request.action);
      const checked = await runner.ask(checks, beforeEvent(change, current.refund, planning.plan), { awaitRecord: true });
      answered.set(change, { ...change, loaded: current, checked });
    }),
  );
  return changes.map((change) => answered.get(change) ?? change);
}
