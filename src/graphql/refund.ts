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
    kind: t.field({ type: ActorKindEnum, description: "What kind of actor: the platform, an automation rule or timer, a plugin, or a token's holder (USER)." }),
    role: t.field({ type: RoleEnum, nullable: true, description: "The role of the token that acted; null unless `kind` is USER." }),
    name: t.string({ nullable: true, description: "Who it was, for people: the token's label (a staff member's name, an app's name), the rule's or timer's name, or the plugin's name; null when none was recorded." }),
  }),
});

export const RefundTransitionRef = builder.prismaNode("RefundTransition", {
  description: "One step of a refund's history: an action that moved it from one status to another, who took it and when. Visible to whoever may see the refund (shop staff; the customer for its own refunds). Also what the subscriptions `refundStatusChanged` and `refundEvents` deliver.",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    refund: t.relation("refund", { description: "The refund that changed." }),
    version: t.exposeInt("version", { description: "The refund's version after this transition." }),
    from: t.expose("fromStatus", { type: RefundStatusEnum, nullable: true, description: "null for the request itself." }),
    to: t.expose("toStatus", { type: RefundStatusEnum, description: "The status the refund entered." }),
    action: t.field({ type: RefundActionEnum, resolve: (transition) => transition.action as never, description: "The action taken (REQUEST for the request itself)." }),
    actor: t.field({
      description: "Who took the action.",
      type: ActorRef,
      resolve: (transition) => ({ kind: transition.actorKind, role: transition.actorRole, name: transition.actorName }),
    }),
    note: t.exposeString("note", { nullable: true, description: "Why, in the actor's words: required for REJECT, FAIL_INSPECTION and FINANCE_REJECT (show it to the customer as the reason); null when none was given." }),
    amount: t.field({
      description: "The amount this step set (for APPROVE and PASS_INSPECTION the approved amount), in minor units of the shop's currency; null when the step set none.",
      type: MoneyRef,
      nullable: true,
      select: { refund: { select: { currency: true } } },
      resolve: (transition) => (transition.amount == null ? null : money(transition.amount, transition.refund.currency)),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the step was taken (ISO 8601, UTC)." }),
    streamCursor: t.string({
      description:
        "This transition's place in its shop's stream of transitions, in the order they were committed. Keep the last one a `refundEvents` subscription delivered and pass it as `refundEvents(after:)` to resume after it, missing nothing and getting nothing twice. Opaque: compare and store it, do not parse it.",
      select: { shopId: true, sequence: true },
      resolve: (transition) => encodeStreamCursor(transition.shopId, transition.sequence!),
    }),
  }),
});

builder.prismaObject("ReturnShipment", {
  description: "The parcel the customer sends back (SUBMIT_RETURN_SHIPMENT): carrier and tracking number, and when the warehouse received it. The logistics plugin adds its carrier events (`tracking`).",
  fields: (t) => ({
    carrier: t.exposeString("carrier", { description: "The carrier's name as the customer gave it (e.g. SF Express, 顺丰)." }),
    trackingNumber: t.exposeString("trackingNumber", { description: "The carrier's tracking number as the customer gave it." }),
    shopPaysShipping: t.exposeBoolean("shopPaysShipping", { description: "true when the shop pays the return shipping: the customer accepted RETURN_WITH_FULL_REFUND." }),
    submittedAt: t.expose("submittedAt", { type: "DateTime", description: "When the customer submitted it (ISO 8601, UTC)." }),
    receivedAt: t.expose("receivedAt", { type: "DateTime", nullable: true, description: "When the warehouse received it (RECEIVE_RETURN; ISO 8601, UTC); null while in transit." }),
  }),
});

builder.prismaObject("ReplacementShipment", {
  description: "An exchange's replacement parcel, shop to customer (SHIP_REPLACEMENT); the logistics plugin adds its carrier events (`tracking`).",
  fields: (t) => ({
    carrier: t.exposeString("carrier", { description: "The carrier the warehouse shipped the replacement with." }),
    trackingNumber: t.exposeString("trackingNumber", { description: "The carrier's tracking number of the replacement parcel." }),
    shippedAt: t.expose("shippedAt", { type: "DateTime", description: "When the warehouse shipped it (ISO 8601, UTC)." }),
  }),
});

