import { UserErrorsException, fail } from "../domain/errors.js";
import { validateLabels } from "../domain/labels.js";
import { availableActions } from "../domain/refund-machine.js";
import { REFUND_ORDERINGS, type RefundFilter, type RefundOrdering, refundListWhere } from "../services/refund-list.js";
import { type Viewer, refundScope } from "../services/viewer.js";
import { assertStorableText, queryViewer } from "./access.js";
import { mayReadField, unreadableInputField } from "./argument-reads.js";
import { builder } from "./builder.js";
import { ActorKindEnum, OrderShippingStatusEnum, RefundActionEnum, RefundStatusEnum, RefundTypeEnum, ResolutionKindEnum, RoleEnum } from "./enums.js";
import { MoneyRef, money } from "./money.js";
import { encodeStreamCursor } from "../realtime/shop-stream.js";
import { StaffMemberRef } from "./staff.js";
import { decodeGlobalIdOf } from "./user-errors.js";
import { replacedByConnection } from "./deprecation.js";

const ActorRef = builder.simpleObject("Actor", {
  description: "Who took an action: the platform, an automation rule, a plugin, or a token's holder.",
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum }),
    role: t.field({ type: RoleEnum, nullable: true }),
    name: t.string({ nullable: true }),
  }),
});

export const RefundTransitionRef = builder.prismaNode("RefundTransition", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    refund: t.relation("refund"),
    version: t.exposeInt("version", { description: "The refund's version after this transition." }),
    from: t.expose("fromStatus", { type: RefundStatusEnum, nullable: true, description: "null for the request itself." }),
    to: t.expose("toStatus", { type: RefundStatusEnum }),
    action: t.field({ type: RefundActionEnum, resolve: (transition) => transition.action as never }),
    actor: t.field({
      type: ActorRef,
      resolve: (transition) => ({ kind: transition.actorKind, role: transition.actorRole, name: transition.actorName }),
    }),
    note: t.exposeString("note", { nullable: true }),
    amount: t.field({
      type: MoneyRef,
      nullable: true,
      select: { refund: { select: { currency: true } } },
      resolve: (transition) => (transition.amount == null ? null : money(transition.amount, transition.refund.currency)),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    streamCursor: t.string({
      description:
        "This transition's place in its shop's stream of transitions, in the order they were committed. Keep the last one a `refundEvents` subscription delivered and pass it as `refundEvents(after:)` to resume after it, missing nothing and getting nothing twice. Opaque: compare and store it, do not parse it.",
      select: { shopId: true, sequence: true },
      resolve: (transition) => encodeStreamCursor(transition.shopId, transition.sequence!),
    }),
  }),
});

builder.prismaObject("ReturnShipment", {
  fields: (t) => ({
    carrier: t.exposeString("carrier"),
    trackingNumber: t.exposeString("trackingNumber"),
    shopPaysShipping: t.exposeBoolean("shopPaysShipping"),
    submittedAt: t.expose("submittedAt", { type: "DateTime" }),
    receivedAt: t.expose("receivedAt", { type: "DateTime", nullable: true }),
  }),
});

builder.prismaObject("ReplacementShipment", {
  description: "An exchange's replacement parcel, shop to customer (SHIP_REPLACEMENT); the logistics plugin adds its carrier events (`tracking`).",
  fields: (t) => ({
    carrier: t.exposeString("carrier"),
    trackingNumber: t.exposeString("trackingNumber"),
    shippedAt: t.expose("shippedAt", { type: "DateTime" }),
  }),
});

builder.prismaNode("ResolutionOption", {
  id: { field: "id", description: "Pass as `optionId` of ACCEPT_OFFER." },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    kind: t.expose("kind", { type: ResolutionKindEnum }),
    amount: t.field({
      type: MoneyRef,
      select: { refund: { select: { currency: true } } },
      resolve: (option) => money(option.amount, option.refund.currency),
    }),
    accepted: t.exposeBoolean("accepted"),
  }),
});

const RefundItemInspectionRef = builder.simpleObject("RefundItemInspection", {
  description: "What the warehouse found of a refund item (PASS_INSPECTION).",
  fields: (t) => ({
    passedQuantity: t.int(),
    failedQuantity: t.int(),
    note: t.string({ nullable: true }),
    inspectedAt: t.field({ type: "DateTime" }),
  }),
});

