import { describe, expect, it } from "vitest";
import {
  REFUND_ACTIONS,
  type RefundAction,
  availableActions,
  checkAction,
  findRule,
  resolveTarget,
} from "../../src/domain/refund-machine.js";
import { type Actor, REFUND_STATUSES, ROLES, type RefundStatus, type Role, TERMINAL_STATUSES } from "../../src/domain/types.js";

/**
 * DESIGN.md's table, written out again by hand as the specification: (from, action) → who
 * may act. The implementation's table must agree with it for every status × action × actor.
 */
const SPEC: Record<string, readonly ("SYSTEM" | Role)[]> = {
  "REQUESTED CLASSIFY": ["SYSTEM"],
  "PENDING_REVIEW APPROVE": ["SYSTEM", "AGENT"],
  "PENDING_REVIEW REJECT": ["SYSTEM", "AGENT"],
  "PENDING_REVIEW OFFER_RESOLUTION": ["SYSTEM", "AGENT"],
  "AWAITING_CUSTOMER ACCEPT_OFFER": ["CUSTOMER"],
  "AWAITING_WAREHOUSE CONFIRM_NOT_RECEIVED": ["SYSTEM", "WAREHOUSE"],
  "AWAITING_WAREHOUSE REJECT": ["SYSTEM", "WAREHOUSE"],
  "AWAITING_RETURN SUBMIT_RETURN_SHIPMENT": ["CUSTOMER"],
  "RETURN_IN_TRANSIT RECEIVE_RETURN": ["SYSTEM", "WAREHOUSE"],
  "INSPECTING PASS_INSPECTION": ["SYSTEM", "WAREHOUSE"],
  "INSPECTING FAIL_INSPECTION": ["SYSTEM", "WAREHOUSE"],
  "PENDING_FINANCE FINANCE_APPROVE": ["SYSTEM", "FINANCE"],
  "PENDING_FINANCE FINANCE_REJECT": ["SYSTEM", "FINANCE"],
  "REFUNDING PAYMENT_SUCCEEDED": ["SYSTEM"],
  "REFUNDING PAYMENT_FAILED": ["SYSTEM"],
  "REFUND_FAILED RETRY_PAYMENT": ["SYSTEM", "FINANCE"],
  "REQUESTED CANCEL": ["CUSTOMER"],
  "PENDING_REVIEW CANCEL": ["CUSTOMER"],
  // The platform (a shop's timer) withdraws a request when the customer stays silent.
  "AWAITING_CUSTOMER CANCEL": ["SYSTEM", "CUSTOMER"],
  "AWAITING_WAREHOUSE CANCEL": ["CUSTOMER"],
  "AWAITING_RETURN CANCEL": ["SYSTEM", "CUSTOMER"],
};

/** Staff actions (a staff role's) are open to SHOP_ADMIN and PLATFORM_ADMIN too; a customer's are not. */
function specAllows(performers: readonly ("SYSTEM" | Role)[], actor: Actor): boolean {
  if (actor.kind !== "USER") return performers.includes("SYSTEM");
  if (performers.includes(actor.role!)) return true;
  const staffAction = performers.some((performer) => performer === "AGENT" || performer === "WAREHOUSE" || performer === "FINANCE");
  return staffAction && (actor.role === "SHOP_ADMIN" || actor.role === "PLATFORM_ADMIN");
}

const ACTORS: Actor[] = [
  { kind: "SYSTEM" },
  { kind: "RULE" },
  { kind: "PLUGIN" },
  ...ROLES.map((role): Actor => ({ kind: "USER", role })),
];

