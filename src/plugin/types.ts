import type { z } from "zod";
import type { UserErrorCode } from "../domain/errors.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { ReturnAddressSnapshot } from "../domain/return-address.js";
import type { Actor, RefundStatus, RefundType } from "../domain/types.js";
import type DataLoader from "dataloader";
import type { BeforeTransitionEvent, HookRefund } from "../services/transition-hooks.js";
import type { builder } from "../graphql/builder.js";
import type { GraphQLContext } from "../graphql/context.js";
import type { ModelKey, PluginDb, PluginDbOf } from "./plugin-db.js";
import type { PaymentAdapter, PaymentRefundOutcome } from "../payments/provider.js";
import type { globalId } from "./request-loaders.js";

export type { BeforeTransitionEvent, HookRefund, ModelKey, PluginDb };

/**
 * The plugin API this platform offers. A plugin names the version it was written for
 * (`apiVersion`); the host refuses to start with a plugin written for another one.
 */
export const PLUGIN_API_VERSION = 1;

/**
 * What a before-hook may answer: nothing (go on), a veto (the action fails with this userError
 * and nothing is written: `code` one of USER_ERROR_CODES, default PLUGIN_VETO), or, on the automatic path (CLASSIFY into REFUNDING), a hold that
 * sends the refund to PENDING_REVIEW for a person to look at.
 */
export type BeforeTransitionDecision =
  | void
  | undefined
  | { veto: { code?: UserErrorCode; message: string } }
  | { holdForReview: { reason: string } };

export interface BeforeTransitionContext<Settings, Db = PluginDb> {
  shopId: string;
  settings: Settings;
  /** Over the transition's own transaction, reads scoped to the shop: read consistently, write nothing irreversible. */
  db: Db;
}

export interface AfterTransitionEvent {
  refund: HookRefund & { status: RefundStatus; version: number; returnAddress: ReturnAddressSnapshot | null };
  transition: {
    id: string;
    version: number;
    action: RefundAction;
    from: RefundStatus | null;
    to: RefundStatus;
    actor: Actor;
    note: string | null;
    amount: number | null;
    createdAt: Date;
  };
  /**
   * What messages and outside systems name, read with the transition (a hook needs no read of
   * its own): the refund's order, customer and shop, and its parcels (null: none yet).
   */
  order: { id: string; externalId: string };
  customer: { id: string; externalId: string; name: string; wechatOpenId: string | null };
  shop: { id: string; name: string; timeZone: string };
  returnShipment: { carrier: string; trackingNumber: string } | null;
  replacementShipment: { carrier: string; trackingNumber: string } | null;
}

/** Units of a refund's line items that passed inspection (PASS_INSPECTION): back on sale. */
export interface ItemsRestockedEvent {
  refund: HookRefund & { status: RefundStatus; version: number };
  /** The PASS_INSPECTION transition that found them. */
  transitionId: string;
  /** Only lines with at least one unit passed; `quantity` is the units that passed. */
  items: Array<{ refundItemId: string; orderItemId: string; sku: string; name: string; quantity: number; note: string | null }>;
}

export interface AfterTransitionContext<Settings, Db = PluginDb> {
  shopId: string;
  settings: Settings;
  /** The plugin's tables, and its `reads` of this shop's rows. */
  db: Db;
  /** `<plugin>:<transitionId>`: the same on every retry; pass it to external systems. */
  idempotencyKey: string;
  /** 1 on the first call, then 2, 3… on retries. */
  attempt: number;
}

export interface RouteContext<Settings, Db = PluginDb, Account = unknown> {
  /** The plugin's tables, and its `reads` of every shop (a route or task finds its shop itself). */
  db: Db;
  /** Settings of a shop, validated, defaults filled in. */
  settingsFor(shopId: string): Promise<Settings>;
  /** Takes a refund action as this plugin (actor kind PLUGIN), e.g. RECEIVE_RETURN. */
  transition(input: { refundId: string; action: RefundAction; note?: string }): Promise<{ ok: true } | { ok: false; code: string; message: string }>;
  /** The payment provider this plugin registers (`paymentProvider`): its shops' accounts and the attempts' outcomes. */
  payments: ProviderRouteContext<Account>;
}

