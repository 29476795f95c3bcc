/**
 * The demo shop `npm start` puts into a fresh embedded database: a CNY shop with customers,
 * orders and three months of refund history shaped like the merchant's figures in
 * shared/DESIGN.md (reason shares; 85% with no human touch, settled in seconds; the handling-time
 * shares among the refunds people acted on), plus a
 * handful of open refunds so that every console has work, and one API token per role.
 *
 * Every refund's history is produced by the domain's own planner (`planTransition`), step by
 * step, exactly as the transition service would have written it; the rows are then written
 * with bulk `createMany` in one transaction, so seeding 500 refunds takes a moment on PGlite.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import { DEFAULT_REASON_TAGS } from "../domain/reason-tags.js";
import { findRule, type RefundAction } from "../domain/refund-machine.js";
import { type OfferedOption, type RefundSnapshot, type TransitionRequest, planTransition } from "../domain/transition-plan.js";
import { type TransitionRow, requestTransitionRow, transitionRowsFor } from "../domain/transition-rows.js";
import { defaultRuleRows } from "../domain/automation-rules.js";
import {
  type Actor,
  type RefundStatus,
  type RefundType,
  type ResolutionKind,
  type Role,
  ROLES,
  type ShippingStatus,
  SYSTEM_ACTOR,
  TERMINAL_STATUSES,
} from "../domain/types.js";
import type { Prisma } from "../generated/prisma/client.js";
import { issueApiToken } from "../services/api-tokens.js";

export const DEMO_SHOP_NAME = "链动小铺 Demo";
export const DEMO_CURRENCY = "CNY";
/** Seed of the default PRNG: the same demo data on every fresh start. */
export const DEMO_SEED = 20_261_124;

/** The merchant's 500-refund sample (percent), by reason code. */
export const DEMO_REASON_SHARES: ReadonlyArray<{ code: string; percent: number }> = [
  { code: "ORDERED_BY_MISTAKE", percent: 38 },
  { code: "NOT_AS_DESCRIBED", percent: 22 },
  { code: "LOGISTICS", percent: 18 },
  { code: "CHANGED_MIND", percent: 15 },
  { code: "OTHER", percent: 7 },
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** The dashboard's handling-time buckets (createdAt → resolvedAt) and the merchant's shares. */
export const DEMO_HANDLING_TIME_SHARES: ReadonlyArray<{ label: string; percent: number; minMs: number; maxMs: number }> = [
  { label: "< 24 h", percent: 42, minMs: 0, maxMs: DAY },
  { label: "1–3 d", percent: 35, minMs: DAY, maxMs: 3 * DAY },
  { label: "3–7 d", percent: 18, minMs: 3 * DAY, maxMs: 7 * DAY },
  { label: "> 7 d", percent: 5, minMs: 7 * DAY, maxMs: Number.POSITIVE_INFINITY },
];

/** Durations actually drawn inside each bucket, clear of the bucket edges. */
const BUCKET_DRAW: ReadonlyArray<readonly [number, number]> = [
  [8 * MINUTE, 23 * HOUR],
  [25 * HOUR, 71 * HOUR],
  [73 * HOUR, 167 * HOUR],
  [169 * HOUR, 13 * DAY],
];

const HISTORY_DAYS = 90;
const CUSTOMER_COUNT = 150;
const VIP_PERCENT = 12;
/** Orders per refund: a refund rate of about 1 in 4, usual for apparel-heavy online shops. */
const ORDERS_PER_REFUND = 4;

export interface SeedDemoShopOptions {
  /** Historical (closed) refunds, default 500; about 4% more open ones are added (at most 20). */
  refunds?: number;
  /** "Now" of the demo: history lies in the 90 days before it. */
  now?: Date;
  /** Uniform [0, 1) source; default a PRNG seeded with DEMO_SEED (same data on every run). */
  random?: () => number;
}

export interface DemoShop {
  shopId: string;
  /** Plaintext API token per role (shown once; only their hashes are stored). */
  tokens: Record<Role, string>;
}

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: small, fast, good enough for demo data, and deterministic. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Rng {
  constructor(private readonly source: () => number) {}
  next(): number {
    return this.source();
  }
  between(min: number, max: number): number {
    return min + (max - min) * this.source();
  }
  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }
  chance(probability: number): boolean {
    return this.source() < probability;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.source() * items.length))]!;
  }
  /** Index drawn with the given non-negative weights; -1 when they are all zero. */
  weighted(weights: readonly number[]): number {
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    if (total <= 0) return -1;
    let draw = this.source() * total;
    for (let index = 0; index < weights.length; index += 1) {
      draw -= weights[index]!;
      if (draw < 0 && weights[index]! > 0) return index;
    }
    for (let index = weights.length - 1; index >= 0; index -= 1) if (weights[index]! > 0) return index;
    return -1;
  }
  shuffle<T>(items: T[]): T[] {
    for (let index = items.length - 1; index > 0; index -= 1) {
      const other = Math.floor(this.source() * (index + 1));
      [items[index], items[other]] = [items[other]!, items[index]!];
    }
    return items;
  }
  digits(count: number): string {
    let text = "";
    for (let index = 0; index < count; index += 1) text += String(Math.floor(this.source() * 10));
    return text;
  }
}

