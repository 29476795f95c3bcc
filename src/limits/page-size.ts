import {
  type DocumentNode,
  GraphQLError,
  GraphQLInt,
  type GraphQLSchema,
  Kind,
  TypeInfo,
  getNamedType,
  valueFromAST,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import type { LimitErrorCode } from "./limits.js";

/** The largest page any connection answers (`first` or `last`). */
export const MAX_PAGE_SIZE = 100;
/** The page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;

const SIZE_ARGUMENTS = new Set(["first", "last"]);

/**
 * The one page-size rule of every connection: `first`/`last` from 0 to MAX_PAGE_SIZE. Anything
 * else refuses the whole operation before it runs, with `extensions.code` PAGE_SIZE_OUT_OF_RANGE,
 * rather than answering a shorter page than asked for (queries have no userErrors).
 */
export function pageSizeErrors(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variableValues: Record<string, unknown> | null | undefined): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      // Only the operation that runs: another one in the document may use other variables.
      OperationDefinition: (operation) => (operationName && operation.name?.value !== operationName ? false : undefined),
      Field: (field) => {
        const definition = typeInfo.getFieldDef();
        if (!definition || !getNamedType(definition.type).name.endsWith("Connection")) return;
        for (const argument of field.arguments ?? []) {
          if (!SIZE_ARGUMENTS.has(argument.name.value)) continue;
          if (argument.value.kind === Kind.VARIABLE && !(argument.value.name.value in (variableValues ?? {}))) continue;
          const size = valueFromAST(argument.value, GraphQLInt, variableValues ?? {});
          if (typeof size !== "number" || (size >= 0 && size <= MAX_PAGE_SIZE)) continue;
          errors.push(
            new GraphQLError(`${field.name.value}(${argument.name.value}: ${size}): a page holds 0 to ${MAX_PAGE_SIZE} items; ask for the next page with \`after\` (or \`before\`).`, {
              nodes: [argument],
              extensions: { code: "PAGE_SIZE_OUT_OF_RANGE" satisfies LimitErrorCode, argument: argument.name.value, max: MAX_PAGE_SIZE },
            }),
          );
        }
      },
    }),
  );
  return errors;
}

/** Refuses an operation that asks any connection for a page out of range (see pageSizeErrors). */
export function usePageSizeLimit(): Plugin {
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      const errors = pageSizeErrors(args.schema, args.document, args.operationName, args.variableValues);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
    onSubscribe: ({ args, setResultAndStopExecution }) => {
      const errors = pageSizeErrors(args.schema, args.document, args.operationName, args.variableValues);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
