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
  isObjectType,
  parse,
  print,
  validate,
  visit,
  visitWithTypeInfo,
} from "graphql";
import type { UserErrorCode } from "../domain/errors.js";
import { argumentReadsOf } from "../graphql/argument-reads.js";
import { type AppPermission, permissionForMutation, permissionForType } from "./permissions.js";
import type { AppEvent } from "./webhook-outbox.js";

/** The subscription field a refund event's webhook document selects: it is given each event as its source. */
export const WEBHOOK_ROOT_FIELD = "refundEvents";

/** The subscription field a REFUND_BATCH_FINISHED document selects, given the finished batch's summary. */
export const BATCH_WEBHOOK_ROOT_FIELD = "refundBatchProgress";

/** The one variable a batch document declares (`$batchId: ID!`) and passes as the field's batchId: the platform supplies it. */
export const BATCH_WEBHOOK_VARIABLE = "batchId";

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
 * Arguments are authorized like fields: a filter, search or ordering that reads a field of
 * another type (src/graphql/argument-reads.ts) needs the permissions selecting that field would,
 * judged with the operation's variables when they are given.
 */
export function permissionProblems(
  schema: GraphQLSchema,
  document: DocumentNode,
  permissions: readonly AppPermission[],
  operation: { operationName?: string | null; variableValues?: Record<string, unknown> | null } = {},
): string[] {
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
  for (const use of argumentReadsOf(schema, document, operation.operationName, operation.variableValues)) {
    for (const coordinate of use.reads) {
      const [typeName, fieldName] = coordinate.split(".") as [string, string];
      const parentNeeds = needs(typeName);
      if (parentNeeds) {
        problems.push(`${use.coordinate}${where(use.node)}: it reads ${coordinate}: ${typeName} ${parentNeeds}`);
        continue;
      }
      const parent = schema.getType(typeName);
      const returned = isObjectType(parent) ? parent.getFields()[fieldName] : undefined;
      const named = returned ? getNamedType(returned.type) : undefined;
      const returnedNeeds = named && isCompositeType(named) ? needs(named.name) : null;
      if (returnedNeeds) problems.push(`${use.coordinate}${where(use.node)}: it reads ${coordinate}: ${named!.name} ${returnedNeeds}`);
    }
  }
  return problems;
}

export type WebhookQueryCheck = { ok: true; document: DocumentNode } | { ok: false; code: UserErrorCode; message: string };

/** A refund event's document: refundEvents, no variables, no arguments (the event says what it is sent for). */
function refundEventProblem(operation: OperationDefinitionNode, root: FieldNode): string | null {
  if (operation.variableDefinitions?.length) return `The subscription${where(operation.variableDefinitions[0])} declares variables: a webhook sends none`;
  if (root.name.value !== WEBHOOK_ROOT_FIELD) return `${root.name.value}${where(root)} is not a webhook's root field: select ${WEBHOOK_ROOT_FIELD}`;
  if (root.arguments?.length) return `${WEBHOOK_ROOT_FIELD}${where(root.arguments[0])} takes no arguments in a webhook: its event says what it is sent for`;
  return null;
}

/** A REFUND_BATCH_FINISHED document: refundBatchProgress(batchId: $batchId), `$batchId: ID!` its one variable. */
function batchFinishedProblem(operation: OperationDefinitionNode, root: FieldNode): string | null {
  const wanted = `${BATCH_WEBHOOK_ROOT_FIELD}(${BATCH_WEBHOOK_VARIABLE}: $${BATCH_WEBHOOK_VARIABLE})`;
  if (root.name.value !== BATCH_WEBHOOK_ROOT_FIELD) return `${root.name.value}${where(root)} is not the root field of a REFUND_BATCH_FINISHED webhook: select ${wanted}`;
  const variables = operation.variableDefinitions ?? [];
  const [variable] = variables;
  if (variables.length !== 1 || !variable || variable.variable.name.value !== BATCH_WEBHOOK_VARIABLE || print(variable.type) !== "ID!" || variable.defaultValue) {
    return `The subscription${where(variable ?? operation)} must declare exactly one variable, $${BATCH_WEBHOOK_VARIABLE}: ID!, which the platform supplies`;
  }
  const [argument] = root.arguments ?? [];
  if (root.arguments?.length !== 1 || !argument || argument.value.kind !== Kind.VARIABLE || argument.value.name.value !== BATCH_WEBHOOK_VARIABLE) {
    return `${BATCH_WEBHOOK_ROOT_FIELD}${where(argument ?? root)} takes exactly one argument in a webhook: ${wanted}`;
  }
  return null;
}

/**
 * Checks a webhook's document before it is saved: it parses, is valid against the schema, is one
 * subscription whose one root field is the event's (refundEvents with no variables nor arguments
 * for a refund's events; refundBatchProgress(batchId: $batchId) for REFUND_BATCH_FINISHED), and
 * selects only what the app's permissions let it read. Messages point at the line and column.
 */
export function checkWebhookQuery(schema: GraphQLSchema, query: string, permissions: readonly AppPermission[], event: AppEvent): WebhookQueryCheck {
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
  const batch = event === "REFUND_BATCH_FINISHED";
  const selections = operation.selectionSet.selections;
  const root = selections[0];
  if (selections.length !== 1 || root?.kind !== Kind.FIELD) {
    return invalid(`The subscription${where(operation)} must select exactly one root field, ${batch ? BATCH_WEBHOOK_ROOT_FIELD : WEBHOOK_ROOT_FIELD}`);
  }
  const problem = batch ? batchFinishedProblem(operation, root) : refundEventProblem(operation, root);
  if (problem) return invalid(problem);
  const [denied] = permissionProblems(schema, document, permissions);
  if (denied) return { ok: false, code: "WEBHOOK_QUERY_NOT_PERMITTED", message: `The app may not read ${denied}` };
  return { ok: true, document };
}
