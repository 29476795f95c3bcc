import { type UserError, userError } from "./errors.js";

/**
 * Refund labels: free words a shop's staff put on refunds to find them again ("fraud-check",
 * "vip", "待复核"), by hand or by a TAG rule. Not the reason tag (one per refund, reported on):
 * a refund has any number of labels up to MAX_LABELS_PER_REFUND, and they mean only what the
 * shop decides. Labels are compared exactly as stored: a label is trimmed and lower-cased (for
 * scripts that have case), so "VIP" and "vip" are one label.
 */

export const MAX_LABEL_LENGTH = 40;
export const MAX_LABELS_PER_REFUND = 20;

// Letters and digits of any script, then also space, '-', '_', ':' and '.'; nothing else, so a
// label is safe to show and to put in a URL query of a console.
const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} _:.-]*$/u;

/** The label as stored, or why it is not one. */
export function normalizeLabel(raw: string): { label: string } | { problem: string } {
  const label = raw.trim().replace(/\s+/g, " ").toLowerCase();
  if (!label) return { problem: "a label must not be empty" };
  if ([...label].length > MAX_LABEL_LENGTH) return { problem: `a label has at most ${MAX_LABEL_LENGTH} characters` };
  if (!LABEL.test(label)) return { problem: "a label starts with a letter or digit and holds only letters, digits, spaces, '-', '_', ':' and '.'" };
  return { label };
}

/** Checks a list of labels the API hands in; answers them normalized and unique, or every problem. */
export function validateLabels(raw: readonly string[], field: string[]): { ok: true; labels: string[] } | { ok: false; errors: UserError[] } {
  const errors: UserError[] = [];
  const labels: string[] = [];
  if (raw.length === 0) errors.push(userError("INVALID_LABEL", "Give at least one label", field));
  raw.forEach((value, index) => {
    const checked = normalizeLabel(value);
    if ("problem" in checked) errors.push(userError("INVALID_LABEL", `"${value.slice(0, MAX_LABEL_LENGTH + 10)}": ${checked.problem}`, [...field, String(index)]));
    else if (!labels.includes(checked.label)) labels.push(checked.label);
  });
  if (labels.length > MAX_LABELS_PER_REFUND) errors.push(userError("INVALID_LABEL", `At most ${MAX_LABELS_PER_REFUND} labels per refund`, field));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, labels };
}

/** A refund's labels after adding and removing some; null when it would hold too many. */
export function relabel(current: readonly string[], add: readonly string[], remove: readonly string[]): string[] | null {
  const next = [...current.filter((label) => !remove.includes(label)), ...add.filter((label) => !current.includes(label) && !remove.includes(label))];
  return next.length > MAX_LABELS_PER_REFUND ? null : next;
}
