import { encodeGlobalID } from "@pothos/plugin-relay";
import { CHECK_CALL_OUTCOMES, CHECK_DECISIONS, CHECK_FAILURE_POLICIES, CHECK_TIMEOUT_MS, type CheckHealth } from "../domain/app-checks.js";
import { createAppCheck, deleteAppCheck } from "../services/app-check-admin.js";
import { APP_ADMIN_ROLES, appAdminScope } from "../services/apps.js";
import type { Viewer } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { AppRef } from "./apps.js";
import { builder } from "./builder.js";
import { RefundActionEnum } from "./enums.js";
import { UserErrorRef, parseGlobalId, withUserErrors } from "./user-errors.js";

const FAILURE_POLICY_MEANINGS: Record<(typeof CHECK_FAILURE_POLICIES)[number], string> = {
  CONTINUE: "The action goes ahead as if the app had answered CONTINUE (fail open).",
  HOLD: "The action is not taken; the refund waits for a person (HELD_FOR_REVIEW; fail closed).",
};

const AppCheckFailurePolicyEnum = builder.enumType("AppCheckFailurePolicy", {
  description: "What a check that could not answer (timeout, network error, non-2xx, not an answer, open circuit) counts as.",
  values: Object.fromEntries(CHECK_FAILURE_POLICIES.map((policy) => [policy, { value: policy, description: FAILURE_POLICY_MEANINGS[policy] }])) as { [P in (typeof CHECK_FAILURE_POLICIES)[number]]: { value: P; description: string } },
});

const AppCheckDecisionEnum = builder.enumType("AppCheckDecision", {
  description: "What an app's check answers about an action.",
  values: {
    CONTINUE: { value: "CONTINUE" as const, description: "The transition goes on." },
    VETO: { value: "VETO" as const, description: "The transition is refused with a userError (the app's code when it is a UserErrorCode, else APP_VETO)." },
    HOLD: { value: "HOLD" as const, description: "The transition is not made; the refund waits for a person (HELD_FOR_REVIEW)." },
  } satisfies Record<(typeof CHECK_DECISIONS)[number], unknown>,
});

const OUTCOME_MEANINGS: Record<(typeof CHECK_CALL_OUTCOMES)[number], string> = {
  CONTINUE: "The app answered CONTINUE.",
  VETO: "The app answered VETO.",
  HOLD: "The app answered HOLD.",
  TIMEOUT: "No whole answer within the check's timeoutMs: the failure policy applied.",
  NETWORK_ERROR: "The call failed (refused connection, DNS, an address the outbound rules refuse): the failure policy applied.",
  BAD_STATUS: "The app answered a status other than 2xx: the failure policy applied.",
  BAD_ANSWER: "The body was not JSON or named an unknown decision: the failure policy applied.",
  CIRCUIT_OPEN: "Not called: the check's circuit is open after failures in a row; the failure policy applied.",
};

const AppCheckOutcomeEnum = builder.enumType("AppCheckOutcome", {
  description: "How one call of a check ended.",
  values: Object.fromEntries(CHECK_CALL_OUTCOMES.map((outcome) => [outcome, { value: outcome, description: OUTCOME_MEANINGS[outcome] }])) as {
    [O in (typeof CHECK_CALL_OUTCOMES)[number]]: { value: O; description: string };
  },
});

const AppCircuitStatusEnum = builder.enumType("AppCircuitStatus", {
  description: "The circuit breaker of an app's checks in this server process.",
  values: {
    CLOSED: { value: "CLOSED" as const, description: "Calls go out." },
    OPEN: { value: "OPEN" as const, description: "Failed too often in a row: not called (its failure policy applies) until the circuit half-opens." },
    HALF_OPEN: { value: "HALF_OPEN" as const, description: "The next call is a trial: its success closes the circuit, its failure opens it again." },
  },
});

const NOT_CALLED: CheckHealth = { status: "CLOSED", consecutiveFailures: 0, lastError: null, lastErrorAt: null, p50LatencyMs: null, p99LatencyMs: null, recentCalls: 0 };

const AppHealthRef = builder.objectRef<CheckHealth>("AppHealth").implement({
  description:
    "How the app's checks answer, as the server process that answers this query has seen them (each process keeps its own circuits): the worst circuit of its checks.",
  fields: (t) => ({
    status: t.field({ type: AppCircuitStatusEnum, resolve: (health) => health.status, description: "The worst circuit of the app's checks." }),
    consecutiveFailures: t.exposeInt("consecutiveFailures", { description: "Failed calls in a row." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "The last failure's message; null when none failed." }),
    lastErrorAt: t.field({ type: "DateTime", nullable: true, resolve: (health) => health.lastErrorAt, description: "When the last failure happened (ISO 8601, UTC); null when none failed." }),
    p50LatencyMs: t.exposeInt("p50LatencyMs", { nullable: true, description: "Median latency of its checks' recent calls (up to 100 per check)." }),
    p99LatencyMs: t.exposeInt("p99LatencyMs", { nullable: true, description: "The 99th percentile of recent calls' latency in milliseconds; null before any call." }),
    recentCalls: t.exposeInt("recentCalls", { description: "How many calls the latencies are of." }),
  }),
});

/** Check rows only for the admins of their shop, as the app itself. */
function adminWhere(viewer: Viewer) {
  return (APP_ADMIN_ROLES as readonly string[]).includes(viewer.role) && !viewer.app ? appAdminScope(viewer) : { id: { in: [] as string[] } };
}

