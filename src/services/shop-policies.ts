import type { Tx } from "../db/tx.js";
import type { AppCheckDef } from "../domain/app-checks.js";
import { type ApprovalLimits, type OverLimit, NO_LIMITS, approvalLimitsFrom } from "../domain/approval-limits.js";
import type { AutomationRuleDef } from "../domain/automation-rules.js";
import type { SlaMinutesByStatus } from "../domain/sla.js";
import type { TimerSchedule } from "../domain/timers.js";
import type { ReturnAddressSnapshot } from "../domain/return-address.js";
import { type ShopReturns, NO_RETURN_RULES, returnPolicyFromRow } from "../domain/return-policy.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

/** What a shop decided about its refunds' next steps: deadlines, timers, enabled rules and discretion limits. */
export interface ShopPolicies {
  sla: SlaMinutesByStatus;
  timers: TimerSchedule;
  /** Enabled rules only: what runs. */
  rules: AutomationRuleDef[];
  limits: ApprovalLimits;
  /** Return policies and the default return address (src/domain/return-policy.ts). */
  returns: ShopReturns<ReturnAddressSnapshot>;
  /** Apps' before-transition checks of enabled apps: an empty list for most shops. */
  checks: AppCheckDef[];
  /** The shop's reason tags by code, archived ones too (a request checks them: reason-tags.ts). */
  reasons: ReadonlyMap<string, ShopReason>;
}

/** A reason tag as a new request needs it. */
export interface ShopReason {
  id: string;
  code: string;
  parentId: string | null;
  archived: boolean;
  /** Whether its parent is archived; null: it is top-level. */
  parentArchived: boolean | null;
}

export const NO_POLICIES: ShopPolicies = { sla: {}, timers: {}, rules: [], limits: NO_LIMITS, returns: NO_RETURN_RULES, checks: [], reasons: new Map() };

/** A stored rule (a Prisma row or its JSON) as the domain's evaluator takes it. */
export function ruleFromRow(row: {
  id: string;
  name: string;
  trigger: string;
  status: string | null;
  match: string;
  conditions: unknown;
  action: unknown;
  priority: number;
  enabled: boolean;
  stopAfterMatch: boolean;
}): AutomationRuleDef {
  // Stored only after src/domain/automation-rules.ts validated them.
  return { ...row, conditions: row.conditions, action: row.action } as AutomationRuleDef;
}

/**
 * The shops' policies in ONE statement, the one changeRefunds already made for the SLA
 * deadlines: timers, rules, approval limits, return policies, the default return address,
 * apps' checks and reason tags ride along in the same row per shop, so a
 * transition pays no statement for them (a limit check costs 0 statements per transition), and every server process sees a rule the moment it commits (no cache
 * to invalidate). `minuteMs` is how long a timer's minute lasts (tests shorten it).
 */
