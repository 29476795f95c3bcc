import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useServer } from "graphql-ws/use/ws";
import { GraphQLError } from "graphql";
import { createYoga, maskError, useReadinessCheck } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { AppConfig } from "./config.js";
import { isDashboardRequest, serveDashboard } from "./dashboard/routes.js";
import { type Database, type DatabaseOptions, openDatabase } from "./db/database.js";
import { applyMigrations, pendingMigrations } from "./db/migrate.js";
import { UserErrorsException } from "./domain/errors.js";
import type { GraphQLContext } from "./graphql/context.js";
import { buildSchema } from "./graphql/schema.js";
import { PaymentDispatcher } from "./payments/dispatcher.js";
import { SandboxPaymentProvider } from "./payments/sandbox.js";
import { HookDeliveryWorker, type HookDeliveryOptions } from "./plugin/delivery-worker.js";
import { PluginHost } from "./plugin/host.js";
import { DEFAULT_PLUGINS, loadPlugins } from "./plugin/loader.js";
import { PLUGIN_ROUTE_PREFIX, createPluginRouter, pluginContexts, startPluginTasks } from "./plugin/routes.js";
import type { AnyRefundPlugin } from "./plugin/types.js";
import { createRefundPubSub } from "./realtime/refund-events.js";
import { LiveShutdown, closeHttpServer } from "./realtime/shutdown.js";
import { ensureBootstrapAdminToken, viewerFromAuthorization } from "./services/api-tokens.js";
import { RuleAutomation } from "./services/automation.js";
import { type Clock, systemClock } from "./services/clock.js";
import { createShopConfig } from "./services/shop-config.js";
import { TimerWorker } from "./services/timer-worker.js";
import type { RefundServiceDeps } from "./services/unit-of-work.js";

export interface App {
  db: Database;
  services: RefundServiceDeps;
  plugins: PluginHost;
  sandbox: SandboxPaymentProvider;
  payments: PaymentDispatcher;
  server: Server;
  /** Starts listening; resolves with the URL of the GraphQL endpoint. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Stops accepting connections, completes every open subscription (graphql-ws `complete`, SSE
   * `event: complete`), lets requests in flight finish, then finishes payments in flight.
   */
  close(): Promise<void>;
}

export type AppOptions = DatabaseOptions & Pick<AppConfig, "redisUrl" | "bootstrapAdminToken" | "logLevel"> & {
  /** How often left-behind payment attempts are swept (tests shorten it). */
  paymentSweepIntervalMs?: number;
  /** How long a claimed payment attempt is held before another process may take it. */
  paymentClaimMs?: number;
  /** Plugins by name (plugins/<name>) or as modules; default: the first-party four. */
  plugins?: ReadonlyArray<string | AnyRefundPlugin>;
  hookDelivery?: HookDeliveryOptions;
  /** "Now" of refund deadlines (when a status was entered, whether it is overdue); tests fix it. */
  clock?: Clock;
  /** Automation timers: how often due ones are swept, and how long a timer's minute lasts (tests shorten both). */
  timers?: { sweepIntervalMs?: number; minuteMs?: number; claimMs?: number };
};

/** How long shutdown waits for subscriptions to complete, then for connections to close. */
const SHUTDOWN_GRACE_MS = 5_000;

