import type { Tx } from "../db/tx.js";
import { fail } from "../domain/errors.js";
import type { RefundStatus, RefundType, ShippingStatus } from "../domain/types.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { type Viewer, refundScope } from "./viewer.js";

export interface RefundFilter {
  statuses?: readonly RefundStatus[] | null;
  types?: readonly RefundType[] | null;
  /** Tag codes; a parent's code also matches refunds tagged with its sub-reasons. */
  reasonCodes?: readonly string[] | null;
  shippingStatuses?: readonly ShippingStatus[] | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  customerId?: string | null;
  /** Free text: order reference, customer name or reference, or the request's description. */
  search?: string | null;
  /** Whose queue: a staff member's id, or null for refunds no one was assigned; absent: all. */
  assigneeId?: string | null;
  /** Past their deadline (`slaDueAt` before now), or not (no deadline, or not yet). */
  slaBreached?: boolean | null;
  /** The customer's rating, from this score up / down to it (inclusive); either matches only rated refunds. */
  ratingMin?: number | null;
  ratingMax?: number | null;
  /** Rated in [ratedAfter, ratedBefore). */
  ratedAfter?: Date | null;
  ratedBefore?: Date | null;
  /** Refunds carrying any of these labels (normalized: src/domain/labels.ts). */
  labels?: readonly string[] | null;
}

export const REFUND_ORDERINGS = {
  CREATED_AT_DESC: [{ createdAt: "desc" }, { id: "desc" }],
  CREATED_AT_ASC: [{ createdAt: "asc" }, { id: "asc" }],
  UPDATED_AT_DESC: [{ updatedAt: "desc" }, { id: "desc" }],
  REQUESTED_AMOUNT_DESC: [{ requestedAmount: "desc" }, { id: "desc" }],
  REQUESTED_AMOUNT_ASC: [{ requestedAmount: "asc" }, { id: "asc" }],
  // A queue's "what breaches next" view: refunds without a deadline come last.
  SLA_DUE_AT_ASC: [{ slaDueAt: { sort: "asc", nulls: "last" } }, { id: "asc" }],
} satisfies Record<string, Prisma.RefundOrderByWithRelationInput[]>;
export type RefundOrdering = keyof typeof REFUND_ORDERINGS;

/**
 * The `where` of a refund list: the viewer's scope and every filter given, combined with AND.
 * `now` decides which deadlines are breached (the app's clock).
 */
export function refundListWhere(viewer: Viewer, filter: RefundFilter = {}, now: Date = new Date()): Prisma.RefundWhereInput {
  const and: Prisma.RefundWhereInput[] = [refundScope(viewer)];
  if (filter.statuses?.length) and.push({ status: { in: [...filter.statuses] } });
  if (filter.types?.length) and.push({ type: { in: [...filter.types] } });
  if (filter.reasonCodes?.length) {
    // A top-level reason stands for its sub-reasons too (the tree is two levels deep).
    const codes = { in: [...filter.reasonCodes] };
    and.push({ reason: { OR: [{ code: codes }, { parent: { code: codes } }] } });
  }
  if (filter.shippingStatuses?.length) and.push({ order: { shippingStatus: { in: [...filter.shippingStatuses] } } });
  if (filter.createdAfter) and.push({ createdAt: { gte: filter.createdAfter } });
  if (filter.createdBefore) and.push({ createdAt: { lt: filter.createdBefore } });
  if (filter.customerId) and.push({ customerId: filter.customerId });
  if (filter.assigneeId !== undefined) and.push({ assigneeId: filter.assigneeId });
  if (filter.slaBreached === true) and.push({ slaDueAt: { lt: now } });
  if (filter.slaBreached === false) and.push({ OR: [{ slaDueAt: null }, { slaDueAt: { gte: now } }] });
  if (filter.labels?.length) and.push({ labels: { hasSome: [...filter.labels] } });
  const score = { ...(filter.ratingMin != null && { gte: filter.ratingMin }), ...(filter.ratingMax != null && { lte: filter.ratingMax }) };
  const ratedAt = { ...(filter.ratedAfter && { gte: filter.ratedAfter }), ...(filter.ratedBefore && { lt: filter.ratedBefore }) };
  if (Object.keys(score).length + Object.keys(ratedAt).length > 0) {
    and.push({ rating: { is: { ...(Object.keys(score).length > 0 && { score }), ...(Object.keys(ratedAt).length > 0 && { createdAt: ratedAt }) } } });
  }
  const search = filter.search?.trim();
  if (search) {
    const contains = { contains: search, mode: "insensitive" } as const;
    and.push({
      OR: [
        { description: contains },
        { order: { externalId: contains } },
        { customer: { name: contains } },
        { customer: { externalId: contains } },
      ],
    });
  }
  return { AND: and };
}

/** A console acts on at most one page of refunds at once (batches, assignments): the product's "up to 50". */
export const MAX_BULK_REFUNDS = 50;

/**
 * The ids of the shop's refunds a filter chooses for a bulk action, oldest first; more than
 * MAX_BULK_REFUNDS is BATCH_TOO_LARGE (the caller decides what an empty choice means).
 */
export async function refundIdsChosenBy(db: Tx | PrismaClient, viewer: Viewer, shopId: string, filter: RefundFilter, now: Date): Promise<string[]> {
  const matched = await db.refund.findMany({
    where: { AND: [refundListWhere(viewer, filter, now), { shopId }] },
    select: { id: true },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: MAX_BULK_REFUNDS + 1,
  });
  if (matched.length > MAX_BULK_REFUNDS) fail("BATCH_TOO_LARGE", `The filter matches more than ${MAX_BULK_REFUNDS} refunds: narrow it`, ["input", "filter"]);
  return matched.map((refund) => refund.id);
}
