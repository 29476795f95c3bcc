// The demo shop `npm start` seeds: its history is played on the platform's own core (the state
// machine's plans, the rows they write, the shop's rules and timers) on a simulated clock and
// written in bulk; what it measures must look like the merchant's figures in shared/DESIGN.md,
// every refund's history must be a walk the platform itself allows, and the services must take
// the open refunds on from where the history left them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { seedDemoShop } from "../../src/demo/demo-shop.js";
import { reservedAmount } from "../../src/domain/money.js";
import { type RefundAction, REFUND_ACTIONS, findRule, isTerminal, mayPerform, resolveTarget } from "../../src/domain/refund-machine.js";
import { ROLES, type Role } from "../../src/domain/types.js";
import { viewerFromAuthorization } from "../../src/services/credentials.js";
import { refundMetrics } from "../../src/services/refund-metrics.js";
import { refundListWhere } from "../../src/services/refund-list.js";
import { staffMetrics } from "../../src/services/staff-metrics.js";
import { randomUUID } from "node:crypto";
import type { TransitionRequest } from "../../src/domain/transition-plan.js";
import { changeRefunds } from "../../src/services/refund-change.js";
import { writeTransitions } from "../../src/services/unit-of-work.js";
import type { TransitionHooks } from "../../src/services/transition-hooks.js";
import { ShopCache } from "../../src/services/shop-cache.js";
import { policiesOfShops } from "../../src/services/shop-policies.js";
import { backends, openMigratedDatabase } from "../support/databases.js";

const HISTORICAL = 500;
const HOUR = 3_600_000;

// The merchant's figures, restated here from DESIGN.md rather than imported from the seeder.
const REASON_PERCENT: Record<string, number> = {
  ORDERED_BY_MISTAKE: 38,
  NOT_AS_DESCRIBED: 22,
  LOGISTICS: 18,
  CHANGED_MIND: 15,
  OTHER: 7,
};
const HANDLING_PERCENT = [42, 35, 18, 5]; // < 24 h, 1–3 d, 3–7 d, > 7 d
const REFUND_RATE = 0.037; // the field account's shop: refunds per order paid
const PAYMENT_ACTIONS = new Set<string>(["PAYMENT_SUCCEEDED", "PAYMENT_FAILED"]);
const now = new Date("2026-11-24T08:00:00Z");

async function loadRefunds(db: Database, shopId: string) {
  return db.prisma.refund.findMany({
    where: { shopId },
    include: {
      reason: true,
      order: true,
      customer: true,
      transitions: { orderBy: { version: "asc" } },
      resolutionOptions: true,
      returnShipment: true,
      paymentAttempts: true,
    },
    orderBy: { createdAt: "asc" },
  });
}