/** Builds the whole process: storage, migrations, services, and the HTTP + WebSocket server. */
export async function createApp(options: AppOptions): Promise<App> {
  const db = await openDatabase(options);
  await applyMigrations(db);
  if (options.bootstrapAdminToken) await ensureBootstrapAdminToken(db, options.bootstrapAdminToken);

  const requested = options.plugins ?? DEFAULT_PLUGINS;
  const named = await loadPlugins(requested.filter((plugin): plugin is string => typeof plugin === "string"));
  const pluginModules = [...named, ...requested.filter((plugin): plugin is AnyRefundPlugin => typeof plugin !== "string")];
  const plugins = new PluginHost(pluginModules, db.prisma);
  const schema = buildSchema(pluginModules);

  const sandbox = new SandboxPaymentProvider();
  const payments = new PaymentDispatcher(db, sandbox, { sweepIntervalMs: options.paymentSweepIntervalMs, claimMs: options.paymentClaimMs });
  const hookDeliveries = new HookDeliveryWorker(db, plugins, options.hookDelivery);
  const realtime = createRefundPubSub(options.redisUrl);
  const automation = new RuleAutomation(options.timers?.minuteMs);
  const shopConfig = createShopConfig(realtime.pubsub, (shopId) => plugins.settingsChanged(shopId), automation.timerMinuteMs);
  const services: RefundServiceDeps = {
    db,
    pubsub: realtime.pubsub,
    payments,
    hooks: plugins,
    hookDeliveries,
    clock: options.clock ?? systemClock,
    automation,
    shopConfig: shopConfig.config,
  };
  payments.start(services);
  const timers = new TimerWorker(services, { sweepIntervalMs: options.timers?.sweepIntervalMs, claimMs: options.timers?.claimMs ?? options.paymentClaimMs });
  timers.start();
  const live = new LiveShutdown();
  hookDeliveries.start();

  async function contextFor(authorization: string | null | undefined): Promise<GraphQLContext> {
    try {
      return { db, services, plugins, viewer: await viewerFromAuthorization(db, authorization), authError: null, shutdown: live.signal };
    } catch (error) {
      if (!(error instanceof UserErrorsException)) throw error;
      return { db, services, plugins, viewer: null, authError: error.userErrors[0]!, shutdown: live.signal };
    }
  }

  const yoga = createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    logging: options.logLevel,
    maskedErrors: {
      // A query that fails an expected check (a role, a scope) says so with its code; any
      // other error stays masked.
      maskError(error, message, isDev) {
        const original = (error as { originalError?: unknown }).originalError;
        if (original instanceof UserErrorsException) {
          const [first] = original.userErrors;
          return new GraphQLError(first!.message, { extensions: { code: first!.code, field: first!.field } });
        }
        return maskError(error, message, isDev);
      },
    },
    context: ({ request }) => contextFor(request.headers.get("authorization")),
    plugins: [
      useReadinessCheck({
        endpoint: "/ready",
        check: async () => (await pendingMigrations(db)).length === 0,
      }),
    ],
  });

  const pluginContext = pluginContexts(services, plugins);
  const pluginRouter = createPluginRouter(plugins, pluginContext);
  const stopPluginTasks = startPluginTasks(plugins, pluginContext);
  const server = createServer((request, response) => {
    if (request.url?.startsWith(PLUGIN_ROUTE_PREFIX)) return pluginRouter(request, response);
    if (isDashboardRequest(request.url)) return serveDashboard(request, response);
    return yoga(request, response);
  });
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  const wsHandle = useServer<{ authorization?: string }>(
    {
      execute: (args) => (args.rootValue as { execute: typeof import("graphql").execute }).execute(args),
      subscribe: (args) => (args.rootValue as { subscribe: typeof import("graphql").subscribe }).subscribe(args),
      onConnect: (ctx) => live.connected(ctx),
      onClose: (ctx) => live.closed(ctx),
      onSubscribe: async (ctx, _id, params) => {
        const { schema: envelopedSchema, execute, subscribe, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const document = parse(params.query);
        const errors = validate(envelopedSchema, document);
        if (errors.length > 0) return errors;
        const authorization = ctx.connectionParams?.authorization;
        return {
          schema: envelopedSchema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFor(typeof authorization === "string" ? authorization : undefined),
          rootValue: { execute, subscribe },
        };
      },
    },
    wsServer,
  );

  return {
    db,
    services,
    plugins,
    sandbox,
    payments,
    server,
    listen(port = 0, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          resolve(`http://${host}:${address.port}/graphql`);
        });
      });
    },
    async close() {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve())); // no new connections
      await live.endSubscriptions(SHUTDOWN_GRACE_MS);
      await closeHttpServer(server, serverClosed, { server: wsServer, handle: wsHandle }, SHUTDOWN_GRACE_MS);
      await stopPluginTasks();
      await timers.stop();
      await payments.stop();
      await hookDeliveries.stop();
      await shopConfig.close();
      await realtime.close();
      await db.close();
    },
  };
}
