import { createReasonTag, reasonTagsWhere, updateReasonTag } from "../services/reason-tags.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, decodeGlobalIdOf, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

export const ReasonTagRef = builder.prismaNode("ReasonTag", {
  id: { field: "id" },
  nullable: true,
  description:
    "A refund reason of the shop. Tags form a tree two levels deep: top-level reasons and their sub-reasons (a parent is always top-level).",
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    return viewer.shopId ? { id, shopId: viewer.shopId } : { id };
  },
  fields: (t) => ({
    code: t.exposeString("code", { description: "Stable and unique in the shop: what requests and filters name." }),
    label: t.exposeString("label", { description: "The reason as people read it (in apps and reports); may be renamed, unlike `code`." }),
    archived: t.exposeBoolean("archived", {
      description:
        "An archived tag stays on the refunds that carry it but cannot be chosen for new requests; neither can the sub-reasons of an archived tag.",
    }),
    parent: t.relation("parent", { nullable: true, description: "The top-level reason this sub-reason belongs to; null for top-level reasons." }),
    children: t.relation("children", {
      description: "The sub-reasons, oldest first; a sub-reason has none.",
      args: { includeArchived: t.arg.boolean({ defaultValue: false, required: true, description: "Also the archived sub-reasons." }) },
      query: ({ includeArchived }) => ({ where: includeArchived ? {} : { archived: false }, orderBy: { createdAt: "asc" } }),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the tag was created (ISO 8601, UTC)." }),
    updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the tag was last changed (ISO 8601, UTC)." }),
  }),
});

builder.queryField("reasonTags", (t) =>
  t.prismaField({
    type: ["ReasonTag"],
    description:
      "The shop's reason tags as one flat list, oldest first: top-level reasons and sub-reasons alike. Build the tree from `parent` (or take the tags without a parent and their `children`). Without `includeArchived`, only the tags a new request may use.",
    args: {
      shopId: t.arg.id({ description: "For platform admins: whose tags." }),
      includeArchived: t.arg.boolean({ defaultValue: false, required: true, description: "Also archived tags and the sub-reasons of archived tags." }),
    },
    resolve: (query, _root, { shopId, includeArchived }, ctx) => {
      const viewer = queryViewer(ctx);
      const shop = viewer.role === "PLATFORM_ADMIN" ? (shopId ? decodeGlobalIdOf(shopId, "Shop") : null) : viewer.shopId;
      if (!shop) return [];
      return ctx.db.prisma.reasonTag.findMany({ ...query, where: reasonTagsWhere(shop, includeArchived), orderBy: { createdAt: "asc" } });
    },
  }),
);

const ReasonTagPayload = (name: string) =>
  builder.simpleObject(name, {
    fields: (p) => ({ reasonTag: p.field({ type: ReasonTagRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
  });

const CreateReasonTagInput = builder.inputType("CreateReasonTagInput", {
  description: "A new reason tag (or sub-reason) of the shop.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; shop admins act on their own shop." }),
    code: t.string({ required: true, description: "2–40 characters of A–Z, 0–9 and _, starting with a letter; unique in the shop, never changes." }),
    label: t.string({ required: true, description: "1–40 characters." }),
    parentId: t.id({ description: "A top-level tag to make this a sub-reason of (the tree is two levels deep)." }),
  }),
});

builder.mutationField("createReasonTag", (t) =>
  t.field({
    type: ReasonTagPayload("CreateReasonTagPayload"),
    description: "SHOP_ADMIN (or PLATFORM_ADMIN naming the shop) adds a reason or a sub-reason.",
    args: { input: t.arg({ type: CreateReasonTagInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        reasonTag: await createReasonTag(ctx.db, ctx.services.shopConfig, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
          parentId: input.parentId ? parseGlobalId(input.parentId, "ReasonTag", ["input", "parentId"]) : null,
        }),
      })),
  }),
);

const UpdateReasonTagInput = builder.inputType("UpdateReasonTagInput", {
  description: "Changes to a reason tag; a field left out stays as it is. Its `code` never changes.",
  fields: (t) => ({
    id: t.id({ required: true, description: "The tag's global id (`ReasonTag.id`)." }),
    label: t.string({ description: "A new label, 1–40 characters. The code never changes." }),
    parentId: t.id({
      description:
        "Move under this top-level tag; `null` makes the tag top-level; leave it out to keep it where it is. A tag with sub-reasons cannot move under another (REASON_TAG_TOO_DEEP); under itself or its own sub-reason is REASON_TAG_CYCLE.",
    }),
    archived: t.boolean({ description: "true archives (kept on old refunds, refused for new requests); false brings it back." }),
  }),
});

builder.mutationField("updateReasonTag", (t) =>
  t.field({
    type: ReasonTagPayload("UpdateReasonTagPayload"),
    description: "SHOP_ADMIN (or PLATFORM_ADMIN) renames, moves, archives or unarchives a reason tag.",
    args: { input: t.arg({ type: UpdateReasonTagInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        reasonTag: await updateReasonTag(ctx.db, ctx.services.shopConfig, viewer, {
          ...input,
          id: parseGlobalId(input.id, "ReasonTag", ["input", "id"]),
          parentId: input.parentId == null ? input.parentId : parseGlobalId(input.parentId, "ReasonTag", ["input", "parentId"]),
        }),
      })),
  }),
);
