import { type IncomingMessage, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { useServer } from "graphql-ws/use/ws";
import { type ExecutionArgs, GraphQLError, NoSchemaIntrospectionCustomRule, getOperationAST, specifiedRules } from "graphql";
import { type GraphiQLOptions, type Plugin, createYoga, maskError } from "graphql-yoga";
import { WebSocketServer } from "ws";
import type { AppConfig } from "./config.js";
import { isDashboardRequest, serveDashboard } from "./dashboard/routes.js";
import { type CostBudget, MemoryCostBudget, RedisCostBudget } from "./limits/budget.js";
import { budgetKey, useCostControl } from "./limits/cost-control.js";
import { usePageSizeLimit } from "./limits/page-size.js";
import { type ApiLimits, DEFAULT_LIMITS } from "./limits/limits.js";
import { DEFAULT_OVERLOAD, LoadShedder, type OverloadSettings, type Slot } from "./limits/overload.js";
import { useCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { useDisableIntrospection } from "@graphql-yoga/plugin-disable-introspection";
import { loadTrustedDocuments, trustedSubscriptionQuery, useTrustedDocuments } from "./limits/trusted-documents.js";
import { type Logger, createLogger, currentRequestId, requestIdFrom, requestScope } from "./observability/logger.js";
import { useOperationLog } from "./observability/operation-log.js";
import { useAppPermissions } from "./apps/gate.js";
import { DeliveriesWithAppWebhooks, HooksWithAppWebhooks } from "./apps/hook-routing.js";
import { AppWebhookOutbox } from "./apps/webhook-outbox.js";
import { type AppWebhookOptions, AppWebhookWorker } from "./apps/webhook-worker.js";
import { type Database, type DatabaseOptions, openDatabase } from "./db/database.js";
import { applyMigrations } from "./db/migrate.js";
import { readiness } from "./db/readiness.js";
import { isDatabaseUnavailable } from "./db/unavailable.js";
import { UserErrorsException } from "./domain/errors.js";
import type { GraphQLContext } from "./graphql/context.js";
import { buildSchema } from "./graphql/schema.js";
import { PaymentDispatcher } from "./payments/dispatcher.js";
import { SandboxPaymentProvider } from "./payments/sandbox.js";
import type { RetryPolicy } from "./jobs/job-queue.js";
import { paymentProvidersOf } from "./plugin/payment-providers.js";
import { PaymentAccounts, paymentAccountKey } from "./services/payment-accounts.js";
import { HookDeliveryWorker, type HookDeliveryOptions } from "./plugin/delivery-worker.js";
import { PluginHost } from "./plugin/host.js";
import { AppCheckCaller, type AppCheckCallerOptions } from "./apps/checks.js";
import { registerPluginSet } from "./plugin/process-registry.js";
import { RequestLoaders } from "./plugin/request-loaders.js";
import { DEFAULT_PLUGINS, loadPlugins, pluginMigrations } from "./plugin/loader.js";
import { PLUGIN_ROUTE_PREFIX, type PluginTasks, createPluginRouter, pluginContexts, startPluginTasks } from "./plugin/routes.js";
import type { AnyRefundPlugin } from "./plugin/types.js";
import { createRefundPubSub } from "./realtime/refund-events.js";
import { LiveShutdown, closeHttpServer } from "./realtime/shutdown.js";
import { CredentialStreams } from "./realtime/credential-streams.js";
import { ensureBootstrapAdminToken } from "./services/api-tokens.js";
import { CredentialCache, type CredentialCacheOptions } from "./services/credentials.js";
import { RuleAutomation } from "./services/automation.js";
import { type Clock, systemClock } from "./services/clock.js";
import { createShopConfig } from "./services/shop-config.js";
import { TimerWorker } from "./services/timer-worker.js";
import type { RefundServiceDeps } from "./services/unit-of-work.js";

export interface App {
  db: Database;
  services: RefundServiceDeps;
  plugins: PluginHost;
  /** Plugin tasks on their timers, once per period across processes; `tick` runs one as its timer would (tests drive it). */
  pluginTasks: PluginTasks;
  sandbox: SandboxPaymentProvider;
  payments: PaymentDispatcher;
  paymentAccounts: PaymentAccounts;
  server: Server;
  /** Starts listening; resolves with the URL of the GraphQL endpoint. */
  listen(port?: number, host?: string): Promise<string>;
  /**
   * Resolves when the work set off so far has finished: app check records, payments, and the
   * plugin hook deliveries and app webhooks that their transitions queue (a payment's
   * transition queues more, hence the rounds), and the last-use stamps of the tokens seen.
   * Tests and the bench count and check after it.
   */
  settle(): Promise<void>;
  /**
   * graphql-ws subscriptions whose event stream runs in this process (the total is in `/ready`'s
   * body); with `authorization` (as sent in `connectionParams`), those of that credential.
   */
  liveSubscriptions(authorization?: string): number;
  /** Subscriptions of this process over graphql-ws and SSE that a token's end would end; with `tokenId`, that token's. */
  credentialStreams(tokenId?: string): number;
  /**
   * Stops accepting connections, completes every open subscription (graphql-ws `complete`, SSE
   * `event: complete`), lets requests in flight finish, then finishes payments in flight.
   */
  close(): Promise<void>;
}

export type AppOptions = DatabaseOptions &
  Pick<AppConfig, "redisUrl" | "bootstrapAdminToken" | "logLevel" | "trustedDocumentsManifest" | "publicUrl" | "paymentApiUrls" | "paymentAccountKey"> &
  Partial<Pick<AppConfig, "production">> & {
  /** How often left-behind payment attempts are swept (tests shorten it). */
  paymentSweepIntervalMs?: number;
  /** How long a claimed payment attempt is held before another process may take it. */
  paymentClaimMs?: number;
  /** How long a PROCESSING refund waits for its notification before the provider is queried (default a minute). */
  paymentReconcileDelayMs?: number;
  /** How long a provider call waits for its answer before it counts as none (default 10 s). */
  paymentCallTimeoutMs?: number;
  /** When a provider that gave no answer is asked again (default 2 s doubling to a minute, for ever). */
  paymentRetry?: RetryPolicy;
  /** Payments of its own to claim or record past which the process holds new refund requests back (default 16; 0: never). */
  maxUnsettledPayments?: number;
  /** Plugins by name (plugins/<name>) or as modules; default: the first-party four. */
  plugins?: ReadonlyArray<string | AnyRefundPlugin>;
  hookDelivery?: HookDeliveryOptions;
  /** Apps' checks: when a circuit opens and half-opens (tests shorten it). */
  appChecks?: Pick<AppCheckCallerOptions, "failureThreshold" | "openMs">;
  /** Retries, timeout and sweeps of app webhook deliveries (tests shorten them). */
  appWebhooks?: AppWebhookOptions;
  /** A process whose plugin-set heartbeat is older than this counts as gone (default 30 s). */
  pluginLeaseMs?: number;
  /** "Now" of refund deadlines (when a status was entered, whether it is overdue); tests fix it. */
  clock?: Clock;
  /** Automation timers: how often due ones are swept, and how long a timer's minute lasts (tests shorten both). */
  timers?: { sweepIntervalMs?: number; minuteMs?: number; claimMs?: number; retry?: Partial<RetryPolicy> };
  /** Where structured logs go; default a pino logger on stdout at `logLevel`. */
  logger?: Logger;
  /** Query size, cost budget, body, batch and subscription limits; default DEFAULT_LIMITS. */
  limits?: Partial<ApiLimits>;
  /** The token cache, its last-use stamps, and how often expired tokens' streams are swept (tests shorten them). */
  credentials?: CredentialCacheOptions & { expirySweepMs?: number };
  /** When new requests are refused as overload (in flight, event-loop delay); default DEFAULT_OVERLOAD. */
  overload?: Partial<OverloadSettings>;
  /** Sent as `X-Worker-Id` on every response and WebSocket upgrade: which process of a cluster answered. */
  workerId?: string;
};

/**
 * Refuses a body over the limit before anything reads it: by Content-Length, and a chunked body
 * (no length announced) is not accepted, since its size is known only after reading it all.
 */
function bodyTooLarge(request: IncomingMessage, maxBytes: number, response: import("node:http").ServerResponse): boolean {
  const length = request.headers["content-length"];
  const refuse = (status: number, message: string) => {
    response.writeHead(status, { "content-type": "application/json", connection: "close" });
    response.end(JSON.stringify({ errors: [{ message, extensions: { code: status === 413 ? "BODY_TOO_LARGE" : "LENGTH_REQUIRED" } }] }));
    return true;
  };
  if (length !== undefined && Number(length) > maxBytes) return refuse(413, `The request body may be at most ${maxBytes} bytes`);
  if (length === undefined && request.headers["transfer-encoding"]) return refuse(411, "Send the request body with a Content-Length");
  return false;
}

/** How long shutdown waits for subscriptions to complete, then for connections to close. */
/** Seconds a client is asked to wait when the database cannot be reached (a restart takes a few). */
const UNAVAILABLE_RETRY_AFTER_S = 2;

/** The answer while the database cannot be reached: HTTP 503 with Retry-After, and a code to retry on. */
function databaseUnavailable(error: GraphQLError): GraphQLError {
  return new GraphQLError(`The database cannot be reached for the moment (a restart or failover): retry in ${UNAVAILABLE_RETRY_AFTER_S} s.`, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    extensions: {
      code: "SERVICE_UNAVAILABLE",
      retryAfterSeconds: UNAVAILABLE_RETRY_AFTER_S,
      requestId: currentRequestId(),
      http: { status: 503, headers: { "Retry-After": String(UNAVAILABLE_RETRY_AFTER_S) } },
    },
  });
}

const SHUTDOWN_GRACE_MS = 5_000;

/**
 * `GET /ready`, answered by `check` (a 503 with the message if it throws), as yoga's
 * useReadinessCheck answers it, but found by the request's path alone: that plugin also tests
 * every other request against a URLPattern, which cost more CPU than the rest of the readiness.
 */
function useReadiness(check: (fetchAPI: { Response: typeof Response }) => Promise<Response>): Plugin<Record<string, unknown>, { req?: IncomingMessage }> {
  return {
    onRequest({ request, serverContext, fetchAPI, endResponse }) {
      const path = (serverContext.req?.url ?? new URL(request.url).pathname).split("?")[0];
      if (path !== "/ready") return;
      return check(fetchAPI).then(endResponse, (error: unknown) =>
        endResponse(new fetchAPI.Response(error instanceof Error ? error.message : null, { status: 503, headers: { "content-type": "text/plain; charset=utf-8" } })),
      );
    },
  };
}

let graphiqlPage: Promise<string> | undefined;

/**
 * GraphiQL with its scripts, styles and editor workers inlined from the installed
 * `@graphql-yoga/render-graphiql` (yoga's default page loads them from a CDN, blank offline).
 * The bundle is 9 MB: loaded on the first page view, not at start, and rendered once, since the
 * options are the same for every request.
 */
function renderOfflineGraphiQL(options: GraphiQLOptions): Promise<string> {
  graphiqlPage ??= import("@graphql-yoga/render-graphiql").then(({ renderGraphiQL }) => renderGraphiQL(options));
  return graphiqlPage;
}

/** What GraphiQL shows first: where the token goes. */
const GRAPHIQL_OPTIONS: GraphiQLOptions = {
  title: "Refund platform GraphiQL",
  headers: JSON.stringify({ Authorization: "Bearer <token>" }, null, 2),
};

/** Builds the whole process: storage, migrations, services, and the HTTP + WebSocket server. */
export async function createApp(options: AppOptions): Promise<App> {
  const logger = options.logger ?? createLogger(options.logLevel);
  // Redis out of reach is said once per failed connection attempt, not as ioredis's "Unhandled error event".
  const redisUnreachable = (role: string) => (error: Error) => logger.warn({ err: error }, `Redis (${role}) cannot be reached: retrying`);
  // Read before anything starts: a bad manifest stops the process instead of refusing every request.
  const trusted = options.trustedDocumentsManifest ? loadTrustedDocuments(options.trustedDocumentsManifest) : undefined;
  const requested = options.plugins ?? DEFAULT_PLUGINS;
  const named = await loadPlugins(requested.filter((plugin): plugin is string => typeof plugin === "string"));
  const pluginModules = [...named, ...requested.filter((plugin): plugin is AnyRefundPlugin => typeof plugin !== "string")];

  const db = await openDatabase(options);
  let plugins: PluginHost;
  let pluginSet: Awaited<ReturnType<typeof registerPluginSet>>;
  try {
    // The plugins are checked (API version, tables) before anything is migrated.
    plugins = new PluginHost(pluginModules, db.prisma);
    await applyMigrations(db, { plugins: pluginMigrations(pluginModules) });
    pluginSet = await registerPluginSet(db, pluginModules, { leaseMs: options.pluginLeaseMs });
  } catch (error) {
    await db.close();
    throw error;
  }
  if (options.bootstrapAdminToken) await ensureBootstrapAdminToken(db, options.bootstrapAdminToken);

  const schema = buildSchema(pluginModules);

  const sandbox = new SandboxPaymentProvider();
  const providers = paymentProvidersOf(pluginModules, sandbox, { baseUrls: options.paymentApiUrls, timeoutMs: options.paymentCallTimeoutMs });
  const paymentAccounts = new PaymentAccounts(db, paymentAccountKey(options.paymentAccountKey, (options.production ?? false) && providers.size > 1), providers);
  let publicUrl = options.publicUrl;
  const payments = new PaymentDispatcher(db, sandbox, {
    sweepIntervalMs: options.paymentSweepIntervalMs,
    claimMs: options.paymentClaimMs,
    providers,
    accounts: paymentAccounts,
    reconcileDelayMs: options.paymentReconcileDelayMs,
    retry: options.paymentRetry,
    publicUrl: () => publicUrl,
    maxUnsettled: options.maxUnsettledPayments,
  });
  const hookDeliveries = new HookDeliveryWorker(db, plugins, options.hookDelivery);
  // Events may have been lost while Redis was out of reach: open streams end, and their clients
  // resume from their last version or cursor (docs/subscriptions.md).
  const realtime = createRefundPubSub(options.redisUrl, () => live.interrupt(), redisUnreachable("events"));
  const clock = options.clock ?? systemClock;
  const credentials = new CredentialCache(db, realtime.credentials, clock, options.credentials);
  const credentialStreams = new CredentialStreams(credentials, clock, options.credentials?.expirySweepMs);
  const automation = new RuleAutomation(options.timers?.minuteMs);
  const appWebhooks = new AppWebhookOutbox();
  const shopConfig = createShopConfig(
    realtime.pubsub,
    (shopId) => {
      plugins.settingsChanged(shopId);
      paymentAccounts.changed(shopId);
      appWebhooks.subscriptionsChanged(shopId);
    },
    automation.timerMinuteMs,
  );
  // A webhook's document runs as the app, with the same services and plugins as a request.
  const webhookDeliveries = new AppWebhookWorker(
    db,
    {
      schema,
      contextFor: (viewer): GraphQLContext => ({ db, services, plugins, loaders: new RequestLoaders(), viewer, credential: null, authError: null, requestId: requestIdFrom(undefined), budgetKey: `app:${viewer.app?.id}`, shutdown: live.signal }),
    },
    options.appWebhooks,
  );
  const appChecks = new AppCheckCaller(db, {
    ...options.appChecks,
    onRecordError: (error) => logger.error({ err: error }, "an app check call could not be recorded"),
  });
  const services: RefundServiceDeps = {
    db,
    pubsub: realtime.pubsub,
    payments,
    hooks: new HooksWithAppWebhooks(plugins, appWebhooks),
    hookDeliveries: new DeliveriesWithAppWebhooks(hookDeliveries, webhookDeliveries),
    clock,
    automation,
    shopConfig: shopConfig.config,
    appChecks,
    paymentAccounts,
    credentials,
  };
  // A change published by another process before this one listens would be missed.
  await realtime.credentials.ready();
  credentials.start();
  credentialStreams.start();
  payments.start(services);
  const timers = new TimerWorker(services, {
    sweepIntervalMs: options.timers?.sweepIntervalMs,
    claimMs: options.timers?.claimMs ?? options.paymentClaimMs,
    retry: options.timers?.retry,
  });
  services.timers = timers;
  timers.start();
  const live = new LiveShutdown();
  hookDeliveries.start();
  webhookDeliveries.start();

  const loaded = pluginModules.map((plugin) => ({ name: plugin.name, version: plugin.version }));
  logger.info({ plugins: loaded }, loaded.length > 0 ? `plugins loaded: ${loaded.map((plugin) => `${plugin.name} ${plugin.version}`).join(", ")}` : "no plugins loaded");
  const limits: ApiLimits = { ...DEFAULT_LIMITS, ...options.limits };
  // Shared by every process through Redis when there is one; otherwise each process has its own.
  const budget: CostBudget = options.redisUrl ? new RedisCostBudget(limits.budget, options.redisUrl, redisUnreachable("cost budget")) : new MemoryCostBudget(limits.budget);
  // Settings left undefined (an unset MAX_IN_FLIGHT) keep the default. The embedded PGlite runs
  // every statement on this process's event loop, so its delay there measures the database's
  // own work, not overload: on PGlite only an explicit MAX_EVENT_LOOP_DELAY_MS watches it.
  const overloadDefaults = db.kind === "pglite" ? { ...DEFAULT_OVERLOAD, maxEventLoopDelayMs: 0 } : DEFAULT_OVERLOAD;
  const overloadSet = Object.fromEntries(Object.entries(options.overload ?? {}).filter(([, value]) => value !== undefined));
  // A test's clock makes a held request late without waiting; otherwise a monotonic one.
  const clockMs = options.clock;
  const shedder = new LoadShedder({ ...overloadDefaults, ...overloadSet }, clockMs ? () => clockMs().getTime() : undefined);

  async function contextFor(authorization: string | null | undefined, address: string | undefined): Promise<GraphQLContext> {
    const base = { db, services, plugins, loaders: new RequestLoaders(), shutdown: live.signal, requestId: currentRequestId() ?? requestIdFrom(undefined) };
    try {
      const resolved = await credentials.resolve(authorization);
      return { ...base, viewer: resolved?.viewer ?? null, credential: resolved?.credential ?? null, authError: null, budgetKey: budgetKey(authorization, resolved !== null, address) };
    } catch (error) {
      if (!(error instanceof UserErrorsException)) throw error;
      return { ...base, viewer: null, credential: null, authError: error.userErrors[0]!, budgetKey: budgetKey(authorization, false, address) };
    }
  }

  const yoga = createYoga<{ req?: IncomingMessage }, GraphQLContext>({
    schema,
    batching: { limit: limits.maxBatchSize },
    // The HTTP server refuses a body over limits.maxBodyBytes (by its Content-Length, and a body
    // without one) before yoga sees it, and Node reads no more than the length announced: yoga's
    // own limit re-streamed every body through a counting TransformStream into a new Request.
    maxRequestBodySize: false,
    graphqlEndpoint: "/graphql",
    healthCheckEndpoint: "/health",
    // Production: no GraphiQL page and no introspection (the schema is published as schema/schema.graphql).
    graphiql: options.production ? false : GRAPHIQL_OPTIONS,
    renderGraphiQL: renderOfflineGraphiQL,
    logging: {
      // yoga says what it does three times a request at debug: nothing is built below the level.
      debug: (...args: unknown[]) => logger.isLevelEnabled("debug") && logger.debug({ requestId: currentRequestId() }, args.map(String).join(" ")),
      info: (...args: unknown[]) => logger.isLevelEnabled("info") && logger.info({ requestId: currentRequestId() }, args.map(String).join(" ")),
      warn: (...args: unknown[]) => logger.warn({ requestId: currentRequestId() }, args.map(String).join(" ")),
      error: (...args: unknown[]) => {
        const err = args.find((arg) => arg instanceof Error);
        // yoga reports every error a resolver threw; a refused role, a missing row or an outage
        // (maskError logs it as a warning) is expected.
        const original = (err as { originalError?: unknown } | undefined)?.originalError;
        const expected = original instanceof UserErrorsException || isDatabaseUnavailable(original ?? err);
        logger[expected ? "debug" : "error"]({ requestId: currentRequestId(), err }, args.map(String).join(" "));
      },
    },
    maskedErrors: {
      // A query that fails an expected check (a role, a scope) says so with its code; any
      // other error stays masked.
      maskError(error, message, isDev) {
        const original = (error as { originalError?: unknown }).originalError;
        if (original instanceof UserErrorsException) {
          const [first] = original.userErrors;
          return new GraphQLError(first!.message, { extensions: { code: first!.code, field: first!.field } });
        }
        const masked = maskError(error, message, isDev);
        if (masked === error) return masked; // a GraphQLError made on purpose: shown as is
        if (isDatabaseUnavailable(original ?? error)) {
          // An outage, not a bug: the client is told to come back, and the log says which.
          logger.warn({ requestId: currentRequestId(), err: original ?? error }, "database unavailable");
          return databaseUnavailable(error as GraphQLError);
        }
        // A bug: the client gets "Unexpected error." and the request id, the log gets the cause.
        const requestId = currentRequestId();
        logger.error({ requestId, err: original ?? error, path: (error as GraphQLError).path }, "internal error (masked)");
        const shown = masked as GraphQLError;
        return new GraphQLError(shown.message, {
          nodes: shown.nodes,
          source: shown.source,
          positions: shown.positions,
          path: shown.path,
          extensions: { ...shown.extensions, requestId },
        });
      },
    },
    context: ({ request, req }) => contextFor(request.headers.get("authorization"), req?.socket.remoteAddress),
    plugins: [
      shedder.plugin(),
      // First, so that every later hook sees the trusted document, never the client's text.
      ...(trusted ? [useTrustedDocuments(trusted)] : []),
      ...(options.production ? [useDisableIntrospection()] : []),
      // Browsers may send "simple" cross-site requests without a preflight (a form POST, a GET):
      // only JSON bodies or a custom header are served, which a foreign page cannot send unasked.
      useCSRFPrevention({ requestHeaders: ["x-graphql-yoga-csrf", "apollo-require-preflight"] }),
      useOperationLog(logger),
      // Before the cost: a page out of range is refused without taking from the budget.
      usePageSizeLimit(),
      useAppPermissions(),
      // Streams end when their credential does (revoked, rotated, expired, member or app ended).
      credentialStreams.plugin(),
      ...useCostControl(limits, budget),
      // Probes read the status (200 or 503); people and scripts read the small JSON body.
      useReadiness(async (fetchAPI) => {
        const { status, body } = await readiness(db, { onUnreachable: (error) => logger.warn({ err: error }, "not ready: the database cannot be reached") });
        return new fetchAPI.Response(JSON.stringify({ ...body, liveSubscriptions: live.streaming(), ...shedder.state() }), { status, headers: { "content-type": "application/json; charset=utf-8" } });
      }),
    ],
  });

  const pluginContext = pluginContexts(services, plugins, payments);
  const pluginRouter = createPluginRouter(plugins, pluginContext);
  // The process holds task leases under its plugin-set id: PluginProcess says which process runs a task.
  const pluginTasks = startPluginTasks(plugins.plugins.values(), pluginContext, db.prisma, { clock, holder: pluginSet.id });
  const server = createServer((request, response) => {
    if (options.workerId) response.setHeader("x-worker-id", options.workerId);
    // First: a refusal for overload reads, parses and looks up nothing.
    if (!shedder.admitHttp(request, response)) return;
    if (bodyTooLarge(request, limits.maxBodyBytes, response)) return;
    const requestId = requestIdFrom(request.headers["x-request-id"]);
    response.setHeader("x-request-id", requestId);
    requestScope.run({ requestId }, () => {
      if (request.url?.startsWith(PLUGIN_ROUTE_PREFIX)) pluginRouter(request, response);
      else if (isDashboardRequest(request.url)) serveDashboard(request, response);
      else yoga(request, response);
    });
  });
  // An idle keep-alive connection is kept longer than any client keeps one (undici: 4 s, load
  // balancers: 60 s): closed by the server first, a client's next request on it meets
  // ECONNRESET — on a busy machine even from clients that stop sooner, since their clock of
  // "idle" starts only when they have read the answer. The shutdown closes idle ones at once.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const wsServer = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: limits.maxBodyBytes });
  if (options.workerId) wsServer.on("headers", (headers) => headers.push(`X-Worker-Id: ${options.workerId}`));
  // The slot each graphql-ws operation holds from onSubscribe until its result (or its stream) exists.
  const wsSlots = new WeakMap<object, Slot>();
  const untilResult = <T>(contextValue: unknown, run: () => T): Promise<Awaited<T>> => {
    const slot = wsSlots.get(contextValue as object);
    return (async (): Promise<Awaited<T>> => {
      try {
        return (await run()) as Awaited<T>;
      } finally {
        slot?.release();
      }
    })();
  };
  /** graphql-ws's onSubscribe behind the overload check; an operation it lets through holds its slot until `untilResult`. */
  const admitted =
    <A extends unknown[]>(prepare: (...args: A) => Promise<readonly GraphQLError[] | ExecutionArgs>) =>
    async (...args: A): Promise<readonly GraphQLError[] | ExecutionArgs> => {
      const slot = shedder.admit();
      if (!slot) return [shedder.refusal()];
      try {
        const prepared = await prepare(...args);
        if ("contextValue" in prepared) wsSlots.set(prepared.contextValue as object, slot);
        else slot.release();
        return prepared;
      } catch (error) {
        slot.release();
        throw error;
      }
    };
  const wsHandle = useServer<{ authorization?: string }>(
    {
      // Each operation on a connection is a request of its own for logs and masked errors.
      execute: (args) =>
        untilResult(args.contextValue, () =>
          requestScope.run({ requestId: (args.contextValue as GraphQLContext).requestId }, () =>
            (args.rootValue as { execute: typeof import("graphql").execute }).execute(args),
          ),
        ),
      subscribe: (args) =>
        untilResult(args.contextValue, () =>
          requestScope.run({ requestId: (args.contextValue as GraphQLContext).requestId }, () =>
            (args.rootValue as { subscribe: typeof import("graphql").subscribe }).subscribe(args),
          ),
        ),
      onConnect: (ctx) => live.connected(ctx),
      onClose: (ctx) => live.closed(ctx),
      // Overload is refused first, before anything of the operation is parsed or looked up.
      onSubscribe: admitted(async (ctx, _id, params) => {
        // graphql-ws keeps the connection's operations (this one included), updated as soon as
        // a client completes one.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerConnection) {
          return [
            new GraphQLError(`At most ${limits.maxSubscriptionsPerConnection} subscriptions may be open on one connection`, {
              extensions: { code: "TOO_MANY_SUBSCRIPTIONS" },
            }),
          ];
        }
        // yoga's onParams hooks (trusted documents) do not run for graphql-ws: the same rule here.
        const query = trusted ? trustedSubscriptionQuery(trusted, params) : params.query;
        if (query instanceof GraphQLError) return [query];
        const { schema: envelopedSchema, execute, subscribe, parse, validate } = yoga.getEnveloped({
          ...ctx,
          req: ctx.extra.request,
          socket: ctx.extra.socket,
          params: { ...params, query },
        });
        const document = parse(query);
        // useDisableIntrospection marks HTTP requests only (its onRequestParse): the same rule here.
        const errors = validate(envelopedSchema, document, options.production ? [...specifiedRules, NoSchemaIntrospectionCustomRule] : undefined);
        if (errors.length > 0) return errors;
        // graphql-ws would answer this itself, after onSubscribe; here the slot is given back with it.
        if (!getOperationAST(document, params.operationName)) return [new GraphQLError("Unable to identify operation")];
        const authorization = ctx.connectionParams?.authorization;
        return {
          schema: envelopedSchema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFor(typeof authorization === "string" ? authorization : undefined, ctx.extra.request.socket.remoteAddress),
          rootValue: { execute, subscribe },
        };
      }),
    },
    wsServer,
  );

  return {
    db,
    services,
    plugins,
    pluginTasks,
    sandbox,
    payments,
    paymentAccounts,
    server,
    listen(port = 0, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const address = server.address() as AddressInfo;
          // With no PUBLIC_URL, providers are told to notify the address this process listens on.
          publicUrl ??= `http://${host}:${address.port}`;
          resolve(`http://${host}:${address.port}/graphql`);
        });
      });
    },
    liveSubscriptions: (authorization) => live.streaming(authorization),
    credentialStreams: (tokenId) => credentialStreams.count(tokenId),
    async settle() {
      // Request → payment → its transition's deliveries: three links at most.
      for (let round = 0; round < 3; round += 1) {
        await payments.drain();
        await hookDeliveries.drain();
        await webhookDeliveries.drain();
        await appChecks.drain();
      }
      await credentials.flushStamps();
    },
    async close() {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve())); // no new connections
      // Said when it happens: a drain that waits out its grace is a bug to see (test/e2e/shutdown.test.ts).
      const stillOpen = await live.endSubscriptions(SHUTDOWN_GRACE_MS);
      if (stillOpen > 0) logger.warn(`shutdown grace ran out: ${stillOpen} subscriptions had not completed`);
      await closeHttpServer(server, serverClosed, { server: wsServer, handle: wsHandle }, SHUTDOWN_GRACE_MS, (sockets) =>
        logger.warn(`shutdown grace ran out: cutting ${sockets} WebSockets and the open HTTP connections`),
      );
      await pluginTasks.stop();
      await timers.stop();
      credentialStreams.stop();
      await credentials.stop();
      await payments.stop();
      await hookDeliveries.stop();
      await appChecks.drain();
      await webhookDeliveries.stop();
      await shopConfig.close();
      await realtime.close();
      await budget.close();
      shedder.close();
      await pluginSet.stop();
      await db.close();
    },
  };
}
