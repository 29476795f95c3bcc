/**
 * The demo shop `npm start` puts into a fresh embedded database: a CNY shop set up like any
 * other (createShop: the default reason tags and automation rules; its people, the rules and
 * timers a merchant would set, a default return address, all through the services the GraphQL
 * mutations call), then three months of orders and refund requests, plus a handful of refunds
 * still open in every queue, the customers' ratings, and one API token per role.
 *
 * The history is played on the platform's own core (history.ts): generated customers request
 * refunds, people act, the shop's rules act inside those changes, due timers are applied in
 * their names and payments are settled by the sandbox provider, each change planned by the
 * state machine and turned into rows by the same pure functions changeRefunds uses. A
 * discrete-event simulation orders it all: a queue of due actions by time; the clock jumps to
 * the next one, and each step (its payment, its timers) completes before the clock moves on.
 * How many refunds end with no human touch, and how long the others take, is measured
 * afterwards (refundMetrics), not written here: the figures follow from the mix of flows below
 * and the delays each side takes in them. The rows are written at the end in bulk.
 *
 * No plugin takes part (the history would otherwise send three months of notifications and
 * CRM calls at once); the server loads them when it starts.
 */
import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import { DEFAULT_RULE_NAMES } from "../domain/automation-rules.js";
import { ratingProblem } from "../domain/rating.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { TransitionRequest } from "../domain/transition-plan.js";
import type { Actor, RefundStatus, RefundType, ResolutionKind, Role, ShippingStatus } from "../domain/types.js";
import type { Prisma, Refund } from "../generated/prisma/client.js";
import { SandboxPaymentProvider } from "../payments/sandbox.js";
import { issueApiToken } from "../services/api-tokens.js";
import { viewerFromAuthorization } from "../services/credentials.js";
import { createAutomationRule, setAutomationTimer, updateAutomationRule } from "../services/automation-admin.js";
import { rebuildRefundMetricsFacts } from "../services/refund-metrics-facts.js";
import { createReturnAddress } from "../services/return-policies.js";
import { policiesOfShops } from "../services/shop-policies.js";
import { createShop } from "../services/shop-setup.js";
import { createStaffMember } from "../services/staff.js";
import { type HistoryOrder, RefundHistory, insertRows } from "./history.js";

export const DEMO_SHOP_NAME = "链动小铺 Demo";
export const DEMO_CURRENCY = "CNY";
/** Seed of the default PRNG: the same demo data on every fresh start. */
export const DEMO_SEED = 20_261_124;

/** The merchant's 500-refund sample (percent), by reason code: what customers give as their reason. */
export const DEMO_REASON_SHARES: ReadonlyArray<{ code: string; percent: number }> = [
  { code: "ORDERED_BY_MISTAKE", percent: 38 },
  { code: "NOT_AS_DESCRIBED", percent: 22 },
  { code: "LOGISTICS", percent: 18 },
  { code: "CHANGED_MIND", percent: 15 },
  { code: "OTHER", percent: 7 },
];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const HISTORY_DAYS = 90;
/** The shop's customers: most buy now and then, and most of those who ask for a refund ask once. */
const CUSTOMER_COUNT = 4_000;
const VIP_PERCENT = 12;
/** Refunds per order paid: the field account's shop (shared/DESIGN.md), so about 14,000 orders for 520 refunds. */
export const DEMO_REFUND_RATE = 0.037;
/**
 * How customers are drawn (customer index = N × u^skew, u uniform): buyers a little towards
 * the regulars; refund requesters more steeply, so that a few customers ask again and again
 * (about 8% of requests come within 30 days of the customer's previous one) while most ask once.
 */
const BUYER_SKEW = 1.3;
const REFUNDER_SKEW = 2;

/** The warehouse returns go to: the shop's default return address (Refund.returnAddress of an approved return). */
export const DEMO_RETURN_ADDRESS = {
  label: "杭州退货仓",
  recipient: "链动小铺售后组",
  phone: "0571-8888 6666",
  province: "浙江省",
  city: "杭州市",
  district: "余杭区",
  street: "仓前街道文一西路 1288 号 3 号仓",
  postalCode: "311121",
  requirements: "请附上订单号纸条；吊牌与配件齐全，不接受到付",
} as const;

export interface SeedDemoShopOptions {
  /** Historical (closed) refunds, default 500; about 4% more open ones are added (at most 20). */
  refunds?: number;
  /** "Now" of the demo: history lies in the 90 days before it. */
  now?: Date;
  /** Uniform [0, 1) source; default a PRNG seeded with DEMO_SEED (same data on every run). */
  random?: () => number;
  /** Told after each refund the history has played (`npm start` prints it as a progress line). */
  onProgress?: (progress: { refunds: number; of: number }) => void;
}