/** Splits `total` into whole counts proportional to `weights` (largest-remainder method). */
export function allocateLargestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((acc, weight) => acc + weight, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const counts = exact.map((value) => Math.floor(value + 1e-9));
  const remaining = total - counts.reduce((acc, count) => acc + count, 0);
  const byRemainder = exact
    .map((value, index) => ({ index, remainder: value - counts[index]! }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (let k = 0; k < remaining; k += 1) counts[byRemainder[k % byRemainder.length]!.index]! += 1;
  return counts;
}

/** A pool of labels holding exact counts; takers draw from what is left. */
class Pool {
  private readonly left: number[];
  constructor(counts: readonly number[]) {
    this.left = [...counts];
  }
  /** Draws an index, weighted by preference × what is left; any left index if none preferred. */
  take(rng: Rng, preference?: readonly number[]): number {
    let index = rng.weighted(this.left.map((count, i) => count * (preference ? (preference[i] ?? 0) : 1)));
    if (index < 0) index = rng.weighted(this.left);
    if (index < 0) throw new Error("demo seed: allocation pool exhausted");
    this.left[index]! -= 1;
    return index;
  }
}

// ---------------------------------------------------------------------------------------------
// Catalogue and people

interface Product {
  sku: string;
  name: string;
  price: number;
  /** Sizes or colours appended to the name and SKU. */
  variants?: readonly string[];
}

const CATALOGUE: readonly Product[] = [
  { sku: "SH-RUN", name: "男士轻量缓震跑步鞋", price: 39900, variants: ["40", "41", "42", "43", "44"] },
  { sku: "SH-CNV", name: "女款复古帆布鞋", price: 25900, variants: ["35", "36", "37", "38", "39"] },
  { sku: "SH-BOOT", name: "真皮马丁靴", price: 59900, variants: ["37", "38", "39", "41", "42"] },
  { sku: "TS-CTN", name: "纯棉圆领短袖T恤", price: 8900, variants: ["白色 M", "白色 L", "黑色 M", "黑色 XL", "雾蓝 L"] },
  { sku: "HD-OVS", name: "宽松加绒连帽卫衣", price: 19900, variants: ["灰色 M", "灰色 L", "藏青 L", "藏青 XL"] },
  { sku: "JN-STR", name: "高腰直筒牛仔裤", price: 15900, variants: ["25", "26", "27", "28", "29"] },
  { sku: "UV-JKT", name: "冰丝防晒衣", price: 12900, variants: ["浅粉 S", "浅粉 M", "米白 M", "米白 L"] },
  { sku: "KN-CDG", name: "羊毛混纺针织开衫", price: 29900, variants: ["燕麦色 M", "燕麦色 L", "酒红 M"] },
  { sku: "SK-SHT", name: "真丝印花衬衫", price: 45900, variants: ["S", "M", "L"] },
  { sku: "DW-JKT", name: "90白鸭绒轻薄羽绒服", price: 69900, variants: ["黑色 M", "黑色 L", "奶白 M"] },
  { sku: "SP-SHO", name: "运动速干短裤", price: 6900, variants: ["M", "L", "XL"] },
  { sku: "SK-5PR", name: "精梳棉中筒袜 5双装", price: 3900 },
  { sku: "BG-PAK", name: "防泼水双肩通勤背包", price: 23900, variants: ["黑色", "灰色"] },
  { sku: "EP-ANC", name: "主动降噪蓝牙耳机", price: 59900, variants: ["曜石黑", "珍珠白"] },
  { sku: "CP-500", name: "316不锈钢保温杯 500ml", price: 7900, variants: ["奶油白", "雾霾蓝"] },
  { sku: "CH-15W", name: "15W磁吸无线充电器", price: 12900 },
  { sku: "CB-1M", name: "编织快充数据线 1m", price: 1900 },
  { sku: "PC-IP", name: "磨砂防摔手机壳", price: 2900, variants: ["iPhone 15", "iPhone 15 Pro", "Mate 60"] },
  { sku: "SC-FAT", name: "智能体脂秤", price: 9900 },
  { sku: "PL-LTX", name: "泰国天然乳胶枕", price: 19900 },
  { sku: "BD-4PC", name: "100支长绒棉床品四件套", price: 39900, variants: ["1.5m床", "1.8m床"] },
  { sku: "AF-5L", name: "家用可视空气炸锅 5L", price: 32900 },
  { sku: "CF-SET", name: "手冲咖啡壶套装", price: 16800 },
  { sku: "NT-BOX", name: "每日坚果礼盒 1.2kg", price: 12800 },
  { sku: "TE-PUR", name: "云南古树普洱茶饼 357g", price: 26800 },
  { sku: "MK-HYA", name: "玻尿酸补水面膜 10片", price: 6900 },
  { sku: "CL-AMN", name: "氨基酸温和洁面乳 120g", price: 5900 },
  { sku: "YG-MAT", name: "加厚防滑瑜伽垫 8mm", price: 8900, variants: ["紫色", "墨绿"] },
  { sku: "KD-RCT", name: "儿童卡通雨衣", price: 6900, variants: ["110", "120", "130"] },
];

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁沈";
const GIVEN_NAMES = [
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "秀英", "霞",
  "平", "刚", "桂英", "晓东", "婷婷", "子涵", "欣怡", "浩然", "梓萱", "宇轩", "雨桐", "思远", "佳琪", "俊杰",
  "诗涵", "一鸣", "可馨", "嘉懿", "晨曦", "若汐", "天佑", "梦瑶",
];

const STAFF: Partial<Record<Role, readonly string[]>> = {
  AGENT: ["客服-小雅", "客服-阿杰", "客服-小林", "客服-木子"],
  WAREHOUSE: ["仓库-老周", "仓库-小陈"],
  FINANCE: ["财务-李会计", "财务-赵姐"],
};

const CARRIERS: ReadonlyArray<{ name: string; prefix: string; digits: number }> = [
  { name: "顺丰速运", prefix: "SF", digits: 13 },
  { name: "中通快递", prefix: "ZTO", digits: 12 },
  { name: "圆通速递", prefix: "YT", digits: 13 },
  { name: "韵达快递", prefix: "YD", digits: 13 },
  { name: "京东物流", prefix: "JDVA", digits: 11 },
  { name: "邮政EMS", prefix: "EMS", digits: 11 },
];

const DESCRIPTIONS: Record<string, readonly string[]> = {
  ORDERED_BY_MISTAKE: ["拍错尺码了，想重新下单", "重复下单了，退掉一单", "多拍了一件", "颜色选错了", "地址填错了，重新拍"],
  NOT_AS_DESCRIBED: ["颜色和图片差别很大", "面料和描述不符，洗一次就起球", "鞋底有开胶", "尺码和详情页尺码表不一致", "做工粗糙，有线头和污渍"],
  LOGISTICS: ["物流三天没有更新", "快递显示已签收但我没收到", "包裹外箱破损，商品压坏了", "发货太慢，不想等了", "快递送错地址了"],
  CHANGED_MIND: ["不想要了", "别家活动更便宜", "上身效果不喜欢", "家里人已经买了", "冲动消费了"],
  OTHER: ["商品有异味", "赠品没有收到", "需要开专票，店铺开不了", "生产日期太久", "其他原因"],
};

const NOTES = {
  rejectReview: ["商品已使用，影响二次销售，不符合退款条件", "已超过7天无理由退货期限", "照片显示为人为损坏，非质量问题"],
  rejectWarehouse: ["物流显示本人已签收，签收底单可查", "快递员确认已送达并拍照，包裹未丢失"],
  failInspection: ["退回商品吊牌已剪且有穿着痕迹", "退回商品与原订单不一致", "退回商品缺少配件和包装"],
  financeReject: ["已通过补发处理，不重复退款", "与支付渠道核对，该笔已在线下退回"],
  partialApprove: ["轻微瑕疵，与顾客协商部分退款", "顾客同意保留商品，按瑕疵折价退款"],
  partialInspection: ["包装盒破损，按比例扣减", "轻微使用痕迹，扣除部分金额"],
  offer: ["商品轻微色差，提供两种方案供顾客选择"],
  cancel: ["问题已解决，不退了", "已经收到了，不需要退款", "和客服沟通后决定保留"],
  confirmNotReceived: ["快递确认丢件，仓库未收到退回"],
};

// ---------------------------------------------------------------------------------------------
// Flows: the walks of the state machine the demo refunds take

interface Step {
  action: RefundAction;
  /** APPROVE / PASS_INSPECTION with a partial amount (a slight defect). */
  partial?: boolean;
  /** ACCEPT_OFFER: which option the customer takes. */
  accept?: ResolutionKind;
  notes?: readonly string[];
  /** Share of the refund's duration this step waits, relative to the other steps. */
  wait: number;
}

interface Flow {
  key: string;
  shipped: boolean;
  type: RefundType;
  /** The customer's refund-before-receipt must be this (walks through SUBMIT_RETURN_SHIPMENT). */
  refundBeforeReceipt?: boolean;
  steps: readonly Step[];
  /** Expected final status (checked after the walk). */
  ends: RefundStatus;
  /** Shortest handling-time bucket the walk can plausibly fit in (a return parcel takes days). */
  minBucket?: number;
  /** Preference over the handling-time buckets (closed refunds). */
  bucketBias?: readonly number[];
  /** Preference over the reasons, in DEMO_REASON_SHARES order. */
  reasonBias?: readonly number[];
  /** Flows where the parcel is lost or late keep the order SHIPPED more often. */
  inTransit?: boolean;
}

const s = (action: RefundAction, wait: number, extra: Omit<Step, "action" | "wait"> = {}): Step => ({ action, wait, ...extra });
const CLASSIFY = s("CLASSIFY", 0);
const PAID = s("PAYMENT_SUCCEEDED", 1);
const REVIEW_APPROVE = s("APPROVE", 2);
const RETURN_LEG = [s("SUBMIT_RETURN_SHIPMENT", 3), s("RECEIVE_RETURN", 5)] as const;
const FINANCE_PAY = [s("FINANCE_APPROVE", 1.5), PAID] as const;
const LOGISTICS_PREF = [0.1, 0.2, 5, 0.1, 0.3];
const QUALITY_PREF = [0.6, 4, 0.3, 1.5, 0.6];
const LONG = [1, 2, 4, 5];
const SHORT = [4, 2, 1, 0.5];

/** Closed refunds; `weight` is the count in a 500-refund history. */
const CLOSED_FLOWS: ReadonlyArray<Flow & { weight: number }> = [
  { key: "auto", weight: 428, shipped: false, type: "REFUND_ONLY", steps: [CLASSIFY, PAID], ends: "REFUNDED" },
  {
    key: "payment-retry", weight: 2, shipped: false, type: "REFUND_ONLY", ends: "REFUNDED",
    steps: [CLASSIFY, s("PAYMENT_FAILED", 0.3), s("RETRY_PAYMENT", 1), PAID],
  },
  {
    key: "refund-only", weight: 12, shipped: true, type: "REFUND_ONLY", ends: "REFUNDED", inTransit: true,
    steps: [CLASSIFY, REVIEW_APPROVE, s("CONFIRM_NOT_RECEIVED", 3, { notes: NOTES.confirmNotReceived }), ...FINANCE_PAY],
    bucketBias: LONG, reasonBias: LOGISTICS_PREF,
  },
  {
    key: "return", weight: 12, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false, ends: "REFUNDED",
    steps: [CLASSIFY, REVIEW_APPROVE, ...RETURN_LEG, s("PASS_INSPECTION", 1), ...FINANCE_PAY],
    minBucket: 1, bucketBias: LONG, reasonBias: QUALITY_PREF,
  },
  {
    key: "return-partial-inspection", weight: 4, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false, ends: "REFUNDED",
    steps: [CLASSIFY, REVIEW_APPROVE, ...RETURN_LEG, s("PASS_INSPECTION", 1, { partial: true, notes: NOTES.partialInspection }), ...FINANCE_PAY],
    minBucket: 1, bucketBias: LONG, reasonBias: QUALITY_PREF,
  },
  {
    key: "return-partial-approve", weight: 2, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false, ends: "REFUNDED",
    steps: [CLASSIFY, s("APPROVE", 2, { partial: true, notes: NOTES.partialApprove }), ...RETURN_LEG, s("PASS_INSPECTION", 1), ...FINANCE_PAY],
    minBucket: 1, bucketBias: LONG, reasonBias: [0, 1, 0, 0, 0.2],
  },
  {
    key: "refund-before-receipt", weight: 5, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: true, ends: "REFUNDED",
    steps: [CLASSIFY, REVIEW_APPROVE, s("SUBMIT_RETURN_SHIPMENT", 3), ...FINANCE_PAY],
    bucketBias: [3, 3, 1, 0.3], reasonBias: [1, 2, 0.2, 1, 0.5],
  },
  {
    key: "dispute-keep-item", weight: 2, shipped: true, type: "REFUND_ONLY", ends: "REFUNDED",
    steps: [CLASSIFY, s("OFFER_RESOLUTION", 2, { notes: NOTES.offer }), s("ACCEPT_OFFER", 2, { accept: "KEEP_ITEM_WITH_COMPENSATION" }), ...FINANCE_PAY],
    bucketBias: LONG, reasonBias: [0, 1, 0, 0, 0],
  },
  {
    key: "dispute-return", weight: 1, shipped: true, type: "REFUND_ONLY", refundBeforeReceipt: false, ends: "REFUNDED",
    steps: [
      CLASSIFY, s("OFFER_RESOLUTION", 2, { notes: NOTES.offer }), s("ACCEPT_OFFER", 2, { accept: "RETURN_WITH_FULL_REFUND" }),
      ...RETURN_LEG, s("PASS_INSPECTION", 1), ...FINANCE_PAY,
    ],
    minBucket: 1, bucketBias: LONG, reasonBias: [0, 1, 0, 0, 0],
  },
  {
    key: "reject-review", weight: 9, shipped: true, type: "RETURN_AND_REFUND", ends: "REJECTED",
    steps: [CLASSIFY, s("REJECT", 1, { notes: NOTES.rejectReview })], bucketBias: SHORT, reasonBias: [0.5, 1, 0.3, 1.5, 1],
  },
  {
    key: "reject-warehouse", weight: 4, shipped: true, type: "REFUND_ONLY", ends: "REJECTED", inTransit: false,
    steps: [CLASSIFY, REVIEW_APPROVE, s("REJECT", 3, { notes: NOTES.rejectWarehouse })], reasonBias: [0, 0, 1, 0, 0],
  },
  {
    key: "reject-inspection", weight: 3, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false, ends: "REJECTED",
    steps: [CLASSIFY, REVIEW_APPROVE, ...RETURN_LEG, s("FAIL_INSPECTION", 1, { notes: NOTES.failInspection })],
    minBucket: 1, bucketBias: LONG, reasonBias: [0.2, 1, 0, 1, 0.3],
  },
  {
    key: "reject-finance", weight: 2, shipped: true, type: "REFUND_ONLY", ends: "REJECTED", inTransit: true,
    steps: [CLASSIFY, REVIEW_APPROVE, s("CONFIRM_NOT_RECEIVED", 3), s("FINANCE_REJECT", 1.5, { notes: NOTES.financeReject })],
    reasonBias: LOGISTICS_PREF,
  },
  {
    key: "cancel-review", weight: 7, shipped: true, type: "REFUND_ONLY", ends: "CANCELLED",
    steps: [CLASSIFY, s("CANCEL", 1, { notes: NOTES.cancel })], bucketBias: SHORT, reasonBias: [1, 0.5, 1, 1, 0.5],
  },
  {
    key: "cancel-awaiting-return", weight: 6, shipped: true, type: "RETURN_AND_REFUND", ends: "CANCELLED",
    steps: [CLASSIFY, REVIEW_APPROVE, s("CANCEL", 3)], reasonBias: [1, 0.5, 0.2, 1.5, 0.5],
  },
  {
    key: "cancel-awaiting-customer", weight: 1, shipped: true, type: "RETURN_AND_REFUND", ends: "CANCELLED",
    steps: [CLASSIFY, s("OFFER_RESOLUTION", 2, { notes: NOTES.offer }), s("CANCEL", 2, { notes: NOTES.cancel })],
    reasonBias: [0, 1, 0, 0, 0.2],
  },
];

/** Open refunds, by the status they wait in; cycled through in this order. */
const OPEN_FLOWS: readonly Flow[] = (() => {
  const review: Flow = { key: "open-review", shipped: true, type: "RETURN_AND_REFUND", steps: [CLASSIFY], ends: "PENDING_REVIEW" };
  const reviewRefundOnly: Flow = { ...review, key: "open-review-refund-only", type: "REFUND_ONLY", inTransit: true };
  const warehouse: Flow = {
    key: "open-warehouse", shipped: true, type: "REFUND_ONLY", steps: [CLASSIFY, REVIEW_APPROVE], ends: "AWAITING_WAREHOUSE",
    inTransit: true, reasonBias: LOGISTICS_PREF,
  };
  const awaitingReturn: Flow = {
    key: "open-awaiting-return", shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false,
    steps: [CLASSIFY, REVIEW_APPROVE], ends: "AWAITING_RETURN", reasonBias: QUALITY_PREF,
  };
  const inTransit: Flow = {
    key: "open-return-in-transit", shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false,
    steps: [CLASSIFY, REVIEW_APPROVE, RETURN_LEG[0]], ends: "RETURN_IN_TRANSIT", reasonBias: QUALITY_PREF,
  };
  const inspecting: Flow = {
    key: "open-inspecting", shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false,
    steps: [CLASSIFY, REVIEW_APPROVE, ...RETURN_LEG], ends: "INSPECTING", reasonBias: QUALITY_PREF,
  };
  const financeAfterInspection: Flow = {
    key: "open-finance-return", shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: false,
    steps: [CLASSIFY, REVIEW_APPROVE, ...RETURN_LEG, s("PASS_INSPECTION", 1)], ends: "PENDING_FINANCE", reasonBias: QUALITY_PREF,
  };
  const financeNotReceived: Flow = {
    key: "open-finance-not-received", shipped: true, type: "REFUND_ONLY", inTransit: true,
    steps: [CLASSIFY, REVIEW_APPROVE, s("CONFIRM_NOT_RECEIVED", 3)], ends: "PENDING_FINANCE", reasonBias: LOGISTICS_PREF,
  };
  const financeBeforeReceipt: Flow = {
    key: "open-finance-before-receipt", shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: true,
    steps: [CLASSIFY, REVIEW_APPROVE, RETURN_LEG[0]], ends: "PENDING_FINANCE",
  };
  const awaitingCustomer: Flow = {
    key: "open-awaiting-customer", shipped: true, type: "RETURN_AND_REFUND",
    steps: [CLASSIFY, s("OFFER_RESOLUTION", 2, { notes: NOTES.offer })], ends: "AWAITING_CUSTOMER",
    reasonBias: [0, 1, 0, 0, 0],
  };
  const paymentFailed: Flow = {
    key: "open-refund-failed", shipped: true, type: "REFUND_ONLY", inTransit: true,
    steps: [CLASSIFY, REVIEW_APPROVE, s("CONFIRM_NOT_RECEIVED", 3), s("FINANCE_APPROVE", 1.5), s("PAYMENT_FAILED", 0.3)],
    ends: "REFUND_FAILED", reasonBias: LOGISTICS_PREF,
  };
  return [
    review, warehouse, awaitingReturn, inTransit, inspecting, financeAfterInspection,
    reviewRefundOnly, awaitingCustomer, awaitingReturn, financeNotReceived, review, inTransit,
    inspecting, warehouse, paymentFailed, reviewRefundOnly, financeBeforeReceipt, awaitingReturn, review, inspecting,
  ];
})();

// ---------------------------------------------------------------------------------------------
// Drafts: rows built in memory, written in bulk

interface CustomerDraft {
  id: string;
  name: string;
  refundBeforeReceipt: boolean;
}

interface Rows {
  customers: Prisma.CustomerCreateManyInput[];
  orders: Prisma.OrderCreateManyInput[];
  items: Prisma.OrderItemCreateManyInput[];
  refunds: Prisma.RefundCreateManyInput[];
  transitions: Prisma.RefundTransitionCreateManyInput[];
  shipments: Prisma.ReturnShipmentCreateManyInput[];
  options: Prisma.ResolutionOptionCreateManyInput[];
  attempts: Prisma.PaymentRefundAttemptCreateManyInput[];
}

interface SeedContext {
  rng: Rng;
  shopId: string;
  rows: Rows;
  /** The staff members the demo's people act as (staffMetrics and its dashboard table), by name. */
  members: Map<string, { id: string; role: Role }>;
}

function roundFen(amount: number): number {
  return Math.max(100, Math.round(amount / 100) * 100);
}

function trackingNumber(rng: Rng): { carrier: string; trackingNumber: string } {
  const carrier = rng.pick(CARRIERS);
  return { carrier: carrier.name, trackingNumber: `${carrier.prefix}${rng.int(1, 9)}${rng.digits(carrier.digits - 1)}` };
}

function dateStamp(time: number): string {
  const date = new Date(time + 8 * HOUR); // Beijing time, as the shop's order numbers would be
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, "0")}${String(date.getUTCDate()).padStart(2, "0")}`;
}

/** Adds an order with 1–3 items; returns what a refund needs from it. */
function addOrder(
  ctx: SeedContext,
  customerId: string,
  paidAt: number,
  shippingStatus: ShippingStatus,
  updatedAt: number,
  maxItems: number,
): { id: string; paidAmount: number; itemTotals: number[] } {
  const { rng } = ctx;
  const id = randomUUID();
  const count = Math.min(maxItems, rng.weighted([0, 70, 22, 8]));
  const lines: Array<{ sku: string; name: string; quantity: number; unitPrice: number }> = [];
  const used = new Set<string>();
  while (lines.length < Math.max(1, count)) {
    const product = rng.pick(CATALOGUE);
    if (used.has(product.sku)) continue;
    used.add(product.sku);
    const variantIndex = product.variants ? rng.int(0, product.variants.length - 1) : -1;
    const variant = product.variants?.[variantIndex];
    const quantity = product.price < 10000 && rng.chance(0.25) ? 2 : 1;
    lines.push({
      // Sizes are their own SKU suffix; colours and the like get a variant number.
      sku: variant ? `${product.sku}-${/^\d+$/.test(variant) ? variant : `V${variantIndex + 1}`}` : product.sku,
      name: variant ? `${product.name}（${variant}）` : product.name,
      quantity,
      unitPrice: product.price,
    });
  }
  const itemTotals = lines.map((line) => line.quantity * line.unitPrice);
  const gross = itemTotals.reduce((sum, total) => sum + total, 0);
  // The shop's usual "满299减30" on larger baskets.
  const paidAmount = gross >= 29900 && lines.length > 1 ? gross - 3000 : gross;
  const shipped = shippingStatus !== "NOT_SHIPPED" ? trackingNumber(rng) : null;
  ctx.rows.orders.push({
    id,
    shopId: ctx.shopId,
    customerId,
    externalId: "", // numbered in time order once every order exists
    paidAmount,
    currency: DEMO_CURRENCY,
    paidAt: new Date(paidAt),
    shippingStatus,
    carrier: shipped?.carrier ?? null,
    trackingNumber: shipped?.trackingNumber ?? null,
    createdAt: new Date(paidAt),
    updatedAt: new Date(Math.max(paidAt, updatedAt)),
  });
  for (const line of lines) ctx.rows.items.push({ id: randomUUID(), orderId: id, ...line });
  return { id, paidAmount, itemTotals };
}

/** Step times: the request, classification seconds later, then the rest split by the steps' waits. */
function stepTimes(rng: Rng, steps: readonly Step[], createdAt: number, endsAt: number): number[] {
  const times = [createdAt];
  const classifiedAt = createdAt + rng.int(1_000, 6_000);
  times.push(classifiedAt);
  const later = steps.slice(1);
  if (later.length === 0) return times;
  const weights = later.map((step) => step.wait * rng.between(0.5, 1.5) + 0.01);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const span = Math.max(later.length * 1_000, endsAt - classifiedAt - later.length * 1_000);
  let at = classifiedAt;
  for (const weight of weights) {
    at += 1_000 + Math.round((span * weight) / total);
    times.push(at);
  }
  // Rounding may leave the last step a few ms off; the handling time is what the bucket says.
  if (endsAt > times[times.length - 2]!) times[times.length - 1] = endsAt;
  return times;
}

function actorFor(rng: Rng, members: SeedContext["members"], status: RefundStatus, action: RefundAction, customer: CustomerDraft): Actor {
  const rule = findRule(status, action);
  if (!rule) throw new Error(`demo seed: no transition ${action} from ${status}`);
  const role = rule.performers.find((performer): performer is Role => performer !== "SYSTEM");
  if (!role) return SYSTEM_ACTOR;
  const name = role === "CUSTOMER" ? customer.name : rng.pick(STAFF[role] ?? [role.toLowerCase()]);
  const memberId = members.get(name)?.id;
  return memberId ? { kind: "USER", role, name, memberId } : { kind: "USER", role, name };
}

interface RefundPlanInput {
  flow: Flow;
  customer: CustomerDraft;
  order: { id: string; shippingStatus: ShippingStatus };
  reasonTagId: string;
  requestedAmount: number;
  description: string;
  times: number[];
}

/** Walks the flow through the domain planner and records every row the service would write. */
function addRefund(ctx: SeedContext, input: RefundPlanInput): { id: string; status: RefundStatus; customerId: string } {
  const { rng, rows } = ctx;
  const { flow, customer, order, times } = input;
  const refundId = randomUUID();
  const snapshot: RefundSnapshot = {
    status: "REQUESTED",
    type: flow.type,
    requestedAmount: input.requestedAmount,
    approvedAmount: null,
    version: 1,
  };
  const refundKey = { id: refundId, shopId: ctx.shopId, currency: DEMO_CURRENCY };
  const transitions: TransitionRow[] = [
    requestTransitionRow(
      { ...refundKey, requestedAmount: input.requestedAmount, description: input.description },
      { kind: "USER", role: "CUSTOMER", name: customer.name },
      new Date(times[0]!),
      randomUUID,
    ),
  ];
  const offered: Array<OfferedOption & { row: Prisma.ResolutionOptionCreateManyInput }> = [];
  let shipment: Prisma.ReturnShipmentCreateManyInput | null = null;
  let attempt: Prisma.PaymentRefundAttemptCreateManyInput | null = null;

  for (const [index, step] of flow.steps.entries()) {
    const at = times[index + 1]!;
    const request: TransitionRequest = { action: step.action };
    if (step.notes) request.note = rng.pick(step.notes);
    if (step.partial && (step.action === "APPROVE" || step.action === "PASS_INSPECTION") && snapshot.requestedAmount >= 400) {
      const ceiling = snapshot.approvedAmount ?? snapshot.requestedAmount;
      request.amount = Math.min(ceiling - 100, roundFen(ceiling * rng.between(0.6, 0.85)));
    }
    if (step.action === "OFFER_RESOLUTION") {
      request.offerOptions = [
        { kind: "RETURN_WITH_FULL_REFUND" },
        { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: Math.min(snapshot.requestedAmount, roundFen(snapshot.requestedAmount * rng.between(0.15, 0.35))) },
      ];
    }
    if (step.action === "ACCEPT_OFFER") {
      request.optionId = offered.find((option) => option.kind === step.accept)?.id ?? null;
    }
    if (step.action === "SUBMIT_RETURN_SHIPMENT") Object.assign(request, trackingNumber(rng));

    const actor = actorFor(rng, ctx.members, snapshot.status, step.action, customer);
    const planned = planTransition(snapshot, request, actor, {
      shippingStatus: order.shippingStatus,
      refundBeforeReceipt: customer.refundBeforeReceipt,
      offeredOptions: offered.filter((option) => !option.row.accepted),
      acceptedOption: offered.find((option) => option.row.accepted)?.kind ?? null,
    });
    if (!planned.ok) {
      throw new Error(`demo seed: ${flow.key} cannot ${step.action} from ${snapshot.status}: ${planned.errors.map((e) => e.message).join("; ")}`);
    }
    // The same rows the transition service writes, from the same builder.
    const stepRows = transitionRowsFor(planned.plan, { ...refundKey, version: snapshot.version }, actor, new Date(at), randomUUID);
    for (const option of stepRows.replaceOptions ?? []) {
      offered.push({ id: option.id, kind: option.kind, amount: option.amount, row: { ...option, accepted: false } });
    }
    if (stepRows.acceptOptionId) offered.find((option) => option.id === stepRows.acceptOptionId)!.row.accepted = true;
    if (stepRows.returnShipment) shipment = { ...stepRows.returnShipment };
    if (stepRows.returnReceivedAt && shipment) shipment.receivedAt = stepRows.returnReceivedAt;
    if (stepRows.paymentAttempt) {
      attempt = { ...stepRows.paymentAttempt, status: "PENDING" };
      rows.attempts.push(attempt);
    }
    if ((step.action === "PAYMENT_SUCCEEDED" || step.action === "PAYMENT_FAILED") && attempt) {
      // The provider's answer, as the payment dispatcher records it.
      const succeeded = step.action === "PAYMENT_SUCCEEDED";
      attempt.status = succeeded ? "SUCCEEDED" : "FAILED";
      attempt.reference = succeeded ? `sandbox_${randomUUID()}` : null;
      attempt.failureReason = succeeded ? null : "sandbox: refund declined (原支付账户状态异常)";
      attempt.deliveries = 1;
      attempt.completedAt = new Date(at);
    }
    transitions.push(stepRows.transition);
    snapshot.status = stepRows.refund.status;
    snapshot.type = stepRows.refund.type;
    snapshot.approvedAmount = stepRows.refund.approvedAmount;
    snapshot.version = stepRows.refund.version;
  }

  if (snapshot.status !== flow.ends) {
    throw new Error(`demo seed: ${flow.key} ended in ${snapshot.status}, not ${flow.ends}`);
  }
  const last = transitions[transitions.length - 1]!;
  const lastAt = last.createdAt as Date;
  const terminal = TERMINAL_STATUSES.has(snapshot.status);
  rows.refunds.push({
    id: refundId,
    shopId: ctx.shopId,
    orderId: order.id,
    customerId: customer.id,
    reasonTagId: input.reasonTagId,
    type: snapshot.type,
    status: snapshot.status,
    requestedAmount: snapshot.requestedAmount,
    approvedAmount: snapshot.approvedAmount,
    refundedAmount: snapshot.status === "REFUNDED" ? (last.amount ?? 0) : 0,
    currency: DEMO_CURRENCY,
    description: input.description,
    version: snapshot.version,
    createdAt: new Date(times[0]!),
    updatedAt: lastAt,
    resolvedAt: terminal ? lastAt : null,
  });
  rows.transitions.push(...transitions);
  rows.options.push(...offered.map((option) => option.row));
  if (shipment) rows.shipments.push(shipment);
  return { id: refundId, status: snapshot.status, customerId: customer.id };
}

// ---------------------------------------------------------------------------------------------

/**
 * Creates the demo shop with its history and one API token per role. Meant for a fresh
 * database (`npm start` with the embedded default), but safe to call on any: it only adds.
 */
export async function seedDemoShop(db: Database, options: SeedDemoShopOptions = {}): Promise<DemoShop> {
  const historical = Math.max(0, Math.floor(options.refunds ?? 500));
  const openCount = Math.min(20, Math.ceil(historical / 25));
  const now = (options.now ?? new Date()).getTime();
  const rng = new Rng(options.random ?? seededRandom(DEMO_SEED));
  const shopId = randomUUID();
  const shopCreatedAt = now - 400 * DAY;
  const ctx: SeedContext = {
    rng,
    shopId,
    rows: { customers: [], orders: [], items: [], refunds: [], transitions: [], shipments: [], options: [], attempts: [] },
    members: new Map(Object.entries(STAFF).flatMap(([role, names]) => names!.map((name) => [name, { id: randomUUID(), role: role as Role }] as const))),
  };

  // Customers: ~12% VIPs who are refunded when their return ships.
  const vipFlags = rng.shuffle(Array.from({ length: CUSTOMER_COUNT }, (_, index) => index < Math.round((CUSTOMER_COUNT * VIP_PERCENT) / 100)));
  const customers: CustomerDraft[] = vipFlags.map((vip, index) => {
    const customer = { id: randomUUID(), name: `${rng.pick([...SURNAMES])}${rng.pick(GIVEN_NAMES)}`, refundBeforeReceipt: vip };
    ctx.rows.customers.push({
      id: customer.id,
      shopId,
      externalId: `C${String(10001 + index)}`,
      name: customer.name,
      tier: vip ? "VIP" : "STANDARD",
      refundBeforeReceipt: vip,
      createdAt: new Date(Math.round(shopCreatedAt + rng.between(0, 250) * DAY)),
    });
    return customer;
  });
  /** Some customers refund far more than others (what the CRM's risk marking is for). */
  const pickCustomer = (refundBeforeReceipt?: boolean): CustomerDraft => {
    for (;;) {
      const customer = customers[Math.floor(CUSTOMER_COUNT * rng.next() ** 1.7)]!;
      if (refundBeforeReceipt === undefined || customer.refundBeforeReceipt === refundBeforeReceipt) return customer;
    }
  };

  const tagIds = new Map(DEFAULT_REASON_TAGS.map((tag) => [tag.code, randomUUID()]));
  const reasonCodes = DEMO_REASON_SHARES.map((share) => share.code);
  const reasonWeights = DEMO_REASON_SHARES.map((share) => share.percent);

  const addRefundWithOrder = (flow: Flow, reasonIndex: number, createdAt: number, endsAt: number) => {
    const customer = pickCustomer(flow.refundBeforeReceipt);
    let shippingStatus: ShippingStatus = "NOT_SHIPPED";
    let paidAt = Math.round(createdAt - rng.between(10 * MINUTE, 30 * HOUR));
    if (flow.shipped) {
      shippingStatus = rng.chance(flow.inTransit ? 0.7 : 0.15) ? "SHIPPED" : "DELIVERED";
      paidAt = Math.round(createdAt - rng.between(2 * DAY, 12 * DAY));
    }
    const order = addOrder(ctx, customer.id, paidAt, shippingStatus, endsAt, flow.shipped ? 2 : 3);
    // Usually the whole order; on a basket, sometimes just one line of it.
    const requestedAmount =
      order.itemTotals.length > 1 && rng.chance(0.4) ? Math.min(order.paidAmount, rng.pick(order.itemTotals)) : order.paidAmount;
    const code = reasonCodes[reasonIndex]!;
    const times = stepTimes(rng, flow.steps, createdAt, endsAt);
    return addRefund(ctx, {
      flow,
      customer,
      order: { id: order.id, shippingStatus },
      reasonTagId: tagIds.get(code)!,
      requestedAmount,
      description: rng.pick(DESCRIPTIONS[code] ?? DESCRIPTIONS.OTHER!),
      times,
    });
  };

  // Closed history: flows, reasons and handling times each allocated exactly, then matched up.
  const flowCounts = allocateLargestRemainder(historical, CLOSED_FLOWS.map((flow) => flow.weight));
  const closedFlows = rng.shuffle(CLOSED_FLOWS.flatMap((flow, index) => Array.from({ length: flowCounts[index]! }, () => flow)));
  // Walks with a preference take their pick first; the automatic ones take what is left.
  closedFlows.sort((a, b) => Number(b.key !== "auto") - Number(a.key !== "auto") || (b.minBucket ?? 0) - (a.minBucket ?? 0));
  const reasonPool = new Pool(allocateLargestRemainder(historical, reasonWeights));
  // The automatic path settles in seconds, as the sandbox provider does; the merchant's
  // handling-time shares are those of the refunds people acted on, the other flows.
  const handled = closedFlows.filter((flow) => flow.key !== "auto").length;
  const bucketPool = new Pool(allocateLargestRemainder(handled, DEMO_HANDLING_TIME_SHARES.map((bucket) => bucket.percent)));
  for (const flow of closedFlows) {
    const reasonIndex = reasonPool.take(rng, flow.reasonBias);
    let duration = rng.between(8_000, 40_000);
    if (flow.key !== "auto") {
      const minBucket = flow.minBucket ?? 0;
      const bias = (flow.bucketBias ?? [1, 1, 1, 1]).map((weight, index) => (index < minBucket ? 0 : weight));
      const bucket = bucketPool.take(rng, bias);
      const [minMs, maxMs] = BUCKET_DRAW[bucket]!;
      // Quick refunds are mostly quick: skew the draw toward the bucket's short end.
      duration = minMs + (maxMs - minMs) * rng.next() ** (bucket === 0 ? 1.6 : 1.2);
    }
    // Over the last 90 days, a little busier lately; resolved at least an hour ago.
    const latestStart = now - duration - HOUR;
    const earliestStart = now - HISTORY_DAYS * DAY;
    const createdAt = Math.round(Math.max(earliestStart, latestStart - (latestStart - earliestStart) * rng.next() ** 1.15));
    addRefundWithOrder(flow, reasonIndex, createdAt, createdAt + Math.round(duration));
  }

  // Open refunds from the last few days, waiting in every queue.
  const openReasons = new Pool(allocateLargestRemainder(openCount, reasonWeights));
  const openRefunds: Array<{ id: string; status: RefundStatus; customerId: string }> = [];
  for (let index = 0; index < openCount; index += 1) {
    const flow = OPEN_FLOWS[index % OPEN_FLOWS.length]!;
    const age = rng.between(2 * HOUR, (1 + flow.steps.length) * DAY);
    const createdAt = Math.round(now - age);
    const endsAt = createdAt + Math.round(age * rng.between(0.3, 0.9));
    openRefunds.push(addRefundWithOrder(flow, openReasons.take(rng, flow.reasonBias), createdAt, endsAt));
  }

  // The CUSTOMER token belongs to someone with a return to send back, and with a fresh,
  // unshipped order on which a new refund request takes the automatic path.
  const tokenCustomerId =
    openRefunds.find((refund) => refund.status === "AWAITING_RETURN")?.customerId ??
    openRefunds[0]?.customerId ??
    ctx.rows.refunds[0]?.customerId ??
    customers[0]!.id;
  const justPaid = now - Math.round(rng.between(20 * MINUTE, 3 * HOUR));
  addOrder(ctx, tokenCustomerId, justPaid, "NOT_SHIPPED", justPaid, 2);

  // Orders without refunds: the refund rate the dashboard shows is about 1 in 4.
  const extraOrders = Math.max(0, (historical + openCount) * (ORDERS_PER_REFUND - 1));
  for (let index = 0; index < extraOrders; index += 1) {
    const paidAt = Math.round(now - rng.between(5 * MINUTE, (HISTORY_DAYS + 5) * DAY));
    const age = now - paidAt;
    const shippingStatus: ShippingStatus =
      age < 12 * HOUR ? "NOT_SHIPPED" : age < 4 * DAY ? (rng.chance(0.85) ? "SHIPPED" : "NOT_SHIPPED") : rng.chance(0.97) ? "DELIVERED" : "SHIPPED";
    addOrder(ctx, pickCustomer().id, paidAt, shippingStatus, paidAt + Math.round(Math.min(age, rng.between(HOUR, 4 * DAY))), 3);
  }
  ctx.rows.orders.sort((a, b) => (a.paidAt as Date).getTime() - (b.paidAt as Date).getTime());
  ctx.rows.orders.forEach((order, index) => {
    order.externalId = `LD${dateStamp((order.paidAt as Date).getTime())}${String(100_001 + index)}`;
  });

  const { rows } = ctx;
  await db.prisma.$transaction(
    async (tx) => {
      await tx.shop.create({
        data: {
          id: shopId,
          name: DEMO_SHOP_NAME,
          currency: DEMO_CURRENCY,
          createdAt: new Date(shopCreatedAt),
          reasonTags: {
            create: DEFAULT_REASON_TAGS.map((tag) => ({ id: tagIds.get(tag.code)!, ...tag, createdAt: new Date(shopCreatedAt) })),
          },
          staffMembers: { create: [...ctx.members].map(([name, { id, role }]) => ({ id, name, role, createdAt: new Date(shopCreatedAt) })) },
          // Requests made in the demo are classified by the rules a new shop gets.
          automationRules: { create: defaultRuleRows() },
        },
      });
      await insertChunked(rows.customers, (data) => tx.customer.createMany({ data }));
      await insertChunked(rows.orders, (data) => tx.order.createMany({ data }));
      await insertChunked(rows.items, (data) => tx.orderItem.createMany({ data }));
      await insertChunked(rows.refunds, (data) => tx.refund.createMany({ data }));
      await insertChunked(rows.transitions, (data) => tx.refundTransition.createMany({ data }));
      await insertChunked(rows.shipments, (data) => tx.returnShipment.createMany({ data }));
      await insertChunked(rows.options, (data) => tx.resolutionOption.createMany({ data }));
      await insertChunked(rows.attempts, (data) => tx.paymentRefundAttempt.createMany({ data }));
    },
    { maxWait: 30_000, timeout: 120_000 },
  );

  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    tokens[role] = await issueApiToken(db, {
      shopId: role === "PLATFORM_ADMIN" ? null : shopId,
      role,
      ...(role === "CUSTOMER" && { customerId: tokenCustomerId }),
      label: `demo ${role.toLowerCase().replaceAll("_", " ")}`,
    });
  }
  return { shopId, tokens };
}

/** createMany in slices that stay far below PostgreSQL's 65 535 bind parameters. */
async function insertChunked<Row>(rows: Row[], insert: (data: Row[]) => Promise<unknown>, size = 500): Promise<void> {
  for (let start = 0; start < rows.length; start += size) await insert(rows.slice(start, start + size));
}