const AppCheckCallRef = builder.prismaObject("AppCheckCall", {
  description: "One call of a check for one transition.",
  fields: (t) => ({
    action: t.field({ type: RefundActionEnum, resolve: (call) => call.action as (typeof RefundActionEnum)["$inferType"], description: "The action the check was asked about." }),
    refundId: t.field({ type: "ID", resolve: (call) => encodeGlobalID("Refund", call.refundId), description: "The global id of the refund the action was for." }),
    outcome: t.field({ type: AppCheckOutcomeEnum, resolve: (call) => call.outcome, description: "How the call ended." }),
    applied: t.field({ type: AppCheckDecisionEnum, description: "The decision applied: the app's, or the failure policy's.", resolve: (call) => call.applied }),
    httpStatus: t.exposeInt("httpStatus", { nullable: true, description: "The HTTP status the app answered; null when there was no answer." }),
    latencyMs: t.exposeInt("latencyMs", { nullable: true, description: "How long the call took, in milliseconds; null when it was not made." }),
    error: t.exposeString("error", { nullable: true, description: "What went wrong; null when nothing did." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the call was made (ISO 8601, UTC)." }),
  }),
});

export const AppCheckRef = builder.prismaNode("AppCheck", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [adminWhere(queryViewer(ctx))] }),
  description: "An app's synchronous before-transition check: the transition is POSTed to `targetUrl`, signed, and waits at most `timeoutMs` for the app's decision.",
  fields: (t) => ({
    app: t.relation("app", { description: "The app the check belongs to." }),
    actions: t.field({ type: [RefundActionEnum], resolve: (check) => check.actions as Array<(typeof RefundActionEnum)["$inferType"]>, description: "The refund actions the check is asked about." }),
    targetUrl: t.exposeString("targetUrl", { description: "The URL the platform calls (public http(s) only)." }),
    timeoutMs: t.exposeInt("timeoutMs", { description: "How long the platform waits for an answer, in milliseconds; then `onFailure` applies." }),
    onFailure: t.field({ type: AppCheckFailurePolicyEnum, resolve: (check) => check.onFailure, description: "What happens when the app does not answer in time or answers badly." }),
    secretSet: t.boolean({ description: "Secrets are write-only: whether one is set, never it.", resolve: (check) => check.secret.length > 0 }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the check was created (ISO 8601, UTC)." }),
    recentCalls: t.relation("calls", {
      description: "The latest calls, newest first.",
      args: { first: t.arg.int({ defaultValue: 20, description: "How many calls, newest first: 1 to 100." }) },
      query: ({ first }) => ({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: Math.min(Math.max(first ?? 20, 1), 100) }),
    }),
  }),
});

builder.prismaObjectFields(AppRef, (t) => ({
  checks: t.relation("checks", { description: "The app's synchronous before-transition checks.", query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] } }),
  health: t.field({
    description: "How the app's checks have answered lately, as this server process saw them.",
    type: AppHealthRef,
    select: { checks: { select: { id: true } } },
    resolve: (app, _args, ctx) => ctx.services.appChecks?.healthOf(app.checks.map((check) => check.id)) ?? NOT_CALLED,
  }),
}));

const CreateAppCheckInput = builder.inputType("CreateAppCheckInput", {
  description: "A new synchronous check of an app.",
  fields: (t) => ({
    appId: t.id({ required: true, description: "The app's global id (`App.id`)." }),
    actions: t.field({ type: [RefundActionEnum], required: true, description: "The actions asked about: the ones people take (APPROVE, FINANCE_APPROVE, …)." }),
    targetUrl: t.string({ required: true, description: "Must pass the outbound rules (a public address, or one OUTBOUND_ALLOW_HOSTS permits)." }),
    timeoutMs: t.int({ description: `How long a transition waits for the answer: ${CHECK_TIMEOUT_MS.min} to ${CHECK_TIMEOUT_MS.max}, default ${CHECK_TIMEOUT_MS.default}.` }),
    onFailure: t.field({ type: AppCheckFailurePolicyEnum, description: "What a failed call counts as; default CONTINUE." }),
    secret: t.string({ required: true, description: "Signs each call (X-Refund-Signature); write-only, 24 to 256 characters." }),
  }),
});

builder.mutationField("createAppCheck", (t) =>
  t.field({
    description: "Adds a synchronous check to an app (its admins): before each of `actions` the platform calls `targetUrl` and waits up to the timeout for CONTINUE, VETO or HOLD.",
    type: builder.simpleObject("CreateAppCheckPayload", {
      fields: (p) => ({ check: p.field({ type: AppCheckRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: CreateAppCheckInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, (viewer) =>
        createAppCheck(ctx.db, ctx.services.shopConfig, viewer, { ...input, appId: parseGlobalId(input.appId, "App", ["input", "appId"]) }),
      ),
  }),
);

const DeleteAppCheckInput = builder.inputType("DeleteAppCheckInput", { description: "The check to delete.", fields: (t) => ({ checkId: t.id({ required: true, description: "The check's global id (`AppCheck.id`)." }) }) });

builder.mutationField("deleteAppCheck", (t) =>
  t.field({
    description: "Deletes a check (its admins): the actions are no longer asked about.",
    type: builder.simpleObject("DeleteAppCheckPayload", {
      fields: (p) => ({ deletedCheckId: p.id({ nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: DeleteAppCheckInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const result = await withUserErrors(ctx, input, (viewer) =>
        deleteAppCheck(ctx.db, ctx.services.shopConfig, viewer, { checkId: parseGlobalId(input.checkId, "AppCheck", ["input", "checkId"]) }, (id) => ctx.services.appChecks?.forget(id)),
      );
      return { ...result, deletedCheckId: result.deletedCheckId ? encodeGlobalID("AppCheck", result.deletedCheckId) : null };
    },
  }),
);