export interface DemoShop {
  shopId: string;
  /** Plaintext API token per role (shown once; only their hashes are stored). */
  tokens: Record<Role, string>;
  /** The staff member each staff role's token belongs to; each has open refunds assigned. */
  members: Record<"AGENT" | "WAREHOUSE" | "FINANCE", { id: string; name: string }>;
  /** The customer the CUSTOMER token is bound to. */
  customer: { id: string; name: string; externalId: string };
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

const STAFF: Record<"AGENT" | "WAREHOUSE" | "FINANCE", readonly string[]> = {
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
// What the merchant sets up, through the same services as the GraphQL mutations

/** A rule the demo merchant adds besides the defaults: finance need not look at small refunds. */
const FINANCE_RULE = {
  name: "Small refunds: finance approves",
  trigger: "ENTERS_STATUS",
  status: "PENDING_FINANCE",
  match: "ALL",
  conditions: [{ field: "amount", operator: "LT", value: 10_000 }],
  action: { kind: "TRANSITION", refundAction: "FINANCE_APPROVE" },
  priority: 100,
  enabled: true,
  stopAfterMatch: true,
} as const;

/** Timers, as on the big marketplaces: when one side stays silent, the platform takes the step. */
const DEMO_TIMERS: ReadonlyArray<{ status: RefundStatus; minutes: number; action: RefundAction; name: string }> = [
  { status: "PENDING_REVIEW", minutes: 48 * 60, action: "APPROVE", name: "No review within 48 h: approve" },
  { status: "AWAITING_WAREHOUSE", minutes: 72 * 60, action: "CONFIRM_NOT_RECEIVED", name: "Warehouse silent for 72 h: parcel not received" },
  { status: "RETURN_IN_TRANSIT", minutes: 10 * 24 * 60, action: "RECEIVE_RETURN", name: "Return not confirmed within 10 days: received" },
];

// ---------------------------------------------------------------------------------------------
// Flows: how the people around a refund behave, status by status

type Hours = readonly [number, number];

/** What a person does once a refund has waited `after` hours (drawn uniformly) in a status. */
interface Act {
  role: "AGENT" | "WAREHOUSE" | "FINANCE" | "CUSTOMER";
  action: RefundAction;
  after: Hours;
  /** APPROVE / PASS_INSPECTION with a partial amount (a slight defect). */
  partial?: boolean;
  /** ACCEPT_OFFER: which option the customer takes. */
  accept?: ResolutionKind;
  notes?: readonly string[];
}

/** Per status: an act, or "wait" (nobody acts: a timer, or nothing, moves the refund on). */
type Behaviour = Partial<Record<RefundStatus, Act | "wait">>;

const act = (role: Act["role"], action: RefundAction, after: Hours, extra: Omit<Act, "role" | "action" | "after"> = {}): Act => ({ role, action, after, ...extra });

/** How the shop's people and customers usually act, where a flow says nothing else. */
const USUAL: Behaviour = {
  PENDING_REVIEW: act("AGENT", "APPROVE", [2, 20]),
  AWAITING_WAREHOUSE: act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [4, 30], { notes: NOTES.confirmNotReceived }),
  AWAITING_RETURN: act("CUSTOMER", "SUBMIT_RETURN_SHIPMENT", [12, 36]),
  RETURN_IN_TRANSIT: act("WAREHOUSE", "RECEIVE_RETURN", [40, 72]),
  INSPECTING: act("WAREHOUSE", "PASS_INSPECTION", [3, 20]),
  PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [3, 16]),
  AWAITING_CUSTOMER: act("CUSTOMER", "ACCEPT_OFFER", [10, 30], { accept: "KEEP_ITEM_WITH_COMPENSATION" }),
  REFUND_FAILED: act("FINANCE", "RETRY_PAYMENT", [1, 8]),
};

interface Flow {
  key: string;
  /** The order had shipped when the refund was requested. */
  shipped: boolean;
  type: RefundType;
  /**
   * The requested amount: "small" under ¥50 (the approve-small rule's bound), "large" from ¥100
   * (past both rules, so people decide); any amount otherwise.
   */
  amount?: "small" | "large";
  /** The customer's refund-before-receipt (a VIP); returns default to ordinary customers. */
  refundBeforeReceipt?: boolean;
  /** The parcel is lost or late: the order is still SHIPPED more often than DELIVERED. */
  inTransit?: boolean;
  /** Preference over the reasons, in DEMO_REASON_SHARES order. */
  reasonBias?: readonly number[];
  /** How many payment calls the provider declines first. */
  declines?: number;
  acts: Behaviour;
}

interface ClosedFlow extends Flow {
  /** Count in a 500-refund history. */
  weight: number;
  /** Longest the flow can take, timers included: its requests are placed so that it ends before now. */
  maxDays: number;
}

const LOGISTICS_PREF = [0.1, 0.2, 5, 0.1, 0.3];
const QUALITY_PREF = [0.6, 4, 0.3, 1.5, 0.6];
const OFFER = (after: Hours) => act("AGENT", "OFFER_RESOLUTION", after, { notes: NOTES.offer });
/** A return's usual course after approval, with the given pace of the customer's shipment. */
const RETURN_COURSE = (ship: Hours): Behaviour => ({
  AWAITING_RETURN: act("CUSTOMER", "SUBMIT_RETURN_SHIPMENT", ship),
  RETURN_IN_TRANSIT: act("WAREHOUSE", "RECEIVE_RETURN", [48, 72]),
  INSPECTING: act("WAREHOUSE", "PASS_INSPECTION", [4, 20]),
  PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [4, 16]),
});

/**
 * Closed refunds. Which handling-time bucket a flow lands in follows from its delays and the
 * shop's rules and timers (in brackets); nothing sets a refund's duration.
 */
