import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SCHEMA_FILE, printSchemaFile } from "../../src/graphql/print.js";

describe("schema/schema.graphql", () => {
  it("is what the code generates (run `npm run schema:print` after changing the schema)", async () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(await printSchemaFile());
  });

  it("keeps the contract's names", async () => {
    const sdl = await printSchemaFile();
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
