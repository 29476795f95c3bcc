import { LIMITED_ROLES, MAX_LIMIT_AMOUNT } from "../domain/approval-limits.js";
import { RATING_WINDOW_DAYS } from "../domain/rating.js";
import { listApprovalLimits, setApprovalLimit } from "../services/approval-limits.js";
import { rateRefund } from "../services/ratings.js";
import { STAFF_ROLES } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { RoleEnum } from "./enums.js";
import { MoneyRef, money } from "./money.js";
import { RefundRef } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

// The people around a refund: agents' discretion limits and the customer's rating.

const ApprovalLimitRef = builder.prismaNode("ApprovalLimit", {
  description: "The largest amount a role, one staff member or the automation rules may approve, offer or pass on inspection.",
  id: { field: "id" },
  nullable: true,
  // As `approvalLimits`: the shop's staff (a platform admin: every shop's), nobody else.
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    if (viewer.role === "PLATFORM_ADMIN") return { id };
    return STAFF_ROLES.has(viewer.role) ? { id, shopId: viewer.shopId! } : { id, AND: [{ id: { in: [] } }] };
  },
  fields: (t) => ({
    role: t.expose("role", { type: RoleEnum, nullable: true, description: "Set for a role's limit." }),
    staffMember: t.relation("staffMember", { nullable: true, description: "Set for one member's limit, which replaces its role's." }),
    automationRules: t.boolean({ description: "The automation rules' and timers' own limit.", resolve: (limit) => limit.subject === "RULES" }),
    maxAmount: t.field({
      description: "The largest amount the subject may approve on its own, in minor units of the shop's currency.",
      type: MoneyRef,
      select: { shop: { select: { currency: true } } },
      resolve: (limit) => money(limit.maxAmount, limit.shop.currency),
    }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the limit was last set (ISO 8601, UTC)." }),
  }),
});

const SetApprovalLimitInput = builder.inputType("SetApprovalLimitInput", {
  description: "The largest amount a role, a staff member or the automation rules may approve alone.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    role: t.field({ type: RoleEnum, description: `One of ${LIMITED_ROLES.join(", ")}.` }),
    memberId: t.id({ description: "A StaffMember of the shop: its own limit, higher or lower than its role's." }),
    automationRules: t.boolean({ description: "true: the automation rules' and timers' limit." }),
    maxAmount: t.int({ description: `Minor units, 0 to ${MAX_LIMIT_AMOUNT}; null removes the limit.` }),
  }),
});

builder.mutationField("setApprovalLimit", (t) =>
  t.field({
    type: builder.simpleObject("SetApprovalLimitPayload", {
      fields: (p) => ({
        approvalLimit: p.field({ type: ApprovalLimitRef, nullable: true, description: "null when the limit was removed." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description:
      "Sets the largest amount a role, one staff member or the automation rules may approve (APPROVE, PASS_INSPECTION, FINANCE_APPROVE) or offer (OFFER_RESOLUTION) (SHOP_ADMIN, audited). Name exactly one of role, memberId, automationRules. Over it an action is APPROVAL_LIMIT_EXCEEDED, or goes to PENDING_FINANCE per the shop's `overLimit`.",
    args: { input: t.arg({ type: SetApprovalLimitInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        approvalLimit: await setApprovalLimit(ctx.db, ctx.services.shopConfig, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
          memberId: input.memberId ? parseGlobalId(input.memberId, "StaffMember", ["input", "memberId"]) : null,
        }),
      })),
  }),
);

builder.prismaObject("RefundRating", {
  description: "The customer's verdict on a refund that ended.",
  fields: (t) => ({
    score: t.exposeInt("score", { description: "1 (bad) to 5 (good)." }),
    comment: t.exposeString("comment", { nullable: true, description: "The customer's words; null when none were given." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the customer rated (ISO 8601, UTC)." }),
  }),
});

const RateRefundInput = builder.inputType("RateRefundInput", {
  description: "The customer's verdict on an ended refund.",
  fields: (t) => ({
    refundId: t.id({ required: true, description: "The refund's global id (`Refund.id`): an ended refund of the customer's own." }),
    score: t.int({ required: true, description: "1 to 5." }),
    comment: t.string({ description: "The customer's words about how the refund was handled." }),
  }),
});

builder.mutationField("rateRefund", (t) =>
  t.field({
    type: builder.simpleObject("RateRefundPayload", {
      fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description: `The customer rates its refund once it ended (REFUNDED, REJECTED or CANCELLED), once, within ${RATING_WINDOW_DAYS} days (CUSTOMER).`,
    args: { input: t.arg({ type: RateRefundInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        const rating = await rateRefund(ctx.db, ctx.services.clock, viewer, { ...input, refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]) });
        return { refund: await ctx.db.prisma.refund.findUniqueOrThrow({ where: { id: rating.refundId } }) };
      }),
  }),
);

builder.queryFields((t) => ({
  approvalLimits: t.prismaField({
    type: [ApprovalLimitRef],
    description: "The shop's approval limits (staff only): at most one per role, one per staff member and one for the automation rules, so bounded by the shop's staff.",
    args: { shopId: t.arg.id({ description: "For platform admins: whose limits." }) },
    resolve: (query, _root, { shopId }, ctx) => listApprovalLimits(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null, query),
  }),
}));
