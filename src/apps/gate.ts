import { GraphQLError, Kind, type OperationDefinitionNode } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { Role } from "../domain/types.js";
import { argumentReadsOf, roleArgumentProblems } from "../graphql/argument-reads.js";
import { permissionProblems } from "./documents.js";
import type { AppPermission } from "./permissions.js";

interface AppViewerContext {
  viewer?: { role: Role; app?: { permissions: readonly AppPermission[] } | null } | null;
}

type OperationArgs = {
  schema: Parameters<typeof permissionProblems>[0];
  document: Parameters<typeof permissionProblems>[1];
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  contextValue: AppViewerContext;
};

function isMutation(args: OperationArgs): boolean {
  const operations = args.document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = args.operationName ? operations.find((candidate) => candidate.name?.value === args.operationName) : operations[0];
  return operation?.operation === "mutation";
}

/**
 * An app's token acts with its creator's role, narrowed to the app's permissions: before an
 * operation of an app runs (HTTP, SSE or WebSocket), every field it selects and every argument
 * that reads another type's data (src/graphql/argument-reads.ts) is checked against them, and an
 * operation reaching beyond them is refused whole, naming the first field or argument. For every
 * caller of a query or subscription, an argument reading a field its role is not shown (an
 * assignee, a label) is refused the same way: what a role may not select, it may not filter or
 * order by either.
 */
export function useAppPermissions(): Plugin<AppViewerContext & Record<string, unknown>> {
  const refusal = (args: OperationArgs) => {
    const viewer = args.contextValue.viewer;
    if (!viewer) return null;
    if (viewer.app) {
      const [problem] = permissionProblems(args.schema, args.document, viewer.app.permissions, args);
      if (problem) return { errors: [new GraphQLError(`This app may not read ${problem}`, { extensions: { code: "FORBIDDEN" } })] };
    }
    // A mutation answers what its input may not read as userErrors (refundFilterOf).
    if (isMutation(args)) return null;
    const [denied] = roleArgumentProblems(argumentReadsOf(args.schema, args.document, args.operationName, args.variableValues), viewer.role);
    return denied ? { errors: [new GraphQLError(denied, { extensions: { code: "FORBIDDEN" } })] } : null;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const refused = refusal(args as unknown as OperationArgs);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const refused = refusal(args as unknown as OperationArgs);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