const CLOSED_FLOWS: readonly ClosedFlow[] = [
  // Unshipped: the default rule refunds at once; the provider answers in seconds.
  { key: "unshipped", weight: 407, maxDays: 0.01, shipped: false, type: "REFUND_ONLY", acts: {} },
  // A declined payment that finance retries [< 24 h].
  { key: "payment-retry", weight: 2, maxDays: 1, shipped: false, type: "REFUND_ONLY", declines: 1, acts: {} },
  // A lost cheap parcel: the approve-small rule, the warehouse timer and the finance rule end it with no person [3–5 d].
  {
    key: "lost-parcel-automatic", weight: 12, maxDays: 6, shipped: true, type: "REFUND_ONLY", amount: "small", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: { PENDING_REVIEW: "wait", AWAITING_WAREHOUSE: "wait" },
  },
  // [< 24 h]
  {
    key: "cancel-early", weight: 12, maxDays: 1, shipped: true, type: "RETURN_AND_REFUND", reasonBias: [1, 0.5, 1, 1.5, 0.5],
    acts: { PENDING_REVIEW: act("CUSTOMER", "CANCEL", [0.5, 16], { notes: NOTES.cancel }), AWAITING_RETURN: act("CUSTOMER", "CANCEL", [0.5, 16], { notes: NOTES.cancel }) },
  },
  {
    key: "reject-review", weight: 9, maxDays: 1, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: [0.5, 1, 0.3, 1.5, 1],
    acts: { PENDING_REVIEW: act("AGENT", "REJECT", [1, 18], { notes: NOTES.rejectReview }) },
  },
  {
    key: "refund-before-receipt", weight: 5, maxDays: 1, shipped: true, type: "RETURN_AND_REFUND", refundBeforeReceipt: true, reasonBias: [1, 2, 0.2, 1, 0.5],
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [1, 8]), AWAITING_RETURN: act("CUSTOMER", "SUBMIT_RETURN_SHIPMENT", [1, 10]), PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [1, 4]) },
  },
  {
    key: "refund-only-quick", weight: 6, maxDays: 1, shipped: true, type: "REFUND_ONLY", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: {
      PENDING_REVIEW: act("AGENT", "APPROVE", [1, 6]),
      AWAITING_WAREHOUSE: act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [1, 8], { notes: NOTES.confirmNotReceived }),
      PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [1, 6]),
    },
  },
  // [1–3 d]
  {
    key: "refund-only", weight: 10, maxDays: 3, shipped: true, type: "REFUND_ONLY", amount: "large", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: {
      PENDING_REVIEW: act("AGENT", "APPROVE", [8, 20]),
      AWAITING_WAREHOUSE: act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [18, 36], { notes: NOTES.confirmNotReceived }),
      PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [4, 14]),
    },
  },
  {
    key: "dispute-keep-item", weight: 3, maxDays: 3, shipped: true, type: "REFUND_ONLY", amount: "large", reasonBias: [0, 1, 0, 0, 0],
    acts: {
      PENDING_REVIEW: OFFER([6, 20]),
      AWAITING_CUSTOMER: act("CUSTOMER", "ACCEPT_OFFER", [14, 30], { accept: "KEEP_ITEM_WITH_COMPENSATION" }),
      PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [6, 16]),
    },
  },
  {
    key: "reject-warehouse", weight: 4, maxDays: 3, shipped: true, type: "REFUND_ONLY", amount: "large", reasonBias: [0, 0, 1, 0, 0],
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [6, 20]), AWAITING_WAREHOUSE: act("WAREHOUSE", "REJECT", [20, 40], { notes: NOTES.rejectWarehouse }) },
  },
  {
    key: "cancel-awaiting-return", weight: 6, maxDays: 3, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: [1, 0.5, 0.2, 1.5, 0.5],
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 16]), AWAITING_RETURN: act("CUSTOMER", "CANCEL", [24, 48], { notes: NOTES.cancel }) },
  },
  // Nobody reviews: the 48 h timer approves.
  {
    key: "review-timer", weight: 3, maxDays: 3, shipped: true, type: "REFUND_ONLY", amount: "large", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: {
      PENDING_REVIEW: "wait",
      AWAITING_WAREHOUSE: act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [2, 16], { notes: NOTES.confirmNotReceived }),
      PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [2, 6]),
    },
  },
  {
    key: "cancel-awaiting-customer", weight: 1, maxDays: 3, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: [0, 1, 0, 0, 0.2],
    acts: { PENDING_REVIEW: OFFER([6, 20]), AWAITING_CUSTOMER: act("CUSTOMER", "CANCEL", [20, 40], { notes: NOTES.cancel }) },
  },
  {
    key: "reject-finance", weight: 2, maxDays: 3, shipped: true, type: "REFUND_ONLY", amount: "large", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: {
      PENDING_REVIEW: act("AGENT", "APPROVE", [6, 16]),
      AWAITING_WAREHOUSE: act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [12, 24]),
      PENDING_FINANCE: act("FINANCE", "FINANCE_REJECT", [6, 20], { notes: NOTES.financeReject }),
    },
  },
  // Returns: the parcel travels for days [3–7 d].
  {
    key: "return", weight: 5, maxDays: 7, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: QUALITY_PREF,
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12]), ...RETURN_COURSE([18, 36]) },
  },
  {
    key: "return-partial-inspection", weight: 2, maxDays: 7, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: QUALITY_PREF,
    acts: {
      PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12]),
      ...RETURN_COURSE([18, 36]),
      INSPECTING: act("WAREHOUSE", "PASS_INSPECTION", [4, 20], { partial: true, notes: NOTES.partialInspection }),
    },
  },
  {
    key: "return-partial-approve", weight: 2, maxDays: 7, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: [0, 1, 0, 0, 0.2],
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12], { partial: true, notes: NOTES.partialApprove }), ...RETURN_COURSE([18, 36]) },
  },
  {
    key: "dispute-return", weight: 1, maxDays: 7, shipped: true, type: "REFUND_ONLY", amount: "large", reasonBias: [0, 1, 0, 0, 0],
    acts: {
      PENDING_REVIEW: OFFER([4, 10]),
      AWAITING_CUSTOMER: act("CUSTOMER", "ACCEPT_OFFER", [8, 16], { accept: "RETURN_WITH_FULL_REFUND" }),
      ...RETURN_COURSE([12, 24]),
    },
  },
  {
    key: "reject-inspection", weight: 3, maxDays: 7, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: [0.2, 1, 0, 1, 0.3],
    acts: {
      PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12]),
      ...RETURN_COURSE([18, 36]),
      INSPECTING: act("WAREHOUSE", "FAIL_INSPECTION", [4, 20], { notes: NOTES.failInspection }),
    },
  },
  // The warehouse never answers: its 72 h timer confirms the loss.
  {
    key: "lost-parcel-timer", weight: 1, maxDays: 7, shipped: true, type: "REFUND_ONLY", amount: "large", inTransit: true, reasonBias: LOGISTICS_PREF,
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 20]), AWAITING_WAREHOUSE: "wait", PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [4, 20]) },
  },
  // [> 7 d] A slow customer; and a return nobody confirms, received by the 10-day timer.
  {
    key: "return-slow-customer", weight: 2, maxDays: 12, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: QUALITY_PREF,
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12]), ...RETURN_COURSE([110, 150]) },
  },
  {
    key: "return-receipt-timer", weight: 2, maxDays: 18, shipped: true, type: "RETURN_AND_REFUND", amount: "large", reasonBias: QUALITY_PREF,
    acts: { PENDING_REVIEW: act("AGENT", "APPROVE", [4, 12]), ...RETURN_COURSE([72, 120]), RETURN_IN_TRANSIT: "wait" },
  },
];

