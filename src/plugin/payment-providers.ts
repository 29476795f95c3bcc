import { SANDBOX_PROVIDER, type PaymentAdapter } from "../payments/provider.js";
import type { PaymentProviders, RegisteredProvider } from "../payments/registry.js";
import { PLUGIN_ROUTE_PREFIX } from "./routes.js";
import type { AnyRefundPlugin } from "./types.js";

/** How long a provider call waits for its answer by default. */
const CALL_TIMEOUT_MS = 10_000;

/**
 * The payment providers of a process: the sandbox, and each provider a loaded plugin registers,
 * its adapter built once with the provider API's base URL this process was given (by code).
 */
export function paymentProvidersOf(
  plugins: readonly AnyRefundPlugin[],
  sandbox: PaymentAdapter<null>,
  options: { baseUrls?: Readonly<Record<string, string>>; timeoutMs?: number } = {},
): PaymentProviders {
  const providers = new Map<string, RegisteredProvider>([[SANDBOX_PROVIDER, { code: SANDBOX_PROVIDER, adapter: sandbox as PaymentAdapter<unknown>, account: null, secretFields: [], notifyPath: null }]]);
  for (const plugin of plugins) {
    const registration = plugin.paymentProvider;
    if (!registration) continue;
    const owner = providers.get(registration.code);
    if (owner) throw new Error(`payment provider ${registration.code} is registered twice (plugin ${plugin.name})`);
    providers.set(registration.code, {
      code: registration.code,
      adapter: registration.adapter({ baseUrl: options.baseUrls?.[registration.code], timeoutMs: options.timeoutMs ?? CALL_TIMEOUT_MS }),
      account: registration.account,
      secretFields: registration.secretFields,
      notifyPath: registration.notifyPath ? `${PLUGIN_ROUTE_PREFIX}${plugin.name}${registration.notifyPath}` : null,
    });
  }
  return providers;
}
