import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { isSupportedTimeZone } from "./refund-metrics.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

export interface UpdateShopSettingsInput {
  shopId?: string | null;
  /** IANA name; left as it is when absent. */
  timeZone?: string | null;
  /** 0..1; null clears it, absent leaves it. */
  industryRefundRate?: number | null;
}

/** `updateShopSettings`: what the shop's metrics are read with (SHOP_ADMIN). */
export async function updateShopSettings(db: Database, viewer: Viewer | null, input: UpdateShopSettingsInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  if (input.timeZone != null && !isSupportedTimeZone(input.timeZone)) {
    fail("INVALID_INPUT", `Unknown time zone "${input.timeZone}": use an IANA name such as Asia/Shanghai`, ["input", "timeZone"]);
  }
  const rate = input.industryRefundRate;
  if (rate != null && !(Number.isFinite(rate) && rate >= 0 && rate <= 1)) {
    fail("INVALID_INPUT", "industryRefundRate is a share between 0 and 1 (0.08 = 8%)", ["input", "industryRefundRate"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  return db.prisma.shop.update({
    where: { id: shopId },
    data: {
      ...(input.timeZone != null && { timeZone: input.timeZone }),
      ...(rate !== undefined && { industryRefundRate: rate }),
    },
  });
}
