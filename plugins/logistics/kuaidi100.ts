// Kuaidi100 as the logistics plugin's carrier source: a parcel is subscribed when it gets a
// tracking number (after commit, from the plugin's durable after-hook), Kuaidi100's signed pushes
// come in at /plugins/logistics/kuaidi100, and shops that cannot receive them are polled.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { CarrierSubscription } from "../../src/generated/prisma/client.js";
import type { AfterTransitionContext, AfterTransitionEvent } from "../../src/plugin/index.js";
import {
  KUAIDI100_STATES,
  type TrackingResult,
  companyCodeFor,
  detectCompany,
  newestTrace,
  pushParam,
  pushSignature,
  queryTracking,
  subscribe,
} from "./kuaidi100-api.js";
import type { LogisticsSettings } from "./settings.js";
import { type LogisticsContext, type LogisticsDb, applyTrackingEvent } from "./tracking.js";

/** The transitions that give a parcel its tracking number. */
export const TRACKED_ACTIONS = ["SUBMIT_RETURN_SHIPMENT", "SHIP_REPLACEMENT"] as const;

/** Where Kuaidi100 pushes: the platform's public address (PUBLIC_BASE_URL) and the route. */
export function callbackUrl(subscriptionId: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const base = env.PUBLIC_BASE_URL?.trim().replace(/\/+$/, "");
  return base ? `${base}/plugins/logistics/kuaidi100?subscription=${subscriptionId}` : null;
}

/** Kuaidi100 re-reads a parcel at most every half hour; polling more often locks the number. */
const POLL_SPACING_MS = 30 * 60_000;

/**
 * The after-hook of SUBMIT_RETURN_SHIPMENT and SHIP_REPLACEMENT: records the parcel's
 * subscription (once: keyed by refund and parcel) and hands it to Kuaidi100. A refusal (unknown
 * company, wrong key, no quota) is recorded with Kuaidi100's reason for staff and not retried;
 * a network error or a 5xx throws, and the host retries with backoff.
 */
export async function subscribeParcel(event: AfterTransitionEvent, ctx: AfterTransitionContext<LogisticsSettings, LogisticsDb>): Promise<void> {
  const account = ctx.settings.kuaidi100;
  if (!account) return;
  const refundId = event.refund.id;
  const parcel = event.transition.action === "SHIP_REPLACEMENT" ? "REPLACEMENT" : "RETURN";
  const shipment = parcel === "RETURN" ? event.returnShipment : event.replacementShipment;
  if (!shipment) return;
  await ctx.db.carrierSubscription.createMany({
    data: [{ shopId: ctx.shopId, refundId, parcel, carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, salt: randomBytes(16).toString("hex"), mode: account.mode }],
    skipDuplicates: true,
  });
  const subscription = await ctx.db.carrierSubscription.findUniqueOrThrow({ where: { refundId_parcel: { refundId, parcel } } });
  if (subscription.status !== "PENDING") return;
  const refuse = (returnCode: string, message: string) =>
    ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { status: "REFUSED", returnCode, message: message.slice(0, 500) } });

  let company = subscription.company ?? companyCodeFor(subscription.carrier);
  if (!company) {
    const detected = await detectCompany({ key: account.key, number: subscription.trackingNumber });
    if (!detected.company) return void (await refuse("UNKNOWN_CARRIER", `"${subscription.carrier}" is not a carrier we know, and Kuaidi100 could not tell: ${detected.message}`));
    company = detected.company;
  }
  await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { company } });
  if (subscription.mode === "POLL") {
    await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { status: "POLLING" } });
    return;
  }
  const url = callbackUrl(subscription.id);
  if (!url) return void (await refuse("NO_CALLBACK_URL", "PUBLIC_BASE_URL is not set: Kuaidi100 would have nowhere to push (set it, or use mode POLL)"));
  const answer = await subscribe({ key: account.key, company, number: subscription.trackingNumber, callbackUrl: url, salt: subscription.salt });
  // 500 is Kuaidi100's own trouble: try again later. 501 means it already follows this parcel for
  // us (a retry after a lost answer).
  if (answer.returnCode === "500") throw new Error(`Kuaidi100 could not take the subscription: ${answer.returnCode} ${answer.message}`);
  if (answer.result || answer.returnCode === "200" || answer.returnCode === "501") {
    await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { status: "SUBSCRIBED", returnCode: answer.returnCode, message: answer.message.slice(0, 500) } });
    return;
  }
  await refuse(answer.returnCode, answer.message);
}