describe.each(backends)("seedDemoShop on %s", (kind) => {
  let db: Database;
  let drop: () => Promise<void>;
  let seeded: Awaited<ReturnType<typeof seedDemoShop>>;
  let refunds: Awaited<ReturnType<typeof loadRefunds>>;
  /** The names rules and timers act under (actor RULE). */
  let automationNames: { rules: Set<string>; timers: Set<string> };

  beforeAll(async () => {
    ({ db, drop } = await openMigratedDatabase(kind));
    seeded = await seedDemoShop(db, { now });
    refunds = await loadRefunds(db, seeded.shopId);
    const [rules, timers] = await Promise.all([
      db.prisma.automationRule.findMany({ where: { shopId: seeded.shopId, enabled: true } }),
      db.prisma.automationTimer.findMany({ where: { shopId: seeded.shopId } }),
    ]);
    automationNames = { rules: new Set(rules.map((rule) => rule.name)), timers: new Set(timers.map((timer) => timer.name)) };
  });

  afterAll(async () => {
    await drop?.();
  });

  /** No person (staff or customer) acted after the request: what refundMetrics counts as automated. */
  const untouched = (refund: (typeof refunds)[number]) => refund.transitions.every((step) => step.version === 1 || step.actorKind !== "USER");

  it("creates the CNY demo shop with the default reason tags, customers and orders", async () => {
    const shop = await db.prisma.shop.findUniqueOrThrow({ where: { id: seeded.shopId }, include: { reasonTags: true } });
    expect(shop.name).toBe("链动小铺 Demo");
    expect(shop.currency).toBe("CNY");
    expect(shop.reasonTags.map((tag) => tag.code).sort()).toEqual(Object.keys(REASON_PERCENT).sort());

    const customers = await db.prisma.customer.findMany({ where: { shopId: seeded.shopId } });
    expect(customers.length).toBeGreaterThanOrEqual(3_000);
    const vips = customers.filter((customer) => customer.tier === "VIP");
    expect(vips.length).toBeGreaterThan(5);
    expect(vips.every((customer) => customer.refundBeforeReceipt)).toBe(true);

    const orders = await db.prisma.order.findMany({ where: { shopId: seeded.shopId }, include: { items: true } });
    // About 14,000 orders for 520 refunds (the field account's 3.7%).
    expect(orders.length / refunds.length).toBeGreaterThan(0.9 / REFUND_RATE);
    expect(orders.length / refunds.length).toBeLessThan(1.1 / REFUND_RATE);
    expect(new Set(orders.map((order) => order.shippingStatus))).toEqual(new Set(["NOT_SHIPPED", "SHIPPED", "DELIVERED"]));
    for (const order of orders) {
      expect(order.items.length).toBeGreaterThan(0);
      expect(order.currency).toBe("CNY");
      const gross = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
      expect(order.paidAmount).toBeGreaterThan(0);
      expect(order.paidAmount).toBeLessThanOrEqual(gross);
      expect(order.paidAt.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });

  it("has the requested number of closed refunds plus about 20 open ones waiting in every queue", () => {
    const closed = refunds.filter((refund) => isTerminal(refund.status));
    const open = refunds.filter((refund) => !isTerminal(refund.status));
    expect(closed).toHaveLength(HISTORICAL);
    expect(open.length).toBeGreaterThanOrEqual(15);
    expect(open.length).toBeLessThanOrEqual(25);
    const openStatuses = new Set(open.map((refund) => refund.status));
    for (const status of ["PENDING_REVIEW", "AWAITING_WAREHOUSE", "AWAITING_RETURN", "RETURN_IN_TRANSIT", "INSPECTING", "PENDING_FINANCE"] as const) {
      expect(openStatuses, status).toContain(status);
    }
    // Open ones are recent; history spans the last 90 days.
    for (const refund of open) expect(now.getTime() - refund.createdAt.getTime()).toBeLessThan(14 * 24 * HOUR);
    for (const refund of refunds) {
      expect(refund.createdAt.getTime()).toBeGreaterThanOrEqual(now.getTime() - 90 * 24 * HOUR);
      expect(refund.updatedAt.getTime()).toBeLessThanOrEqual(now.getTime());
    }
  });

  it("follows the merchant's reason shares, within one refund", () => {
    const closed = refunds.filter((refund) => isTerminal(refund.status));
    const counts = new Map<string, number>();
    for (const refund of closed) counts.set(refund.reason.code, (counts.get(refund.reason.code) ?? 0) + 1);
    for (const [code, percent] of Object.entries(REASON_PERCENT)) {
      const target = (HISTORICAL * percent) / 100;
      expect(Math.abs((counts.get(code) ?? 0) - target), `${code}: ${counts.get(code)} vs ${target}`).toBeLessThanOrEqual(1);
    }
  });

  it("refunds an unshipped order by the shop's rule and settles it within seconds of the request", () => {
    const unshipped = refunds.filter((refund) => refund.order.shippingStatus === "NOT_SHIPPED");
    expect(unshipped.length).toBeGreaterThan(0.7 * refunds.length);
    for (const refund of unshipped) {
      const [, classify, payment] = refund.transitions;
      expect(classify, refund.id).toMatchObject({ action: "CLASSIFY", toStatus: "REFUNDING", actorKind: "RULE", actorName: "Unshipped: refund at once" });
      expect(classify!.createdAt.getTime(), refund.id).toBe(refund.createdAt.getTime());
      expect(payment!.action, refund.id).toMatch(/^PAYMENT_(SUCCEEDED|FAILED)$/);
      // The sandbox provider answers in seconds; the instant refund's handling time is seconds, not days.
      const settledIn = payment!.createdAt.getTime() - refund.createdAt.getTime();
      expect(settledIn, refund.id).toBeGreaterThanOrEqual(1_000);
      expect(settledIn, refund.id).toBeLessThan(10_000);
      if (untouched(refund)) expect(refund.resolvedAt!.getTime() - refund.createdAt.getTime(), refund.id).toBeLessThan(10_000);
    }
  });

  it("records the rules and timers that moved refunds as RULE actors with their names, and they leave most refunds untouched", () => {
    const closed = refunds.filter((refund) => isTerminal(refund.status));
    const automated = closed.filter(untouched);
    expect(automated.length / closed.length).toBeGreaterThanOrEqual(0.8);
    for (const refund of automated) {
      for (const step of refund.transitions.slice(1)) {
        const where = `${refund.id} v${step.version} ${step.action}`;
        if (PAYMENT_ACTIONS.has(step.action) || (step.action === "CLASSIFY" && step.actorKind === "SYSTEM")) {
          expect(step.actorKind, where).toBe("SYSTEM");
        } else {
          expect(step.actorKind, where).toBe("RULE");
          expect([...automationNames.rules, ...automationNames.timers], where).toContain(step.actorName);
        }
      }
    }
    // Every rule and timer the demo merchant set took part.
    const names = new Set(refunds.flatMap((refund) => refund.transitions.filter((step) => step.actorKind === "RULE").map((step) => step.actorName)));
    expect(names).toEqual(new Set([...automationNames.rules, ...automationNames.timers]));
    // Shipped refunds ended by rules and timers alone, not only the unshipped ones.
    expect(automated.some((refund) => refund.order.shippingStatus !== "NOT_SHIPPED")).toBe(true);
  });

  it("shows the merchant's shapes in refundMetrics, within a few points", async () => {
    const viewer = await viewerFromAuthorization(db, `Bearer ${seeded.tokens.SHOP_ADMIN}`);
    const metrics = await refundMetrics(db, () => now, viewer, { from: new Date(now.getTime() - 91 * 24 * HOUR), to: now });
    expect(metrics.refundCount).toBe(refunds.length);
    const points = (share: number, percent: number) => Math.abs(share * 100 - percent);
    for (const [code, percent] of Object.entries(REASON_PERCENT)) {
      const share = metrics.parentReasons.find((row) => row.reason.code === code)?.share ?? 0;
      expect(points(share, percent), `${code}: ${(share * 100).toFixed(1)}%`).toBeLessThanOrEqual(3);
    }
    // Measured on what the people, rules and timers did: the refunds people acted on take the
    // merchant's handling times; the automatic ones (seconds) are the median refund.
    metrics.manualHandlingTime.buckets.forEach((bucket, index) => {
      expect(points(bucket.share, HANDLING_PERCENT[index]!), `${bucket.key}: ${(bucket.share * 100).toFixed(1)}%`).toBeLessThanOrEqual(4);
    });
    // Issue #10: on the demo data, produced by the rules, at least 80% with no human touch.
    expect(metrics.automation.share).toBeGreaterThanOrEqual(0.8);
    expect(metrics.automation.resolvedCount).toBe(HISTORICAL);
    expect(metrics.handlingTime.p50Seconds).toBeLessThan(60);
    // The field account's refund rate, beside the industry figure the shop starts with.
    expect(Math.abs(metrics.refundRate - REFUND_RATE), `refund rate ${(metrics.refundRate * 100).toFixed(2)}%`).toBeLessThanOrEqual(0.004);
    expect(metrics.industry.industryRefundRate).toBe(0.05);
    expect(metrics.industry.difference).toBeCloseTo(metrics.refundRate - 0.05, 10);
    // Most customers ask once: a repeat within 30 days is the exception, not the rule.
    expect(metrics.repeatRequests.rate).toBeGreaterThan(0.02);
    expect(metrics.repeatRequests.rate).toBeLessThan(0.15);
  });

  it("has most customers ask for one refund, and a few ask again and again", () => {
    const perCustomer = new Map<string, number>();
    for (const refund of refunds) perCustomer.set(refund.customerId, (perCustomer.get(refund.customerId) ?? 0) + 1);
    const counts = [...perCustomer.values()];
    expect(counts.filter((count) => count === 1).length / counts.length).toBeGreaterThan(0.8);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(4);
  });

  it("sends every approved return to the shop's default return address", async () => {
    const address = await db.prisma.returnAddress.findFirstOrThrow({ where: { shopId: seeded.shopId, isDefault: true } });
    const returns = refunds.filter((refund) => refund.transitions.some((step) => step.toStatus === "AWAITING_RETURN"));
    expect(returns.length).toBeGreaterThan(10);
    for (const refund of refunds) {
      if (!returns.includes(refund)) expect(refund.returnAddress, refund.id).toBeNull();
      else expect(refund.returnAddress, refund.id).toMatchObject({ addressId: address.id, recipient: address.recipient, street: address.street, city: address.city });
    }
  });

  it("has customers' ratings of ended refunds, which fill every acting member's rating in staffMetrics", async () => {
    const ratings = await db.prisma.refundRating.findMany({ where: { shopId: seeded.shopId }, include: { refund: true } });
    expect(ratings.length).toBeGreaterThan(50);
    for (const rating of ratings) {
      const { refund } = rating;
      expect(rating.customerId).toBe(refund.customerId);
      expect(rating.score).toBeGreaterThanOrEqual(1);
      expect(rating.score).toBeLessThanOrEqual(5);
      // Rated after it ended, within the 30 days rateRefund allows, and before now.
      expect(refund.resolvedAt, refund.id).not.toBeNull();
      expect(rating.createdAt.getTime()).toBeGreaterThan(refund.resolvedAt!.getTime());
      expect(rating.createdAt.getTime()).toBeLessThanOrEqual(Math.min(now.getTime(), refund.resolvedAt!.getTime() + 30 * 24 * HOUR));
    }
    // Refused refunds score lower than refunded ones.
    const average = (list: typeof ratings) => list.reduce((sum, rating) => sum + rating.score, 0) / list.length;
    expect(average(ratings.filter((rating) => rating.refund.status === "REJECTED"))).toBeLessThan(average(ratings.filter((rating) => rating.refund.status === "REFUNDED")));
    const viewer = await viewerFromAuthorization(db, `Bearer ${seeded.tokens.SHOP_ADMIN}`);
    const staff = await staffMetrics(db, viewer, { from: new Date(now.getTime() - 91 * 24 * HOUR), to: now });
    const acting = staff.members.filter((row) => row.refundsHandled >= 5);
    expect(acting.length).toBeGreaterThanOrEqual(6);
    for (const row of acting) expect(row.averageRating, row.member.name).not.toBeNull();
  });

  it("writes every refund's history as a valid walk of the state machine", () => {
    for (const refund of refunds) {
      const label = `refund ${refund.id}`;
      const walk = refund.transitions;
      expect(walk.length, label).toBeGreaterThanOrEqual(2);
      const [first] = walk;
      expect(first, label).toMatchObject({
        version: 1,
        fromStatus: null,
        toStatus: "REQUESTED",
        action: "REQUEST",
        actorKind: "USER",
        actorRole: "CUSTOMER",
        shopId: refund.shopId,
      });
      expect(first!.createdAt.getTime(), label).toBe(refund.createdAt.getTime());
      expect(first!.actorName, label).toBe(refund.customer.name);

      const accepted = refund.resolutionOptions.find((option) => option.accepted);
      const facts = {
        refundType: refund.type,
        shippingStatus: refund.order.shippingStatus,
        refundBeforeReceipt: refund.customer.refundBeforeReceipt,
        acceptedOption: accepted?.kind,
      };
      for (let index = 1; index < walk.length; index += 1) {
        const previous = walk[index - 1]!;
        const step = walk[index]!;
        const where = `${label} v${step.version} ${step.action}`;
        expect(step.version, where).toBe(previous.version + 1);
        expect(step.fromStatus, where).toBe(previous.toStatus);
        // A rule acts in the unit of work of the step that triggered it, at the same time; a
        // person, a timer or the payment provider comes later.
        const sameUnit = step.actorKind === "RULE" && !automationNames.timers.has(step.actorName ?? "");
        if (sameUnit || (step.action === "CLASSIFY" && step.actorKind === "SYSTEM")) expect(step.createdAt.getTime(), where).toBe(previous.createdAt.getTime());
        else expect(step.createdAt.getTime(), where).toBeGreaterThan(previous.createdAt.getTime());
        expect(REFUND_ACTIONS, where).toContain(step.action);
        const rule = findRule(step.fromStatus!, step.action as RefundAction);
        expect(rule, where).toBeDefined();
        expect(step.toStatus, where).toBe(resolveTarget(rule!, facts));
        if (PAYMENT_ACTIONS.has(step.action) || (step.action === "CLASSIFY" && step.actorKind === "SYSTEM")) {
          expect(step.actorRole, where).toBeNull();
        } else if (step.actorKind === "RULE") {
          expect(rule!.performers, where).toContain("SYSTEM");
          expect([...automationNames.rules, ...automationNames.timers], where).toContain(step.actorName);
          expect(step.actorRole, where).toBeNull();
        } else {
          expect(step.actorKind, where).toBe("USER");
          expect(rule!.performers, where).toContain(step.actorRole);
          expect(mayPerform(rule!, { kind: "USER", role: step.actorRole as Role }), where).toBe(true);
          // Staff act as the shop's staff members (staffMetrics counts their work).
          if (step.actorRole !== "CUSTOMER") expect(step.actorMemberId, where).toBeTruthy();
        }
        if (rule!.inputs?.note === "required") expect(step.note, where).toBeTruthy();
      }

      const last = walk[walk.length - 1]!;
      expect(refund.status, label).toBe(last.toStatus);
      expect(refund.version, label).toBe(last.version);
      expect(refund.updatedAt.getTime(), label).toBe(last.createdAt.getTime());
      expect(refund.resolvedAt?.getTime() ?? null, label).toBe(isTerminal(refund.status) ? last.createdAt.getTime() : null);
      if (refund.approvedAmount !== null) {
        expect(refund.approvedAmount, label).toBeGreaterThan(0);
        expect(refund.approvedAmount, label).toBeLessThanOrEqual(refund.requestedAmount);
      }
      expect(refund.requestedAmount, label).toBeLessThanOrEqual(refund.order.paidAmount);

      // What the walk implies besides the transitions.
      const actions = new Set(walk.map((step) => step.action));
      expect(refund.returnShipment !== null, label).toBe(actions.has("SUBMIT_RETURN_SHIPMENT"));
      if (refund.returnShipment) expect(refund.returnShipment.receivedAt !== null, label).toBe(actions.has("RECEIVE_RETURN"));
      expect(refund.resolutionOptions.length > 0, label).toBe(actions.has("OFFER_RESOLUTION"));
      expect(accepted !== undefined, label).toBe(actions.has("ACCEPT_OFFER"));
      const refundingVersions = walk.filter((step) => step.toStatus === "REFUNDING").map((step) => step.version);
      expect(refund.paymentAttempts.map((attempt) => attempt.idempotencyKey).sort(), label).toEqual(
        refundingVersions.map((version) => `refund:${refund.id}:v${version}`).sort(),
      );
      if (refund.status === "REFUNDED") {
        expect(refund.refundedAmount, label).toBe(refund.approvedAmount);
        expect(refund.refundedAmount, label).toBeGreaterThan(0);
        const lastEntry = Math.max(...refundingVersions);
        const succeeded = refund.paymentAttempts.filter((attempt) => attempt.status === "SUCCEEDED");
        expect(succeeded, label).toHaveLength(1);
        expect(succeeded[0]!.idempotencyKey, label).toBe(`refund:${refund.id}:v${lastEntry}`);
        expect(succeeded[0]!.amount, label).toBe(refund.refundedAmount);
      } else {
        expect(refund.refundedAmount, label).toBe(0);
        expect(refund.paymentAttempts.every((attempt) => attempt.status === "FAILED"), label).toBe(true);
      }
    }
  });

  it("ends most in REFUNDED with no human touch, and includes partial refunds, rejections, cancellations and a settled dispute", () => {
    const closed = refunds.filter((refund) => isTerminal(refund.status));
    const automated = closed.filter(untouched);
    expect(automated.filter((refund) => refund.status === "REFUNDED").length / closed.length).toBeGreaterThanOrEqual(0.8);
    expect(closed.filter((refund) => refund.status === "REJECTED").length).toBeGreaterThan(5);
    expect(closed.filter((refund) => refund.status === "CANCELLED").length).toBeGreaterThan(5);
    const partial = closed.filter((refund) => refund.status === "REFUNDED" && refund.refundedAmount < refund.requestedAmount);
    expect(partial.length).toBeGreaterThanOrEqual(3);
    const keptWithCompensation = closed.filter(
      (refund) =>
        refund.status === "REFUNDED" &&
        refund.resolutionOptions.some((option) => option.accepted && option.kind === "KEEP_ITEM_WITH_COMPENSATION" && option.amount === refund.refundedAmount),
    );
    expect(keptWithCompensation.length).toBeGreaterThanOrEqual(1);
  });

  it("keeps every order's refunds within what was paid", () => {
    const byOrder = new Map<string, { paid: number; reserved: number }>();
    for (const refund of refunds) {
      const entry = byOrder.get(refund.orderId) ?? { paid: refund.order.paidAmount, reserved: 0 };
      entry.reserved += reservedAmount(refund);
      byOrder.set(refund.orderId, entry);
    }
    for (const [orderId, entry] of byOrder) expect(entry.reserved, orderId).toBeLessThanOrEqual(entry.paid);
  });

  it("issues one working API token per role", async () => {
    expect(Object.keys(seeded.tokens).sort()).toEqual([...ROLES].sort());
    for (const role of ROLES) {
      const viewer = await viewerFromAuthorization(db, `Bearer ${seeded.tokens[role]}`);
      expect(viewer?.role, role).toBe(role);
      expect(viewer?.shopId, role).toBe(role === "PLATFORM_ADMIN" ? null : seeded.shopId);
      if (role === "CUSTOMER") {
        expect(viewer?.customerId).toBe(seeded.customer.id);
        expect(refunds.filter((refund) => refund.customerId === viewer!.customerId).length).toBeGreaterThan(0);
      } else {
        expect(viewer?.customerId, role).toBeNull();
      }
    }
    // The CUSTOMER token names its customer as the shop knows it.
    const customer = await db.prisma.customer.findUniqueOrThrow({ where: { id: seeded.customer.id } });
    expect(seeded.customer).toEqual({ id: customer.id, name: customer.name, externalId: customer.externalId });
  });

  it("binds the AGENT, WAREHOUSE and FINANCE tokens to staff members, each with open refunds in their queue", async () => {
    for (const role of ["AGENT", "WAREHOUSE", "FINANCE"] as const) {
      const viewer = (await viewerFromAuthorization(db, `Bearer ${seeded.tokens[role]}`))!;
      const member = await db.prisma.staffMember.findUniqueOrThrow({ where: { id: viewer.staffMemberId! } });
      expect({ id: member.id, name: member.name, role: member.role }).toEqual({ ...seeded.members[role], role });
      // What `refunds(filter: { assignedTo: ME })` lists for this token.
      const mine = await db.prisma.refund.findMany({ where: refundListWhere(viewer, { assigneeId: member.id }) });
      expect(mine.length, role).toBeGreaterThan(0);
      expect(mine.every((refund) => !isTerminal(refund.status)), role).toBe(true);
    }
    // Every open refund waits in someone's queue; no closed one does.
    for (const refund of refunds) expect(refund.assigneeId !== null, refund.id).toBe(!isTerminal(refund.status));
  });

  it("gives the customer token a return to send and an unshipped order to try a refund on", async () => {
    const viewer = await viewerFromAuthorization(db, `Bearer ${seeded.tokens.CUSTOMER}`);
    const own = refunds.filter((refund) => refund.customerId === viewer!.customerId);
    expect(own.some((refund) => refund.status === "AWAITING_RETURN")).toBe(true);
    const fresh = await db.prisma.order.findMany({
      where: { customerId: viewer!.customerId!, shippingStatus: "NOT_SHIPPED", refunds: { none: {} } },
    });
    expect(fresh.length).toBeGreaterThan(0);
  });

  it("leaves open refunds that the platform's transition service moves on", async () => {
    // The unit of work's own change, in a transaction of its own, with no plugin; nothing listens for its effects here.
    const noHooks: TransitionHooks = { before: async () => ({}), enqueueAfter: async () => [] };
    const shopConfig = { policies: new ShopCache((client, shopIds) => policiesOfShops(client, shopIds)), changed: () => {} };
    const move = async (refundId: string, request: TransitionRequest, role: Role) => {
      const [result] = await db.prisma.$transaction(async (tx) => {
        const unit = { tx, effects: { transitions: [], paymentAttemptIds: [], paymentRefunds: new Map(), hookDeliveryIds: [], staffNotifications: [] }, transitionsToWrite: [], attemptsToWrite: [], now: new Date(), newId: randomUUID, shopConfig };
        const results = await changeRefunds(unit, noHooks, [{ refundId, request, actor: { kind: "USER", role, name: "test" } }]);
        await writeTransitions(unit);
        return results;
      });
      if (!result!.ok) throw new Error(JSON.stringify(result!.userErrors));
      return result!;
    };
    const viewer = await viewerFromAuthorization(db, `Bearer ${seeded.tokens.CUSTOMER}`);
    const toReturn = refunds.find((refund) => refund.status === "AWAITING_RETURN" && refund.customerId === viewer!.customerId)!;
    const shipped = await move(toReturn.id, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "顺丰速运", trackingNumber: "SF1234567890123" }, "CUSTOMER");
    expect(shipped.refund.status).toBe(toReturn.customer.refundBeforeReceipt ? "PENDING_FINANCE" : "RETURN_IN_TRANSIT");
    expect(shipped.transition.version).toBe(toReturn.version + 1);

    const review = refunds.find((refund) => refund.status === "PENDING_REVIEW")!;
    expect((await move(review.id, { action: "APPROVE" }, "AGENT")).refund.status).toMatch(/^AWAITING_(WAREHOUSE|RETURN)$/);

    // New payment attempts take keys that the seeded ones do not hold.
    for (const refund of refunds.filter((candidate) => candidate.status === "PENDING_FINANCE" || candidate.status === "REFUND_FAILED")) {
      const action = refund.status === "PENDING_FINANCE" ? "FINANCE_APPROVE" : "RETRY_PAYMENT";
      const moved = await move(refund.id, { action }, "FINANCE");
      expect(moved.refund.status).toBe("REFUNDING");
      expect(moved.refund.version).toBe(refund.version + 1);
    }
  });

});

describe("seedDemoShop on a fresh database", () => {
  it("is deterministic by default and scales down", async () => {
    const project = async (db: Database, shopId: string) =>
      (await loadRefunds(db, shopId)).map((refund) => [
        refund.reason.code,
        refund.status,
        refund.type,
        refund.requestedAmount,
        refund.refundedAmount,
        refund.createdAt.toISOString(),
        refund.transitions.map((step) => `${step.action}@${step.createdAt.toISOString()}/${step.actorKind}:${step.actorName}`).join(","),
      ]);
    // Each on a database of its own, as every fresh `npm start` is.
    const runs = [];
    for (let run = 0; run < 2; run += 1) {
      const { db, drop } = await openMigratedDatabase("pglite");
      try {
        const told: number[] = [];
        const demo = await seedDemoShop(db, { refunds: 30, now, onProgress: ({ refunds: done, of }) => told.push(done / of) });
        runs.push(await project(db, demo.shopId));
        // A progress line that counts up to every refund requested.
        expect(told.at(-1)).toBe(1);
        expect(told.every((share, index) => index === 0 || share > told[index - 1]!)).toBe(true);
      } finally {
        await drop();
      }
    }
    const [a, b] = runs;
    expect(a!.filter((row) => isTerminal(row[1] as never))).toHaveLength(30);
    expect(a).toEqual(b);
  });
});
