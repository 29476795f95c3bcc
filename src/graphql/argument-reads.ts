import {
  type ASTNode,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  getNamedType,
  getNullableType,
  getVariableValues,
  isEnumType,
  isInputObjectType,
  isListType,
  valueFromAST,
} from "graphql";
import type { Role } from "../domain/types.js";
import { type SelectedField, perDocumentFields } from "../limits/document-fields.js";
import { STAFF_ROLES } from "../services/viewer.js";

/**
 * Arguments are authorized like fields. A filter, search or ordering that matches on another
 * type's data answers the same question as selecting that data (which customers exist, who is
 * assigned what), so each one names the fields it reads, by schema coordinate, and a caller that
 * may not select one of those fields may not pass the argument either:
 * - an app needs the permission of every type it reads (src/apps/permissions.ts), checked with
 *   its selections before the operation runs (src/apps/documents.ts);
 * - a role needs to be one that is shown the field (FIELD_ROLES), checked for every caller of a
 *   query or subscription (src/apps/gate.ts), and by the resolver of a mutation's input.
 * A query or subscription is refused whole with `extensions.code` FORBIDDEN, as for a refused
 * field; a mutation answers a FORBIDDEN userError (an app's mutation is refused whole, as its
 * fields are).
 *
 * Keys: `Type.field(argument:)` for a field's argument, `Input.field` for an input field,
 * `Enum.VALUE` for each value of an ordering (`…OrderBy`) enum. OWN: reads only the list's own
 * type (or picks the shop a platform admin reads), so it needs nothing the list does not.
 * An argument holding an input object is mapped through its fields; `first`, `last`, `after`
 * and `before` of a Relay connection are positions in the list itself (RELAY_PAGE_ARGUMENTS).
 * test/security/argument-permissions.test.ts walks the printed schema and fails on every
 * argument, input field or ordering of a list, connection or stream that is missing here.
 */
export const OWN = "own" as const;
export type ArgumentRead = typeof OWN | readonly string[];

export const RELAY_PAGE_ARGUMENTS: ReadonlySet<string> = new Set(["first", "last", "after", "before"]);

/** Picks the shop of a platform admin's list; any other caller is held to its own shop. */
const SHOP_SCOPE = OWN;

