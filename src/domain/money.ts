/**
 * Money is an integer number of the currency's minor units (fen for CNY). Nothing in the
 * platform does arithmetic on decimal amounts; formatting is the only place they appear.
 */

export function isValidCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat("en", { style: "currency", currency: code });
    return Intl.supportedValuesOf("currency").includes(code);
  } catch {
    return false;
  }
}

// An Intl.NumberFormat takes longer to make than to use (a notification formats amounts on every
// transition): one per currency, kept. Currencies are ISO codes, a few hundred at most.
const digitsByCurrency = new Map<string, number>();
const formatterByCurrency = new Map<string, Intl.NumberFormat>();

export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

const LOCALE_BY_CURRENCY: Record<string, string> = { CNY: "zh-CN", HKD: "zh-HK", TWD: "zh-TW", JPY: "ja-JP" };

/** `formatMoney(8900, "CNY")` → `¥89.00`. */
export function formatMoney(amount: number, currency: string): string {
  let formatter = formatterByCurrency.get(currency);
  if (!formatter) {
    formatter = new Intl.NumberFormat(LOCALE_BY_CURRENCY[currency] ?? "en-US", { style: "currency", currency });
    formatterByCurrency.set(currency, formatter);
  }
  return formatter.format(amount / 10 ** minorUnitDigits(currency));
}

export function isPositiveAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount > 0;
}

/** What a refund holds back from its order's paid amount (DESIGN.md's order invariant). */
export function reservedAmount(refund: { status: string; requestedAmount: number; refundedAmount: number }): number {
  switch (refund.status) {
    case "REFUNDED":
    // An exchange holds back the price difference it paid (none for an equal price).
    case "EXCHANGED":
      return refund.refundedAmount;
    case "REJECTED":
    case "CANCELLED":
      return 0;
    default:
      return refund.requestedAmount;
  }
}

/** What can still be requested on an order, given all its refunds. */
export function refundableAmount(
  paidAmount: number,
  refunds: ReadonlyArray<{ status: string; requestedAmount: number; refundedAmount: number }>,
): number {
  const reserved = refunds.reduce((sum, refund) => sum + reservedAmount(refund), 0);
  return Math.max(0, paidAmount - reserved);
}
