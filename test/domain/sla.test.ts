import { describe, expect, it } from "vitest";
import { SLA_MAX_MINUTES, slaDueAt } from "../../src/domain/sla.js";
import { REFUND_STATUSES, TERMINAL_STATUSES } from "../../src/domain/types.js";

describe("slaDueAt", () => {
  const enteredAt = new Date("2026-11-24T08:00:00.000Z");
  const policies = { PENDING_REVIEW: 5, INSPECTING: 24 * 60, REJECTED: 10, REFUNDED: 10 } as const;

  it("is the moment the status was entered plus the shop's deadline for that status", () => {
    expect(slaDueAt(policies, "PENDING_REVIEW", enteredAt)).toEqual(new Date("2026-11-24T08:05:00.000Z"));
    expect(slaDueAt(policies, "INSPECTING", enteredAt)).toEqual(new Date("2026-11-25T08:00:00.000Z"));
    expect(slaDueAt({ AWAITING_RETURN: SLA_MAX_MINUTES }, "AWAITING_RETURN", enteredAt)).toEqual(new Date("2027-01-23T08:00:00.000Z"));
  });

  it("is null for a status without a deadline", () => {
    expect(slaDueAt(policies, "AWAITING_WAREHOUSE", enteredAt)).toBeNull();
    expect(slaDueAt({}, "PENDING_REVIEW", enteredAt)).toBeNull();
    expect(slaDueAt({ PENDING_REVIEW: 0 }, "PENDING_REVIEW", enteredAt)).toBeNull();
  });

  it("is null for every terminal status, whatever the policies say", () => {
    const everyStatus = Object.fromEntries(REFUND_STATUSES.map((status) => [status, 60]));
    for (const status of REFUND_STATUSES) {
      expect(slaDueAt(everyStatus, status, enteredAt) === null, status).toBe(TERMINAL_STATUSES.has(status));
    }
  });

  it("does not change the date it was given", () => {
    const at = new Date(enteredAt);
    slaDueAt(policies, "PENDING_REVIEW", at);
    expect(at).toEqual(enteredAt);
  });
});
