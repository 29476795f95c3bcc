// A stand-in for the Stripe API's refunds, as Stripe documents them, driven over real HTTP by the
// real adapter (the `stripe` SDK pointed here by its host/port/protocol options):
//  - `Authorization: Bearer <secret key>`; none or a wrong one answers 401 with Stripe's
//    `invalid_request_error` body ("You did not provide an API key…", "Invalid API Key
//    provided: sk_test_****…");
//  - `POST /v1/refunds`, form-encoded (`payment_intent` or `charge`, `amount`, `metadata[…]`),
//    with `Idempotency-Key` as documented: the status and body of the first request whose
//    execution began are saved and answered again (`Idempotent-Replayed: true`) for the same key
//    and the same parameters; the same key with other parameters answers 400 `idempotency_error`;
//    rate limits (429) and 5xx answered before execution are not saved;
//  - refunds answer `pending`, `succeeded`, `failed` (with `failure_reason`) or `requires_action`
//    as the test asks; `GET /v1/refunds/:id` and `GET /v1/refunds?payment_intent=…|charge=…`;
//  - a refund that moves on (`settle`) makes the events `refund.updated` and
//    `charge.refund.updated`, which `deliver` POSTs signed with `Stripe-Signature:
//    t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload" with the endpoint's secret>`.
import { createHmac, randomBytes } from "node:crypto";
import { type Fault, type StandInAnswer, type StandInRequest, StandInServer } from "./stand-in-http.js";

export type StripeFault = "RATE_LIMITED" | "HTTP_5XX" | Fault;
export type StripeRefundStatus = "pending" | "requires_action" | "succeeded" | "failed" | "canceled";

interface Payment {
  paymentIntent: string;
  charge: string;
  amount: number;
  currency: string;
}

export interface StripeRefund {
  id: string;
  object: "refund";
  amount: number;
  balance_transaction: string | null;
  charge: string;
  created: number;
  currency: string;
  destination_details: null;
  failure_reason?: string;
  metadata: Record<string, string>;
  next_action?: { type: "display_details"; display_details: { email_sent: { email_sent_at: number; email_sent_to: string }; expires_at: number } };
  payment_intent: string;
  reason: string | null;
  receipt_number: null;
  source_transfer_reversal: null;
  status: StripeRefundStatus;
  transfer_reversal: null;
}

