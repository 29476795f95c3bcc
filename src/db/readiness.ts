import type { Database, DatabaseKind } from "./database.js";
import { type MigrationOptions, pendingMigrations } from "./migrate.js";

/** What `/ready` answers: probes read the status, people and scripts the small JSON body. */
export interface Readiness {
  status: 200 | 503;
  body: { database: DatabaseKind; ready: boolean; reason?: string; pendingMigrations?: string[] };
}

/**
 * Ready when the database answers and has applied every migration of this build's folder. A
 * database behind the build (restored from an older backup, say, while the process runs) is
 * not ready: the code would query tables or columns it lacks.
 */
export async function readiness(db: Database, options: MigrationOptions & { onUnreachable?: (error: unknown) => void } = {}): Promise<Readiness> {
  let pending: string[];
  try {
    pending = await pendingMigrations(db, options);
  } catch (error) {
    options.onUnreachable?.(error);
    return { status: 503, body: { database: db.kind, ready: false, reason: "The database cannot be reached" } };
  }
  if (pending.length > 0) return { status: 503, body: { database: db.kind, ready: false, reason: `${pending.length} migration(s) not applied`, pendingMigrations: pending } };
  return { status: 200, body: { database: db.kind, ready: true } };
}
