import { MAX_LABEL_LENGTH, MAX_LABELS_PER_REFUND } from "../domain/labels.js";
import { changeRefundLabels } from "../services/refund-labels.js";
import { requestRefund } from "../services/request-refund.js";
import { transitionRefund } from "../services/transition-refund.js";
import { builder } from "./builder.js";
import { RefundActionEnum, RefundTypeEnum, ResolutionKindEnum } from "./enums.js";
import { RefundRef, RefundTransitionRef } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, withUserErrors } from "./user-errors.js";

const RefundItemInput = builder.inputType("RefundItemInput", {
  description: "Some units of one order item to refund (or exchange).",
  fields: (t) => ({
    orderItemId: t.id({ required: true, description: "An `OrderItem.id` of the order." }),
    quantity: t.int({ required: true, description: "Units to refund: at least 1, at most what is left of the item." }),
    exchangeSku: t.string({ description: "EXCHANGE only (and required there): the variant wanted instead, one of `OrderItem.variants`." }),
  }),
});

const RequestRefundInput = builder.inputType("RequestRefundInput", {
  description: "A refund request for one order.",
  fields: (t) => ({
    orderId: t.id({ required: true, description: "The order's global id (`Order.id`); a CUSTOMER token may name only its own orders (another's answers NOT_FOUND)." }),
    type: t.field({ type: RefundTypeEnum, required: true, description: "What the customer asks for: money only, return and refund, or an exchange." }),
    reasonCode: t.string({ required: true, description: "A code of `reasonTags`." }),
    amount: t.int({ description: "Minor units; defaults to what is still refundable on the order, or with `items` to their paid value." }),
    description: t.string({ description: "The customer's own words about the problem, shown to staff." }),
    items: t.field({ type: [RefundItemInput], description: "Some units of some order items; left out: the whole order." }),
    idempotencyKey: t.string({ description: "Repeating a request with the same key returns the first refund." }),
    overridePolicy: t.field({
      type: builder.inputType("ReturnPolicyOverrideInput", { description: "Staff setting the return policy aside for one request, and why.", fields: (f) => ({ reason: f.string({ required: true, description: "Why the policy is set aside." }) }) }),
      description: "Staff (AGENT, SHOP_ADMIN) only: request it although the return policy refuses it (RETURN_WINDOW_CLOSED, NOT_RETURNABLE); recorded as `Refund.policyOverride`.",
    }),
  }),
});

builder.mutationField("requestRefund", (t) =>
  t.field({
    description: "Asks for a refund (or an exchange) of an order: CUSTOMER for its own orders, or AGENT, SHOP_ADMIN, PLATFORM_ADMIN, INTEGRATION for the customer. The amount defaults to what is still refundable; the request is classified at once (an unshipped order is refunded with no human touch). The shop's return policy may refuse it (RETURN_WINDOW_CLOSED, NOT_RETURNABLE) unless staff pass `overridePolicy`.",
    type: builder.simpleObject("RequestRefundPayload", {
      fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true, description: "The new refund, already classified (an unshipped order's is REFUNDING or on; others PENDING_REVIEW or as the shop's rules moved it); with a repeated `idempotencyKey`, the first request's refund. null when `userErrors` is not empty." }), userErrors: p.field({ type: [UserErrorRef] }) }),
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
  description: "One option offered with OFFER_RESOLUTION.",
  fields: (t) => ({
    kind: t.field({ type: ResolutionKindEnum, required: true, description: "What is offered: return with a full refund (the shop pays the return shipping), or keep the item with a compensation." }),
    amount: t.int({ description: "Minor units; required for a compensation, defaults to the requested amount otherwise." }),
  }),
});

const ItemResultInput = builder.inputType("ItemResultInput", {
  description: "The inspection result of one refund item (PASS_INSPECTION).",
  fields: (t) => ({
    refundItemId: t.id({ required: true, description: "A `RefundItem.id` of the refund." }),
    passedQuantity: t.int({ required: true, description: "Units that passed: 0 to the item's quantity; the rest failed." }),
    note: t.string({ description: "What the warehouse found, e.g. why units failed." }),
  }),
});

const TransitionRefundInput = builder.inputType("TransitionRefundInput", {
  description: "One action on one refund. Which fields an action needs is listed on each `RefundAction` value; a field the action does not take answers INVALID_INPUT.",
  fields: (t) => ({
    refundId: t.id({ required: true, description: "The refund's global id (`Refund.id`)." }),
    action: t.field({ type: RefundActionEnum, required: true, description: "The action to take; `Refund.availableActions` lists those the token may take now." }),
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
    description: "Takes one action on a refund: the state machine checks the status and the token's role (see each `RefundAction` value), plugins and apps may veto or hold it, and the change is recorded as a transition and published to the subscriptions. Pass `expectedVersion` to act only on what you saw (VERSION_CONFLICT if it changed), and `idempotencyKey` to resend safely.",
    type: builder.simpleObject("TransitionRefundPayload", {
      fields: (p) => ({
        refund: p.field({ type: RefundRef, nullable: true, description: "The refund after the action (new `status`, `version`, `availableActions`); null when `userErrors` is not empty." }),
        transition: p.field({ type: RefundTransitionRef, nullable: true, description: "The transition the action recorded; null when `userErrors` is not empty." }),
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
  description: "Labels to add to or take off one refund.",
  fields: (t) => ({
    refundId: t.id({ required: true, description: "The refund's global id (`Refund.id`)." }),
    labels: t.stringList({
      required: true,
      description: `Each up to ${MAX_LABEL_LENGTH} characters: letters, digits, spaces, '-', '_', ':' and '.'; stored trimmed and lower-cased.`,
    }),
  }),
});

const RefundLabelsPayload = builder.simpleObject("RefundLabelsPayload", {
  description: "What `addRefundLabels` and `removeRefundLabels` answer: the refund with its labels, or `userErrors`.",
  fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true, description: "The refund with its labels now; null when `userErrors` is not empty." }), userErrors: p.field({ type: [UserErrorRef] }) }),
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
