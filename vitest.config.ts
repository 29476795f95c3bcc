import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// graphql 16 ships CJS (`main`) and ESM (`module`) side by side without `exports`: Node (and
// so Pothos and yoga) loads the CJS one, Vite would pick the ESM one for our files, and
// graphql refuses to mix the two copies. Point every import at the one Node loads.
const graphqlEntry = createRequire(import.meta.url).resolve("graphql");

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    include: ["test/**/*.test.ts"],
    // Webhook receivers in tests listen on loopback, which outbound calls refuse unless allowed
    // (src/outbound); test/security/outbound.test.ts checks the refusal without it.
    env: { OUTBOUND_ALLOW_HOSTS: "127.0.0.1" },
    globalSetup: ["test/support/global-setup.ts"],
    // Separate processes: PGlite instances, Prisma clients and the schema engine's WebAssembly
    // stay per test file. The machines have 2 cores.
    pool: "forks",
    maxWorkers: 2,
    // A time-out only says that a test hangs: no test's outcome may depend on how fast the
    // machine is. Alone, a PGlite database starts in about 1 s and the longest test takes 30 s;
    // on a 2-core machine with another suite running beside it, several times that.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    teardownTimeout: 10_000,
  },
});