export async function policiesOfShops(tx: Tx | PrismaClient, shopIds: readonly string[], minuteMs = 60_000): Promise<Map<string, ShopPolicies>> {
  const policies = new Map<string, ShopPolicies>();
  if (shopIds.length === 0) return policies;
  const rows = await tx.$queryRaw<
    Array<{ shopId: string; sla: unknown; timers: unknown; rules: unknown; limits: unknown; overLimit: OverLimit; returnPolicies: unknown; returnAddress: unknown; checks: unknown; reasons: unknown }>
  >`
    SELECT s.id AS "shopId", s."overLimit"::text AS "overLimit",
      (SELECT COALESCE(json_agg(json_build_object('status', p.status, 'minutes', p.minutes)), '[]'::json)
         FROM "SlaPolicy" p WHERE p."shopId" = s.id) AS sla,
      (SELECT COALESCE(json_agg(json_build_object('status', t.status, 'minutes', t.minutes, 'action', t.action, 'name', t.name)), '[]'::json)
         FROM "AutomationTimer" t WHERE t."shopId" = s.id) AS timers,
      (SELECT COALESCE(json_agg(json_build_object('id', r.id, 'name', r.name, 'trigger', r.trigger, 'status', r.status, 'match', r.match,
                'conditions', r.conditions, 'action', r.action, 'priority', r.priority, 'enabled', r.enabled, 'stopAfterMatch', r."stopAfterMatch")), '[]'::json)
         FROM "AutomationRule" r WHERE r."shopId" = s.id AND r.enabled) AS rules,
      (SELECT COALESCE(json_agg(json_build_object('subject', l.subject, 'role', l.role, 'staffMemberId', l."staffMemberId", 'maxAmount', l."maxAmount")), '[]'::json)
         FROM "ApprovalLimit" l WHERE l."shopId" = s.id) AS limits,
      (SELECT COALESCE(json_agg(json_build_object('subject', p.subject, 'category', p.category, 'skuPattern', p."skuPattern", 'noReasonDays', p."noReasonDays",
                'qualityDays', p."qualityDays", 'exemption', p.exemption, 'terms', p.terms, 'qualityReasonCodes', p."qualityReasonCodes")), '[]'::json)
         FROM "ReturnPolicy" p WHERE p."shopId" = s.id) AS "returnPolicies",
      (SELECT json_build_object('addressId', a.id, 'label', a.label, 'recipient', a.recipient, 'phone', a.phone, 'province', a.province, 'city', a.city,
                'district', a.district, 'street', a.street, 'postalCode', a."postalCode", 'requirements', a.requirements)
         FROM "ReturnAddress" a WHERE a."shopId" = s.id AND a."isDefault" LIMIT 1) AS "returnAddress",
      (SELECT COALESCE(json_agg(json_build_object('id', k.id, 'appId', k."appId", 'appName', a.name, 'actions', k.actions, 'targetUrl', k."targetUrl",
                'timeoutMs', k."timeoutMs", 'onFailure', k."onFailure", 'secret', k.secret) ORDER BY k."createdAt", k.id), '[]'::json)
         FROM "AppCheck" k JOIN "App" a ON a.id = k."appId" WHERE k."shopId" = s.id AND a.enabled) AS checks,
      (SELECT COALESCE(json_agg(json_build_object('id', t.id, 'code', t.code, 'parentId', t."parentId", 'archived', t.archived, 'parentArchived', p.archived)), '[]'::json)
         FROM "ReasonTag" t LEFT JOIN "ReasonTag" p ON p.id = t."parentId" WHERE t."shopId" = s.id) AS reasons
    FROM "Shop" s WHERE s.id IN (${Prisma.join([...shopIds])})`;
  for (const row of rows) {
    const parse = <T>(value: unknown): T => (typeof value === "string" ? JSON.parse(value) : value) as T;
    const sla: SlaMinutesByStatus = {};
    for (const policy of parse<Array<{ status: keyof SlaMinutesByStatus; minutes: number }>>(row.sla)) sla[policy.status] = policy.minutes;
    const timers: TimerSchedule = {};
    for (const timer of parse<Array<{ status: keyof TimerSchedule; minutes: number; action: string; name: string }>>(row.timers)) {
      timers[timer.status] = { action: timer.action, name: timer.name, ms: timer.minutes * minuteMs };
    }
    policies.set(row.shopId, {
      sla,
      timers,
      rules: parse<Parameters<typeof ruleFromRow>[0][]>(row.rules).map(ruleFromRow),
      limits: approvalLimitsFrom(parse<Parameters<typeof approvalLimitsFrom>[0]>(row.limits), row.overLimit),
      returns: {
        policies: parse<Parameters<typeof returnPolicyFromRow>[0][]>(row.returnPolicies).map(returnPolicyFromRow),
        defaultAddress: row.returnAddress == null ? null : parse<ReturnAddressSnapshot>(row.returnAddress),
      },
      checks: parse<AppCheckDef[]>(row.checks),
      reasons: new Map(parse<ShopReason[]>(row.reasons).map((reason) => [reason.code, reason])),
    });
  }
  return policies;
}
