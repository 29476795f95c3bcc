import type { Database } from "../db/database.js";
import type { OverLimit } from "../domain/approval-limits.js";
import { fail } from "../domain/errors.js";
import { recordAudit } from "./audit.js";
import { MAX_CARE_DAYS } from "../domain/care.js";
import { isSupportedTimeZone } from "./refund-metrics.js";
import type { ShopConfig } from "./unit-of-work.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

export interface UpdateShopSettingsInput {
  shopId?: string | null;
  /** IANA name; left as it is when absent. */
  timeZone?: string | null;
  /** 0..1; null clears it, absent leaves it. */
  industryRefundRate?: number | null;
  /** What happens to an action over a person's approval limit; absent leaves it. */
  overLimit?: OverLimit | null;
  /** Days a customer whose refund ended stays on the care list (0: none); absent leaves it. */
  careDays?: number | null;
}

/**
 * `updateShopSettings` (SHOP_ADMIN): what the shop's metrics are read with, what happens over an
 * approval limit, and how long the care list keeps a customer. The last two are audited, and
 * the over-limit choice is part of the cached policies every process then drops.
 */
export async function updateShopSettings(db: Database, config: Pick<ShopConfig, "changed">, viewer: Viewer | null, input: UpdateShopSettingsInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  if (input.timeZone != null && !isSupportedTimeZone(input.timeZone)) {
    fail("INVALID_INPUT", `Unknown time zone "${input.timeZone}": use an IANA name such as Asia/Shanghai`, ["input", "timeZone"]);
  }
  const rate = input.industryRefundRate;
  if (rate != null && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
    fail("INVALID_INPUT", "industryRefundRate is a share between 0 and 1 (0.08 = 8%)", ["input", "industryRefundRate"]);
  }
  const careDays = input.careDays;
  if (careDays != null && !(Number.isSafeInteger(careDays) && careDays >= 0 && careDays <= MAX_CARE_DAYS)) {
    fail("INVALID_INPUT", `careDays is a whole number of days from 0 (no care list) to ${MAX_CARE_DAYS}`, ["input", "careDays"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const people = { ...(input.overLimit != null && { overLimit: input.overLimit }), ...(careDays != null && { careDays }) };
  const shop = await db.prisma.$transaction(async (tx) => {
    if (Object.keys(people).length > 0) await recordAudit(tx, caller, { shopId, action: "shopSettings.update", targetType: "Shop", targetId: shopId, details: people });
    return tx.shop.update({
      where: { id: shopId },
      data: {
        ...(input.timeZone != null && { timeZone: input.timeZone }),
        ...(rate !== undefined && { industryRefundRate: rate }),
        ...people,
      },
    });
  });
  if (input.overLimit != null) config.changed(shopId);
  return shop;
}
