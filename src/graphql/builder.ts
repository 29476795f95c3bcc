import SchemaBuilder, { PothosValidationError } from "@pothos/core";
import PrismaPlugin from "@pothos/plugin-prisma";
import RelayPlugin, { decodeGlobalID } from "@pothos/plugin-relay";
import SimpleObjectsPlugin from "@pothos/plugin-simple-objects";
import type PrismaTypes from "../generated/pothos-types.js";
import { getDatamodel } from "../generated/pothos-types.js";
import { isStorableText } from "../domain/text.js";
import type { GraphQLContext } from "./context.js";

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
  plugins: [PrismaPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: "omit",
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
    onUnusedQuery: null,
  },
});

builder.queryType({});
builder.mutationType({});
