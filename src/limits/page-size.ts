import {
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  GraphQLInt,
  type GraphQLSchema,
  Kind,
  getNamedType,
  valueFromAST,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { perDocumentFields } from "./document-fields.js";
import type { LimitErrorCode } from "./limits.js";

/** The largest page any connection answers (`first` or `last`). */
export const MAX_PAGE_SIZE = 100;
/** The page size when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;

const SIZE_ARGUMENTS = new Set(["first", "last"]);

/** A `first` or `last` argument of a connection field, and the operation it is in (none: a fragment's). */
interface SizeArgument {
  inFragment: boolean;
  operation: string | undefined;
  field: FieldNode;
  argument: ArgumentNode;
}

const sizeArgumentsOf = perDocumentFields<SizeArgument>(({ inFragment, operation, definition, field }) =>
  getNamedType(definition.type).name.endsWith("Connection")
    ? (field.arguments ?? []).filter((argument) => SIZE_ARGUMENTS.has(argument.name.value)).map((argument) => ({ inFragment, operation, field, argument }))
    : [],
);

/**
 * The one page-size rule of every connection: `first`/`last` from 0 to MAX_PAGE_SIZE. Anything
 * else refuses the whole operation before it runs, with `extensions.code` PAGE_SIZE_OUT_OF_RANGE,
 * rather than answering a shorter page than asked for (queries have no userErrors).
 */
export function pageSizeErrors(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variableValues: Record<string, unknown> | null | undefined): GraphQLError[] {
  const errors: GraphQLError[] = [];
  for (const { inFragment, operation, field, argument } of sizeArgumentsOf(schema, document)) {
    // Only the operation that runs (and fragments): another operation may use other variables.
    if (!inFragment && operationName && operation !== operationName) continue;
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
