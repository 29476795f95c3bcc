// RefundAction's and RefundStatus's value descriptions are built from the state machine's table
// when the schema is built: each row shows up where a client reads it, so the docs cannot drift.
import { type GraphQLEnumType, buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { REFUND_TRANSITIONS, mayPerform } from "../../src/domain/refund-machine.js";
import { ROLES, TERMINAL_STATUSES } from "../../src/domain/types.js";
import { printSchemaFile } from "../../src/graphql/print.js";

describe("the refund enums' docs in the SDL", async () => {
  const schema = buildSchema(await printSchemaFile());
  const described = (type: string) =>
    Object.fromEntries((schema.getType(type) as GraphQLEnumType).getValues().map((value) => [value.name, value.description ?? ""]));

  it("say, for each row of the table, from which status which roles may take an action", () => {
    const actions = described("RefundAction");
    for (const rule of REFUND_TRANSITIONS) {
      const line = actions[rule.action]!.split("\n").find((text) => text.startsWith(`- from ${rule.from}${rule.types ? ` (${rule.types.join(", ")})` : ""} →`));
      expect(line, `${rule.action} from ${rule.from}`).toBeDefined();
      const performers = new Set(line!.split("; by ")[1]!.split(";")[0]!.replace(/\.$/, "").split(/, | or /));
      for (const role of ROLES) expect(performers.has(role), `${rule.action} from ${rule.from} by ${role}`).toBe(mayPerform(rule, { kind: "USER", role }));
    }
  });

  it("tell for each status what follows, and that the terminal ones end", () => {
    for (const [status, text] of Object.entries(described("RefundStatus"))) {
      if (TERMINAL_STATUSES.has(status as never)) expect(text).toContain("Terminal");
      else for (const rule of REFUND_TRANSITIONS.filter((row) => row.from === status)) expect(text).toContain(rule.action);
    }
  });
});