/** What a task gets: a route's context without the payments (settled by the platform's own reconciliation). */
export type TaskContext<Settings, Db = PluginDb> = Omit<RouteContext<Settings, Db>, "payments">;

/** What a provider plugin's callback routes get (`ctx.payments`). */
export interface ProviderRouteContext<Account> {
  /** The shop's merchant account of this plugin's provider, decrypted and parsed; null when the shop set none (or the plugin registers no provider). */
  accountFor(shopId: string): Promise<Account | null>;
  /**
   * Records what the provider told of the attempt with this key (a notification): SUCCEEDED or
   * FAILED settle it (the refund becomes REFUNDED / REFUND_FAILED), PROCESSING only keeps the
   * answer. Only an attempt of this shop, of this plugin's provider, is found: `NOT_FOUND`
   * otherwise (another shop's refund, an unknown key), and nothing is written. An attempt already
   * settled answers `ALREADY_SETTLED` and is left as it is, so a repeated notification is harmless.
   */
  settle(input: { shopId: string; idempotencyKey: string; outcome: PaymentRefundOutcome }): Promise<"SETTLED" | "ALREADY_SETTLED" | "NOT_FOUND">;
}

export interface PluginRoute<Settings, Db = PluginDb, Account = unknown> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /**
   * Below `/plugins/<name>`, e.g. `/webhook`; a segment `:name` matches any one segment, handed
   * to the handler in `params` (`/notify/:shop` → `params.shop`).
   */
  path: string;
  handler(request: Request, ctx: RouteContext<Settings, Db, Account>, params: Readonly<Record<string, string>>): Promise<Response> | Response;
}

/**
 * A payment provider a plugin registers: refunds of orders paid with `code` go through its
 * adapter, with the shop's account that a SHOP_ADMIN set (`setPaymentAccount`).
 */
export interface PaymentProviderRegistration<Account> {
  /** The `PaymentProvider` enum value orders name, SCREAMING_SNAKE: `WECHAT_PAY`, `ALIPAY`, `STRIPE`, or a new one. */
  code: string;
  /**
   * The shop's merchant account: a zod object whose refinements check keys and certificates
   * when they are set (an issue's message is the reason the shop admin is shown, its path the
   * field). Parsed again, after decryption, before each use.
   */
  account: z.ZodType<Account>;
  /** Fields of the account that are secrets: stored encrypted, never answered (masked, with when set and a fingerprint). */
  secretFields: readonly string[];
  /**
   * Builds the adapter, once per process. `baseUrl` is the provider API's base URL the platform
   * was configured with (PAYMENT_API_URLS; tests point it at a stand-in), undefined for the
   * provider's own production host. `timeoutMs`: how long a call may wait for its answer
   * before it counts as none (throw PaymentProviderUnavailable then).
   */
  adapter(options: { baseUrl: string | undefined; timeoutMs: number }): PaymentAdapter<Account>;
  /**
   * The path (one of this plugin's routes, `:shop` standing for the shop's global id) that the
   * provider notifies; the adapter gets it as `request.notifyUrl` below PUBLIC_URL. Omitted: no notifications.
   */
  notifyPath?: string;
}

/**
 * Work a plugin does on a timer (polling a carrier, flagging stuck returns): once per `everyMs`
 * across every server process and host on the database, by whichever process takes the period's
 * lease (the others skip it). It must still be idempotent: a process that dies mid-run leaves
 * its work half done until another runs it after the lease, a period later, and a run longer
 * than its period may overlap the next one in another process.
 */
export interface PluginTask<Settings, Db = PluginDb> {
  /** Unique within the plugin: the lease is the plugin's name and this. */
  name: string;
  /** The period: at most one run in each, across all processes. */
  everyMs: number;
  run(ctx: TaskContext<Settings, Db>): Promise<void>;
}