describe("refund state machine", () => {
  it("agrees with the specification for every (status, action, actor)", () => {
    let checked = 0;
    for (const status of REFUND_STATUSES) {
      for (const action of REFUND_ACTIONS) {
        const performers = SPEC[`${status} ${action}`];
        for (const actor of ACTORS) {
          const result = checkAction(status, action, actor);
          const label = `${status} ${action} by ${actor.kind}/${actor.role ?? "-"}`;
          if (TERMINAL_STATUSES.has(status)) {
            expect(result, label).toEqual({ ok: false, reason: "REFUND_TERMINAL" });
          } else if (!performers) {
            expect(result, label).toEqual({ ok: false, reason: "ACTION_NOT_ALLOWED_IN_STATUS" });
          } else if (specAllows(performers, actor)) {
            expect(result.ok, label).toBe(true);
          } else {
            expect(result, label).toEqual({ ok: false, reason: "ACTION_NOT_PERMITTED" });
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBe(REFUND_STATUSES.length * REFUND_ACTIONS.length * ACTORS.length);
  });

  it("has no row the specification lacks", () => {
    for (const status of REFUND_STATUSES) {
      for (const action of REFUND_ACTIONS) {
        expect(Boolean(findRule(status, action)), `${status} ${action}`).toBe(Boolean(SPEC[`${status} ${action}`]));
      }
    }
  });

  it.each([
    ["REQUESTED", "CLASSIFY", { shippingStatus: "NOT_SHIPPED" }, "REFUNDING"],
    ["REQUESTED", "CLASSIFY", { shippingStatus: "SHIPPED" }, "PENDING_REVIEW"],
    ["REQUESTED", "CLASSIFY", { shippingStatus: "DELIVERED" }, "PENDING_REVIEW"],
    ["PENDING_REVIEW", "APPROVE", { refundType: "REFUND_ONLY" }, "AWAITING_WAREHOUSE"],
    ["PENDING_REVIEW", "APPROVE", { refundType: "RETURN_AND_REFUND" }, "AWAITING_RETURN"],
    ["AWAITING_CUSTOMER", "ACCEPT_OFFER", { acceptedOption: "KEEP_ITEM_WITH_COMPENSATION" }, "PENDING_FINANCE"],
    ["AWAITING_CUSTOMER", "ACCEPT_OFFER", { acceptedOption: "RETURN_WITH_FULL_REFUND" }, "AWAITING_RETURN"],
    ["AWAITING_RETURN", "SUBMIT_RETURN_SHIPMENT", { refundBeforeReceipt: false }, "RETURN_IN_TRANSIT"],
    ["AWAITING_RETURN", "SUBMIT_RETURN_SHIPMENT", { refundBeforeReceipt: true }, "PENDING_FINANCE"],
    ["PENDING_FINANCE", "FINANCE_APPROVE", {}, "REFUNDING"],
    ["REFUNDING", "PAYMENT_SUCCEEDED", {}, "REFUNDED"],
    ["REFUNDING", "PAYMENT_FAILED", {}, "REFUND_FAILED"],
    ["REFUND_FAILED", "RETRY_PAYMENT", {}, "REFUNDING"],
  ] as const)("%s --%s %o--> %s", (from, action, facts, to) => {
    const rule = findRule(from as RefundStatus, action as RefundAction)!;
    const base = { refundType: "REFUND_ONLY", shippingStatus: "SHIPPED", refundBeforeReceipt: false } as const;
    expect(resolveTarget(rule, { ...base, ...facts })).toBe(to);
  });

  it("lists a viewer's actions without platform-only ones", () => {
    expect(availableActions("PENDING_REVIEW", "AGENT")).toEqual(["APPROVE", "REJECT", "OFFER_RESOLUTION"]);
    expect(availableActions("PENDING_REVIEW", "CUSTOMER")).toEqual(["CANCEL"]);
    expect(availableActions("PENDING_REVIEW", "WAREHOUSE")).toEqual([]);
    expect(availableActions("REFUNDING", "SHOP_ADMIN")).toEqual([]);
    expect(availableActions("INSPECTING", "SHOP_ADMIN")).toEqual(["PASS_INSPECTION", "FAIL_INSPECTION"]);
    expect(availableActions("REFUNDED", "PLATFORM_ADMIN")).toEqual([]);
    // The platform may cancel for a silent customer; staff still may not.
    expect(availableActions("AWAITING_RETURN", "CUSTOMER")).toEqual(["SUBMIT_RETURN_SHIPMENT", "CANCEL"]);
    expect(availableActions("AWAITING_RETURN", "SHOP_ADMIN")).toEqual([]);
  });
});