/** Open refunds: each waits where its flow stops, requested `ageHours` before now; cycled through in this order. */
const OPEN_FLOWS: ReadonlyArray<Flow & { ageHours: Hours }> = (() => {
  const approve = act("AGENT", "APPROVE", [1, 8]);
  const ship = act("CUSTOMER", "SUBMIT_RETURN_SHIPMENT", [4, 24]);
  const receive = act("WAREHOUSE", "RECEIVE_RETURN", [24, 48]);
  const confirm = act("WAREHOUSE", "CONFIRM_NOT_RECEIVED", [4, 20], { notes: NOTES.confirmNotReceived });
  const returns = { shipped: true, type: "RETURN_AND_REFUND", amount: "large", refundBeforeReceipt: false, reasonBias: QUALITY_PREF } as const;
  const refundOnly = { shipped: true, type: "REFUND_ONLY", amount: "large", inTransit: true, reasonBias: LOGISTICS_PREF } as const;
  // Ages keep every step before the wait inside them, and the waits short of their timers.
  const review = { ...returns, key: "open-review", ageHours: [2, 40], acts: { PENDING_REVIEW: "wait" } } as const;
  const reviewRefundOnly = { ...refundOnly, key: "open-review-refund-only", ageHours: [2, 40], acts: { PENDING_REVIEW: "wait" } } as const;
  const warehouse = { ...refundOnly, key: "open-warehouse", ageHours: [10, 60], acts: { PENDING_REVIEW: approve, AWAITING_WAREHOUSE: "wait" } } as const;
  const awaitingReturn = { ...returns, key: "open-awaiting-return", ageHours: [10, 96], acts: { PENDING_REVIEW: approve, AWAITING_RETURN: "wait" } } as const;
  const inTransit = { ...returns, key: "open-return-in-transit", ageHours: [34, 120], acts: { PENDING_REVIEW: approve, AWAITING_RETURN: ship, RETURN_IN_TRANSIT: "wait" } } as const;
  const inspecting = {
    ...returns, key: "open-inspecting", ageHours: [82, 150], acts: { PENDING_REVIEW: approve, AWAITING_RETURN: ship, RETURN_IN_TRANSIT: receive, INSPECTING: "wait" },
  } as const;
  const financeAfterInspection = {
    ...returns, key: "open-finance-return", ageHours: [92, 200],
    acts: { PENDING_REVIEW: approve, AWAITING_RETURN: ship, RETURN_IN_TRANSIT: receive, INSPECTING: act("WAREHOUSE", "PASS_INSPECTION", [2, 10]), PENDING_FINANCE: "wait" },
  } as const;
  const financeNotReceived = { ...refundOnly, key: "open-finance-not-received", ageHours: [30, 100], acts: { PENDING_REVIEW: approve, AWAITING_WAREHOUSE: confirm, PENDING_FINANCE: "wait" } } as const;
  const financeBeforeReceipt = {
    ...returns, key: "open-finance-before-receipt", refundBeforeReceipt: true, reasonBias: undefined, ageHours: [34, 100],
    acts: { PENDING_REVIEW: approve, AWAITING_RETURN: ship, PENDING_FINANCE: "wait" },
  } as const;
  const awaitingCustomer = { ...returns, key: "open-awaiting-customer", reasonBias: [0, 1, 0, 0, 0], ageHours: [12, 60], acts: { PENDING_REVIEW: OFFER([2, 10]), AWAITING_CUSTOMER: "wait" } } as const;
  const paymentFailed = {
    ...refundOnly, key: "open-refund-failed", declines: 1, ageHours: [40, 100],
    acts: { PENDING_REVIEW: approve, AWAITING_WAREHOUSE: confirm, PENDING_FINANCE: act("FINANCE", "FINANCE_APPROVE", [2, 10]), REFUND_FAILED: "wait" },
  } as const;
  return [
    review, warehouse, awaitingReturn, inTransit, inspecting, financeAfterInspection,
    reviewRefundOnly, awaitingCustomer, awaitingReturn, financeNotReceived, review, inTransit,
    inspecting, warehouse, paymentFailed, reviewRefundOnly, financeBeforeReceipt, awaitingReturn, review, inspecting,
  ];
})();

// ---------------------------------------------------------------------------------------------
// Customers and orders: the input, as the shop's order sync would have imported it

interface CustomerDraft {
  id: string;
  name: string;
  tier: string;
  refundBeforeReceipt: boolean;
  externalId: string;
}

interface Rows {
  customers: Prisma.CustomerCreateManyInput[];
  orders: Prisma.OrderCreateManyInput[];
  items: Prisma.OrderItemCreateManyInput[];
}

