import { type DocumentNode, type FieldNode, type GraphQLField, type GraphQLSchema, TypeInfo, visit, visitWithTypeInfo } from "graphql";

/** A field a document selects: its parent type, its definition, and the operation it is in (none: a fragment's). */
export interface SelectedField {
  inFragment: boolean;
  operation: string | undefined;
  parent: string;
  definition: GraphQLField<unknown, unknown>;
  field: FieldNode;
}

/**
 * What `pick` finds in the fields a parsed document selects, found once per schema and document
 * rather than walked on every request: yoga's parser cache hands back the same document object
 * for the same text. The checks that run per request (page sizes, argument reads) read it.
 */
export function perDocumentFields<T>(pick: (selected: SelectedField) => Iterable<T>): (schema: GraphQLSchema, document: DocumentNode) => readonly T[] {
  const cache = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, readonly T[]>>();
  return (schema, document) => {
    let bySchema = cache.get(schema);
    if (!bySchema) cache.set(schema, (bySchema = new WeakMap()));
    const known = bySchema.get(document);
    if (known) return known;
    const found: T[] = [];
    const typeInfo = new TypeInfo(schema);
    let inFragment = false;
    let operation: string | undefined;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        OperationDefinition: (definition) => {
          inFragment = false;
          operation = definition.name?.value;
        },
        FragmentDefinition: () => {
          inFragment = true;
          operation = undefined;
        },
        Field: (field) => {
          const parent = typeInfo.getParentType();
          const definition = typeInfo.getFieldDef();
          if (parent && definition) found.push(...pick({ inFragment, operation, parent: parent.name, definition, field }));
        },
      }),
    );
    bySchema.set(document, found);
    return found;
  };
}