builder.prismaNode("ResolutionOption", {
  description: "An option customer service offered to settle a dispute (OFFER_RESOLUTION); the customer accepts one with ACCEPT_OFFER.",
  id: { field: "id", description: "Pass as `optionId` of ACCEPT_OFFER." },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    kind: t.expose("kind", { type: ResolutionKindEnum, description: "What the option is: return with a full refund, or keep the item with a compensation." }),
    amount: t.field({
      description: "What the customer gets with this option, in minor units of the shop's currency: the compensation, or the full refund.",
      type: MoneyRef,
      select: { refund: { select: { currency: true } } },
      resolve: (option) => money(option.amount, option.refund.currency),
    }),
    accepted: t.exposeBoolean("accepted", { description: "true for the option the customer accepted; at most one per refund." }),
  }),
});

const RefundItemInspectionRef = builder.simpleObject("RefundItemInspection", {
  description: "What the warehouse found of a refund item (PASS_INSPECTION).",
  fields: (t) => ({
    passedQuantity: t.int({ description: "Units that passed inspection and are refunded." }),
    failedQuantity: t.int({ description: "Units that failed inspection (the item's quantity less the passed ones); not refunded." }),
    note: t.string({ nullable: true, description: "The warehouse's note on this item; null when none was given." }),
    inspectedAt: t.field({ type: "DateTime", description: "When the item was inspected (ISO 8601, UTC)." }),
  }),
});

