// A shop's Stripe account: what `setPaymentAccount(input: { provider: STRIPE, … })` takes,
// checked for shape when set (Stripe's key prefixes), so a publishable key or a webhook secret
// pasted in the wrong field is refused with the reason.
import { z } from "zod";

export const stripeAccount = z.object({
  /** The secret key (`sk_live_…`, `sk_test_…`) or a restricted key with refund rights (`rk_…`). Secret. */
  secretKey: z
    .string()
    .trim()
    .refine((key) => !key.startsWith("pk_"), "this is a publishable key (pk_…); the secret key (sk_…) or a restricted key (rk_…) is needed")
    .refine((key) => /^(sk|rk)_(live|test)_[0-9A-Za-z]{16,247}$/.test(key), "a Stripe secret key looks like sk_live_… or sk_test_… (or rk_… for a restricted key)"),
  /** The signing secret of the webhook endpoint the shop added in Stripe (`whsec_…`). Secret. */
  webhookSecret: z
    .string()
    .trim()
    .regex(/^whsec_[0-9A-Za-z+/=]{16,}$/, "a webhook signing secret looks like whsec_… (the endpoint's 'Signing secret' in Stripe)"),
});

export type StripeAccount = z.infer<typeof stripeAccount>;