export const ARGUMENT_READS: Readonly<Record<string, ArgumentRead>> = {
  // Refunds: the list, its filter (shared with batches and assignments) and its orderings.
  "RefundFilter.statuses": OWN,
  "RefundFilter.types": OWN,
  "RefundFilter.createdAfter": OWN,
  "RefundFilter.createdBefore": OWN,
  "RefundFilter.slaBreached": ["Refund.slaDueAt"],
  "RefundFilter.reasonCodes": ["Refund.reason"],
  "RefundFilter.ratingMin": ["Refund.rating"],
  "RefundFilter.ratingMax": ["Refund.rating"],
  "RefundFilter.ratedAfter": ["Refund.rating"],
  "RefundFilter.ratedBefore": ["Refund.rating"],
  "RefundFilter.labels": ["Refund.labels"],
  "RefundFilter.assignedTo": ["Refund.assignee"],
  "RefundFilter.shippingStatuses": ["Order.shippingStatus"],
  "RefundFilter.customerId": ["Refund.customer"],
  // Matches the request's description, the order's reference and the customer's name and reference.
  "RefundFilter.search": ["Refund.description", "Order.externalId", "Customer.name", "Customer.externalId"],
  "Query.refunds(orderBy:)": OWN,
  "RefundOrderBy.CREATED_AT_ASC": OWN,
  "RefundOrderBy.CREATED_AT_DESC": OWN,
  "RefundOrderBy.UPDATED_AT_DESC": OWN,
  "RefundOrderBy.REQUESTED_AMOUNT_ASC": OWN,
  "RefundOrderBy.REQUESTED_AMOUNT_DESC": OWN,
  "RefundOrderBy.SLA_DUE_AT_ASC": ["Refund.slaDueAt"],
  // Orders (staff only).
  "OrderFilter.paidAfter": OWN,
  "OrderFilter.paidBefore": OWN,
  "OrderFilter.shippingStatuses": OWN,
  "OrderFilter.search": OWN,
  "OrderFilter.shopId": SHOP_SCOPE,
  "OrderFilter.hasRefunds": ["Order.refunds"],
  "OrderFilter.customerId": ["Order.customer"],
  // Customers: the care list is read with the customer (Care needs what Customer needs).
  "CustomerFilter.inCare": ["Customer.care"],
  "Query.customers(shopId:)": SHOP_SCOPE,
  // Streams: what a transition is (its action and status) and whose shop.
  "RefundEventFilter.actions": OWN,
  "RefundEventFilter.statuses": OWN,
  "RefundEventFilter.shopId": SHOP_SCOPE,
  "Subscription.refundStatusChanged(refundId:)": OWN,
  "Subscription.refundStatusChanged(afterVersion:)": OWN,
  "Subscription.refundBatchProgress(batchId:)": OWN,
  // A position in the shop's own stream of transitions (another shop's cursor is refused).
  "Subscription.refundEvents(after:)": OWN,
  "Subscription.staffNotificationAdded(shopId:)": SHOP_SCOPE,
  // Shop settings, people and admin lists: the shop, and switches over the list's own rows.
  "Query.apiTokens(shopId:)": SHOP_SCOPE,
  "Query.apiTokensConnection(shopId:)": SHOP_SCOPE,
  "Query.approvalLimits(shopId:)": SHOP_SCOPE,
  "Query.apps(shopId:)": SHOP_SCOPE,
  "Query.auditEntries(shopId:)": SHOP_SCOPE,
  "Query.auditEntries(first:)": OWN,
  "Query.auditEntriesConnection(shopId:)": SHOP_SCOPE,
  "Query.automationRules(shopId:)": SHOP_SCOPE,
  "Query.automationTimers(shopId:)": SHOP_SCOPE,
  "Query.paymentAccounts(shopId:)": SHOP_SCOPE,
  "Query.pluginDeadLetters(shopId:)": SHOP_SCOPE,
  "Query.pluginDeadLetters(first:)": OWN,
  "Query.pluginDeadLettersConnection(shopId:)": SHOP_SCOPE,
  "Query.timerDeadLetters(shopId:)": SHOP_SCOPE,
  "Query.plugins(shopId:)": SHOP_SCOPE,
  "Query.productRefundStats(shopId:)": SHOP_SCOPE,
  "Query.productRefundStats(from:)": OWN,
  "Query.productRefundStats(to:)": OWN,
  "Query.reasonTags(shopId:)": SHOP_SCOPE,
  "Query.reasonTags(includeArchived:)": OWN,
  "ReasonTag.children(includeArchived:)": OWN,
  "Query.returnAddresses(shopId:)": SHOP_SCOPE,
  "Query.returnPolicies(shopId:)": SHOP_SCOPE,
  "Query.slaPolicies(shopId:)": SHOP_SCOPE,
  "Query.staffMembers(shopId:)": SHOP_SCOPE,
  "Query.staffMembers(active:)": OWN,
  "Query.staffMembers(role:)": OWN,
  "AppCheck.recentCalls(first:)": OWN,
  // Each id is answered as its own type's `node` would be, checked field by field.
  "Query.nodes(ids:)": OWN,
};

/**
 * Fields shown to some roles only (others read null or an empty list): selecting them is narrowed
 * by their resolvers, filtering or ordering by them is refused to the other roles.
 */
export const FIELD_ROLES: Readonly<Record<string, ReadonlySet<Role>>> = {
  "Refund.assignee": STAFF_ROLES,
  "Refund.labels": STAFF_ROLES,
};

/** Whether `role` is shown the field at `coordinate` (`Type.field`). */
export function mayReadField(role: Role | undefined, coordinate: string): boolean {
  const roles = FIELD_ROLES[coordinate];
  return !roles || (role !== undefined && roles.has(role));
}

/** An argument, input field or ordering the operation passes that reads other fields, and where. */
export interface ArgumentReadUse {
  /** The declaration's key, e.g. `RefundFilter.search`. */
  coordinate: string;
  /** The fields it reads, e.g. `Customer.name`. */
  reads: readonly string[];
  /** The argument it was passed in, for the error's location. */
  node: ASTNode;
}

/**
 * What the operation `operationName` of `document` passes that reads other fields: every
 * argument of every field it selects, input objects field by field and ordering values, with
 * the variables given (a value that is absent, null or an empty list reads nothing).
 */
