// Runs `prisma generate` on machines that cannot download Prisma's native schema engine.
// Generation itself never uses that engine, but the CLI insists on finding a file at
// PRISMA_SCHEMA_ENGINE_BINARY; when none is configured we point it at this script, which
// is enough for `generate`. A machine that has the engine keeps using it.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
const result = spawnSync("npx", ["--no-install", "prisma", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
