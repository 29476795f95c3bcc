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
    beforeArgOptions: { description: "A cursor (`PageInfo.startCursor` or an edge's `cursor`): items before it, with `last`." },
    afterArgOptions: { description: "A cursor (`PageInfo.endCursor` or an edge's `cursor`): items after it, with `first`." },
    cursorType: "String",
    cursorFieldOptions: { description: "Where this item stands in the list: pass as `after` or `before` to page from it. Opaque; valid for the same list and order only." },
    nodeFieldOptions: { description: "The item." },
    edgesFieldOptions: { description: "The items of this page, in the list's order, each with its cursor." },
    pageInfoFieldOptions: { description: "Whether there are more pages, and the cursors to fetch them." },
    hasNextPageFieldOptions: { description: "More items follow this page: fetch them with `after: endCursor`." },
    hasPreviousPageFieldOptions: { description: "More items precede this page: fetch them with `before: startCursor`." },
    startCursorFieldOptions: { description: "The cursor of the page's first item; null on an empty page." },
    endCursorFieldOptions: { description: "The cursor of the page's last item; null on an empty page." },
    pageInfoTypeOptions: { description: "Paging state of a connection (Relay cursor connections)." },
    nodeTypeOptions: { description: "An object with a global id: fetch it again with `node(id:)` (Relay's refetch); a normalized cache keys it by `id`." },
    idFieldOptions: { description: "Global id (Relay): opaque, stable, unique across types. Pass it to `node(id:)` and to inputs that name this object." },
    nodeQueryOptions: {
      nullable: true,
      description: "Any object by its global id, if the token may see it: null for an id it may not see (another shop's, or another customer's) or that names nothing.",
      args: { id: { description: "A global id, as any `id` field answers it." } },
    },
    // As Relay has it, `[Node]!`: an id the caller cannot see (or that names nothing) is null
    // in its place, and the other ids are still answered.
    nodesQueryOptions: {
      nullable: { list: false, items: true },
      description: "Several objects by global id, in the order asked: null in the place of an id the token may not see or that names nothing.",
      args: { ids: { description: "Global ids, as `id` fields answer them." } },
    },
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

builder.queryType({ description: "What a token may read. Every query needs a token (`Authorization: Bearer <token>`); what it answers is limited to the token's shop, and for a CUSTOMER token to its own refunds and orders." });
builder.mutationType({
  description: "Changes. Each takes one `input` and answers a payload with `userErrors`: expected failures (a role, a status, a bad value) are userErrors with a stable code, never top-level errors, and nothing is changed when there are any.",
});
