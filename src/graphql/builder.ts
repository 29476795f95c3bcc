import SchemaBuilder, { PothosValidationError } from "@pothos/core";
import ComplexityPlugin from "@pothos/plugin-complexity";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import SimpleObjectsPlugin from "@pothos/plugin-simple-objects";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { getNamedType, getNullableType, isLeafType, isListType } from "graphql";
import { isStorableText } from "../domain/text.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../limits/page-size.js";
import type { GraphQLContext } from "./context.js";

/** What a mutation costs from the caller's budget (on top of the objects it answers). */
export const MUTATION_COST = 10;
/** The assumed length of a list that takes no size (a refund's transitions, a tag's children). */
const LIST_MULTIPLIER = 5;

function pageSize(args: Record<string, unknown>): number | undefined {
  const size = args.first ?? args.last;
  return typeof size === "number" ? size : undefined;
}

/** The one schema builder; every file under src/graphql adds its type family to it. */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  PrismaTypes: PrismaTypes;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
}>({
  plugins: [ComplexityPlugin, PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  complexity: {
    // The limit is the caller's budget, checked before execution (src/limits/cost-control.ts),
    // not a fixed number inside each root resolver.
    disabled: true,
    // Costs of fields that declare none (a field's own `complexity` option wins), close to
    // Shopify's: scalars are free, an object is 1, a mutation 10, a page 2 plus its size × what
    // each item selects, a list without a size 5 × its items.
    fieldComplexity: (args, _ctx, field) => {
      const type = getNamedType(field.type);
      if (isLeafType(type)) return 0;
      if (type.name.endsWith("Payload")) return MUTATION_COST;
      const size = pageSize(args);
      if (type.name.endsWith("Connection")) return { field: 2, multiplier: size ?? DEFAULT_PAGE_SIZE };
      // A page's edges are counted by the page's size.
      if (type.name.endsWith("Edge")) return { field: 0, multiplier: 1 };
      if (isListType(getNullableType(field.type))) return { field: 1, multiplier: size ?? LIST_MULTIPLIER };
      return 1;
    },
  },
  relay: {
    clientMutationId: "omit",
    // The page-size rule (src/limits/page-size.ts), where a client reads the arguments.
    firstArgOptions: { description: `The first n items after \`after\`: 0 to ${MAX_PAGE_SIZE}; out of range refuses the operation, PAGE_SIZE_OUT_OF_RANGE.` },
    lastArgOptions: { description: `The last n items before \`before\`: 0 to ${MAX_PAGE_SIZE}; out of range refuses the operation, PAGE_SIZE_OUT_OF_RANGE.` },
    cursorType: "String",
    nodeQueryOptions: { nullable: true },
    // As Relay has it, `[Node]!`: an id the caller cannot see (or that names nothing) is null
    // in its place, and the other ids are still answered.
    nodesQueryOptions: { nullable: { list: false, items: true } },
    // An id no row can have is invalid, rather than a query the database fails on.
    decodeGlobalID: (globalID) => {
      const decoded = decodeGlobalID(globalID);
      if (!isStorableText(decoded.id)) throw new PothosValidationError(`Invalid global ID: ${globalID}`);
      return decoded;
    },
  },
  prisma: {
    // The database is chosen at start (PostgreSQL or PGlite), so the client comes from context.
    client: (ctx) => ctx.db.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: false,
    filterConnectionTotalCount: true,
    // The page-size rule itself (out of range is an error) is src/limits/page-size.ts.
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    onUnusedQuery: null,
  },
});

builder.queryType({});
builder.mutationType({});
