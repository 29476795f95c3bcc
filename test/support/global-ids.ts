// Which fields typed `ID` an answer holds, and whether each value is a global id of a Node type
// (test/e2e/relay-nodes.test.ts): a row id leaking through an `ID` field is what a client cannot
// refetch, and what breaks when the server changes how it stores rows.
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
  Kind,
  getNamedType,
  isAbstractType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from "graphql";

export interface IdValue {
  /** `Type.field` of the schema. */
  field: string;
  value: unknown;
}

const items = (value: unknown): unknown[] => (Array.isArray(value) ? value.flatMap(items) : [value]);

/** Every value of a field typed `ID` (or `[ID]`) in an answer `data` to `document`, with its field. */
export function idValues(schema: GraphQLSchema, document: DocumentNode, data: Record<string, unknown>): IdValue[] {
  const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]));
  const found: IdValue[] = [];
  const applies = (condition: string | undefined, type: GraphQLObjectType) => !condition || condition === type.name || type.getInterfaces().some((iface) => iface.name === condition);
  const walk = (object: Record<string, unknown>, selectionSet: SelectionSetNode, type: GraphQLObjectType) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value, type)) walk(object, selection.selectionSet, type);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value)!;
        if (applies(fragment.typeCondition.name.value, type)) walk(object, fragment.selectionSet, type);
        continue;
      }
      const definition = type.getFields()[selection.name.value];
      const value = object[selection.alias?.value ?? selection.name.value];
      if (!definition || value == null) continue;
      const named = getNamedType(definition.type);
      if (named.name === "ID") {
        for (const item of items(value)) if (item != null) found.push({ field: `${type.name}.${definition.name}`, value: item });
      } else if (selection.selectionSet && !isLeafType(named)) {
        for (const item of items(value) as Array<Record<string, unknown> | null>) {
          if (item == null) continue;
          const concrete = isAbstractType(named) ? schema.getType(item.__typename as string) : named;
          if (isObjectType(concrete)) walk(item, selection.selectionSet, concrete);
        }
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.operation === "query" ? schema.getQueryType() : definition.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
    if (root) walk(data, definition.selectionSet, root);
  }
  return found;
}

/** Why a value is not a global id of one of the `nodeTypes` (null: it is one). */
export function notAGlobalId(value: unknown, nodeTypes: ReadonlySet<string>): string | null {
  if (typeof value !== "string") return `${JSON.stringify(value)} is not a string`;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  const match = /^([A-Za-z_][A-Za-z0-9_]*):(.+)$/s.exec(decoded);
  if (!match || Buffer.from(decoded, "utf8").toString("base64") !== value) return `${value} does not decode as <Type>:<id>`;
  if (!nodeTypes.has(match[1]!)) return `${value} names ${match[1]}, which is not a Node type`;
  return null;
}

/** Every problem of the `ID` values of an answer, as `Type.field: why`. */
export function globalIdProblems(schema: GraphQLSchema, document: DocumentNode, data: Record<string, unknown>, nodeTypes: ReadonlySet<string>): string[] {
  return idValues(schema, document, data).flatMap(({ field, value }) => {
    const problem = notAGlobalId(value, nodeTypes);
    return problem ? [`${field}: ${problem}`] : [];
  });
}

/**
 * Selections of every `ID` field of `type` and of the objects it reaches, `depth` levels down
 * (fields whose arguments are all optional; `__typename` wherever the type is abstract): one per
 * field of `type`, so that a field the reader may not see fails alone.
 */
export function idSelections(type: GraphQLObjectType, depth: number, schema: GraphQLSchema): string[] {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((argument) => isNonNullType(argument.type) && argument.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (named.name === "ID") parts.push(field.name);
    else if (!isLeafType(named) && depth > 0) {
      const concrete = isAbstractType(named) ? schema.getPossibleTypes(named) : [named as GraphQLObjectType];
      const inner = concrete.map((object) => [object, idSelections(object, depth - 1, schema).join(" ")] as const).filter(([, selection]) => selection !== "");
      if (inner.length === 0) continue;
      parts.push(isAbstractType(named) ? `${field.name} { __typename ${inner.map(([object, selection]) => `... on ${object.name} { ${selection} }`).join(" ")} }` : `${field.name} { ${inner[0]![1]} }`);
    }
  }
  return parts;
}
