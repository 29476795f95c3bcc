// The example client documents stay valid and their generated types stay in step with the
// schema: each check is run on the real files, and shown failing on a copy made to fail.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_PATH, exampleOperations, operationErrors, staleGeneratedFiles } from "../../scripts/lib/client-documents.js";

const schemaSdl = await readFile(SCHEMA_PATH, "utf8");
const operations = exampleOperations();

describe("example operations in clients/operations", () => {
  it("cover the console and the mobile app", () => {
    const names = [...operations.values()].join("\n").match(/^(query|mutation|subscription) \w+/gm);
    expect(names).toEqual(
      expect.arrayContaining([
        "query AgentQueue",
        "mutation TransitionRefund",
        "mutation RequestRefund",
        "subscription FollowRefund",
        "subscription RefundEvents",
        "mutation BatchTransitionRefunds",
        "query RefundMetrics",
      ]),
    );
  });

  it.each([...operations.keys()])("%s validates against schema/schema.graphql", (file) => {
    expect(operationErrors(schemaSdl, operations.get(file)!).map((error) => error.message)).toEqual([]);
  });

  it("a changed copy of an operation that selects a field the schema lacks fails validation", () => {
    const original = operations.get("console-transition-refund.graphql")!;
    const changed = original.replace("userErrors { code field message }", "userErrors { code field message hint }");
    expect(changed).not.toBe(original);
    expect(operationErrors(schemaSdl, changed).map((error) => error.message)).toEqual(['Cannot query field "hint" on type "UserError".']);
  });

  it("an operation fails validation when the schema drops an argument it sends", () => {
    const withoutAfterVersion = schemaSdl.replace(/\n\s*"""Replay stored transitions[^"]*"""\n\s*afterVersion: Int\n/, "\n");
    expect(withoutAfterVersion).not.toBe(schemaSdl);
    expect(operationErrors(withoutAfterVersion, operations.get("mobile-follow-refund.graphql")!).map((error) => error.message)).toEqual([
      'Unknown argument "afterVersion" on field "Subscription.refundStatusChanged".',
    ]);
  });
});

describe("clients/generated", () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), "client-codegen-"));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  it("is what `npm run codegen` writes from schema/schema.graphql (run it after changing the schema or an operation)", async () => {
    expect(await staleGeneratedFiles()).toEqual([]);
  });

  it("is reported stale against a schema with a field removed", async () => {
    // An input field of RefundFilter (used by BatchTransitionRefundsInput): the operations still
    // validate, but the generated input type changes.
    const withoutRatingMax = schemaSdl.replace(/\n\s*"""\n\s*Rated at most this score[^"]*"""\n\s*ratingMax: Int\n/, "\n");
    expect(withoutRatingMax).not.toBe(schemaSdl);
    const changedSchema = path.join(scratch, "schema.graphql");
    await writeFile(changedSchema, withoutRatingMax);
    expect(await staleGeneratedFiles(changedSchema)).toEqual([{ file: "clients/generated/graphql.ts", reason: "differs" }]);
  });
});