interface OrderDraft {
  order: Prisma.OrderCreateManyInput & { id: string };
  items: Prisma.OrderItemCreateManyInput[];
  paidAmount: number;
  itemTotals: number[];
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

/** An order with 1–3 items (numbered later, in time order). */
function draftOrder(rng: Rng, shopId: string, customerId: string, paidAt: number, shippingStatus: ShippingStatus, updatedAt: number, maxItems: number): OrderDraft {
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
  return {
    order: {
      id,
      shopId,
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
    },
    items: lines.map((line) => ({ id: randomUUID(), orderId: id, ...line })),
    paidAmount,
    itemTotals,
  };
}

function fitsAmount(amount: number, wanted: Flow["amount"]): boolean {
  if (wanted === "small") return amount < 5_000;
  if (wanted === "large") return amount >= 10_000;
  return true;
}

/** A refund request a customer will make, at `at`. */
interface RequestPlan {
  at: number;
  flow: Flow;
  customer: CustomerDraft;
  orderId: string;
  amount: number;
  reasonCode: string;
  description: string;
}

// ---------------------------------------------------------------------------------------------
// The simulation

/** A refund as the simulation last saw it (the history's answer). */
interface Tracked {
  id: string;
  flow: Flow;
  customer: CustomerDraft;
  status: RefundStatus;
  version: number;
  requestedAmount: number;
  approvedAmount: number | null;
  /** When its current timer is due, if it has one. */
  dueAt: number | null;
  /** Payment calls the provider still declines for it. */
  declines: number;
}

type SimEvent = { at: number; seq: number } & (
  | { kind: "request"; plan: RequestPlan }
  | { kind: "act"; refund: Tracked; version: number; act: Act }
  | { kind: "settle"; attempt: QueuedPayment; refund: Tracked }
  | { kind: "timer"; refund: Tracked; version: number }
);
type NewEvent = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, "seq"> : never) : never;
type QueuedPayment = ReturnType<RefundHistory["takeQueuedPayments"]>[number];

type StaffActor = Actor & { memberId: string };

interface People {
  staff: Record<"AGENT" | "WAREHOUSE" | "FINANCE", StaffActor[]>;
}

/**
 * A discrete-event simulation over the platform's core (history.ts): a queue of due actions
 * ordered by time (then by when they were planned, so equal times run in a fixed order); the
 * clock jumps to each action's time, and every action — with the payment it starts and the
 * timers that come due — completes before the next one starts.
 */
class DemoSimulation {
  private time: number;
  /** Pending events, latest first: the next one is at the end. */
  private readonly events: SimEvent[] = [];
  private seq = 0;
  private readonly refunds = new Map<string, Tracked>();
  private readonly sandbox = new SandboxPaymentProvider();
  private requested = 0;

  constructor(
    private readonly history: RefundHistory,
    private readonly rng: Rng,
    start: number,
    private readonly end: number,
    private readonly reasonTagIds: ReadonlyMap<string, string>,
    private readonly orders: ReadonlyMap<string, HistoryOrder>,
  ) {
    this.time = start;
  }

  plan(request: RequestPlan): void {
    this.push({ kind: "request", at: request.at, plan: request });
  }

  /** Runs every event due up to the end; what would come later is left undone (open refunds). */
  async run(people: People, onRequested: (count: number) => void): Promise<void> {
    for (let next = this.events.at(-1); next && next.at <= this.end; next = this.events.at(-1)) {
      this.events.pop();
      this.time = Math.max(this.time, next.at);
      await this.handle(next, people);
      if (next.kind === "request") onRequested((this.requested += 1));
    }
  }

  private push(event: NewEvent): void {
    const entry = { ...event, seq: (this.seq += 1) } as SimEvent;
    const earlier = (a: SimEvent, b: SimEvent) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (earlier(this.events[middle]!, entry)) high = middle;
      else low = middle + 1;
    }
    this.events.splice(low, 0, entry);
  }

  private async handle(event: SimEvent, people: People): Promise<void> {
    const at = new Date(this.time);
    switch (event.kind) {
      case "request": {
        const { plan } = event;
        const refund: Tracked = {
          id: "",
          flow: plan.flow,
          customer: plan.customer,
          status: "REQUESTED",
          version: 0,
          requestedAmount: plan.amount,
          approvedAmount: null,
          dueAt: null,
          declines: plan.flow.declines ?? 0,
        };
        const order = this.orders.get(plan.orderId)!;
        const row = this.history.request(
          { order, customer: plan.customer, type: plan.flow.type, reasonTagId: this.reasonTagIds.get(plan.reasonCode)!, amount: plan.amount, description: plan.description },
          at,
        );
        refund.id = row.id;
        this.refunds.set(row.id, refund);
        this.took(refund, row);
        return;
      }
      case "act": {
        const { refund, act: next } = event;
        if (refund.version !== event.version) return; // a timer or a rule took the step first
        const actor: Actor = next.role === "CUSTOMER" ? { kind: "USER", role: "CUSTOMER", name: refund.customer.name } : this.rng.pick(people.staff[next.role]);
        const result = this.history.change(refund.id, this.requestFor(refund, next), actor, at, { expectedVersion: refund.version });
        if (!result.ok) throw new Error(`demo seed: ${next.action} on a ${refund.flow.key} refund in ${refund.status} was refused: ${result.reason}`);
        this.took(refund, result.refund);
        return;
      }
      case "settle": {
        const { attempt, refund } = event;
        if (refund.declines > 0) {
          refund.declines -= 1;
          this.sandbox.declineNext();
        }
        const outcome = await this.sandbox.refund({
          idempotencyKey: attempt.idempotencyKey,
          amount: attempt.amount,
          currency: attempt.currency,
          orderReference: attempt.orderId,
          payment: null, // the demo's orders carry no payment: the sandbox pays
          shopId: attempt.shopId,
          notifyUrl: null,
        });
        if (outcome.status === "PROCESSING") throw new Error("demo seed: the sandbox answers at once");
        this.took(refund, this.history.settle(attempt.id, outcome, at));
        return;
      }
      case "timer": {
        this.took(event.refund, this.history.applyTimer(event.refund.id, event.version, at));
      }
    }
  }

  /**
   * Takes in what the platform answered: its payments are settled a few seconds later, as the
   * sandbox provider answers; a refund that moved gets its timer and its next person's act.
   */
  private took(refund: Tracked, row: Refund): void {
    for (const attempt of this.history.takeQueuedPayments()) {
      this.push({ kind: "settle", at: this.time + this.rng.int(2_000, 9_000), attempt, refund: this.refunds.get(attempt.refundId)! });
    }
    const moved = row.version !== refund.version;
    refund.status = row.status;
    refund.version = row.version;
    refund.requestedAmount = row.requestedAmount;
    refund.approvedAmount = row.approvedAmount;
    refund.dueAt = row.nextTimeoutAt?.getTime() ?? null;
    if (!moved) return;
    if (refund.dueAt !== null) this.push({ kind: "timer", at: refund.dueAt, refund, version: refund.version });
    const next = refund.flow.acts[refund.status] ?? USUAL[refund.status];
    if (!next || next === "wait") return;
    const [min, max] = next.after;
    this.push({ kind: "act", at: this.time + Math.round(this.rng.between(min, max) * HOUR), refund, version: refund.version, act: next });
  }

  /** What the person types in: notes, a partial amount, the options offered or taken, a tracking number. */
  private requestFor(refund: Tracked, next: Act): TransitionRequest {
    const { rng } = this;
    const request: TransitionRequest = { action: next.action };
    if (next.notes) request.note = rng.pick(next.notes);
    if (next.partial && refund.requestedAmount >= 400) {
      const ceiling = refund.approvedAmount ?? refund.requestedAmount;
      request.amount = Math.min(ceiling - 100, roundFen(ceiling * rng.between(0.6, 0.85)));
    }
    if (next.action === "OFFER_RESOLUTION") {
      const compensation = Math.min(refund.requestedAmount, roundFen(refund.requestedAmount * rng.between(0.15, 0.35)));
      request.offerOptions = [{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: compensation }];
    }
    if (next.action === "ACCEPT_OFFER") {
      request.optionId = this.history.offeredOptions(refund.id).find((option) => !option.accepted && option.kind === next.accept)?.id ?? null;
    }
    if (next.action === "SUBMIT_RETURN_SHIPMENT") Object.assign(request, trackingNumber(rng));
    return request;
  }
}