export const RefundItemRef = builder.prismaNode("RefundItem", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  description: "Some units of one order item that a refund is for. Pass its `id` as `refundItemId` of PASS_INSPECTION's `itemResults`.",
  fields: (t) => ({
    orderItem: t.relation("orderItem"),
    quantity: t.exposeInt("quantity"),
    amount: t.field({
      type: MoneyRef,
      description: "Its share of the refund's requested amount; the items add up to it.",
      select: { refund: { select: { currency: true } } },
      resolve: (item) => money(item.amount, item.refund.currency),
    }),
    exchangeSku: t.exposeString("exchangeSku", { nullable: true, description: "An exchange's item: the variant the units are exchanged for." }),
    exchangeUnitPrice: t.field({
      type: MoneyRef,
      nullable: true,
      description: "An exchange's item: the variant's price when it was requested.",
      select: { refund: { select: { currency: true } } },
      resolve: (item) => (item.exchangeUnitPrice == null ? null : money(item.exchangeUnitPrice, item.refund.currency)),
    }),
    inspection: t.field({
      type: RefundItemInspectionRef,
      nullable: true,
      description: "null until the refund passed inspection (a failed inspection rejects the whole refund).",
      resolve: (item) =>
        item.passedQuantity == null || !item.inspectedAt
          ? null
          : { passedQuantity: item.passedQuantity, failedQuantity: item.quantity - item.passedQuantity, note: item.inspectionNote, inspectedAt: item.inspectedAt },
    }),
  }),
});

export const RefundRef = builder.prismaNode("Refund", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, ...refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    status: t.expose("status", { type: RefundStatusEnum }),
    type: t.expose("type", { type: RefundTypeEnum }),
    reason: t.relation("reason"),
    description: t.exposeString("description", { nullable: true }),
    requestedAmount: t.field({ type: MoneyRef, resolve: (refund) => money(refund.requestedAmount, refund.currency) }),
    approvedAmount: t.field({
      type: MoneyRef,
      nullable: true,
      resolve: (refund) => (refund.approvedAmount == null ? null : money(refund.approvedAmount, refund.currency)),
    }),
    refundedAmount: t.field({ type: MoneyRef, resolve: (refund) => money(refund.refundedAmount, refund.currency) }),
    order: t.relation("order"),
    customer: t.relation("customer"),
    version: t.exposeInt("version", { description: "Pass as `expectedVersion` to act only on what you saw." }),
    availableActions: t.field({
      type: [RefundActionEnum],
      description: "What the current viewer may do next.",
      resolve: (refund, _args, ctx) => (ctx.viewer ? availableActions(refund.status, ctx.viewer.role, refund.type) : []),
    }),
    transitions: t.relation("transitions", {
      query: { orderBy: { version: "asc" } },
      description: "Oldest first.",
      deprecationReason: replacedByConnection("transitionsConnection", "Unbounded", "2026-12-07"),
    }),
    transitionsConnection: t.relatedConnection("transitions", {
      cursor: "id",
      query: { orderBy: [{ version: "asc" }, { id: "asc" }] },
      description: "`transitions` in pages, oldest first: a refund whose payment is retried again and again has no upper bound.",
    }),
    returnShipment: t.relation("returnShipment", { nullable: true }),
    replacementShipment: t.relation("replacementShipment", { nullable: true, description: "An exchange's replacement parcel, once shipped." }),
    resolutionOptions: t.relation("resolutionOptions", { query: { orderBy: { position: "asc" } } }),
    items: t.relation("items", { query: { orderBy: { position: "asc" } }, description: "The line items it is for, as requested; empty: the whole order." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true }),
    rating: t.relation("rating", { nullable: true, description: "The customer's verdict once the refund ended (`rateRefund`); null until rated." }),
    assignee: t.field({
      type: StaffMemberRef,
      nullable: true,
      description: "The staff member whose queue it is in (shown to staff only).",
      select: { assignee: true },
      resolve: (refund, _args, ctx) => (mayReadField(ctx.viewer?.role, "Refund.assignee") ? refund.assignee : null),
    }),
    slaDueAt: t.expose("slaDueAt", {
      type: "DateTime",
      nullable: true,
      description: "When its current status is due: entry into the status plus the shop's SLA policy for it. null without a policy, and once terminal.",
    }),
    labels: t.stringList({
      description: "The shop's labels on it (staff only; a customer sees none): set by staff (`addRefundLabels`) or a TAG rule.",
      resolve: (refund, _args, ctx) => (mayReadField(ctx.viewer?.role, "Refund.labels") ? (refund.labels ?? []) : []),
    }),
    slaBreached: t.boolean({
      description: "Past `slaDueAt`.",
      resolve: (refund, _args, ctx) => refund.slaDueAt !== null && refund.slaDueAt < ctx.services.clock(),
    }),
  }),
});

