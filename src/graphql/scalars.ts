import { GraphQLError, Kind } from "graphql";
import { builder } from "./builder.js";

function parseDateTime(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError("DateTime must be an ISO-8601 string, e.g. 2026-11-24T08:00:00Z");
  return date;
}

builder.scalarType("DateTime", {
  description: "An ISO-8601 instant, e.g. `2026-11-24T08:00:00.000Z`.",
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(value).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

builder.scalarType("JSON", {
  description: "Any JSON value (plugin settings).",
  serialize: (value) => value,
  parseValue: (value) => value,
});
