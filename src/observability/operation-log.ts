import { type DocumentNode, type ExecutionResult, getOperationAST } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { GraphQLContext } from "../graphql/context.js";
import type { Logger } from "./logger.js";

function describe(document: DocumentNode, operationName: string | null | undefined, context: GraphQLContext) {
  const operation = getOperationAST(document, operationName);
  return {
    requestId: context.requestId,
    operationName: operation?.name?.value ?? null,
    operationType: operation?.operation ?? null,
    role: context.viewer?.role ?? "ANONYMOUS",
    tokenId: context.viewer?.tokenId ?? null,
  };
}

/** The codes the client will see: an error without one is a bug, masked as INTERNAL_SERVER_ERROR. */
function errorCodes(result: ExecutionResult): string[] {
  return (result.errors ?? []).map((error) => String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR"));
}

/** One JSON line per operation: request id, operation, viewer role, duration, error codes. */
export function useOperationLog(logger: Logger): Plugin<GraphQLContext & Record<string, unknown>> {
  return {
    onExecute({ args }) {
      // Below LOG_LEVEL=info (the bench's, a busy production's) nothing is described or timed.
      if (!logger.isLevelEnabled("info")) return;
      const started = performance.now();
      const fields = describe(args.document, args.operationName, args.contextValue as GraphQLContext);
      return {
        onExecuteDone({ result }) {
          const durationMs = Math.round((performance.now() - started) * 10) / 10;
          const errors = Symbol.asyncIterator in result ? [] : errorCodes(result);
          logger.info({ ...fields, durationMs, ...(errors.length > 0 && { errors }) }, "operation");
        },
      };
    },
    onSubscribe({ args }) {
      if (!logger.isLevelEnabled("info")) return;
      logger.info(describe(args.document, args.operationName, args.contextValue as GraphQLContext), "subscription started");
    },
  };
}
