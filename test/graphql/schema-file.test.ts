import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, printSchemaFile } from "../../src/graphql/print.js";

describe("schema/schema.graphql", () => {
  it("is what the code generates (run `npm run schema:print` after changing the schema)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(printSchemaFile());
  });

  it("keeps the contract's names", () => {
    const sdl = printSchemaFile();
    for (const name of [
      "requestRefund(input: RequestRefundInput!): RequestRefundPayload!",
      "transitionRefund(input: TransitionRefundInput!): TransitionRefundPayload!",
      "type UserError",
      "type Money",
      "interface Node",
      "availableActions: [RefundAction!]!",
    ]) {
      expect(sdl).toContain(name);
    }
  });
});
