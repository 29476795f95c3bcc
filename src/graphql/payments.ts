import { GraphQLError } from "graphql";
import type { Role } from "../domain/types.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { type PaymentProviderCode, PaymentProviderEnum } from "./enums.js";
import { MoneyRef, money } from "./money.js";
import { settleByHandFrom, waitingSince } from "../domain/stuck-payments.js";
import { recordManualRefund } from "../services/manual-refund.js";
import { RefundRef } from "./refund.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";
import { refundScope } from "../services/viewer.js";

/** Who sees payment attempts (the provider's words, references): finance and the shop's admins. */
const SEES_PAYMENTS: ReadonlySet<Role> = new Set(["FINANCE", "SHOP_ADMIN", "PLATFORM_ADMIN"]);

const PaymentAttemptStatusEnum = builder.enumType("PaymentAttemptStatus", {
  values: {
    PENDING: { description: "To be sent, or sent with no answer yet." },
    PROCESSING: { description: "The provider accepted it and has not settled yet." },
    SUCCEEDED: { description: "The money went back (PAYMENT_SUCCEEDED)." },
    FAILED: { description: "The provider refused or failed it (PAYMENT_FAILED: the refund is REFUND_FAILED until finance retries)." },
  } as const,
  description:
    "PENDING: to be sent (or no answer yet: it is queried before anything is sent again). PROCESSING: the provider accepted it and has not settled; the refund stays REFUNDING until its notification or a query settles it. SUCCEEDED / FAILED: settled.",
});

// A Node, so a normalized cache keys it and a console refetches one attempt while it settles.
builder.prismaNode("PaymentRefundAttempt", {
  name: "PaymentAttempt",
  description: "One try at paying a refund back through its provider (each entry into REFUNDING is one, with its own idempotency key).",
  id: { field: "id" },
  nullable: true,
  // As `Refund.paymentAttempts`: finance and the admins of the refund's shop (a platform admin: every shop's).
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    if (!SEES_PAYMENTS.has(viewer.role)) return { id, AND: [{ id: { in: [] } }] };
    return { id, refund: refundScope(viewer) };
  },
  fields: (t) => ({
    provider: t.field({ type: PaymentProviderEnum, resolve: (attempt) => attempt.provider as PaymentProviderCode, description: "The provider the money goes back through: the order's payment's." }),
    status: t.expose("status", { type: PaymentAttemptStatusEnum, description: "Where the attempt stands." }),
    amount: t.field({ type: MoneyRef, resolve: (attempt) => money(attempt.amount, attempt.currency), description: "What this attempt pays back, in minor units of the shop's currency." }),
    idempotencyKey: t.exposeString("idempotencyKey", { description: "What the provider knows it by (WeChat Pay out_refund_no, Alipay out_request_no, Stripe Idempotency-Key)." }),
    reference: t.exposeString("reference", { nullable: true, description: "The provider's refund id (or finance's reference of a manual refund)." }),
    providerAnswer: t.exposeString("providerAnswer", { nullable: true, description: "The provider's last words about it: its status and message (e.g. `PROCESSING`, `ABNORMAL: …`)." }),
    failureReason: t.exposeString("failureReason", { nullable: true, description: "Why it failed, in the provider's words; null unless FAILED." }),
    manualNote: t.exposeString("manualNote", { nullable: true, description: "Finance's note of a refund paid by hand (recordManualRefund)." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the attempt was made: the refund entered REFUNDING (ISO 8601, UTC)." }),
    sentAt: t.expose("sentAt", { type: "DateTime", nullable: true, description: "When it was first sent to the provider (ISO 8601, UTC); null until sent." }),
    answeredAt: t.expose("answeredAt", { type: "DateTime", nullable: true, description: "When the provider last answered (ISO 8601, UTC); null until it did." }),
    completedAt: t.expose("completedAt", { type: "DateTime", nullable: true, description: "When it settled, SUCCEEDED or FAILED (ISO 8601, UTC); null while open." }),
    nextTryAt: t.field({
      type: "DateTime",
      nullable: true,
      description: "An open attempt: when it is sent or queried next (null: settled).",
      select: { lockedUntil: true, status: true },
      resolve: (attempt) => (attempt.status === "PENDING" || attempt.status === "PROCESSING" ? attempt.lockedUntil : null),
    }),
    waitingSince: t.field({
      type: "DateTime",
      nullable: true,
      description: "An open attempt (PENDING or PROCESSING): since when it waits for the provider — when it was first sent, or queued if never sent (null: settled). Show how long the money has been on its way.",
      select: { status: true, sentAt: true, createdAt: true },
      resolve: (attempt) => waitingSince(attempt),
    }),
    settleByHandFrom: t.field({
      type: "DateTime",
      nullable: true,
      description: "An open attempt: from when finance may record its refund as paid by hand (recordManualRefund), 72 hours after `waitingSince`; before, the provider may still pay it (null: settled).",
      select: { status: true, sentAt: true, createdAt: true },
      resolve: (attempt) => settleByHandFrom(attempt),
    }),
  }),
});

builder.prismaObjectFields("Refund", (t) => ({
  paymentAttempts: t.relatedConnection("paymentAttempts", {
    cursor: "id",
    description: "Every try at paying it back, oldest first: provider, status, reference, the provider's last answer and times. FINANCE and SHOP_ADMIN only (others get FORBIDDEN).",
    query: (_args, ctx) => {
      if (!SEES_PAYMENTS.has(queryViewer(ctx).role)) throw new GraphQLError("Payment attempts are shown to FINANCE and SHOP_ADMIN only", { extensions: { code: "FORBIDDEN" } });
      return { orderBy: [{ createdAt: "asc" }, { id: "asc" }] };
    },
  }),
}));

const PaymentSecretRef = builder.simpleObject("PaymentAccountSecret", {
  description: "A secret of a provider account: never shown, only that it is set.",
  fields: (t) => ({
    field: t.string({ description: "The secret's field name in the provider's account settings (e.g. apiV3Key)." }),
    setAt: t.field({ type: "DateTime", description: "When it was last set (ISO 8601, UTC)." }),
    fingerprint: t.string({ description: "The first 16 hex digits of its SHA-256: compare with your copy." }),
    masked: t.string({ description: "Its last 4 characters behind stars (a PEM key: its kind only)." }),
  }),
});

const PaymentAccountRef = builder.simpleObject("PaymentAccount", {
  description: "The shop's merchant account at a provider (write-only secrets).",
  fields: (t) => ({
    provider: t.field({ type: PaymentProviderEnum, description: "The provider of the account." }),
    settings: t.field({ type: "JSON", description: "The account's fields that are not secrets (merchant id, app id, serial numbers…)." }),
    secrets: t.field({ type: [PaymentSecretRef], description: "The account's secrets that are set, never their values." }),
  }),
});

type ShownAccount = { provider: string; settings: unknown; secrets: Array<{ field: string; setAt: string; fingerprint: string; masked: string }> };
const shownAccount = (account: ShownAccount) => ({
  provider: account.provider as PaymentProviderCode,
  settings: account.settings,
  secrets: account.secrets.map((secret) => ({ ...secret, setAt: new Date(secret.setAt) })),
});

builder.queryField("paymentAccounts", (t) =>
  t.field({
    type: [PaymentAccountRef],
    description: "The shop's provider accounts (SHOP_ADMIN; a platform admin names the shop).",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (_root, args, ctx) =>
      queryService(async () => {
        const accounts = ctx.services.paymentAccounts;
        return accounts ? (await accounts.list(queryViewer(ctx), parseShopIdInput(args.shopId))).map(shownAccount) : [];
      }),
  }),
);

const SetPaymentAccountInput = builder.inputType("SetPaymentAccountInput", {
  description: "The shop's account at one provider.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    provider: t.field({ type: PaymentProviderEnum, required: true, description: "The provider; its plugin must be loaded (UNKNOWN_PAYMENT_PROVIDER)." }),
    account: t.field({
      type: "JSON",
      required: true,
      description: "The provider's fields (docs/payments.md). A secret left out keeps its stored value; null removes it. Keys and certificates are checked when set.",
    }),
  }),
});