export const RefundItemRef = builder.prismaNode("RefundItem", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, refund: refundScope(queryViewer(ctx)) }),
  description: "Some units of one order item that a refund is for. Pass its `id` as `refundItemId` of PASS_INSPECTION's `itemResults`.",
  fields: (t) => ({
    orderItem: t.relation("orderItem", { description: "The order item (product line) the units are of." }),
    quantity: t.exposeInt("quantity", { description: "How many units of the order item the refund is for." }),
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
  description: "A customer's request for money back (or an exchange) on one order, and its way through the shop's workflow: `status` says where it stands, `availableActions` what the viewer may do next, `transitions` its history. Shop staff see the shop's refunds; a CUSTOMER token sees its own only; amounts are in minor units of the shop's currency.",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, ...refundScope(queryViewer(ctx)) }),
  fields: (t) => ({
    status: t.expose("status", { type: RefundStatusEnum, description: "Where the refund stands; each value says what to show the customer. Changes only through `transitionRefund` (or the platform), each change raising `version`." }),
    type: t.expose("type", { type: RefundTypeEnum, description: "What the customer asked for. A REFUND_ONLY or RETURN_AND_REFUND request of an unshipped order becomes REFUND_ONLY when classified." }),
    reason: t.relation("reason", { description: "Why the customer asks: one of the shop's reason tags." }),
    description: t.exposeString("description", { nullable: true, description: "The customer's own words about the problem; null when none was given." }),
    requestedAmount: t.field({ type: MoneyRef, resolve: (refund) => money(refund.requestedAmount, refund.currency), description: "What the customer asked for, in minor units of the shop's currency (for an exchange: the price difference owed, or 0)." }),
    approvedAmount: t.field({
      description: "What the shop agreed to pay back (a partial refund when lower than `requestedAmount`), in minor units; null until approved (APPROVE, PASS_INSPECTION, an accepted offer, or classification of an unshipped order).",
      type: MoneyRef,
      nullable: true,
      resolve: (refund) => (refund.approvedAmount == null ? null : money(refund.approvedAmount, refund.currency)),
    }),
    refundedAmount: t.field({ type: MoneyRef, resolve: (refund) => money(refund.refundedAmount, refund.currency), description: "What has actually gone back to the customer's payment route, in minor units: 0 until the payment succeeded." }),
    order: t.relation("order", { description: "The order the refund is for." }),
    customer: t.relation("customer", { description: "The customer who asked." }),
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
    returnShipment: t.relation("returnShipment", { nullable: true, description: "The parcel the customer sends back; null until SUBMIT_RETURN_SHIPMENT (and always for REFUND_ONLY)." }),
    replacementShipment: t.relation("replacementShipment", { nullable: true, description: "An exchange's replacement parcel, once shipped." }),
    resolutionOptions: t.relation("resolutionOptions", { query: { orderBy: { position: "asc" } }, description: "The options offered with OFFER_RESOLUTION, in the order offered; empty when none were offered." }),
    items: t.relation("items", { query: { orderBy: { position: "asc" } }, description: "The line items it is for, as requested; empty: the whole order." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the customer asked (ISO 8601, UTC)." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When anything about it last changed (ISO 8601, UTC)." }),
    resolvedAt: t.expose("resolvedAt", { type: "DateTime", nullable: true, description: "When it ended (REFUNDED, REJECTED, CANCELLED or EXCHANGED; ISO 8601, UTC); null while open." }),
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
  description: "Narrows `refunds`: every field given must match (AND); a list matches any of its values (OR). Left out: no constraint.",
  fields: (t) => ({
    statuses: t.field({ type: [RefundStatusEnum], description: "Refunds in any of these statuses." }),
    types: t.field({ type: [RefundTypeEnum], description: "Refunds of any of these types." }),
    reasonCodes: t.stringList({ description: "Reason tag codes; a top-level reason also matches refunds tagged with its sub-reasons." }),
    shippingStatuses: t.field({ type: [OrderShippingStatusEnum], description: "Refunds whose order's parcel is in any of these shipping statuses (e.g. NOT_SHIPPED for the “refund at once” pile)." }),
    createdAfter: t.field({ type: "DateTime", description: "Requested at or after this instant (ISO 8601)." }),
    createdBefore: t.field({ type: "DateTime", description: "Requested before this instant (ISO 8601)." }),
    customerId: t.id({ description: "One customer's refunds (a `Customer.id`); an id of another type matches nothing." }),
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
  description: "The order of `refunds`; ties are broken by id, so paging is stable.",
  values: {
    CREATED_AT_DESC: { value: "CREATED_AT_DESC", description: "Newest request first (the default)." },
    CREATED_AT_ASC: { value: "CREATED_AT_ASC", description: "Oldest request first: a queue's first-come order." },
    UPDATED_AT_DESC: { value: "UPDATED_AT_DESC", description: "Most recently changed first." },
    REQUESTED_AMOUNT_DESC: { value: "REQUESTED_AMOUNT_DESC", description: "Largest requested amount first." },
    REQUESTED_AMOUNT_ASC: { value: "REQUESTED_AMOUNT_ASC", description: "Smallest requested amount first." },
    SLA_DUE_AT_ASC: { value: "SLA_DUE_AT_ASC", description: "The deadline that breaches next first (`slaDueAt`); refunds without a deadline last." },
  } satisfies Record<RefundOrdering, { value: RefundOrdering; description: string }>,
});

builder.queryFields((t) => ({
  refund: t.prismaField({
    description: "One refund by its global id: null when the token may not see it (another shop's, or another customer's) or it does not exist. Any role; a CUSTOMER token sees its own refunds only.",
    type: "Refund",
    nullable: true,
    args: { id: t.arg.id({ required: true, description: "The refund's global id (`Refund.id`)." }) },
    resolve: (query, _root, { id }, ctx) => {
      const viewer = queryViewer(ctx);
      const refundId = decodeGlobalIdOf(id, "Refund");
      if (!refundId) return null;
      return ctx.db.prisma.refund.findFirst({ ...query, where: { id: refundId, ...refundScope(viewer) } });
    },
  }),
  refunds: t.prismaConnection({
    description: "The refunds the token may see, a page at a time: shop staff the shop's (a platform admin every shop's), a CUSTOMER token its own. Newest first unless `orderBy` says otherwise. A bad filter value (an unknown `assignedTo`, labels from a customer) fails the field with its code in `extensions.code`.",
    type: "Refund",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    args: {
      filter: t.arg({ type: RefundFilterInput, description: "Which refunds; left out: all the token may see." }),
      orderBy: t.arg({ type: RefundOrderByEnum, defaultValue: "CREATED_AT_DESC", description: "The order of the list; newest first by default." }),
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