/** The Pothos builder a plugin's `schema` adds to. */
export type SchemaBuilder = typeof builder;
/** The GraphQL context its resolvers get (`ctx.loaders.byKey`, `ctx.viewer`…). */
export type { GraphQLContext };

/** Helpers handed to `schema(builder, kit)`: everything a resolver needs from the host. */
export interface SchemaKit<Settings, Db> {
  /** The plugin's handle in a request: reads of the viewer's shop only (all shops for a platform admin). */
  db(ctx: GraphQLContext): Db;
  settingsFor(ctx: GraphQLContext, shopId: string): Promise<Settings>;
  /**
   * A per-request DataLoader of this plugin (`ctx.loaders.byKey` under the plugin's name), whose
   * batch gets the keys and the request's `db`: `const couponsOf = kit.loader("byRefund", …)`,
   * then `couponsOf(ctx).load(refund.id)` in a resolver.
   */
  loader<K, V, C = K>(
    name: string,
    batch: (keys: readonly K[], db: Db, ctx: GraphQLContext) => Promise<ReadonlyArray<V | Error>>,
    options?: DataLoader.Options<K, V, C>,
  ): (ctx: GraphQLContext) => DataLoader<K, V, C>;
  globalId: typeof globalId;
}

export interface RefundPlugin<Settings = Record<string, unknown>, Own extends ModelKey = never, Reads extends ModelKey = never, Account = unknown> {
  name: string;
  version: string;
  /** The plugin API it was written for: PLUGIN_API_VERSION. */
  apiVersion: number;
  /** Its own models (in its folder's schema.prisma): every method on `ctx.db`. */
  tables?: readonly Own[];
  /** Core models it reads: read methods on `ctx.db`, scoped to the shop in hooks and resolvers. */
  reads?: readonly Reads[];
  /** Per-shop settings: a zod schema whose defaults make a complete value from `{}`. */
  config?: z.ZodType<Settings>;
  /**
   * Dotted paths of settings that are secrets although their names do not end in Secret, Token
   * or Password (`["kuaidi100.key"]`): written through the API, never answered by it.
   */
  secrets?: readonly string[];
  hooks?: {
    beforeTransition?(event: BeforeTransitionEvent, ctx: BeforeTransitionContext<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>>): Promise<BeforeTransitionDecision> | BeforeTransitionDecision;
    afterTransition?(event: AfterTransitionEvent, ctx: AfterTransitionContext<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>>): Promise<void> | void;
    /**
     * Which transitions the after-hook is for, decided when they commit: no delivery is queued
     * (no row, no call) for the others. Omitted: every transition.
     */
    afterTransitionFor?(transition: { action: RefundAction; from: RefundStatus | null; to: RefundStatus }): boolean;
    /**
     * Units of line items passed inspection: an inventory system puts them back on sale. Delivered
     * like afterTransition (queued in the transition's transaction, at least once, retried, dead
     * letters) in the same delivery as the plugin's afterTransition of that transition, after it;
     * `ctx.idempotencyKey` is `<plugin>:<transitionId>:restock`.
     */
    onItemsRestocked?(event: ItemsRestockedEvent, ctx: AfterTransitionContext<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>>): Promise<void> | void;
  };
  /** Pothos additions: fields on Refund/Customer, new types, queries and mutations. */
  schema?(builder: SchemaBuilder, kit: SchemaKit<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>>): void;
  routes?: ReadonlyArray<PluginRoute<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>, NoInfer<Account>>>;
  tasks?: ReadonlyArray<PluginTask<NoInfer<Settings>, NoInfer<PluginDbOf<Own, Reads>>>>;
  /** A payment provider (its adapter, account schema and notification route): see docs/payment-providers.md. */
  paymentProvider?: PaymentProviderRegistration<Account>;
}

/**
 * A plugin with its settings type erased, as the host holds them; the host only ever hands a
 * plugin settings that its own schema parsed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRefundPlugin = RefundPlugin<any, any, any, any>;