// ---------------------------------------------------------------------------------------------
// After the history: ratings, queues

/** How customers score an ended refund (weights of 1–5), and what a few of them write. */
const RATING_WEIGHTS = {
  fast: [1, 1, 3, 20, 75],
  slow: [4, 8, 25, 38, 25],
  refused: [40, 28, 17, 10, 5],
} as const;
const RATING_COMMENTS: Record<keyof typeof RATING_WEIGHTS, readonly string[]> = {
  fast: ["退款很快，客服态度好", "秒退，体验很好", "处理及时，下次还来"],
  slow: ["退款有点慢，不过最后解决了", "等了好几天才处理", "流程有点繁琐"],
  refused: ["不同意处理结果", "客服解释得不清楚", "希望能再核实一下"],
};
/** Share of ended refunds whose customer rates them: most of those people handled, few of the instant ones. */
const RATING_SHARE = { touched: 0.55, automatic: 0.12 };

/**
 * Customers' ratings of ended refunds, each within the rating window and before now, checked
 * by the same rule rateRefund applies (src/domain/rating.ts).
 */
function ratingsOf(rng: Rng, refunds: readonly Refund[], now: number) {
  const ratings: Prisma.RefundRatingCreateManyInput[] = [];
  for (const refund of refunds) {
    if (!refund.resolvedAt || refund.status === "CANCELLED") continue;
    if (!rng.chance(refund.personActed ? RATING_SHARE.touched : RATING_SHARE.automatic)) continue;
    const at = Math.min(now - MINUTE, refund.resolvedAt.getTime() + Math.round(rng.between(0.5, 72) * HOUR));
    if (at <= refund.resolvedAt.getTime()) continue;
    const handling = refund.resolvedAt.getTime() - refund.createdAt.getTime();
    const mood = refund.status !== "REFUNDED" ? "refused" : handling < 3 * DAY ? "fast" : "slow";
    const score = rng.weighted(RATING_WEIGHTS[mood]) + 1;
    const comment = rng.chance(0.4) ? rng.pick(RATING_COMMENTS[mood]) : null;
    const problem = ratingProblem({ status: refund.status, resolvedAt: refund.resolvedAt, alreadyRated: false }, { score, comment }, new Date(at));
    if (problem) throw new Error(`demo seed: a rating the platform would refuse: ${problem.message}`);
    ratings.push({ id: randomUUID(), shopId: refund.shopId, refundId: refund.id, customerId: refund.customerId, score, comment, createdAt: new Date(at) });
  }
  return ratings;
}

/** Which staff role works on a refund waiting in each open status (assignedTo: ME). */
const QUEUE_OF: Partial<Record<RefundStatus, "AGENT" | "WAREHOUSE" | "FINANCE">> = {
  PENDING_REVIEW: "AGENT",
  AWAITING_CUSTOMER: "AGENT",
  AWAITING_RETURN: "AGENT",
  AWAITING_WAREHOUSE: "WAREHOUSE",
  RETURN_IN_TRANSIT: "WAREHOUSE",
  INSPECTING: "WAREHOUSE",
  PENDING_FINANCE: "FINANCE",
  REFUND_FAILED: "FINANCE",
};

// ---------------------------------------------------------------------------------------------

/**
 * Creates the demo shop with its history and one API token per role. Meant for a fresh
 * database (`npm start` with the embedded default) with no background workers running yet: the
 * history's timers and payments fall due in its simulated past, which a worker on the real
 * clock would take up out of turn. It only adds: other shops are left alone.
 */
