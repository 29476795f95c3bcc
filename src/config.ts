import { pluginNamesFrom } from "./plugin/loader.js";

/** Configuration from the environment; the names are the contract of shared/DESIGN.md. */
export interface AppConfig {
  port: number;
  /** PostgreSQL; unset → embedded PGlite under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  /** Redis for pub/sub across processes; unset → in-process. */
  redisUrl?: string;
  bootstrapAdminToken?: string;
  /** Put a demo shop into a fresh embedded database. */
  demoData: boolean;
  logLevel: "debug" | "info" | "warn" | "error";
  /** Plugins to load: names under plugins/ or paths. */
  plugins: string[];
  /** First retry delay of a failed after-hook (doubling). */
  pluginRetryBaseMs?: number;
  /** How long a process holds a payment attempt or hook delivery it took; after a crash, others wait this long. */
  workerClaimMs?: number;
  /** How often due automation timers are swept. */
  timerSweepMs?: number;
  /** How long a timer's minute lasts (60 000; tests and demos shorten it). */
  timerMinuteMs?: number;
  /** Each caller's cost budget: its size and how many points it regains per second. */
  costBudgetMax?: number;
  costRefillPerSecond?: number;
  /** NODE_ENV=production: no introspection and no GraphiQL. */
  production: boolean;
  /** A persisted-documents manifest (hash → document): only its operations run. */
  trustedDocumentsManifest?: string;
  /** PUBLIC_URL: where payment providers reach this platform (their notifications), e.g. https://refunds.example.com. */
  publicUrl?: string;
  /** PAYMENT_API_URLS: provider API base URLs by code, `WECHAT_PAY=https://…,STRIPE=https://…` (default each provider's own host). */
  paymentApiUrls?: Record<string, string>;
  /** PAYMENT_ACCOUNT_KEY: 32 bytes (base64 or hex) encrypting the shops' provider secrets; required in production. */
  paymentAccountKey?: string;
  /** WEB_CONCURRENCY: server processes on one port (node:cluster); more than 1 needs REDIS_URL and DATABASE_URL. */
  webConcurrency: number;
  /** MAX_IN_FLIGHT: requests one process works on at once before it answers 503 SERVICE_OVERLOADED (0 = no limit). */
  maxInFlight?: number;
  /** TARGET_LATENCY_MS: latency of accepted requests past which a process takes fewer at once (0 = always MAX_IN_FLIGHT). */
  targetLatencyMs?: number;
  /** MAX_EVENT_LOOP_DELAY_MS: mean event-loop delay past which a process answers 503 SERVICE_OVERLOADED (0 = not watched). */
  maxEventLoopDelayMs?: number;
  /** MAX_UNSETTLED_PAYMENTS: payments of its own to claim or record past which a process holds new refund requests back (0 = never). */
  maxUnsettledPayments?: number;
}

/** `CODE=url,CODE=url` → by code. */
function urlsByCode(raw: string | undefined): Record<string, string> | undefined {
  if (!raw) return undefined;
  const urls: Record<string, string> = {};
  for (const entry of raw.split(",").map((part) => part.trim()).filter(Boolean)) {
    const at = entry.indexOf("=");
    const code = entry.slice(0, at);
    const url = entry.slice(at + 1);
    if (at <= 0 || !/^[A-Z][A-Z0-9_]*$/.test(code) || !URL.canParse(url)) throw new Error(`PAYMENT_API_URLS must be CODE=url pairs separated by commas, not ${entry}`);
    urls[code] = url;
  }
  return urls;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds, not ${raw}`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number of at least ${min}, not ${raw}`);
  return value;
}

const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const logLevel = (env.LOG_LEVEL ?? "info").toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as AppConfig["logLevel"])) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`);
  const webConcurrency = wholeNumber(env, "WEB_CONCURRENCY", 1) ?? 1;
  // Each process has its own memory: subscriptions, cost budgets and settings caches meet in
  // Redis, and the embedded database can be opened by one process only.
  if (webConcurrency > 1 && !env.REDIS_URL) {
    throw new Error(`WEB_CONCURRENCY=${webConcurrency} needs REDIS_URL: without Redis a subscriber on one process would never see a transition made on another`);
  }
  if (webConcurrency > 1 && !env.DATABASE_URL) {
    throw new Error(`WEB_CONCURRENCY=${webConcurrency} needs DATABASE_URL: the embedded database (PGlite) can be opened by one process only`);
  }
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.DATA_DIR || "./.data",
    redisUrl: env.REDIS_URL || undefined,
    bootstrapAdminToken: env.BOOTSTRAP_ADMIN_TOKEN || undefined,
    demoData: env.DEMO_DATA !== "0",
    logLevel: logLevel as AppConfig["logLevel"],
    plugins: pluginNamesFrom(env.PLUGINS),
    pluginRetryBaseMs: positiveNumber(env, "PLUGIN_RETRY_BASE_MS"),
    workerClaimMs: positiveNumber(env, "WORKER_CLAIM_MS"),
    timerSweepMs: positiveNumber(env, "TIMER_SWEEP_MS"),
    timerMinuteMs: positiveNumber(env, "TIMER_MINUTE_MS"),
    costBudgetMax: positiveNumber(env, "COST_BUDGET_MAX"),
    costRefillPerSecond: positiveNumber(env, "COST_REFILL_PER_SECOND"),
    production: env.NODE_ENV === "production",
    trustedDocumentsManifest: env.TRUSTED_DOCUMENTS_MANIFEST || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
    paymentApiUrls: urlsByCode(env.PAYMENT_API_URLS),
    paymentAccountKey: env.PAYMENT_ACCOUNT_KEY || undefined,
    webConcurrency,
    maxInFlight: wholeNumber(env, "MAX_IN_FLIGHT", 0),
    targetLatencyMs: wholeNumber(env, "TARGET_LATENCY_MS", 0),
    maxEventLoopDelayMs: wholeNumber(env, "MAX_EVENT_LOOP_DELAY_MS", 0),
    maxUnsettledPayments: wholeNumber(env, "MAX_UNSETTLED_PAYMENTS", 0),
  };
}
