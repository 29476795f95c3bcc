import { createHash } from "node:crypto";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesPlugin } from "@escape.tech/graphql-armor-max-directives";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import type { GraphQLArmorRejectCallback } from "@escape.tech/graphql-armor-types";
import { createComplexityRule } from "@pothos/plugin-complexity";
import { type DocumentNode, type ExecutionResult, GraphQLError, type GraphQLSchema, Kind, TypeInfo, ValidationContext, getEnterLeaveForKind } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { BudgetState, CostBudget, SpendResult } from "./budget.js";
import type { ApiLimits, LimitErrorCode } from "./limits.js";

/** `extensions.cost` of every response (names from DESIGN.md, as Shopify's Admin API has them). */
export interface CostExtension {
  /** What the operation was computed to cost before it ran (0 when it could not be computed). */
  requested: number;
  /** What was taken from the budget: `requested` when it ran, 0 when it was refused. */
  actual: number;
  budget: BudgetState;
}

/** What the cost plugin needs from the GraphQL context. */
export interface CostContext {
  /** Whose bucket pays: see budgetKey. */
  budgetKey: string;
}

const BEARER = /^Bearer (\S+)$/;

/**
 * The bucket a request pays from: an API token's own (by its hash, known before any database
 * lookup, so responses refused while parsing show the same bucket), else the client's address.
 * A header that names no live token pays from the address: inventing tokens buys no budget.
 */
export function budgetKey(authorization: string | null | undefined, tokenIsLive: boolean, address: string | undefined): string {
  const bearer = authorization ? BEARER.exec(authorization.trim())?.[1] : undefined;
  if (bearer && tokenIsLive) return `token:${createHash("sha256").update(bearer).digest("hex").slice(0, 32)}`;
  return `ip:${address ?? "unknown"}`;
}

