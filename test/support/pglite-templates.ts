// Ready-made PGlite folders to copy. Creating a PGlite database runs initdb, 3–4 s on these
// machines; copying a prepared folder and opening it takes under 1 s. global-setup builds the
// templates once per run (one empty, one with all migrations applied) and passes their folder
// to the test workers in an environment variable.
import { existsSync } from "node:fs";
import { cp, rename } from "node:fs/promises";
import path from "node:path";
import { openDatabase } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrate.js";

export const PGLITE_TEMPLATES_ENV = "REFUND_TEST_PGLITE_TEMPLATES";

export type PgliteTemplate = "empty" | "migrated";

/** Builds `<root>/empty` and `<root>/migrated` (the latter only if the migrations apply). */
export async function buildPgliteTemplates(root: string): Promise<void> {
  const empty = path.join(root, "empty");
  await (await openDatabase({ dataDir: empty })).close();

  const migrated = path.join(root, "migrating");
  await cp(empty, migrated, { recursive: true });
  const db = await openDatabase({ dataDir: migrated });
  try {
    await applyMigrations(db);
  } catch (error) {
    // Leave it to the migration tests to report; tests then migrate the empty template.
    console.warn(`PGlite template: migrations failed, tests will migrate their own databases: ${String(error)}`);
    return;
  } finally {
    await db.close();
  }
  await rename(migrated, path.join(root, "migrated"));
}

/** The folder of this run's templates, where test databases go too (removed after the run). */
export function pgliteTemplatesRoot(): string | undefined {
  return process.env[PGLITE_TEMPLATES_ENV] || undefined;
}

/** The template folder to copy, when global-setup made it. */
export function pgliteTemplate(template: PgliteTemplate): string | undefined {
  const root = pgliteTemplatesRoot();
  const folder = root && path.join(root, template);
  return folder && existsSync(folder) ? folder : undefined;
}
