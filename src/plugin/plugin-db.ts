// The database handle a plugin gets instead of the PrismaClient: its own tables in full, the
// core models it declared in `reads` read-only (and, given a shop, only that shop's rows), and
// raw SQL for reads of those same tables. Enforced at run time, not only by the types: a model
// the plugin did not declare is simply not a property of the handle.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Tx } from "../db/tx.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import { getDatamodel } from "../generated/pothos-types.js";

/** A model as its delegate is named on the client: `refund`, `coupon`… */
export type ModelKey = Uncapitalize<Prisma.ModelName>;

const READ_METHODS = ["findUnique", "findUniqueOrThrow", "findFirst", "findFirstOrThrow", "findMany", "count", "aggregate", "groupBy"] as const;
type ReadMethod = (typeof READ_METHODS)[number];

/** A core model as a plugin may use it: reads only. */
export type ReadOnlyModel<K extends ModelKey> = Pick<PrismaClient[K], ReadMethod & keyof PrismaClient[K]>;

/**
 * What `ctx.db` is: `Own` (the plugin's `tables`) with every method, `Reads` (its `reads`)
 * with the read methods, and `$queryRaw` for one SELECT over those tables.
 */
export type PluginDb<Own extends ModelKey = never, Reads extends ModelKey = never> = { readonly [K in Own]: PrismaClient[K] } & {
  readonly [K in Reads]: ReadOnlyModel<K>;
} & {
  /** A tagged-template SELECT over the plugin's own tables and its `reads`; scope it to the shop yourself. */
  $queryRaw<T = unknown>(query: TemplateStringsArray, ...values: unknown[]): Promise<T>;
};

/** A handle as the host holds it, the plugin's declarations erased (as AnyRefundPlugin's settings are). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyPluginDb = any;

/** A plugin's handle type; `any` for the host's erased view (`AnyRefundPlugin`). */
export type PluginDbOf<Own extends ModelKey, Reads extends ModelKey> = unknown extends Own ? AnyPluginDb : PluginDb<Own, Reads>;

/** What a plugin declared about its data. */
export interface DataAccess {
  name: string;
  tables?: readonly string[];
  reads?: readonly string[];
}

const MODELS = getDatamodel().datamodel.models as Record<string, { fields: ReadonlyArray<{ name: string; kind: string }> }>;
const keyOf = (model: string) => model[0]!.toLowerCase() + model.slice(1);
const modelOf = new Map(Object.keys(MODELS).map((model) => [keyOf(model), model]));
/** Models whose rows belong to one shop: a shop's reads see only these rows of its own. */
const SHOP_COLUMN = new Set(Object.entries(MODELS).filter(([, model]) => model.fields.some((field) => field.name === "shopId" && field.kind === "scalar")).map(([name]) => name));

/** Models of prisma/schema.prisma: the core's, which no plugin may own. */
export const CORE_MODELS: ReadonlySet<string> = new Set(
  [...readFileSync(fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url)), "utf8").matchAll(/^model\s+(\w+)/gm)].map((match) => match[1]!),
);

/** Checks a plugin's declarations against the data model; the host refuses to start on a problem. */
export function dataAccessProblems(plugin: DataAccess): string[] {
  const problems: string[] = [];
  for (const key of plugin.tables ?? []) {
    const model = modelOf.get(key);
    if (!model) problems.push(`plugin ${plugin.name} declares table "${key}", which is no model of the schema`);
    else if (CORE_MODELS.has(model)) problems.push(`plugin ${plugin.name} declares table "${key}", which is a core model (prisma/schema.prisma): declare it in reads`);
  }
  for (const key of plugin.reads ?? []) {
    const model = modelOf.get(key);
    if (!model || !CORE_MODELS.has(model)) problems.push(`plugin ${plugin.name} reads "${key}", which is no core model`);
  }
  return problems;
}

/** Statements a raw read may not contain: anything that writes or changes the session. */
const NOT_A_READ = /\b(insert|update|delete|merge|truncate|alter|drop|create|grant|revoke|copy|call|do|set|reset|lock|vacuum|comment|execute|prepare|listen|notify|into)\b|set_config|pg_|_prisma_migrations|information_schema|;/i;