/** Stable codes of a refused push; each answer says which, and nothing changed. */
export type PushRefusal = "MALFORMED_PARAM" | "UNKNOWN_SUBSCRIPTION" | "SIGNATURE_INVALID" | "TRACKING_NUMBER_MISMATCH" | "UNKNOWN_STATE" | "EVENT_IN_FUTURE";

export type ApplyOutcome = { ok: true; changed: boolean; refundStatus?: string } | { ok: false; code: "UNKNOWN_STATE" | "EVENT_IN_FUTURE"; message: string };

const sameNumber = (a: string, b: string) => a.replace(/\s+/g, "").toUpperCase() === b.replace(/\s+/g, "").toUpperCase();

/**
 * Applies what Kuaidi100 knows of a subscribed parcel (a push's lastResult, or a query's
 * answer): its newest scan as one tracking event, mapped from Kuaidi100's state. An older or
 * repeated result changes nothing (the event rules of applyTrackingEvent).
 */
export async function applyKuaidi100Result(ctx: LogisticsContext, subscription: CarrierSubscription, result: TrackingResult, now: Date = new Date()): Promise<ApplyOutcome> {
  const state = KUAIDI100_STATES[result.state];
  if (!state) return { ok: false, code: "UNKNOWN_STATE", message: `Kuaidi100 state ${result.state} is not one we know` };
  const newest = newestTrace(result);
  if (!newest) return { ok: true, changed: false };
  const applied = await applyTrackingEvent(
    ctx,
    subscription.shopId,
    {
      carrier: subscription.carrier,
      trackingNumber: subscription.trackingNumber,
      status: state.status,
      occurredAt: newest.at,
      description: `${state.name} ${newest.context}`.trim(),
    },
    { now },
  );
  if (applied.outcome === "EVENT_IN_FUTURE") return { ok: false, code: "EVENT_IN_FUTURE", message: "the newest scan is dated more than a day ahead" };
  // The subscription keeps Kuaidi100's own word for the newest state, for staff.
  await ctx.db.carrierSubscription.updateMany({
    where: { id: subscription.id, OR: [{ lastEventAt: null }, { lastEventAt: { lt: newest.at } }] },
    data: { lastState: result.state, lastEventAt: newest.at },
  });
  if (applied.outcome === "UNKNOWN_TRACKING_NUMBER") return { ok: true, changed: false };
  return { ok: true, changed: applied.trackingChanged || applied.received, refundStatus: applied.refundStatus };
}

/** What Kuaidi100 must get back so it stops resending. */
const ACCEPTED = { result: true, returnCode: "200", message: "成功" };
const refused = (status: number, code: PushRefusal, message: string) =>
  Response.json({ result: false, returnCode: String(status), message: `${code}: ${message}`, code }, { status });

