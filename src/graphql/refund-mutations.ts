import { MAX_LABEL_LENGTH, MAX_LABELS_PER_REFUND } from "../domain/labels.js";
import { changeRefundLabels } from "../services/refund-labels.js";
import { requestRefund } from "../services/request-refund.js";
import { transitionRefund } from "../services/transition-refund.js";
import { builder } from "./builder.js";
import { RefundActionEnum, RefundTypeEnum, ResolutionKindEnum } from "./enums.js";
import { RefundRef, RefundTransitionRef } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, withUserErrors } from "./user-errors.js";

const RefundItemInput = builder.inputType("RefundItemInput", {
  fields: (t) => ({
    orderItemId: t.id({ required: true, description: "An `OrderItem.id` of the order." }),
    quantity: t.int({ required: true, description: "Units to refund: at least 1, at most what is left of the item." }),
    exchangeSku: t.string({ description: "EXCHANGE only (and required there): the variant wanted instead, one of `OrderItem.variants`." }),
  }),
});

const RequestRefundInput = builder.inputType("RequestRefundInput", {
  fields: (t) => ({
    orderId: t.id({ required: true }),
    type: t.field({ type: RefundTypeEnum, required: true }),
    reasonCode: t.string({ required: true, description: "A code of `reasonTags`." }),
    amount: t.int({ description: "Minor units; defaults to what is still refundable on the order, or with `items` to their paid value." }),
    description: t.string(),
    items: t.field({ type: [RefundItemInput], description: "Some units of some order items; left out: the whole order." }),
    idempotencyKey: t.string({ description: "Repeating a request with the same key returns the first refund." }),
    overridePolicy: t.field({
      type: builder.inputType("ReturnPolicyOverrideInput", { fields: (f) => ({ reason: f.string({ required: true, description: "Why the policy is set aside." }) }) }),
      description: "Staff (AGENT, SHOP_ADMIN) only: request it although the return policy refuses it (RETURN_WINDOW_CLOSED, NOT_RETURNABLE); recorded as `Refund.policyOverride`.",
    }),
  }),
});

builder.mutationField("requestRefund", (t) =>
  t.field({
    type: builder.simpleObject("RequestRefundPayload", {
      fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: RequestRefundInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        refund: await requestRefund(ctx.services, viewer, {
          ...input,
          orderId: parseGlobalId(input.orderId, "Order", ["input", "orderId"]),
          // An id of another type names no item of the order: the service answers ORDER_ITEM_NOT_IN_ORDER.
          items: input.items?.map((item) => ({ orderItemId: decodeGlobalIdOf(item.orderItemId, "OrderItem") ?? "", quantity: item.quantity, exchangeSku: item.exchangeSku })),
        }),
      })),
  }),
);

const ResolutionOfferInput = builder.inputType("ResolutionOfferInput", {
  fields: (t) => ({
    kind: t.field({ type: ResolutionKindEnum, required: true }),
    amount: t.int({ description: "Minor units; required for a compensation, defaults to the requested amount otherwise." }),
  }),
});

const ItemResultInput = builder.inputType("ItemResultInput", {
  fields: (t) => ({
    refundItemId: t.id({ required: true, description: "A `RefundItem.id` of the refund." }),
    passedQuantity: t.int({ required: true, description: "Units that passed: 0 to the item's quantity; the rest failed." }),
    note: t.string(),
  }),
});

const TransitionRefundInput = builder.inputType("TransitionRefundInput", {
  fields: (t) => ({
    refundId: t.id({ required: true }),
    action: t.field({ type: RefundActionEnum, required: true }),
    note: t.string({ description: "Required for REJECT, FAIL_INSPECTION and FINANCE_REJECT." }),
    amount: t.int({ description: "APPROVE / PASS_INSPECTION: a partial amount in minor units." }),
    expectedVersion: t.int({ description: "Act only if the refund is still at this version." }),
    carrier: t.string({ description: "SUBMIT_RETURN_SHIPMENT, SHIP_REPLACEMENT" }),
    trackingNumber: t.string({ description: "SUBMIT_RETURN_SHIPMENT, SHIP_REPLACEMENT" }),
    offerOptions: t.field({ type: [ResolutionOfferInput], description: "OFFER_RESOLUTION" }),
    optionId: t.id({ description: "ACCEPT_OFFER: one of `Refund.resolutionOptions`." }),
    itemResults: t.field({
      type: [ItemResultInput],
      description: "PASS_INSPECTION of a refund with items: one result per item; the approved amount follows unless `amount` is set. Left out: every unit passed.",
    }),
    idempotencyKey: t.string({
      description: "Resending the same change with the same key (e.g. after a lost answer) returns the first answer instead of a VERSION_CONFLICT.",
    }),
  }),
});

builder.mutationField("transitionRefund", (t) =>
  t.field({
    type: builder.simpleObject("TransitionRefundPayload", {
      fields: (p) => ({
        refund: p.field({ type: RefundRef, nullable: true }),
        transition: p.field({ type: RefundTransitionRef, nullable: true }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    args: { input: t.arg({ type: TransitionRefundInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, (viewer) =>
        transitionRefund(ctx.services, viewer, {
          ...input,
          refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]),
          itemResults: input.itemResults?.map((result) => ({ ...result, refundItemId: decodeGlobalIdOf(result.refundItemId, "RefundItem") ?? "" })),
          optionId: input.optionId == null ? input.optionId : resolutionOptionIdOf(input.optionId),
        }),
      ),
  }),
);

/**
 * `optionId` is a ResolutionOption's global id. Anything else (a raw row id included) becomes
 * an id no option has, so the plan answers it in its usual order: a status or an action that
 * takes no option first, else OPTION_NOT_FOUND.
 */
function resolutionOptionIdOf(optionId: string): string {
  return decodeGlobalIdOf(optionId, "ResolutionOption") ?? "";
}

const RefundLabelsInput = builder.inputType("RefundLabelsInput", {
  fields: (t) => ({
    refundId: t.id({ required: true }),
    labels: t.stringList({
      required: true,
      description: `Each up to ${MAX_LABEL_LENGTH} characters: letters, digits, spaces, '-', '_', ':' and '.'; stored trimmed and lower-cased.`,
    }),
  }),
});

const RefundLabelsPayload = builder.simpleObject("RefundLabelsPayload", {
  fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
});

builder.mutationFields((t) => ({
  addRefundLabels: t.field({
    type: RefundLabelsPayload,
    description: `Labels a refund (shop staff), at most ${MAX_LABELS_PER_REFUND} per refund. Not a status change: no transition, \`version\` stays.`,
    args: { input: t.arg({ type: RefundLabelsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        refund: await changeRefundLabels(ctx.db, viewer, { refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]), add: input.labels }),
      })),
  }),
  removeRefundLabels: t.field({
    type: RefundLabelsPayload,
    description: "Takes labels off a refund (shop staff); a label it does not carry is ignored.",
    args: { input: t.arg({ type: RefundLabelsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        refund: await changeRefundLabels(ctx.db, viewer, { refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]), remove: input.labels }),
      })),
  }),
}));
