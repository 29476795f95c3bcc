// Each mutation's description lists the UserErrorCodes it can answer, from
// src/graphql/mutation-user-errors.ts, which scripts/mutation-user-errors.ts derives from the
// resolvers and the services they reach. Stale (a service answers a new code), it fails here.
import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { MUTATION_USER_ERRORS_FILE, deriveMutationUserErrors, mutationUserErrorsSource } from "../../scripts/mutation-user-errors.js";
import { printSchemaFile } from "../../src/graphql/print.js";

describe("the UserErrorCodes of each mutation", () => {
  const derived = deriveMutationUserErrors();

  it("are what the code answers (run `npx tsx scripts/mutation-user-errors.ts` after changing a service)", () => {
    expect(readFileSync(MUTATION_USER_ERRORS_FILE, "utf8")).toBe(mutationUserErrorsSource(derived));
  });

  it("follow the resolver into the services and the state machine", () => {
    // Through the plugin host and the apps' checks, which implement the services' hook ports.
    expect(derived.transitionRefund).toEqual(expect.arrayContaining(["NOT_FOUND", "VERSION_CONFLICT", "REFUND_TERMINAL", "ACTION_NOT_ALLOWED_IN_STATUS", "ACTION_NOT_PERMITTED", "NOTE_REQUIRED", "PLUGIN_VETO", "APP_VETO"]));
    expect(derived.requestRefund).toEqual(expect.arrayContaining(["AMOUNT_EXCEEDS_REFUNDABLE", "UNKNOWN_REASON_CODE", "RETURN_WINDOW_CLOSED"]));
    expect(derived.createShop).not.toContain("VERSION_CONFLICT");
  });

  it("end the description of every mutation in the SDL", async () => {
    const mutations = Object.values(buildSchema(await printSchemaFile()).getMutationType()!.getFields());
    expect(mutations.filter((field) => !derived[field.name])).toEqual([]);
    for (const field of mutations) expect(field.description).toContain(`UserErrorCodes: ${derived[field.name]!.join(", ")};`);
  });
});