const MAX_BODY_BYTES = 512 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function signatureMatches(given: string | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given.trim());
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `POST /plugins/logistics/kuaidi100?subscription=<id>`: Kuaidi100's push, a form with `param`
 * (JSON) and `sign` = MD5(param + the subscription's salt), upper-case hex. Answered
 * `{"result":true,"returnCode":"200","message":"成功"}` once applied (a repeat or an older push
 * too, changing nothing); a refusal answers `result: false` with a stable code and changes nothing.
 */
export async function handleKuaidi100Push(request: Request, ctx: LogisticsContext): Promise<Response> {
  const id = new URL(request.url).searchParams.get("subscription") ?? "";
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return refused(413, "MALFORMED_PARAM", "body too large");
  const raw = await request.text();
  if (raw.length > MAX_BODY_BYTES) return refused(413, "MALFORMED_PARAM", "body too large");
  const form = new URLSearchParams(raw);
  const param = form.get("param");

  const subscription = UUID.test(id) ? await ctx.db.carrierSubscription.findUnique({ where: { id: id.toLowerCase() } }) : null;
  if (!subscription) return refused(404, "UNKNOWN_SUBSCRIPTION", "no parcel is subscribed under this callback");
  // Checked before the param is read: an unsigned body is not looked into.
  if (param === null || !signatureMatches(form.get("sign"), pushSignature(param, subscription.salt))) {
    return refused(401, "SIGNATURE_INVALID", "sign must be MD5(param + salt) in upper-case hex");
  }
  const settings = await ctx.settingsFor(subscription.shopId);
  if (!settings.enabled) return Response.json(ACCEPTED);

  let parsed: ReturnType<typeof pushParam.safeParse>;
  try {
    parsed = pushParam.safeParse(JSON.parse(param));
  } catch {
    return refused(400, "MALFORMED_PARAM", "param is not JSON");
  }
  if (!parsed.success) return refused(400, "MALFORMED_PARAM", parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  const push = parsed.data;
  if (push.lastResult && !sameNumber(push.lastResult.nu, subscription.trackingNumber)) {
    return refused(409, "TRACKING_NUMBER_MISMATCH", `this callback follows ${subscription.trackingNumber}, not ${push.lastResult.nu}`);
  }

  if (push.lastResult) {
    const outcome = await applyKuaidi100Result(ctx, subscription, push.lastResult);
    if (!outcome.ok) return refused(422, outcome.code, outcome.message);
  }
  // shutdown: signed for, Kuaidi100 stops; abort: it gave up (no scans for 3 days, none for 60).
  if (push.status === "shutdown" || push.status === "abort") {
    await ctx.db.carrierSubscription.updateMany({
      where: { id: subscription.id, status: { not: "ENDED" } },
      data: { status: "ENDED", ...(push.status === "abort" && { returnCode: "abort", message: (push.message || "Kuaidi100 stopped following the parcel").slice(0, 500) }) },
    });
  }
  if (push.comNew && push.comNew !== subscription.company) {
    await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { company: push.comNew } });
  }
  return Response.json(ACCEPTED);
}

/**
 * The polling adapter, for shops with `kuaidi100.mode: "POLL"` (no public callback): asks
 * Kuaidi100's real-time query about each parcel still followed, at most every half hour, and
 * applies the answers like pushes. Several processes may run it: applying twice changes nothing.
 */
export async function pollKuaidi100(ctx: LogisticsContext, options: { now?: Date; shopId?: string } = {}): Promise<{ polled: number; changed: number }> {
  const now = options.now ?? new Date();
  const due = await ctx.db.carrierSubscription.findMany({
    where: {
      status: "POLLING",
      mode: "POLL",
      ...(options.shopId && { shopId: options.shopId }),
      OR: [{ lastPolledAt: null }, { lastPolledAt: { lte: new Date(now.getTime() - POLL_SPACING_MS) } }],
    },
    orderBy: [{ lastPolledAt: { sort: "asc", nulls: "first" } }, { id: "asc" }],
    take: 200,
  });
  const summary = { polled: 0, changed: 0 };
  const failures: unknown[] = [];
  for (const subscription of due) {
    const account = (await ctx.settingsFor(subscription.shopId)).kuaidi100;
    if (!account || account.mode !== "POLL" || !subscription.company) continue;
    // Claimed for this round first, so another process skips it.
    const claimed = await ctx.db.carrierSubscription.updateMany({
      where: { id: subscription.id, lastPolledAt: subscription.lastPolledAt },
      data: { lastPolledAt: now },
    });
    if (claimed.count === 0) continue;
    try {
      const answer = await queryTracking({ key: account.key, customer: account.customer, company: subscription.company, number: subscription.trackingNumber });
      summary.polled += 1;
      if (!answer.ok) {
        await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { returnCode: answer.returnCode, message: answer.message.slice(0, 500) } });
        continue;
      }
      const outcome = await applyKuaidi100Result(ctx, subscription, answer.result, now);
      if (outcome.ok && outcome.changed) summary.changed += 1;
      if (answer.result.state === "3") await ctx.db.carrierSubscription.update({ where: { id: subscription.id }, data: { status: "ENDED" } });
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} Kuaidi100 query call(s) failed`);
  return summary;
}
