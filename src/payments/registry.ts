import type { z } from "zod";
import type { PaymentAdapter } from "./provider.js";

/**
 * A provider as the platform runs it: the built-in sandbox, or one a plugin registered
 * (`definePlugin({ paymentProvider })`, turned into this by src/plugin/payment-providers.ts).
 */
export interface RegisteredProvider {
  code: string;
  adapter: PaymentAdapter<unknown>;
  /** The shop's account schema; null for the sandbox, which needs none. */
  account: z.ZodType<unknown> | null;
  secretFields: readonly string[];
  /** The notification route below the public URL (`/plugins/wechat-pay/notify/:shop`), or null. */
  notifyPath: string | null;
}

/** The providers of a process by code; SANDBOX is always one. */
export type PaymentProviders = ReadonlyMap<string, RegisteredProvider>;
