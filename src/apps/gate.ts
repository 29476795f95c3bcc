import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { permissionProblems } from "./documents.js";
import type { AppPermission } from "./permissions.js";

interface AppViewerContext {
  viewer?: { app?: { permissions: readonly AppPermission[] } | null } | null;
}

/**
 * An app's token acts with its creator's role, narrowed to the app's permissions: before an
 * operation of an app runs (HTTP, SSE or WebSocket), every field it selects is checked against
 * them, and an operation reaching beyond them is refused whole, naming the first field.
 */
export function useAppPermissions(): Plugin<AppViewerContext & Record<string, unknown>> {
  const refusal = (args: { schema: Parameters<typeof permissionProblems>[0]; document: Parameters<typeof permissionProblems>[1]; contextValue: AppViewerContext }) => {
    const app = args.contextValue.viewer?.app;
    if (!app) return null;
    const [problem] = permissionProblems(args.schema, args.document, app.permissions);
    return problem ? { errors: [new GraphQLError(`This app may not read ${problem}`, { extensions: { code: "FORBIDDEN" } })] } : null;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const refused = refusal(args as typeof args & { contextValue: AppViewerContext });
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const refused = refusal(args as typeof args & { contextValue: AppViewerContext });
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
