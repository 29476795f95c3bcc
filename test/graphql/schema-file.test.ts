import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, printSchemaFile } from "../../src/graphql/print.js";

describe("schema/schema.graphql", () => {
  it("is what the code generates (run `npm run schema:print` after changing the schema)", async () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(await printSchemaFile());
  });

  it("keeps the contract's names", async () => {
    const sdl = await printSchemaFile();
    // Mutations by signature: a described argument prints on lines of its own.
    const mutations = buildSchema(sdl).getMutationType()!.getFields();
    const signature = (name: string) => `${name}(${mutations[name]!.args.map((arg) => `${arg.name}: ${String(arg.type)}`).join(", ")}): ${String(mutations[name]!.type)}`;
    expect(signature("requestRefund")).toBe("requestRefund(input: RequestRefundInput!): RequestRefundPayload!");
    expect(signature("transitionRefund")).toBe("transitionRefund(input: TransitionRefundInput!): TransitionRefundPayload!");
    for (const name of [
      "type UserError",
      "type Money",
      "interface Node",
      "availableActions: [RefundAction!]!",
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