export const RefundFilterInput = builder.inputType("RefundFilter", {
  fields: (t) => ({
    statuses: t.field({ type: [RefundStatusEnum] }),
    types: t.field({ type: [RefundTypeEnum] }),
    reasonCodes: t.stringList({ description: "Reason tag codes; a top-level reason also matches refunds tagged with its sub-reasons." }),
    shippingStatuses: t.field({ type: [OrderShippingStatusEnum] }),
    createdAfter: t.field({ type: "DateTime" }),
    createdBefore: t.field({ type: "DateTime" }),
    customerId: t.id(),
    search: t.string({ description: "Order reference, customer name or reference, or description." }),
    assignedTo: t.string({ description: "`ME` (the token's staff member), `UNASSIGNED`, or a StaffMember id." }),
    slaBreached: t.boolean({ description: "true: past their deadline; false: not (or no deadline)." }),
    ratingMin: t.int({ description: "Rated at least this score (1–5); only rated refunds match." }),
    ratingMax: t.int({ description: "Rated at most this score (1–5), e.g. ratingMax: 2 for the unhappy ones; only rated refunds match." }),
    ratedAfter: t.field({ type: "DateTime", description: "Rated at or after this time." }),
    ratedBefore: t.field({ type: "DateTime", description: "Rated before this time." }),
    labels: t.stringList({ description: "Refunds carrying any of these labels (staff only)." }),
  }),
});

/** The list filter a `RefundFilter` input asks for; null when it can match nothing (an id of another type). */
export function refundFilterOf(viewer: Viewer, filter: typeof RefundFilterInput.$inferInput | null | undefined, field: string[]): RefundFilter | null {
  if (!filter) return {};
  // What the role is not shown it may not filter by (a query was refused before it ran; a mutation answers it here).
  const hidden = unreadableInputField("RefundFilter", filter, viewer.role);
  if (hidden) fail("FORBIDDEN", `${viewer.role} may not filter by ${hidden.field}: it reads ${hidden.reads}, which ${viewer.role} is not shown`, [...field, hidden.field]);
  const customerId = filter.customerId ? decodeGlobalIdOf(filter.customerId, "Customer") : null;
  if (filter.customerId && !customerId) return null;
  return { ...filter, customerId, assigneeId: assigneeIdOf(viewer, filter.assignedTo, [...field, "assignedTo"]), labels: labelsOf(filter.labels, [...field, "labels"]) };
}

/** The labels to filter by, as stored (staff only, like `Refund.labels`: refundFilterOf). */
function labelsOf(labels: readonly string[] | null | undefined, field: string[]): string[] | null {
  if (!labels?.length) return null;
  const checked = validateLabels(labels, field);
  if (!checked.ok) throw new UserErrorsException(checked.errors);
  return checked.labels;
}

/** `assignedTo` as an assignee id: undefined for anyone, null for no one. */
function assigneeIdOf(viewer: Viewer, assignedTo: string | null | undefined, field: string[]): string | null | undefined {
  if (assignedTo == null) return undefined;
  if (assignedTo === "UNASSIGNED") return null;
  if (assignedTo === "ME") {
    if (!viewer.staffMemberId) fail("INVALID_INPUT", "assignedTo: ME needs a token that belongs to a staff member", field);
    return viewer.staffMemberId;
  }
  const memberId = decodeGlobalIdOf(assignedTo, "StaffMember");
  if (!memberId) fail("INVALID_INPUT", "assignedTo is ME, UNASSIGNED or a StaffMember id", field);
  return memberId;
}

const RefundOrderByEnum = builder.enumType("RefundOrderBy", {
  values: Object.keys(REFUND_ORDERINGS) as RefundOrdering[],
});

builder.queryFields((t) => ({
  refund: t.prismaField({
    type: "Refund",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) => {
      const viewer = queryViewer(ctx);
      const refundId = decodeGlobalIdOf(id, "Refund");
      if (!refundId) return null;
      return ctx.db.prisma.refund.findFirst({ ...query, where: { id: refundId, ...refundScope(viewer) } });
    },
  }),
  refunds: t.prismaConnection({
    type: "Refund",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    args: {
      filter: t.arg({ type: RefundFilterInput }),
      orderBy: t.arg({ type: RefundOrderByEnum, defaultValue: "CREATED_AT_DESC" }),
    },
    resolve: (query, _root, { filter, orderBy }, ctx) => {
      const viewer = queryViewer(ctx);
      assertStorableText(filter, ["filter"]);
      const listFilter = refundFilterOf(viewer, filter, ["filter"]);
      if (!listFilter) return [];
      return ctx.db.prisma.refund.findMany({
        ...query,
        where: refundListWhere(viewer, listFilter, ctx.services.clock()),
        orderBy: REFUND_ORDERINGS[orderBy ?? "CREATED_AT_DESC"],
      });
    },
  }),
}));