export async function seedDemoShop(db: Database, options: SeedDemoShopOptions = {}): Promise<DemoShop> {
  const historical = Math.max(0, Math.floor(options.refunds ?? 500));
  const openCount = Math.min(20, Math.ceil(historical / 25));
  const now = (options.now ?? new Date()).getTime();
  const rng = new Rng(options.random ?? seededRandom(DEMO_SEED));
  const start = now - HISTORY_DAYS * DAY;
  const progress = options.onProgress ?? (() => {});

  // The shop, set up as any shop is, with its people, the merchant's rules, timers and return address.
  const tokens = {} as Record<Role, string>;
  const label = (role: Role) => `demo ${role.toLowerCase().replaceAll("_", " ")}`;
  tokens.PLATFORM_ADMIN = await issueApiToken(db, { shopId: null, role: "PLATFORM_ADMIN", label: label("PLATFORM_ADMIN") });
  const viewerOf = async (role: Role) => (await viewerFromAuthorization(db, `Bearer ${tokens[role]}`))!;
  const shop = await createShop(db, await viewerOf("PLATFORM_ADMIN"), { name: DEMO_SHOP_NAME, currency: DEMO_CURRENCY });
  const shopId = shop.id;
  for (const role of ["SHOP_ADMIN", "INTEGRATION"] as const) tokens[role] = await issueApiToken(db, { shopId, role, label: label(role) });
  const admin = await viewerOf("SHOP_ADMIN");
  // Nothing caches the shop's configuration while it is seeded: no process serves it yet.
  const config = { changed: () => {} };
  // The shop's people; the first of each role holds that role's printed token (assignedTo: ME).
  const people: People = { staff: { AGENT: [], WAREHOUSE: [], FINANCE: [] } };
  const members = {} as DemoShop["members"];
  for (const role of ["AGENT", "WAREHOUSE", "FINANCE"] as const) {
    for (const name of STAFF[role]) {
      const member = await createStaffMember(db, admin, { name, role });
      people.staff[role].push({ kind: "USER", role, name: member.name, memberId: member.id });
    }
    const first = people.staff[role][0]!;
    members[role] = { id: first.memberId, name: first.name! };
    // Labelled with the member's name: what the transitions made with it show as their actor.
    tokens[role] = await issueApiToken(db, { shopId, role, staffMemberId: first.memberId, label: first.name! });
  }
  const approveSmall = await db.prisma.automationRule.findFirstOrThrow({ where: { shopId, name: DEFAULT_RULE_NAMES.approveSmall } });
  await updateAutomationRule(db, config, admin, approveSmall.id, { enabled: true });
  await createAutomationRule(db, config, admin, { ...FINANCE_RULE, conditions: [...FINANCE_RULE.conditions] });
  for (const timer of DEMO_TIMERS) await setAutomationTimer(db, config, admin, timer);
  await createReturnAddress(db, config, admin, DEMO_RETURN_ADDRESS);

  // Customers: ~12% VIPs who are refunded when their return ships.
  const rows: Rows = { customers: [], orders: [], items: [] };
  const vipFlags = rng.shuffle(Array.from({ length: CUSTOMER_COUNT }, (_, index) => index < Math.round((CUSTOMER_COUNT * VIP_PERCENT) / 100)));
  const customers: CustomerDraft[] = vipFlags.map((vip, index) => {
    const customer = { id: randomUUID(), name: `${rng.pick([...SURNAMES])}${rng.pick(GIVEN_NAMES)}`, tier: vip ? "VIP" : "STANDARD", refundBeforeReceipt: vip, externalId: `C${String(10001 + index)}` };
    rows.customers.push({ ...customer, shopId, createdAt: new Date(Math.round(now - rng.between(150, 400) * DAY)) });
    return customer;
  });
  /** Most customers who ask for a refund do so once; a few ask far more often (what the CRM's risk marking is for). */
  const pickCustomer = (refundBeforeReceipt?: boolean): CustomerDraft => {
    for (;;) {
      const customer = customers[Math.floor(CUSTOMER_COUNT * rng.next() ** REFUNDER_SKEW)]!;
      if (refundBeforeReceipt === undefined || customer.refundBeforeReceipt === refundBeforeReceipt) return customer;
    }
  };
  const orders = new Map<string, HistoryOrder>();
  const addOrder = (draft: OrderDraft) => {
    rows.orders.push(draft.order);
    rows.items.push(...draft.items);
    orders.set(draft.order.id, {
      id: draft.order.id,
      customerId: draft.order.customerId,
      paidAt: (draft.order.paidAt as Date).getTime(),
      shippingStatus: draft.order.shippingStatus as ShippingStatus,
      currency: DEMO_CURRENCY,
    });
  };

  // The requests: each customer's order, paid before it, and what the customer asks for.
  const reasonCodes = DEMO_REASON_SHARES.map((share) => share.code);
  const reasonWeights = DEMO_REASON_SHARES.map((share) => share.percent);
  const plans: RequestPlan[] = [];
  const planRequest = (flow: Flow, reasonIndex: number, at: number) => {
    const customer = pickCustomer(flow.refundBeforeReceipt ?? (flow.type === "RETURN_AND_REFUND" ? false : undefined));
    let draft: OrderDraft;
    let amount: number;
    // The customer's basket fits the flow (a lost cheap parcel, a reviewed expensive one).
    for (let attempt = 0; ; attempt += 1) {
      let shippingStatus: ShippingStatus = "NOT_SHIPPED";
      let paidAt = Math.round(at - rng.between(10 * MINUTE, 30 * HOUR));
      if (flow.shipped) {
        shippingStatus = rng.chance(flow.inTransit ? 0.7 : 0.15) ? "SHIPPED" : "DELIVERED";
        paidAt = Math.round(at - rng.between(2 * DAY, 12 * DAY));
      }
      draft = draftOrder(rng, shopId, customer.id, paidAt, shippingStatus, at, flow.amount === "small" ? 1 : flow.shipped ? 2 : 3);
      // Usually the whole order; on a basket, sometimes just one line of it.
      amount = draft.itemTotals.length > 1 && rng.chance(0.4) ? Math.min(draft.paidAmount, rng.pick(draft.itemTotals)) : draft.paidAmount;
      if (fitsAmount(amount, flow.amount) || attempt >= 500) break;
    }
    addOrder(draft);
    const code = reasonCodes[reasonIndex]!;
    const plan = { at, flow, customer, orderId: draft.order.id, amount, reasonCode: code, description: rng.pick(DESCRIPTIONS[code] ?? DESCRIPTIONS.OTHER!) };
    plans.push(plan);
    return plan;
  };

  // Closed history: the flows and the reasons customers give, each in the merchant's proportions.
  const flowCounts = allocateLargestRemainder(historical, CLOSED_FLOWS.map((flow) => flow.weight));
  const closedFlows = rng.shuffle(CLOSED_FLOWS.flatMap((flow, index) => Array.from({ length: flowCounts[index]! }, () => flow)));
  // Flows with a preferred reason take their pick first; the others take what is left.
  closedFlows.sort((a, b) => Number(b.reasonBias !== undefined) - Number(a.reasonBias !== undefined));
  const reasonPool = new Pool(allocateLargestRemainder(historical, reasonWeights));
  for (const flow of closedFlows) {
    // Over the last 90 days, a little busier lately; ended (at the latest) an hour before now.
    const latest = now - flow.maxDays * DAY - HOUR;
    const at = Math.round(Math.max(start, latest - (latest - start) * rng.next() ** 1.15));
    planRequest(flow, reasonPool.take(rng, flow.reasonBias), at);
  }
  // Open refunds from the last days, each stopping where its flow waits.
  const openReasons = new Pool(allocateLargestRemainder(openCount, reasonWeights));
  const openPlans = Array.from({ length: openCount }, (_, index) => {
    const flow = OPEN_FLOWS[index % OPEN_FLOWS.length]!;
    return planRequest(flow, openReasons.take(rng, flow.reasonBias), Math.round(now - rng.between(...flow.ageHours) * HOUR));
  });

  // The CUSTOMER token belongs to someone with a return to send back, and with a fresh,
  // unshipped order on which a new refund request takes the automatic path.
  const tokenCustomer = (openPlans.find((plan) => plan.flow.acts.AWAITING_RETURN === "wait") ?? openPlans[0] ?? plans[0])?.customer ?? customers[0]!;
  const justPaid = now - Math.round(rng.between(20 * MINUTE, 3 * HOUR));
  addOrder(draftOrder(rng, shopId, tokenCustomer.id, justPaid, "NOT_SHIPPED", justPaid, 2));

  // Orders without refunds, paid over the same 90 days: the refund rate is the field account's.
  const extraOrders = Math.max(0, Math.round(plans.length / DEMO_REFUND_RATE) - rows.orders.length);
  for (let index = 0; index < extraOrders; index += 1) {
    const paidAt = Math.round(now - rng.between(5 * MINUTE, HISTORY_DAYS * DAY));
    const age = now - paidAt;
    const shippingStatus: ShippingStatus =
      age < 12 * HOUR ? "NOT_SHIPPED" : age < 4 * DAY ? (rng.chance(0.85) ? "SHIPPED" : "NOT_SHIPPED") : rng.chance(0.97) ? "DELIVERED" : "SHIPPED";
    const buyer = customers[Math.floor(CUSTOMER_COUNT * rng.next() ** BUYER_SKEW)]!;
    addOrder(draftOrder(rng, shopId, buyer.id, paidAt, shippingStatus, paidAt + Math.round(Math.min(age, rng.between(HOUR, 4 * DAY))), 3));
  }
  rows.orders.sort((a, b) => (a.paidAt as Date).getTime() - (b.paidAt as Date).getTime());
  rows.orders.forEach((order, index) => {
    order.externalId = `LD${dateStamp((order.paidAt as Date).getTime())}${String(100_001 + index)}`;
  });
  // Customers and orders arrive as the order sync's import, in bulk: they are the input of
  // the simulation, not its history.
  await insertRows(db, "Customer", rows.customers);
  await insertRows(db, "Order", rows.orders);
  await insertRows(db, "OrderItem", rows.items);
  tokens.CUSTOMER = await issueApiToken(db, { shopId, role: "CUSTOMER", customerId: tokenCustomer.id, label: `${label("CUSTOMER")}: ${tokenCustomer.name}` });

  // The history, played on the platform's core with the shop's policies as they now stand.
  const [policies, tags, careDays] = await Promise.all([
    policiesOfShops(db.prisma, [shopId]),
    db.prisma.reasonTag.findMany({ where: { shopId }, include: { parent: true } }),
    db.prisma.shop.findUniqueOrThrow({ where: { id: shopId }, select: { careDays: true } }),
  ]);
  const history = new RefundHistory(
    {
      id: shopId,
      policies: policies.get(shopId)!,
      careDays: careDays.careDays,
      reasons: new Map(tags.map((tag) => [tag.id, { code: tag.code, parentCode: tag.parent?.code ?? tag.code }])),
    },
    randomUUID,
  );
  const sim = new DemoSimulation(history, rng, start, now, new Map(tags.map((tag) => [tag.code, tag.id])), orders);
  for (const plan of plans) sim.plan(plan);
  await sim.run(people, (count) => progress({ refunds: count, of: plans.length }));

  // The open refunds go to their role's queues, the printed token's member first.
  const queued = { AGENT: 0, WAREHOUSE: 0, FINANCE: 0 };
  for (const refund of history.refunds()) {
    const role = QUEUE_OF[refund.status];
    if (!role) continue;
    const staff = people.staff[role];
    history.assign(refund.id, staff[queued[role]++ % staff.length]!.memberId);
  }
  await history.write(db);
  const ratings = ratingsOf(rng, history.refunds(), now);
  await insertRows(db, "RefundRating", ratings);
  // Written in bulk, past the services that keep them: refundMetrics' facts (orders per hour,
  // repeat requests, repurchases, who acted) are derived from the rows.
  await rebuildRefundMetricsFacts(db, shopId);
  const customer = customers.find((candidate) => candidate.id === tokenCustomer.id)!;
  return { shopId, tokens, members, customer: { id: customer.id, name: customer.name, externalId: customer.externalId } };
}
