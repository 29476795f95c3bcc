import { type GraphQLObjectType, type GraphQLSchema, getNamedType, isObjectType } from "graphql";
import { MUTATION_USER_ERRORS } from "./mutation-user-errors.js";

/**
 * Descriptions of the types the schema's conventions generate rather than a file declares: the
 * connection and edge types the Relay plugin makes for every paginated list, and the payload of
 * every mutation. They say the same thing for each, so they are derived here from the type's
 * place in the schema, once the schema is built; a description written in a file wins. Each
 * mutation's description ends with the UserErrorCodes it can answer (src/graphql/mutation-user-errors.ts).
 */
export function describeGeneratedTypes(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.description) continue;
    const fields = type.getFields();
    if (type.name.endsWith("Edge") && fields.node && fields.cursor) {
      type.description = `One \`${getNamedType(fields.node.type).name}\` of a page, with its cursor.`;
    } else if (type.name.endsWith("Connection") && fields.edges && fields.pageInfo) {
      const edge = getNamedType(fields.edges.type);
      const node = isObjectType(edge) ? edge.getFields().node : undefined;
      type.description = `A page of \`${node ? getNamedType(node.type).name : edge.name}\` items (a Relay cursor connection): ask with \`first\`/\`after\` (or \`last\`/\`before\`), follow \`pageInfo\`.`;
    }
  }

  const answeredBy = new Map<GraphQLObjectType, string[]>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    // The codes it can answer, derived from the services it reaches (scripts/mutation-user-errors.ts).
    const codes = MUTATION_USER_ERRORS[field.name];
    if (codes && !field.description?.includes("UserErrorCodes:")) {
      field.description = `${field.description ?? ""}\n\nUserErrorCodes: ${codes.join(", ")}; any mutation may also answer UNAUTHENTICATED or INVALID_TOKEN.`.trim();
    }
    // Every mutation takes one `input`, described field by field on its input type.
    for (const arg of field.args) {
      if (arg.name === "input" && !arg.description) arg.description = `What to do: each field of \`${getNamedType(arg.type).name}\` says what it takes.`;
    }
    const payload = getNamedType(field.type);
    if (isObjectType(payload)) answeredBy.set(payload, [...(answeredBy.get(payload) ?? []), `\`${field.name}\``]);
  }
  for (const [payload, mutations] of answeredBy) {
    if (!payload.description) payload.description = `What ${mutations.join(" and ")} answers: the result, or \`userErrors\` saying why nothing changed.`;
    for (const result of Object.values(payload.getFields())) {
      if (result.name !== "userErrors" && !result.description) result.description = `The \`${getNamedType(result.type).name}\` as the mutation left it; null when \`userErrors\` is not empty.`;
    }
    const userErrors = payload.getFields().userErrors;
    if (userErrors && !userErrors.description) {
      userErrors.description = "Expected failures, each with a stable `code`: empty when the mutation succeeded; when not empty, nothing was changed and the result fields are null.";
    }
  }
}
