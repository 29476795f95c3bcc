import { automaticActionProblem } from "./automation-rules.js";
import { type UserError, userError } from "./errors.js";
import type { RefundAction } from "./refund-machine.js";
import { TERMINAL_STATUSES, type RefundStatus } from "./types.js";

/**
 * A shop's timers: a refund left in a status for so long gets an action in the timer's name
 * ("no review within 48 h → APPROVE"). The due time is part of the transition's rows
 * (transition-rows.ts), so it commits with the status that starts it.
 */

export const TIMER_MIN_MINUTES = 1;
export const TIMER_MAX_MINUTES = 60 * 24 * 60;

export interface TimerSetting {
  status: RefundStatus;
  minutes: number;
  action: RefundAction;
  name: string;
}

/** The timers by status, with how long each runs in milliseconds. */
export type TimerSchedule = Partial<Record<RefundStatus, { action: string; name: string; ms: number }>>;

export function validateTimer(timer: TimerSetting): UserError[] {
  const errors: UserError[] = [];
  if (!timer.name.trim() || timer.name.length > 200) errors.push(userError("INVALID_INPUT", "A timer needs a name of at most 200 characters", ["input", "name"]));
  if (TERMINAL_STATUSES.has(timer.status)) errors.push(userError("INVALID_INPUT", "A terminal status has no timer", ["input", "status"]));
  if (!(Number.isSafeInteger(timer.minutes) && timer.minutes >= TIMER_MIN_MINUTES && timer.minutes <= TIMER_MAX_MINUTES)) {
    errors.push(userError("TIMER_OUT_OF_RANGE", `minutes must be between ${TIMER_MIN_MINUTES} and ${TIMER_MAX_MINUTES} (60 days)`, ["input", "minutes"]));
  }
  const problem = automaticActionProblem(timer.status, timer.action, "TIMER");
  if (problem) errors.push(userError("ACTION_NOT_ALLOWED_FROM_TRIGGER", problem, ["input", "action"]));
  return errors;
}

/** The timer a refund entering `status` at `at` starts, or null (none set, or nothing left to do). */
export function nextTimeout(schedule: TimerSchedule, status: RefundStatus, at: Date): { at: Date; action: string; name: string } | null {
  const timer = schedule[status];
  if (!timer || TERMINAL_STATUSES.has(status)) return null;
  return { at: new Date(at.getTime() + timer.ms), action: timer.action, name: timer.name };
}