/** Why a raw read's text is refused (not one SELECT, or a table the plugin may not read), or null. */
function rawReadProblem(text: string, plugin: DataAccess, allowed: ReadonlySet<string | undefined>): string | null {
  if (!/^\s*(select|with)\b/i.test(text) || NOT_A_READ.test(text)) return `plugin ${plugin.name}: $queryRaw runs one SELECT; write through the table delegates`;
  for (const [, identifier] of text.matchAll(/"([^"]+)"/g)) {
    if (MODELS[identifier!] && !allowed.has(identifier!)) return `plugin ${plugin.name} may not read table "${identifier}": not one of its tables nor in its reads`;
  }
  return null;
}

/**
 * Per plugin, the models its raw reads may name, and the verdict on each template it ran: a
 * tagged template's strings are one frozen array per call site, so its text is checked once,
 * not on every call (the checks were most of crm-risk's 0.3 ms per automatic refund).
 */
const rawReadChecks = new WeakMap<DataAccess, { allowed: ReadonlySet<string | undefined>; verdicts: WeakMap<TemplateStringsArray, string | null> }>();

function rawReads(client: Tx | PrismaClient, plugin: DataAccess): PluginDb["$queryRaw"] {
  let checks = rawReadChecks.get(plugin);
  if (!checks) {
    checks = { allowed: new Set([...(plugin.tables ?? []), ...(plugin.reads ?? [])].map((key) => modelOf.get(key))), verdicts: new WeakMap() };
    rawReadChecks.set(plugin, checks);
  }
  const { allowed, verdicts } = checks;
  return (query, ...values) => {
    let problem = verdicts.get(query);
    if (problem === undefined) {
      problem = rawReadProblem(query.join(" "), plugin, allowed);
      // Only a frozen array keeps the text that was checked (a hand-made one could change).
      if (Object.isFrozen(query)) verdicts.set(query, problem);
    }
    if (problem !== null) return Promise.reject(new Error(problem));
    return (client.$queryRaw as (query: TemplateStringsArray, ...values: unknown[]) => Promise<never>)(query, ...values);
  };
}

type Args = { where?: Record<string, unknown> } & Record<string, unknown>;

/** `where` AND this shop's rows; the unique fields of a findUnique stay at the top as Prisma wants. */
function scoped(args: Args | undefined, model: string, shopId: string): Args {
  const where = args?.where ?? {};
  const scope = model === "Shop" ? { id: shopId } : { shopId };
  const and = where.AND === undefined ? [] : Array.isArray(where.AND) ? where.AND : [where.AND];
  return { ...args, where: { ...where, AND: [...and, scope] } };
}

/**
 * The handle for one plugin over `client` (the app's client, or a transition's transaction).
 * With `shopId`, reads of core models that have a shop (a `shopId` column, or Shop itself) see
 * that shop's rows only; nested selects follow the read row's relations.
 */
export function pluginDb(client: Tx | PrismaClient, plugin: DataAccess, shopId: string | null): AnyPluginDb {
  const handle: Record<string, unknown> = { $queryRaw: rawReads(client, plugin) };
  const delegates = client as unknown as Record<string, Record<ReadMethod, (args?: Args) => unknown>>;
  // Each table's delegate is made when first used: a handle is made per hook call, and most
  // calls use one or two of the plugin's tables and reads, or only $queryRaw.
  const lazily = (key: string, make: () => unknown) => {
    let made: unknown;
    Object.defineProperty(handle, key, { enumerable: true, get: () => (made ??= make()) });
  };
  for (const key of plugin.tables ?? []) lazily(key, () => delegates[key]);
  for (const key of plugin.reads ?? []) {
    lazily(key, () => {
      const model = modelOf.get(key)!;
      const delegate = delegates[key]!;
      const scope = shopId !== null && (SHOP_COLUMN.has(model) || model === "Shop") ? shopId : null;
      return Object.freeze(
        Object.fromEntries(
          READ_METHODS.map((method) => [method, (args?: Args) => delegate[method]!.call(delegate, scope === null ? args : scoped(args, model, scope))]),
        ),
      );
    });
  }
  return Object.freeze(handle) as AnyPluginDb;
}

/**
 * Whether a write through `ctx.db` failed on a unique key (Prisma's P2002): a row of this effect
 * is there already. Outside a transaction (after-hooks, routes, tasks) a single-row `create`
 * that catches it does what `createManyAndReturn({ skipDuplicates })` does, and Prisma caches
 * its plan, where it compiles every createMany anew (about 0.5 ms of CPU a call).
 */
export { isUniqueViolation } from "../db/unique-violation.js";
