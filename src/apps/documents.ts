import {
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  getNamedType,
  isCompositeType,
  parse,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { UserErrorCode } from "../domain/errors.js";
import { type AppPermission, permissionForMutation, permissionForType } from "./permissions.js";

/** The one subscription field a webhook document may select: it is given each event as its source. */
export const WEBHOOK_ROOT_FIELD = "refundEvents";

/** A webhook document is sent to the server for every event: kept small. */
export const MAX_WEBHOOK_QUERY_LENGTH = 10_000;

function where(node: ASTNode | undefined): string {
  const start = node?.loc?.startToken;
  return start ? ` (line ${start.line}, column ${start.column})` : "";
}

function located(error: GraphQLError): string {
  const [first] = error.locations ?? [];
  return first ? `${error.message} (line ${first.line}, column ${first.column})` : error.message;
}

/**
 * What `document` selects that an app with `permissions` may not read, each with its place:
 * a field of a type no granted permission covers, or a mutation it was not granted. Types and
 * mutations not named in src/apps/permissions.ts are never open to apps. Introspection is.
 */
export function permissionProblems(schema: GraphQLSchema, document: DocumentNode, permissions: readonly AppPermission[]): string[] {
  const granted = new Set<string>(permissions);
  const problems: string[] = [];
  const typeInfo = new TypeInfo(schema);
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean).map((type) => type!.name));
  const mutation = schema.getMutationType()?.name;
  // The payload of a granted mutation is readable as far as its own fields' types are.
  const payloads = new Set<string>();
  const needs = (typeName: string): string | null => {
    const permission = permissionForType(typeName);
    if (permission === "neutral" || (permission && granted.has(permission)) || payloads.has(typeName)) return null;
    return permission ? `needs ${permission}` : "is not open to apps";
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node: FieldNode) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || node.name.value.startsWith("__") || parent.name.startsWith("__")) return;
        const returned = getNamedType(field.type);
        const name = `${parent.name}.${node.name.value}`;
        if (parent.name === mutation) {
          const permission = permissionForMutation(node.name.value);
          if (!permission || !granted.has(permission)) problems.push(`${name}${where(node)} ${permission ? `needs ${permission}` : "is not open to apps"}`);
          else payloads.add(returned.name);
          return;
        }
        if (!roots.has(parent.name)) {
          const parentNeeds = needs(parent.name);
          if (parentNeeds) return void problems.push(`${name}${where(node)}: ${parent.name} ${parentNeeds}`);
        }
        if (isCompositeType(returned) || roots.has(parent.name)) {
          const returnedNeeds = needs(returned.name);
          if (returnedNeeds) problems.push(`${name}${where(node)}: ${returned.name} ${returnedNeeds}`);
        }
      },
    }),
  );
  return problems;
}

export type WebhookQueryCheck = { ok: true; document: DocumentNode } | { ok: false; code: UserErrorCode; message: string };

/**
 * Checks a webhook's document before it is saved: it parses, is valid against the schema, is one
 * subscription whose one root field is refundEvents (no arguments: the webhook's event says what
 * it is sent for), and selects only what the app's permissions let it read. Messages point at
 * the line and column.
 */
export function checkWebhookQuery(schema: GraphQLSchema, query: string, permissions: readonly AppPermission[]): WebhookQueryCheck {
  if (query.length > MAX_WEBHOOK_QUERY_LENGTH) return { ok: false, code: "WEBHOOK_QUERY_INVALID", message: `The query is longer than ${MAX_WEBHOOK_QUERY_LENGTH} characters` };
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return { ok: false, code: "WEBHOOK_QUERY_SYNTAX", message: located(error) };
    throw error;
  }
  const invalid = (message: string) => ({ ok: false as const, code: "WEBHOOK_QUERY_INVALID" as const, message });
  const [error] = validate(schema, document);
  if (error) return invalid(located(error));
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) return invalid(`The query holds ${operations.length} operations: a webhook runs exactly one subscription`);
  const [operation] = operations as [OperationDefinitionNode];
  if (operation.operation !== "subscription") return invalid(`The operation${where(operation)} is a ${operation.operation}: a webhook's document is a subscription`);
  if (operation.variableDefinitions?.length) return invalid(`The subscription${where(operation.variableDefinitions[0])} declares variables: a webhook sends none`);
  const selections = operation.selectionSet.selections;
  const root = selections[0];
  if (selections.length !== 1 || root?.kind !== Kind.FIELD) return invalid(`The subscription${where(operation)} must select exactly one root field, ${WEBHOOK_ROOT_FIELD}`);
  if (root.name.value !== WEBHOOK_ROOT_FIELD) return invalid(`${root.name.value}${where(root)} is not a webhook's root field: select ${WEBHOOK_ROOT_FIELD}`);
  if (root.arguments?.length) return invalid(`${WEBHOOK_ROOT_FIELD}${where(root.arguments[0])} takes no arguments in a webhook: its event says what it is sent for`);
  const [problem] = permissionProblems(schema, document, permissions);
  if (problem) return { ok: false, code: "WEBHOOK_QUERY_NOT_PERMITTED", message: `The app may not read ${problem}` };
  return { ok: true, document };
}