export function argumentReadsOf(schema: GraphQLSchema, document: DocumentNode, operationName?: string | null, variableValues?: Record<string, unknown> | null): ArgumentReadUse[] {
  const uses: ArgumentReadUse[] = [];
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations[0];
  // As execution coerces them, defaults of the operation's variables included; variables that do
  // not coerce fail the operation before any resolver runs, so nothing is read.
  const coerced = getVariableValues(schema, operation?.variableDefinitions ?? [], variableValues ?? {});
  if (coerced.errors) return uses;
  const variables = coerced.coerced;
  for (const { inFragment, operation: inOperation, parent, definition, field } of fieldsWithArgumentsOf(schema, document)) {
    // Only the operation that runs (and fragments).
    if (!inFragment && operationName && inOperation !== operationName) continue;
    // Every declared argument, so that a default value is judged like a given one.
    for (const declared of definition.args) {
      const argument = field.arguments?.find((candidate) => candidate.name.value === declared.name);
      const value = valueOf(declared, argument, variables);
      const coordinate = `${parent}.${definition.name}(${declared.name}:)`;
      const reads = ARGUMENT_READS[coordinate];
      if (isProvided(value) && reads && reads !== OWN) uses.push({ coordinate, reads, node: argument ?? field });
      for (const [inputCoordinate, inner] of inputReads(declared.type, value)) uses.push({ coordinate: inputCoordinate, reads: inner, node: argument ?? field });
    }
  }
  return uses;
}

/** The selected fields that declare arguments. */
const fieldsWithArgumentsOf = perDocumentFields<SelectedField>((selected) => (selected.definition.args.length > 0 ? [selected] : []));

/** The argument's value as the resolver will see it: given, from a variable, or its default. */
function valueOf(declared: GraphQLArgument, argument: ArgumentNode | undefined, variables: Record<string, unknown>): unknown {
  if (!argument || (argument.value.kind === Kind.VARIABLE && !(argument.value.name.value in variables))) return declared.defaultValue;
  return valueFromAST(argument.value, declared.type, variables);
}

function isProvided(value: unknown): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}

/** The reading input fields and ordering values inside one argument's value. */
function* inputReads(type: GraphQLInputType, value: unknown): Generator<[string, readonly string[]]> {
  if (!isProvided(value)) return;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    // Coerced: a single value given for a list is already a list of one.
    for (const item of value as unknown[]) yield* inputReads(nullable.ofType, item);
    return;
  }
  const named = getNamedType(type);
  if (isEnumType(named) && named.name.endsWith("OrderBy")) {
    const reads = ARGUMENT_READS[`${named.name}.${String(value)}`];
    if (reads && reads !== OWN) yield [`${named.name}.${String(value)}`, reads];
    return;
  }
  if (!isInputObjectType(named) || typeof value !== "object") return;
  for (const field of Object.values(named.getFields())) {
    const inner = (value as Record<string, unknown>)[field.name];
    if (!isProvided(inner)) continue;
    const reads = ARGUMENT_READS[`${named.name}.${field.name}`];
    if (reads && reads !== OWN) yield [`${named.name}.${field.name}`, reads];
    yield* inputReads(field.type, inner);
  }
}

/**
 * The first field of an input object `value` (of the input type `typeName`) that reads a field
 * `role` is not shown, and that field: a mutation answers it as a userError rather than being
 * refused whole (the mutation's input, e.g. batchTransitionRefunds' `filter`).
 */
export function unreadableInputField(typeName: string, value: Record<string, unknown>, role: Role): { field: string; reads: string } | null {
  for (const [field, inner] of Object.entries(value)) {
    const reads = ARGUMENT_READS[`${typeName}.${field}`];
    if (!isProvided(inner) || !reads || reads === OWN) continue;
    const hidden = reads.find((read) => !mayReadField(role, read));
    if (hidden) return { field, reads: hidden };
  }
  return null;
}

/** For a caller of `role`: each argument it passes that reads a field its role is not shown. */
export function roleArgumentProblems(uses: readonly ArgumentReadUse[], role: Role): string[] {
  return uses.flatMap((use) =>
    use.reads.filter((field) => !mayReadField(role, field)).map((field) => `${role} may not filter or order by ${use.coordinate}${where(use.node)}: it reads ${field}, shown to ${[...FIELD_ROLES[field]!].join(", ")} only`),
  );
}

function where(node: ASTNode | undefined): string {
  const start = node?.loc?.startToken;
  return start ? ` (line ${start.line}, column ${start.column})` : "";
}
