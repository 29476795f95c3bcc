import type { PluginDb, RouteContext } from "../../src/plugin/index.js";
import { type CarrierTrackingAdapter, adapterServes, carrierAdapterFor, carrierKey, registeredCarrierAdapters } from "./adapters.js";
import type { LogisticsSettings } from "./settings.js";

export const TRACKING_STATUSES = ["IN_TRANSIT", "DELIVERED", "EXCEPTION"] as const;
export type TrackingStatus = (typeof TRACKING_STATUSES)[number];

/** One carrier scan of a return parcel, from the webhook or a polling adapter. */
export interface TrackingEvent {
  carrier: string;
  trackingNumber: string;
  status: TrackingStatus;
  occurredAt: Date;
  description?: string | null;
}

export type LogisticsDb = PluginDb<
  "returnTracking" | "replacementTracking" | "carrierWebhookReceipt" | "carrierSubscription",
  "refund" | "returnShipment" | "replacementShipment"
>;
export type LogisticsContext = Pick<RouteContext<LogisticsSettings, LogisticsDb>, "db" | "settingsFor" | "transition">;

/** `ReturnTracking.exception` after a carrier reported a problem (lost, refused, damaged…). */
export const CARRIER_EXCEPTION = "CARRIER_EXCEPTION";
const NO_MOVEMENT_PREFIX = "NO_MOVEMENT_";
/** `ReturnTracking.exception` of a return with no carrier event for `days` days. */
export const noMovementException = (days: number) => `${NO_MOVEMENT_PREFIX}${days}_DAYS`;

const DAY_MS = 24 * 60 * 60 * 1000;
/** A carrier clock may run ahead a little; an event dated further ahead is refused. */
const FUTURE_TOLERANCE_MS = DAY_MS;
/** Refunds whose parcel nobody waits for any more. */
const CLOSED_STATUSES = ["REJECTED", "CANCELLED"] as const;
const PAGE_SIZE = 500;
const TRACK_BATCH = 50;

export type ApplyResult =
  | { outcome: "UNKNOWN_TRACKING_NUMBER" }
  | { outcome: "EVENT_IN_FUTURE" }
  | {
      outcome: "APPLIED";
      refundId: string;
      /** false for a repeated or older event: nothing was written. */
      trackingChanged: boolean;
      /** true when this event moved the refund RETURN_IN_TRANSIT → INSPECTING. */
      received: boolean;
      refundStatus: string;
      /** RECEIVE_RETURN was refused (e.g. another plugin's veto); the event is still recorded. */
      receiveRefused?: { code: string; message: string };
      /** Set when the parcel is an exchange's replacement (shop → customer), recorded on its ReplacementTracking. */
      parcel?: "REPLACEMENT";
    };

/**
 * Applies one carrier event to the shop's return with that tracking number: records it on
 * `ReturnTracking` and, when the parcel was DELIVERED while the refund waits in
 * RETURN_IN_TRANSIT, takes RECEIVE_RETURN as the plugin. The webhook and the poller both
 * come through here. Safe to repeat and to run concurrently: every write is conditional.
 */
