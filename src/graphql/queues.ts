import { SLA_MAX_MINUTES } from "../domain/sla.js";
import { assignRefunds } from "../services/assign-refunds.js";
import { MAX_BULK_REFUNDS } from "../services/refund-list.js";
import { listSlaPolicies, setSlaPolicy } from "../services/sla.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { RefundStatusEnum } from "./enums.js";
import { RefundFilterInput, RefundRef, refundFilterOf } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

// Work queues: who handles which refund (assignRefunds) and by when (SLA policies).

const AssignRefundsInput = builder.inputType("AssignRefundsInput", {
  description: "Refunds to put in a staff member's queue (or take out of every queue).",
  fields: (t) => ({
    refundIds: t.idList({ description: `At most ${MAX_BULK_REFUNDS}.` }),
    filter: t.field({ type: RefundFilterInput, description: `Instead of refundIds: every refund it matches, at most ${MAX_BULK_REFUNDS}.` }),
    memberId: t.id({ description: "An active StaffMember of the shop; null unassigns." }),
  }),
});

builder.mutationField("assignRefunds", (t) =>
  t.field({
    type: builder.simpleObject("AssignRefundsPayload", {
      fields: (p) => ({
        refunds: p.field({ type: [RefundRef], nullable: true, description: "The refunds as they are now, with their new assignee; null when `userErrors` is not empty." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description:
      "Puts refunds in a member's queue (SHOP_ADMIN, AGENT), all or nothing. Not a status change: no transition is written and `version` stays.",
    args: { input: t.arg({ type: AssignRefundsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        refunds: await assignRefunds(
          ctx.db,
          viewer,
          {
            refundIds: input.refundIds?.map((id, index) => parseGlobalId(id, "Refund", ["input", "refundIds", String(index)])),
            filter: input.filter == null ? undefined : refundFilterOf(viewer!, input.filter, ["input", "filter"]),
            memberId: input.memberId ? parseGlobalId(input.memberId, "StaffMember", ["input", "memberId"]) : null,
          },
          ctx.services.clock(),
        ),
      })),
  }),
);

const SlaPolicyRef = builder.prismaObject("SlaPolicy", {
  description: "How long a refund may stay in `status` before it is overdue.",
  fields: (t) => ({
    status: t.expose("status", { type: RefundStatusEnum, description: "The status the deadline applies to: a refund's `slaDueAt` is its entry into it plus `minutes`." }),
    minutes: t.exposeInt("minutes", { description: "Minutes a refund may stay in the status before its deadline is breached." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the policy was last set (ISO 8601, UTC)." }),
  }),
});

const SetSlaPolicyInput = builder.inputType("SetSlaPolicyInput", {
  description: "The shop's deadline for one refund status.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    status: t.field({ type: RefundStatusEnum, required: true, description: "A non-terminal status." }),
    minutes: t.int({ description: `1 to ${SLA_MAX_MINUTES} (60 days); null or 0 removes the deadline.` }),
  }),
});

builder.mutationField("setSlaPolicy", (t) =>
  t.field({
    type: builder.simpleObject("SetSlaPolicyPayload", {
      fields: (p) => ({
        slaPolicy: p.field({ type: SlaPolicyRef, nullable: true, description: "null when the deadline was removed." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description:
      "Sets the shop's deadline for one status (SHOP_ADMIN). It applies to refunds entering the status from now on: refunds already in it keep the `slaDueAt` they got on entry.",
    args: { input: t.arg({ type: SetSlaPolicyInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        slaPolicy: await setSlaPolicy(ctx.db, ctx.services.shopConfig, viewer, { ...input, shopId: parseShopIdInput(input.shopId) }),
      })),
  }),
);

builder.queryFields((t) => ({
  slaPolicies: t.field({
    type: [SlaPolicyRef],
    description: "The shop's deadlines by status (staff only): at most one per RefundStatus, so a bounded list.",
    args: { shopId: t.arg.id({ description: "For platform admins: whose policies." }) },
    resolve: (_root, { shopId }, ctx) => listSlaPolicies(ctx.db, queryViewer(ctx), shopId ? decodeGlobalIdOf(shopId, "Shop") : null),
  }),
}));
