import type { Tx } from "../db/tx.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { ActorKind, RefundStatus, Role } from "../domain/types.js";
import { Prisma, type PrismaClient, type Refund } from "../generated/prisma/client.js";
import type { AfterTransitionEvent } from "./types.js";

/** A delivery row as the worker handles it. */
export type HookDeliveryRow = { id: string; plugin: string; shopId: string; transitionId: string; attempts: number };

type FactsRow = Refund & {
  tId: string;
  tVersion: number;
  tAction: string;
  tFrom: RefundStatus | null;
  tTo: RefundStatus;
  tActorKind: ActorKind;
  tActorRole: Role | null;
  tActorName: string | null;
  tNote: string | null;
  tAmount: number | null;
  tCreatedAt: Date;
  orderExternalId: string;
  customerExternalId: string;
  customerName: string;
  customerWechatOpenId: string | null;
  shopName: string;
  shopTimeZone: string;
  returnCarrier: string | null;
  returnTrackingNumber: string | null;
  replacementCarrier: string | null;
  replacementTrackingNumber: string | null;
};

/** The after-hook events of these transitions: the transition, its refund as it is now, its order, customer, shop and parcels. */
const FACTS = (transitionIds: readonly string[]) => Prisma.sql`
    SELECT t.id AS "tId", t.version AS "tVersion", t.action AS "tAction", t."fromStatus"::text AS "tFrom", t."toStatus"::text AS "tTo",
           t."actorKind"::text AS "tActorKind", t."actorRole"::text AS "tActorRole", t."actorName" AS "tActorName", t.note AS "tNote",
           t.amount AS "tAmount", t."createdAt" AS "tCreatedAt", r.*,
           o."externalId" AS "orderExternalId", c."externalId" AS "customerExternalId", c.name AS "customerName",
           c."wechatOpenId" AS "customerWechatOpenId", s.name AS "shopName", s."timeZone" AS "shopTimeZone",
           rs.carrier AS "returnCarrier", rs."trackingNumber" AS "returnTrackingNumber",
           ps.carrier AS "replacementCarrier", ps."trackingNumber" AS "replacementTrackingNumber"
      FROM "RefundTransition" t
      JOIN "Refund" r ON r.id = t."refundId"
      JOIN "Order" o ON o.id = r."orderId"
      JOIN "Customer" c ON c.id = r."customerId"
      JOIN "Shop" s ON s.id = r."shopId"
      LEFT JOIN "ReturnShipment" rs ON rs."refundId" = r.id
      LEFT JOIN "ReplacementShipment" ps ON ps."refundId" = r.id
     WHERE t.id = ANY(${[...transitionIds]}::text[])`;

function eventsOf(rows: readonly FactsRow[]): Map<string, AfterTransitionEvent> {
  const events = new Map<string, AfterTransitionEvent>();
  for (const row of rows) {
    const {
      tId, tVersion, tAction, tFrom, tTo, tActorKind, tActorRole, tActorName, tNote, tAmount, tCreatedAt,
      orderExternalId, customerExternalId, customerName, customerWechatOpenId, shopName, shopTimeZone,
      returnCarrier, returnTrackingNumber, replacementCarrier, replacementTrackingNumber, ...refund
    } = row;
    events.set(tId, {
      refund: { ...refund, returnAddress: refund.returnAddress as AfterTransitionEvent["refund"]["returnAddress"] },
      transition: {
        id: tId,
        version: tVersion,
        action: tAction as RefundAction,
        from: tFrom,
        to: tTo,
        actor: { kind: tActorKind, role: tActorRole ?? undefined, name: tActorName ?? undefined },
        note: tNote,
        amount: tAmount,
        createdAt: tCreatedAt,
      },
      order: { id: refund.orderId, externalId: orderExternalId },
      customer: { id: refund.customerId, externalId: customerExternalId, name: customerName, wechatOpenId: customerWechatOpenId },
      shop: { id: refund.shopId, name: shopName, timeZone: shopTimeZone },
      returnShipment: returnCarrier !== null && returnTrackingNumber !== null ? { carrier: returnCarrier, trackingNumber: returnTrackingNumber } : null,
      replacementShipment: replacementCarrier !== null && replacementTrackingNumber !== null ? { carrier: replacementCarrier, trackingNumber: replacementTrackingNumber } : null,
    });
  }
  return events;
}

/** A time for a timestamp column (stored in UTC, as Prisma writes them). */
const utc = (time: Date | null) => Prisma.sql`(${time?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC')`;

/** The events of these transitions, by transition id: one statement (a sweep's, a retry's). */
export async function readHookEvents(db: PrismaClient, transitionIds: readonly string[]): Promise<Map<string, AfterTransitionEvent>> {
  return eventsOf(await db.$queryRaw<FactsRow[]>(FACTS(transitionIds)));
}

/**
 * Inserts deliveries and reads their transitions' events in the same statement, inside the
 * transitions' transaction (which sees its own writes). `claimedUntil`: the rows are inserted
 * leased to this process as their first attempt, so that it delivers them right after the
 * commit with no claim and no read; null: left for any process to claim.
 */
export async function insertDeliveries(
  tx: Tx,
  deliveries: ReadonlyArray<Omit<HookDeliveryRow, "attempts"> & { refundId: string }>,
  claimedUntil: Date | null,
): Promise<Map<string, AfterTransitionEvent>> {
  const now = new Date();
  const column = <K extends keyof (typeof deliveries)[number]>(key: K) => deliveries.map((delivery) => delivery[key]);
  const rows = await tx.$queryRaw<FactsRow[]>`
    WITH queued AS (
      INSERT INTO "PluginDelivery" (id, "shopId", plugin, "transitionId", "refundId", attempts, "lockedUntil", "availableAt", "createdAt")
      SELECT u.id, u."shopId", u.plugin, u."transitionId", u."refundId", ${claimedUntil ? 1 : 0}::int,
             ${utc(claimedUntil)}, ${utc(now)}, ${utc(now)}
        FROM unnest(${column("id")}::text[], ${column("shopId")}::text[], ${column("plugin")}::text[], ${column("transitionId")}::text[], ${column("refundId")}::text[])
          AS u(id, "shopId", plugin, "transitionId", "refundId")
    )${FACTS([...new Set(column("transitionId"))])}`;
  return eventsOf(rows);
}
