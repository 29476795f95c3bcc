import { utc } from "../db/sql.js";
import type { Tx } from "../db/tx.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { ActorKind, RefundStatus, Role } from "../domain/types.js";
import { Prisma, type PrismaClient, type Refund } from "../generated/prisma/client.js";
import type { CommittedTransition } from "../services/transition-hooks.js";
import type { AfterTransitionEvent } from "./types.js";

/** A delivery row as the worker handles it. */
export type HookDeliveryRow = { id: string; plugin: string; shopId: string; transitionId: string; attempts: number };

/** What a hook is told beside its transition: the refund as it is now, its order, customer, shop and parcels. */
type RefundFactsRow = Refund & {
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

/** A transition as its event tells it: a stored row, or one its unit of work is about to write. */
export type HookTransition = Omit<CommittedTransition, "shopId" | "restocks">;

const REFUND_FACTS = Prisma.sql`
    SELECT r.*,
           o."externalId" AS "orderExternalId", c."externalId" AS "customerExternalId", c.name AS "customerName",
           c."wechatOpenId" AS "customerWechatOpenId", s.name AS "shopName", s."timeZone" AS "shopTimeZone",
           rs.carrier AS "returnCarrier", rs."trackingNumber" AS "returnTrackingNumber",
           ps.carrier AS "replacementCarrier", ps."trackingNumber" AS "replacementTrackingNumber"
      FROM "Refund" r
      JOIN "Order" o ON o.id = r."orderId"
      JOIN "Customer" c ON c.id = r."customerId"
      JOIN "Shop" s ON s.id = r."shopId"
      LEFT JOIN "ReturnShipment" rs ON rs."refundId" = r.id
      LEFT JOIN "ReplacementShipment" ps ON ps."refundId" = r.id`;

/** A stored transition (its columns prefixed `t`) with its refund's facts. */
type StoredFactsRow = RefundFactsRow & {
  tId: string;
  tRefundId: string;
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
};

function eventOf(transition: HookTransition, row: RefundFactsRow): AfterTransitionEvent {
  const {
    orderExternalId, customerExternalId, customerName, customerWechatOpenId, shopName, shopTimeZone,
    returnCarrier, returnTrackingNumber, replacementCarrier, replacementTrackingNumber, ...refund
  } = row;
  return {
    refund: { ...refund, returnAddress: refund.returnAddress as AfterTransitionEvent["refund"]["returnAddress"] },
    transition: {
      id: transition.id,
      version: transition.version,
      action: transition.action,
      from: transition.fromStatus,
      to: transition.toStatus,
      actor: { kind: transition.actorKind, role: transition.actorRole ?? undefined, name: transition.actorName ?? undefined },
      note: transition.note,
      amount: transition.amount,
      createdAt: transition.createdAt,
    },
    order: { id: refund.orderId, externalId: orderExternalId },
    customer: { id: refund.customerId, externalId: customerExternalId, name: customerName, wechatOpenId: customerWechatOpenId },
    shop: { id: refund.shopId, name: shopName, timeZone: shopTimeZone },
    returnShipment: returnCarrier !== null && returnTrackingNumber !== null ? { carrier: returnCarrier, trackingNumber: returnTrackingNumber } : null,
    replacementShipment: replacementCarrier !== null && replacementTrackingNumber !== null ? { carrier: replacementCarrier, trackingNumber: replacementTrackingNumber } : null,
  };
}

/** The events of these stored transitions, by transition id: one statement (a sweep's, a retry's). */
export async function readHookEvents(db: PrismaClient, transitionIds: readonly string[]): Promise<Map<string, AfterTransitionEvent>> {
  const rows = await db.$queryRaw<StoredFactsRow[]>`
    WITH facts AS (${REFUND_FACTS})
    SELECT facts.*, t.id AS "tId", t."refundId" AS "tRefundId", t.version AS "tVersion", t.action AS "tAction",
           t."fromStatus"::text AS "tFrom", t."toStatus"::text AS "tTo", t."actorKind"::text AS "tActorKind",
           t."actorRole"::text AS "tActorRole", t."actorName" AS "tActorName", t.note AS "tNote", t.amount AS "tAmount",
           t."createdAt" AS "tCreatedAt"
      FROM "RefundTransition" t JOIN facts ON facts.id = t."refundId"
     WHERE t.id = ANY(${[...transitionIds]}::text[])`;
  const events = new Map<string, AfterTransitionEvent>();
  for (const { tId, tRefundId, tVersion, tAction, tFrom, tTo, tActorKind, tActorRole, tActorName, tNote, tAmount, tCreatedAt, ...facts } of rows) {
    const transition = { id: tId, refundId: tRefundId, version: tVersion, action: tAction as RefundAction, fromStatus: tFrom, toStatus: tTo, actorKind: tActorKind, actorRole: tActorRole, actorName: tActorName, note: tNote, amount: tAmount, createdAt: tCreatedAt };
    events.set(tId, eventOf(transition, facts));
  }
  return events;
}

/**
 * Inserts deliveries and reads their refunds' facts in the same statement, inside the
 * transitions' transaction (which sees its own writes to the refunds). The transitions
 * themselves are told as the unit holds them: it writes them by its last statement, after this
 * one. `claimedUntil`: the rows are inserted leased to this process as their first attempt, so
 * that it delivers them right after the commit with no claim and no read; null: left for any
 * process to claim.
 */
export async function insertDeliveries(
  tx: Tx,
  deliveries: ReadonlyArray<Omit<HookDeliveryRow, "attempts"> & { refundId: string }>,
  transitions: readonly HookTransition[],
  claimedUntil: Date | null,
): Promise<Map<string, AfterTransitionEvent>> {
  const now = new Date();
  const column = <K extends keyof (typeof deliveries)[number]>(key: K) => deliveries.map((delivery) => delivery[key]);
  const rows = await tx.$queryRaw<RefundFactsRow[]>`
    WITH queued AS (
      INSERT INTO "PluginDelivery" (id, "shopId", plugin, "transitionId", "refundId", attempts, "lockedUntil", "availableAt", "createdAt")
      SELECT u.id, u."shopId", u.plugin, u."transitionId", u."refundId", ${claimedUntil ? 1 : 0}::int,
             ${utc(claimedUntil)}, ${utc(now)}, ${utc(now)}
        FROM unnest(${column("id")}::text[], ${column("shopId")}::text[], ${column("plugin")}::text[], ${column("transitionId")}::text[], ${column("refundId")}::text[])
          AS u(id, "shopId", plugin, "transitionId", "refundId")
    )${REFUND_FACTS}
     WHERE r.id = ANY(${[...new Set(column("refundId"))]}::text[])`;
  const factsOf = new Map(rows.map((row) => [row.id, row]));
  return new Map(transitions.map((transition) => [transition.id, eventOf(transition, factsOf.get(transition.refundId)!)]));
}
