/** Reason tags every new shop starts with (shared/DESIGN.md); shops may add their own. */
export const DEFAULT_REASON_TAGS: ReadonlyArray<{ code: string; label: string }> = [
  { code: "ORDERED_BY_MISTAKE", label: "拍错/多拍" },
  { code: "NOT_AS_DESCRIBED", label: "商品与描述不符" },
  { code: "LOGISTICS", label: "物流问题" },
  { code: "CHANGED_MIND", label: "主观原因" },
  { code: "OTHER", label: "其他" },
];

/** A reason code: upper-case letters, digits and `_`, starting with a letter, 2–40 long. */
export const REASON_CODE_PATTERN = /^[A-Z][A-Z0-9_]{1,39}$/;
export const MAX_REASON_LABEL_LENGTH = 40;

export function reasonCodeProblem(code: string): string | null {
  return REASON_CODE_PATTERN.test(code) ? null : "A reason code is 2–40 characters of A–Z, 0–9 and _, starting with a letter";
}

/** The label as stored (trimmed), or why it cannot be one. */
export function reasonLabelProblem(label: string): string | null {
  const trimmed = label.trim();
  if (!trimmed) return "A reason tag needs a label";
  if ([...trimmed].length > MAX_REASON_LABEL_LENGTH) return `A label may be at most ${MAX_REASON_LABEL_LENGTH} characters long`;
  return null;
}

/**
 * Whether `tag` may hang under `parent`. The tree is two levels deep: top-level reasons and
 * their sub-reasons, which is what reports and request forms show. So a parent must be a
 * top-level tag, and a tag with sub-reasons stays top-level. A tag under itself, or under
 * one of its own sub-reasons, is a cycle and is named as such before the depth rule.
 */
export function reasonParentProblem(
  tag: { id: string; hasChildren: boolean } | null,
  parent: { id: string; parentId: string | null },
): "REASON_TAG_CYCLE" | "REASON_TAG_TOO_DEEP" | null {
  if (tag && (parent.id === tag.id || parent.parentId === tag.id)) return "REASON_TAG_CYCLE";
  if (parent.parentId !== null) return "REASON_TAG_TOO_DEEP";
  if (tag?.hasChildren) return "REASON_TAG_TOO_DEEP";
  return null;
}

/** A new request may use a tag only while neither it nor its parent is archived. */
export function isSelectableReason(tag: { archived: boolean; parent: { archived: boolean } | null }): boolean {
  return !tag.archived && !tag.parent?.archived;
}