const API_VERSION = "2026-11-18.endive";

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("base64url").replace(/[-_]/g, "0")}`;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): StandInAnswer {
  return { status, headers: { "request-id": stripeId("req"), "stripe-version": API_VERSION, ...headers }, body: JSON.stringify(body, null, 2) };
}

function error(status: number, body: Record<string, string>, headers: Record<string, string> = {}): StandInAnswer {
  return json(status, { error: body }, headers);
}

/** `Stripe-Signature` for `payload` as Stripe signs webhook deliveries. */
export function stripeSignature(payload: string, secret: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${payload}`, "utf8").digest("hex")}`;
}

/** `metadata[key]=value` form fields as the object they encode. */
function formObject(form: URLSearchParams): Record<string, string | Record<string, string>> {
  const out: Record<string, string | Record<string, string>> = {};
  for (const [key, value] of form) {
    const nested = /^(\w+)\[(\w+)\]$/.exec(key);
    if (nested) out[nested[1]!] = { ...(out[nested[1]!] as Record<string, string> | undefined), [nested[2]!]: value };
    else out[key] = value;
  }
  return out;
}

export class StripeApiStandIn {
  private readonly http: StandInServer;
  private readonly payments: Payment[] = [];
  private readonly refunds = new Map<string, StripeRefund>();
  private readonly saved = new Map<string, { params: string; path: string; answer: StandInAnswer }>();
  private readonly faults: StripeFault[] = [];
  private readonly nextStatuses: Array<{ status: StripeRefundStatus; failureReason?: string }> = [];
  private port = 0;
  /** Every request that reached the API: `METHOD path`. */
  readonly calls: string[] = [];

  constructor(private readonly secretKey: string) {
    this.http = new StandInServer((request) => this.serve(request));
  }

  get url(): string {
    return this.http.url;
  }

  get held(): StandInServer {
    return this.http;
  }

  async start(): Promise<string> {
    await this.http.start(this.port);
    this.port = Number(new URL(this.http.url).port);
    return this.http.url;
  }

  /** The API stops answering at all (connections refused) until `comeBack()`. */
  goDown(): Promise<void> {
    return this.http.stop();
  }

  async comeBack(): Promise<void> {
    await this.http.start(this.port);
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  addPayment(payment: Payment): void {
    this.payments.push(payment);
  }

  failNext(...faults: StripeFault[]): void {
    this.faults.push(...faults);
  }

  /** Forgets faults asked for and not met (an SDK resent fewer times than a test allowed for). */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The next refunds created are answered with these statuses, one each, in order (default `succeeded`). */
  answerNext(status: StripeRefundStatus, failureReason?: string): void {
    this.nextStatuses.push({ status, failureReason });
  }

  refund(id: string): StripeRefund | undefined {
    return this.refunds.get(id);
  }

  /** The refunds of a payment intent, oldest first. */
  refundsOf(paymentIntent: string): StripeRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.payment_intent === paymentIntent);
  }

  /** Refunds with this idempotency key in their metadata (the adapter tags each refund so). */
  refundsTagged(key: string): StripeRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.metadata.idempotency_key === key);
  }

  /** What the customer got back on a payment: succeeded refunds only. */
  paidFor(paymentIntent: string): number {
    let total = 0;
    for (const refund of this.refunds.values()) if (refund.payment_intent === paymentIntent && refund.status === "succeeded") total += refund.amount;
    return total;
  }

  /**
   * The refund moves on to `status`; answers the events Stripe sends for it (`refund.updated`,
   * `charge.refund.updated`), as JSON payloads to `deliver`.
   */
  settle(id: string, status: StripeRefundStatus, failureReason?: string): { refundUpdated: string; chargeRefundUpdated: string } {
    const refund = this.refunds.get(id);
    if (!refund) throw new Error(`no refund ${id}`);
    const previous = { status: refund.status };
    refund.status = status;
    delete refund.next_action;
    if (status === "failed") refund.failure_reason = failureReason ?? "unknown";
    const event = (type: string) =>
      JSON.stringify(
        {
          id: stripeId("evt"),
          object: "event",
          api_version: API_VERSION,
          created: Math.floor(Date.now() / 1000),
          data: { object: refund, previous_attributes: previous },
          livemode: false,
          pending_webhooks: 1,
          request: { id: null, idempotency_key: null },
          type,
        },
        null,
        2,
      );
    return { refundUpdated: event("refund.updated"), chargeRefundUpdated: event("charge.refund.updated") };
  }

  /** POSTs an event to a webhook endpoint as Stripe does, signed with `secret` at `at`. */
  async deliver(endpoint: string, payload: string, secret: string, at: Date = new Date()): Promise<Response> {
    return fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": stripeSignature(payload, secret, at), "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
      body: payload,
    });
  }

  private serve(request: StandInRequest): { answer: StandInAnswer; fault?: Fault } {
    const path = request.url.pathname;
    this.calls.push(`${request.method} ${path}`);
    const authorization = request.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/.exec(authorization)?.[1];
    const basic = /^Basic (.+)$/.exec(authorization)?.[1];
    const key = bearer ?? (basic ? Buffer.from(basic, "base64").toString("utf8").split(":")[0] : undefined);
    if (!key) {
      return {
        answer: error(401, {
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
          type: "invalid_request_error",
        }),
      };
    }
    if (key !== this.secretKey) {
      const masked = `${key.slice(0, key.indexOf("_", 3) + 1)}${"*".repeat(Math.max(0, key.length - key.indexOf("_", 3) - 5))}${key.slice(-4)}`;
      return { answer: error(401, { message: `Invalid API Key provided: ${masked}`, type: "invalid_request_error" }) };
    }

    const fault = this.faults.shift();
    // Answered before the endpoint runs: nothing is saved for the idempotency key.
    if (fault === "RATE_LIMITED") {
      return { answer: error(429, { code: "rate_limit", message: "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", type: "invalid_request_error" }) };
    }
    if (fault === "HTTP_5XX") {
      return { answer: error(500, { message: "An unknown error occurred", type: "api_error" }, { "stripe-should-retry": "true" }) };
    }
    const cut = fault === "silence" || fault === "lost" ? fault : undefined;

    if (request.method === "POST" && path === "/v1/refunds") {
      const params = new URLSearchParams(request.body);
      const canonical = [...params].map(([name, value]) => `${name}=${value}`).sort().join("&");
      const idempotencyKey = request.headers["idempotency-key"];
      const key = typeof idempotencyKey === "string" ? idempotencyKey : undefined;
      const known = key ? this.saved.get(key) : undefined;
      if (known) {
        if (known.params !== canonical || known.path !== path) {
          return {
            answer: error(400, {
              message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
              type: "idempotency_error",
            }),
          };
        }
        return { answer: { ...known.answer, headers: { ...known.answer.headers, "idempotent-replayed": "true", "original-request": known.answer.headers?.["request-id"] ?? "" } }, fault: cut };
      }
      const { answer, executed } = this.create(formObject(params));
      // Saved once the endpoint ran; a request refused by parameter validation is not.
      if (key && executed) this.saved.set(key, { params: canonical, path, answer });
      return { answer, fault: cut };
    }
    if (request.method === "GET" && path === "/v1/refunds") {
      const paymentIntent = request.url.searchParams.get("payment_intent");
      const charge = request.url.searchParams.get("charge");
      const data = [...this.refunds.values()]
        .filter((refund) => (!paymentIntent || refund.payment_intent === paymentIntent) && (!charge || refund.charge === charge))
        .sort((a, b) => b.created - a.created);
      return { answer: json(200, { object: "list", data, has_more: false, url: "/v1/refunds" }), fault: cut };
    }
    const retrieve = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (request.method === "GET" && retrieve) {
      const refund = this.refunds.get(retrieve[1]!);
      if (!refund) return { answer: error(404, { code: "resource_missing", message: `No such refund: '${retrieve[1]}'`, param: "id", type: "invalid_request_error" }) };
      return { answer: json(200, refund), fault: cut };
    }
    return { answer: error(404, { message: `Unrecognized request URL (${request.method}: ${path}).`, type: "invalid_request_error" }) };
  }

  private create(params: Record<string, string | Record<string, string>>): { answer: StandInAnswer; executed: boolean } {
    const invalid = (answer: StandInAnswer) => ({ answer, executed: false });
    const ran = (answer: StandInAnswer) => ({ answer, executed: true });
    const paymentIntent = typeof params.payment_intent === "string" ? params.payment_intent : undefined;
    const chargeId = typeof params.charge === "string" ? params.charge : undefined;
    if (!paymentIntent && !chargeId) {
      return invalid(error(400, { message: "One of the following params should be provided for this request: payment_intent or charge.", type: "invalid_request_error" }));
    }
    const payment = this.payments.find((candidate) => (paymentIntent ? candidate.paymentIntent === paymentIntent : candidate.charge === chargeId));
    if (!payment) {
      const [param, id] = paymentIntent ? ["payment_intent", paymentIntent] : ["charge", chargeId!];
      return ran(error(400, { code: "resource_missing", message: `No such ${param}: '${id}'`, param, type: "invalid_request_error" }));
    }
    const refunded = [...this.refunds.values()]
      .filter((refund) => refund.charge === payment.charge && refund.status !== "failed" && refund.status !== "canceled")
      .reduce((sum, refund) => sum + refund.amount, 0);
    const left = payment.amount - refunded;
    const amount = params.amount === undefined ? left : Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0) {
      return invalid(error(400, { code: "parameter_invalid_integer", message: "Invalid positive integer", param: "amount", type: "invalid_request_error" }));
    }
    if (left === 0) {
      return ran(error(400, { code: "charge_already_refunded", message: `Charge ${payment.charge} has already been refunded.`, type: "invalid_request_error" }));
    }
    if (amount > left) {
      const money = (minor: number) => `$${(minor / 100).toFixed(2)}`;
      return ran(error(400, { code: "amount_too_large", message: `Refund amount (${money(amount)}) is greater than unrefunded amount on charge (${money(left)})`, param: "amount", type: "invalid_request_error" }));
    }
    const next = this.nextStatuses.shift() ?? { status: "succeeded" as const };
    const created = Math.floor(Date.now() / 1000);
    const refund: StripeRefund = {
      id: stripeId("re"),
      object: "refund",
      amount,
      balance_transaction: next.status === "failed" ? null : stripeId("txn"),
      charge: payment.charge,
      created,
      currency: payment.currency,
      destination_details: null,
      metadata: typeof params.metadata === "object" ? params.metadata : {},
      payment_intent: payment.paymentIntent,
      reason: typeof params.reason === "string" ? params.reason : null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: next.status,
      transfer_reversal: null,
      ...(next.status === "failed" && { failure_reason: next.failureReason ?? "unknown" }),
      ...(next.status === "requires_action" && {
        next_action: { type: "display_details" as const, display_details: { email_sent: { email_sent_at: created, email_sent_to: "jenny@example.com" }, expires_at: created + 7 * 86400 } },
      }),
    };
    this.refunds.set(refund.id, refund);
    return ran(json(200, refund));
  }
}