builder.mutationField("setPaymentAccount", (t) =>
  t.field({
    description: "Sets the shop's merchant account at a provider (SHOP_ADMIN, or PLATFORM_ADMIN naming the shop); audited; its secrets are never shown again. Refunds of orders paid at that provider then go through it.",
    type: builder.simpleObject("SetPaymentAccountPayload", {
      fields: (p) => ({ account: p.field({ type: PaymentAccountRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: SetPaymentAccountInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      // The account is free-form JSON checked by the provider's own schema, not as input text.
      withUserErrors(ctx, { ...input, account: null }, async (viewer) => {
        const accounts = ctx.services.paymentAccounts;
        const account = accounts
          ? await accounts.set(ctx.services.shopConfig, viewer, { shopId: parseShopIdInput(input.shopId), provider: input.provider, account: input.account })
          : null;
        return { account: account ? shownAccount(account) : null };
      }),
  }),
);

const RecordManualRefundInput = builder.inputType("RecordManualRefundInput", {
  description: "A failed refund that finance paid back by hand.",
  fields: (t) => ({
    refundId: t.id({ required: true, description: "The refund's global id (`Refund.id`): a REFUND_FAILED refund." }),
    reference: t.string({ required: true, description: "The reference of the money sent by hand (bank transfer, the provider's console)." }),
    note: t.string({ required: true, description: "How the money went back." }),
  }),
});

builder.mutationField("recordManualRefund", (t) =>
  t.field({
    type: builder.simpleObject("RecordManualRefundPayload", {
      fields: (p) => ({ refund: p.field({ type: RefundRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description:
      "FINANCE: a refund was paid back by other means; it ends REFUNDED with a SUCCEEDED attempt carrying the reference and note. Allowed for a REFUND_FAILED refund, and for a REFUNDING one whose open attempt has waited past its `settleByHandFrom` (that attempt is given up: never sent or queried again); earlier PAYMENT_STILL_OPEN.",
    args: { input: t.arg({ type: RecordManualRefundInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        refund: await recordManualRefund(ctx.services, viewer, { ...input, refundId: parseGlobalId(input.refundId, "Refund", ["input", "refundId"]) }),
      })),
  }),
);
