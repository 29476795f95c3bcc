import type { z } from "zod";
import type { UserErrorCode } from "../domain/errors.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { Actor, RefundStatus, RefundType } from "../domain/types.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Tx } from "../db/tx.js";
import type { BeforeTransitionEvent, HookRefund } from "../services/transition-hooks.js";
import type { builder } from "../graphql/builder.js";

export type { BeforeTransitionEvent, HookRefund };

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

export interface BeforeTransitionContext<Settings> {
  shopId: string;
  settings: Settings;
  /** The transition's own transaction: read consistently, write nothing irreversible. */
  db: Tx;
}

export interface AfterTransitionEvent {
  refund: HookRefund & { status: RefundStatus; version: number };
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
}

/** Units of a refund's line items that passed inspection (PASS_INSPECTION): back on sale. */
export interface ItemsRestockedEvent {
  refund: HookRefund & { status: RefundStatus; version: number };
  /** The PASS_INSPECTION transition that found them. */
  transitionId: string;
  /** Only lines with at least one unit passed; `quantity` is the units that passed. */
  items: Array<{ refundItemId: string; orderItemId: string; sku: string; name: string; quantity: number; note: string | null }>;
}

export interface AfterTransitionContext<Settings> {
  shopId: string;
  settings: Settings;
  db: PrismaClient;
  /** `<plugin>:<transitionId>`: the same on every retry; pass it to external systems. */
  idempotencyKey: string;
  /** 1 on the first call, then 2, 3… on retries. */
  attempt: number;
}

export interface RouteContext<Settings> {
  db: PrismaClient;
  /** Settings of a shop, validated, defaults filled in. */
  settingsFor(shopId: string): Promise<Settings>;
  /** Takes a refund action as this plugin (actor kind PLUGIN), e.g. RECEIVE_RETURN. */
  transition(input: { refundId: string; action: RefundAction; note?: string }): Promise<{ ok: true } | { ok: false; code: string; message: string }>;
}

export interface PluginRoute<Settings> {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Below `/plugins/<name>`, e.g. `/webhook`. */
  path: string;
  handler(request: Request, ctx: RouteContext<Settings>): Promise<Response> | Response;
}

/**
 * Work a plugin does on a timer in every server process (polling a carrier, flagging stuck
 * returns). It must be idempotent: several processes may run it at the same time.
 */
export interface PluginTask<Settings> {
  name: string;
  everyMs: number;
  run(ctx: RouteContext<Settings>): Promise<void>;
}

export interface RefundPlugin<Settings = Record<string, unknown>> {
  name: string;
  version: string;
  /** Per-shop settings: a zod schema whose defaults make a complete value from `{}`. */
  config?: z.ZodType<Settings>;
  hooks?: {
    beforeTransition?(event: BeforeTransitionEvent, ctx: BeforeTransitionContext<Settings>): Promise<BeforeTransitionDecision> | BeforeTransitionDecision;
    afterTransition?(event: AfterTransitionEvent, ctx: AfterTransitionContext<Settings>): Promise<void> | void;
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
    onItemsRestocked?(event: ItemsRestockedEvent, ctx: AfterTransitionContext<Settings>): Promise<void> | void;
  };
  /** Pothos additions: fields on Refund/Customer, new types, queries and mutations. */
  schema?(schemaBuilder: typeof builder): void;
  routes?: ReadonlyArray<PluginRoute<Settings>>;
  tasks?: ReadonlyArray<PluginTask<Settings>>;
}

/**
 * A plugin with its settings type erased, as the host holds them; the host only ever hands a
 * plugin settings that its own schema parsed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRefundPlugin = RefundPlugin<any>;
