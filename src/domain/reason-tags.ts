/** Reason tags every new shop starts with (shared/DESIGN.md); shops may add their own. */
export const DEFAULT_REASON_TAGS: ReadonlyArray<{ code: string; label: string }> = [
  { code: "ORDERED_BY_MISTAKE", label: "拍错/多拍" },
  { code: "NOT_AS_DESCRIBED", label: "商品与描述不符" },
  { code: "LOGISTICS", label: "物流问题" },
  { code: "CHANGED_MIND", label: "主观原因" },
  { code: "OTHER", label: "其他" },
];