export async function applyTrackingEvent(
  ctx: LogisticsContext,
  shopId: string,
  event: TrackingEvent,
  options: { now?: Date } = {},
): Promise<ApplyResult> {
  const now = options.now ?? new Date();
  if (event.occurredAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return { outcome: "EVENT_IN_FUTURE" };
  const shipment = await findShipment(ctx, shopId, event);
  if (!shipment) return applyReplacementEvent(ctx, shopId, event);

  const trackingChanged = await recordEvent(ctx, shopId, shipment.refundId, event);
  let refundStatus: string = shipment.refund.status;
  let received = false;
  let receiveRefused: { code: string; message: string } | undefined;
  // Not only when the event was new: a first delivery whose RECEIVE_RETURN did not happen
  // (the process stopped in between) is completed by the carrier's next resend.
  if (event.status === "DELIVERED" && refundStatus === "RETURN_IN_TRANSIT") {
    const result = await ctx.transition({
      refundId: shipment.refundId,
      action: "RECEIVE_RETURN",
      note: `${event.carrier} ${event.trackingNumber} delivered at ${event.occurredAt.toISOString()}`,
    });
    if (result.ok) {
      received = true;
      refundStatus = "INSPECTING";
    } else {
      // A concurrent resend or the warehouse received it first; anything else is a refusal.
      const current = await ctx.db.refund.findUniqueOrThrow({ where: { id: shipment.refundId }, select: { status: true } });
      refundStatus = current.status;
      if (current.status === "RETURN_IN_TRANSIT") receiveRefused = { code: result.code, message: result.message };
    }
  }
  return { outcome: "APPLIED", refundId: shipment.refundId, trackingChanged, received, refundStatus, ...(receiveRefused && { receiveRefused }) };
}

/**
 * The shop's return shipped under this tracking number; with several (a number reused, or
 * the same number at two carriers), the newest of the event's carrier.
 */
async function findShipment(ctx: LogisticsContext, shopId: string, event: TrackingEvent) {
  const shipments = await ctx.db.returnShipment.findMany({
    where: { trackingNumber: event.trackingNumber, refund: { shopId } },
    select: { refundId: true, carrier: true, refund: { select: { status: true } } },
    orderBy: { submittedAt: "desc" },
    take: 20,
  });
  const carrier = carrierKey(event.carrier);
  // Carriers name themselves differently from customers ("SF" vs "顺丰速运"): a number the
  // shop has only once is that return whatever the carrier's spelling.
  return shipments.find((shipment) => carrierKey(shipment.carrier) === carrier) ?? (shipments.length === 1 ? shipments[0] : undefined);
}

/**
 * An event of an exchange's replacement parcel (no return has the number): recorded on its
 * ReplacementTracking — the newest event, and the first delivery — and nothing else: the
 * exchange ended (EXCHANGED) when the parcel left, so no transition follows.
 */
async function applyReplacementEvent(ctx: LogisticsContext, shopId: string, event: TrackingEvent): Promise<ApplyResult> {
  const parcels = await ctx.db.replacementShipment.findMany({
    where: { trackingNumber: event.trackingNumber, refund: { shopId } },
    select: { refundId: true, carrier: true, refund: { select: { status: true } } },
    orderBy: { shippedAt: "desc" },
    take: 20,
  });
  const carrier = carrierKey(event.carrier);
  const parcel = parcels.find((candidate) => carrierKey(candidate.carrier) === carrier) ?? (parcels.length === 1 ? parcels[0] : undefined);
  if (!parcel) return { outcome: "UNKNOWN_TRACKING_NUMBER" };
  // Every write is conditional, so repeated and concurrent events settle on the same row.
  await ctx.db.replacementTracking.createMany({ data: [{ refundId: parcel.refundId, shopId }], skipDuplicates: true });
  let trackingChanged = false;
  if (event.status === "DELIVERED") {
    const first = await ctx.db.replacementTracking.updateMany({ where: { refundId: parcel.refundId, deliveredAt: null }, data: { deliveredAt: event.occurredAt } });
    trackingChanged = first.count > 0;
  }
  const newer = await ctx.db.replacementTracking.updateMany({
    where: { refundId: parcel.refundId, OR: [{ lastMovementAt: null }, { lastMovementAt: { lt: event.occurredAt } }] },
    data: { lastEvent: describeEvent(event).slice(0, 500), lastMovementAt: event.occurredAt },
  });
  trackingChanged ||= newer.count > 0;
  return { outcome: "APPLIED", refundId: parcel.refundId, trackingChanged, received: false, refundStatus: parcel.refund.status, parcel: "REPLACEMENT" };
}

function describeEvent(event: TrackingEvent): string {
  const description = event.description?.trim();
  return description ? `${event.status}: ${description}` : event.status;
}

/**
 * Writes the event on the return's tracking row when it is newer than what the row holds.
 * A DELIVERED after the first changes nothing; an IN_TRANSIT or DELIVERED clears an
 * exception (movement resumed), an EXCEPTION sets CARRIER_EXCEPTION.
 */
async function recordEvent(ctx: LogisticsContext, shopId: string, refundId: string, event: TrackingEvent): Promise<boolean> {
  await ctx.db.returnTracking.createMany({ data: [{ refundId, shopId }], skipDuplicates: true });
  if (event.status === "DELIVERED") {
    const first = await ctx.db.returnTracking.updateMany({ where: { refundId, deliveredAt: null }, data: { deliveredAt: event.occurredAt } });
    if (first.count === 0) return false;
  }
  const newer = await ctx.db.returnTracking.updateMany({
    where: { refundId, OR: [{ lastMovementAt: null }, { lastMovementAt: { lt: event.occurredAt } }] },
    data: {
      lastEvent: describeEvent(event).slice(0, 500),
      lastMovementAt: event.occurredAt,
      exception: event.status === "EXCEPTION" ? CARRIER_EXCEPTION : null,
    },
  });
  return event.status === "DELIVERED" || newer.count > 0;
}

interface OpenReturn {
  refundId: string;
  shopId: string;
  carrier: string;
  trackingNumber: string;
  submittedAt: Date;
  tracking: { lastMovementAt: Date | null; exception: string | null } | undefined;
}

/**
 * Returns whose parcel is on its way: shipped, not received by the warehouse, not delivered
 * according to the carrier, refund not rejected or cancelled (a customer refunded before
 * receipt still owes the parcel). Page by page, two statements a page.
 */
async function* openReturns(ctx: LogisticsContext, shopId: string | undefined): AsyncGenerator<OpenReturn[]> {
  let after: string | undefined;
  for (;;) {
    const shipments = await ctx.db.returnShipment.findMany({
      where: {
        receivedAt: null,
        refund: { status: { notIn: [...CLOSED_STATUSES] }, ...(shopId && { shopId }) },
        ...(after && { refundId: { gt: after } }),
      },
      select: { refundId: true, carrier: true, trackingNumber: true, submittedAt: true, refund: { select: { shopId: true } } },
      orderBy: { refundId: "asc" },
      take: PAGE_SIZE,
    });
    if (shipments.length === 0) return;
    after = shipments.at(-1)!.refundId;
    const trackings = await ctx.db.returnTracking.findMany({
      where: { refundId: { in: shipments.map((shipment) => shipment.refundId) } },
      select: { refundId: true, lastMovementAt: true, deliveredAt: true, exception: true },
    });
    const byRefund = new Map(trackings.map((tracking) => [tracking.refundId, tracking]));
    yield shipments
      .filter((shipment) => !byRefund.get(shipment.refundId)?.deliveredAt)
      .map((shipment) => ({
        refundId: shipment.refundId,
        shopId: shipment.refund.shopId,
        carrier: shipment.carrier,
        trackingNumber: shipment.trackingNumber,
        submittedAt: shipment.submittedAt,
        tracking: byRefund.get(shipment.refundId),
      }));
    if (shipments.length < PAGE_SIZE) return;
  }
}

/** Exchanges' replacement parcels the carrier has not delivered yet, page by page (one statement a page). */
async function* openReplacements(ctx: LogisticsContext, shopId: string | undefined): AsyncGenerator<Array<{ shopId: string; carrier: string; trackingNumber: string }>> {
  let after = "";
  for (;;) {
    const parcels = await ctx.db.$queryRaw<Array<{ refundId: string; shopId: string; carrier: string; trackingNumber: string }>>`
      SELECT p."refundId", r."shopId", p.carrier, p."trackingNumber"
        FROM "ReplacementShipment" p
        JOIN "Refund" r ON r.id = p."refundId"
        LEFT JOIN "ReplacementTracking" t ON t."refundId" = p."refundId"
       WHERE t."deliveredAt" IS NULL AND p."refundId" > ${after} AND (${shopId ?? null}::text IS NULL OR r."shopId" = ${shopId ?? null})
       ORDER BY p."refundId"
       LIMIT ${PAGE_SIZE}`;
    if (parcels.length === 0) return;
    after = parcels.at(-1)!.refundId;
    yield parcels.map(({ shopId, carrier, trackingNumber }) => ({ shopId, carrier, trackingNumber }));
    if (parcels.length < PAGE_SIZE) return;
  }
}

/** Settings per shop, read once per run. */
function settingsCache(ctx: LogisticsContext): (shopId: string) => Promise<LogisticsSettings> {
  const cache = new Map<string, Promise<LogisticsSettings>>();
  return (shopId) => {
    let settings = cache.get(shopId);
    if (!settings) cache.set(shopId, (settings = ctx.settingsFor(shopId)));
    return settings;
  };
}

/**
 * Flags open returns with no carrier event for the shop's `stuckAfterDays` (counted from the
 * last event, or from when the customer shipped when there is none) as
 * `NO_MOVEMENT_<n>_DAYS`, and clears the flag of returns that moved, arrived or closed since.
 * A carrier's own EXCEPTION is never overwritten. `now` is for tests and backfills.
 */
export async function flagStuckReturns(
  ctx: LogisticsContext,
  options: { now?: Date; shopId?: string } = {},
): Promise<{ flagged: string[]; cleared: string[] }> {
  const now = options.now ?? new Date();
  const settingsOf = settingsCache(ctx);
  const flagged: string[] = [];
  const cleared: string[] = [];
  const open = new Set<string>();

  for await (const page of openReturns(ctx, options.shopId)) {
    for (const parcel of page) {
      open.add(parcel.refundId);
      const settings = await settingsOf(parcel.shopId);
      if (!settings.enabled) continue;
      const lastMovementAt = parcel.tracking?.lastMovementAt ?? null;
      const since = lastMovementAt ?? parcel.submittedAt;
      const current = parcel.tracking?.exception ?? null;
      const stuck = now.getTime() - since.getTime() >= settings.stuckAfterDays * DAY_MS;
      if (stuck) {
        const code = noMovementException(settings.stuckAfterDays);
        if (current === code || (current !== null && !current.startsWith(NO_MOVEMENT_PREFIX))) continue;
        await ctx.db.returnTracking.createMany({ data: [{ refundId: parcel.refundId, shopId: parcel.shopId }], skipDuplicates: true });
        // Only if no event came in since the read: an event clears flags, it must win.
        const set = await ctx.db.returnTracking.updateMany({
          where: { refundId: parcel.refundId, lastMovementAt, exception: current },
          data: { exception: code },
        });
        if (set.count > 0) flagged.push(parcel.refundId);
      } else if (current?.startsWith(NO_MOVEMENT_PREFIX)) {
        const unset = await ctx.db.returnTracking.updateMany({ where: { refundId: parcel.refundId, exception: current }, data: { exception: null } });
        if (unset.count > 0) cleared.push(parcel.refundId);
      }
    }
  }

  // Flags left on returns that are no longer on their way (received, delivered, closed).
  const stale = await ctx.db.returnTracking.findMany({
    where: { exception: { startsWith: NO_MOVEMENT_PREFIX }, ...(options.shopId && { shopId: options.shopId }) },
    select: { refundId: true },
  });
  const done = stale.map((row) => row.refundId).filter((refundId) => !open.has(refundId));
  if (done.length > 0) {
    await ctx.db.returnTracking.updateMany({ where: { refundId: { in: done }, exception: { startsWith: NO_MOVEMENT_PREFIX } }, data: { exception: null } });
    cleared.push(...done);
  }
  return { flagged, cleared };
}

/**
 * Asks each carrier adapter (registered ones unless `adapters` is given) for the events of the
 * open returns shipped with it, and applies them like webhooks. One failing adapter does not
 * stop the others; its error is thrown at the end.
 */
export async function pollCarriers(
  ctx: LogisticsContext,
  options: { now?: Date; shopId?: string; adapters?: readonly CarrierTrackingAdapter[] } = {},
): Promise<{ polled: number; applied: number; received: string[] }> {
  const adapters = options.adapters ?? registeredCarrierAdapters();
  const summary = { polled: 0, applied: 0, received: [] as string[] };
  if (adapters.length === 0) return summary;
  const adapterOf = (carrier: string) =>
    options.adapters ? adapters.find((adapter) => adapterServes(adapter, carrier)) : carrierAdapterFor(carrier);
  const settingsOf = settingsCache(ctx);

  // adapter → tracking number → shops that have a parcel under that number: returns on their
  // way back, and exchanges' replacement parcels on their way to the customer.
  const work = new Map<CarrierTrackingAdapter, Map<string, Set<string>>>();
  for (const parcels of [openReturns(ctx, options.shopId), openReplacements(ctx, options.shopId)]) {
    for await (const page of parcels) {
      for (const parcel of page) {
        const adapter = adapterOf(parcel.carrier);
        if (!adapter || !(await settingsOf(parcel.shopId)).enabled) continue;
        let numbers = work.get(adapter);
        if (!numbers) work.set(adapter, (numbers = new Map()));
        let shops = numbers.get(parcel.trackingNumber);
        if (!shops) numbers.set(parcel.trackingNumber, (shops = new Set()));
        shops.add(parcel.shopId);
      }
    }
  }

  const failures: unknown[] = [];
  for (const [adapter, numbers] of work) {
    const trackingNumbers = [...numbers.keys()];
    for (let start = 0; start < trackingNumbers.length; start += TRACK_BATCH) {
      const batch = trackingNumbers.slice(start, start + TRACK_BATCH);
      let events: TrackingEvent[];
      try {
        events = await adapter.track(batch);
      } catch (error) {
        failures.push(error);
        continue;
      }
      summary.polled += batch.length;
      // Oldest first, so the last one applied is the newest.
      const ordered = events.filter((event) => numbers.has(event.trackingNumber)).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
      for (const event of ordered) {
        for (const shopId of numbers.get(event.trackingNumber)!) {
          const result = await applyTrackingEvent(ctx, shopId, { ...event, carrier: event.carrier || adapter.carrier }, { now: options.now });
          if (result.outcome !== "APPLIED") continue;
          if (result.trackingChanged) summary.applied += 1;
          if (result.received) summary.received.push(result.refundId);
        }
      }
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} carrier polling call(s) failed`);
  return summary;
}
