import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { isSelectableReason, reasonCodeProblem, reasonLabelProblem, reasonParentProblem } from "../domain/reason-tags.js";
import type { Prisma } from "../generated/prisma/client.js";
import { recordAudit } from "./audit.js";
import type { ShopPolicies, ShopReason } from "./shop-policies.js";
import type { ShopConfig } from "./unit-of-work.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Reason tags: a shop's admins shape the tree; requests and lists read it. */

const TAG_ADMINS = ["SHOP_ADMIN", "PLATFORM_ADMIN"] as const;

type Tx = Prisma.TransactionClient;

export interface CreateReasonTagInput {
  shopId?: string | null;
  code: string;
  label: string;
  parentId?: string | null;
}

export async function createReasonTag(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: CreateReasonTagInput) {
  const caller = requireRole(viewer, TAG_ADMINS);
  const shopId = resolveShopId(caller, input.shopId);
  const codeProblem = reasonCodeProblem(input.code);
  if (codeProblem) fail("INVALID_INPUT", codeProblem, ["input", "code"]);
  const label = validLabel(input.label);
  const tag = await db.prisma.$transaction(async (tx) => {
    await lockShopTags(tx, shopId);
    if (await tx.reasonTag.findUnique({ where: { shopId_code: { shopId, code: input.code } } })) {
      fail("DUPLICATE_REASON_CODE", `The shop already has a reason tag ${input.code}`, ["input", "code"]);
    }
    const parentId = input.parentId ? await checkedParentId(tx, shopId, null, input.parentId) : null;
    const tag = await tx.reasonTag.create({ data: { shopId, code: input.code, label, parentId } });
    await recordAudit(tx, caller, { shopId, action: "reasonTag.create", targetType: "ReasonTag", targetId: tag.id, details: { code: input.code, label, parentId } });
    return tag;
  });
  // Requests read the tags with the shop's cached policies.
  config.changed(shopId);
  return tag;
}

export interface UpdateReasonTagInput {
  id: string;
  label?: string | null;
  /** A tag id to move under, null to make it top-level, undefined to leave it where it is. */
  parentId?: string | null;
  archived?: boolean | null;
}

/** Renames, moves, archives or unarchives a tag; its code never changes (clients key on it). */
export async function updateReasonTag(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: UpdateReasonTagInput) {
  const caller = requireRole(viewer, TAG_ADMINS);
  const label = input.label == null ? undefined : validLabel(input.label);
  const tag = await db.prisma.$transaction(async (tx) => {
    const found = await tx.reasonTag.findFirst({
      where: { id: input.id, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) },
      select: { shopId: true },
    });
    if (!found) fail("NOT_FOUND", "No such reason tag", ["input", "id"]);
    await lockShopTags(tx, found.shopId);
    const parentId =
      input.parentId === undefined ? undefined : input.parentId === null ? null : await checkedParentId(tx, found.shopId, input.id, input.parentId);
    const data = { label, parentId, ...(input.archived != null && { archived: input.archived }) };
    const tag = await tx.reasonTag.update({ where: { id: input.id }, data });
    await recordAudit(tx, caller, { shopId: found.shopId, action: "reasonTag.update", targetType: "ReasonTag", targetId: input.id, details: data });
    return tag;
  });
  config.changed(tag.shopId);
  return tag;
}

/**
 * The tag a new refund request may carry: the shop's tag with that code, neither it nor its
 * parent archived. Refunds that already carry an archived tag keep it. The tags come with the
 * shop's cached policies (0 statements), dropped in every process when a tag changes.
 */
export function selectableReasonTag(policies: Pick<ShopPolicies, "reasons">, code: string): ShopReason {
  const reason = policies.reasons.get(code);
  if (!reason) fail("UNKNOWN_REASON_CODE", `Unknown reason code ${code}: see reasonTags`, ["input", "reasonCode"]);
  if (!isSelectableReason({ archived: reason.archived, parent: reason.parentArchived === null ? null : { archived: reason.parentArchived } })) {
    fail("REASON_ARCHIVED", `Reason ${code} is archived: choose one of reasonTags`, ["input", "reasonCode"]);
  }
  return reason;
}

/** `where` of a shop's tag list: only the selectable ones unless archived ones are asked for. */
export function reasonTagsWhere(shopId: string, includeArchived: boolean): Prisma.ReasonTagWhereInput {
  if (includeArchived) return { shopId };
  return { shopId, archived: false, OR: [{ parentId: null }, { parent: { archived: false } }] };
}

function validLabel(label: string): string {
  const problem = reasonLabelProblem(label);
  if (problem) fail("INVALID_INPUT", problem, ["input", "label"]);
  return label.trim();
}

/**
 * Serialises changes to one shop's tag tree, so two concurrent moves cannot together build a
 * cycle or a third level that each alone would not. NO KEY UPDATE leaves the row's key-share
 * locks alone: orders and refunds of the shop are still inserted meanwhile.
 */
async function lockShopTags(tx: Tx, shopId: string): Promise<void> {
  const shops = await tx.$queryRaw<unknown[]>`SELECT id FROM "Shop" WHERE id = ${shopId} FOR NO KEY UPDATE`;
  if (shops.length === 0) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
}

/** `parentId` once checked: a top-level, unarchived tag of the same shop, and no cycle. */
async function checkedParentId(tx: Tx, shopId: string, tagId: string | null, parentId: string): Promise<string> {
  const parent = await tx.reasonTag.findFirst({ where: { id: parentId, shopId }, select: { id: true, parentId: true, archived: true } });
  if (!parent) fail("NOT_FOUND", "No such reason tag in this shop", ["input", "parentId"]);
  const tag = tagId === null ? null : { id: tagId, hasChildren: (await tx.reasonTag.count({ where: { parentId: tagId } })) > 0 };
  const problem = reasonParentProblem(tag, parent);
  if (problem === "REASON_TAG_CYCLE") fail(problem, "A tag cannot be under itself or under one of its own sub-reasons", ["input", "parentId"]);
  if (problem === "REASON_TAG_TOO_DEEP") {
    fail(problem, "Reason tags are two levels deep: a parent must be top-level, and a tag with sub-reasons cannot move under another", ["input", "parentId"]);
  }
  if (parent.archived) fail("REASON_ARCHIVED", "The parent tag is archived", ["input", "parentId"]);
  return parent.id;
}