function limitError(code: LimitErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

/**
 * The operation's computed cost: the costs declared on the fields (src/graphql/builder.ts
 * `fieldComplexity` and per-field `complexity`), lists and pages multiplied by their size.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variableValues: Record<string, unknown> | null | undefined, context: object): number {
  let complexity = 0;
  const rule = createComplexityRule({
    context,
    operationName: operationName ?? undefined,
    variableValues: variableValues ?? {},
    validate: () => {}, // limits are enforced from the result below, with the caller's budget
    onResult: (result) => {
      complexity = result.complexity;
    },
  });
  // The rule looks at operations only (it finds their fragments itself): each is handed to it
  // here, rather than through graphql's validate, whose walk of every node with type information
  // cost more CPU than the cost itself.
  const visitor = getEnterLeaveForKind(rule(new ValidationContext(schema, document, new TypeInfo(schema), () => {})), Kind.OPERATION_DEFINITION);
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    visitor.enter?.(definition, undefined, document, [], []);
    visitor.leave?.(definition, undefined, document, [], []);
  }
  return complexity;
}

function withCost(result: ExecutionResult, cost: CostExtension): ExecutionResult {
  return { ...result, extensions: { ...result.extensions, cost } };
}

function throttled(spent: SpendResult, requested: number): GraphQLError {
  return limitError(
    "THROTTLED",
    `Throttled: this operation costs ${requested} points and ${spent.remaining} are left; the budget refills ${spent.refillPerSecond} points a second. Retry after ${spent.retryAfterSeconds} s.`,
    { retryAfterSeconds: spent.retryAfterSeconds, http: { status: 429, headers: { "Retry-After": String(spent.retryAfterSeconds) } } },
  );
}

/** Armor reports a refusal with a code of ours, during validation (or parsing, for tokens). */
function coded(code: LimitErrorCode): GraphQLArmorRejectCallback[] {
  return [
    (validation, error) => {
      const mine = limitError(code, error.message.replace(/^Syntax Error: /, ""));
      if (validation) validation.reportError(mine);
      else throw mine;
    },
  ];
}

interface ServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/**
 * Query cost control: size limits checked before execution (GraphQL Armor), then the computed
 * cost taken from the caller's leaky bucket; `extensions.cost` on every response.
 */
export function useCostControl(limits: ApiLimits, budget: CostBudget): Plugin<CostContext & Record<string, unknown>, ServerContext>[] {
  const settings = budget.settings;

  async function spend<T>(args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Record<string, unknown> | null; contextValue: CostContext }, stop: (result: ExecutionResult) => void, then: (cost: CostExtension) => T): Promise<T | undefined> {
    const requested = operationCost(args.schema, args.document, args.operationName, args.variableValues, args.contextValue);
    if (requested > settings.max) {
      const state = await budget.peek(args.contextValue.budgetKey);
      stop({
        errors: [limitError("MAX_COST_EXCEEDED", `This operation costs ${requested} points; one operation may cost at most ${settings.max}. Ask for smaller pages or fewer fields.`, { requested, max: settings.max })],
        extensions: { cost: { requested, actual: 0, budget: state } satisfies CostExtension },
      });
      return undefined;
    }
    const spent = await budget.spend(args.contextValue.budgetKey, requested);
    const cost: CostExtension = {
      requested,
      actual: spent.allowed ? requested : 0,
      budget: { remaining: spent.remaining, max: spent.max, refillPerSecond: spent.refillPerSecond },
    };
    if (!spent.allowed) {
      stop({ errors: [throttled(spent, requested)], extensions: { cost } });
      return undefined;
    }
    return then(cost);
  }

  const costPlugin: Plugin<CostContext & Record<string, unknown>, ServerContext> = {
    onExecute: ({ args, setResultAndStopExecution }) =>
      spend(args as typeof args & { contextValue: CostContext }, setResultAndStopExecution, (cost) => ({
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return; // incremental delivery is not enabled
          setResult(withCost(result, cost));
        },
      })),
    onSubscribe: ({ args, setResultAndStopExecution }) =>
      spend(args as typeof args & { contextValue: CostContext }, setResultAndStopExecution, (cost) => ({
        // The first event carries what opening the subscription cost (or the refusal does).
        onSubscribeResult: ({ result, setResult }) => {
          if (!(Symbol.asyncIterator in result)) {
            setResult(withCost(result, cost));
            return undefined;
          }
          let first = true;
          return {
            onNext: ({ result, setResult }) => {
              if (!first) return;
              first = false;
              setResult(withCost(result, cost));
            },
          };
        },
      })),
    // Responses refused before execution (parse, validation, a bad request) show the budget too.
    onResultProcess: async ({ request, result, setResult, serverContext }) => {
      if (Symbol.asyncIterator in result) return;
      const results = Array.isArray(result) ? result : [result];
      if (results.every((one) => one.extensions?.cost)) return;
      const authorization = request.headers.get("authorization");
      const key = budgetKey(authorization, true, serverContext.req?.socket?.remoteAddress);
      const state = await budget.peek(key);
      const fill = (one: ExecutionResult) => (one.extensions?.cost ? one : withCost(one, { requested: 0, actual: 0, budget: state }));
      setResult(Array.isArray(result) ? result.map(fill) : fill(result as ExecutionResult));
    },
  };

  return [
    maxTokensPlugin({ n: limits.maxTokens, propagateOnRejection: false, onReject: coded("MAX_TOKENS_EXCEEDED") }),
    maxDepthPlugin({ n: limits.maxDepth, propagateOnRejection: false, onReject: coded("MAX_DEPTH_EXCEEDED") }),
    maxAliasesPlugin({ n: limits.maxAliases, propagateOnRejection: false, onReject: coded("MAX_ALIASES_EXCEEDED") }),
    maxDirectivesPlugin({ n: limits.maxDirectives, propagateOnRejection: false, onReject: coded("MAX_DIRECTIVES_EXCEEDED") }),
    costPlugin,
  ] as Plugin<CostContext & Record<string, unknown>, ServerContext>[];
}
