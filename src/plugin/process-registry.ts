// Every server process of a deployment must run the same plugins: a hook delivery queued by one
// process is run by whichever claims it, and the schema, settings and tables must agree. Each
// process records its plugin set in PluginProcess with a heartbeat; a process whose set differs
// from a live one's refuses to start. A deployment therefore changes its plugin set only when no
// process with the old set is alive (stop all, start all), while a rolling restart with the same
// set goes through (docs/plugins.md).
import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";

export interface PluginSetOptions {
  /** A process that has not beaten for this long counts as gone. */
  leaseMs?: number;
}

export class PluginSetMismatch extends Error {
  override name = "PluginSetMismatch";
}

/** The set as recorded: `name@version`, sorted, comma-separated. */
export function pluginSetOf(plugins: ReadonlyArray<{ name: string; version: string }>): string {
  return plugins
    .map((plugin) => `${plugin.name}@${plugin.version}`)
    .sort()
    .join(",");
}

/** Advisory lock key of the check-and-insert, so that two processes starting at once are ordered. */
const REGISTRY_LOCK_KEY = 72707370;

/**
 * Records this process's plugin set, after checking it against every live process's, in one
 * transaction under a lock; then beats until `stop()`, which removes the row. Throws
 * PluginSetMismatch naming the difference.
 */
export async function registerPluginSet(
  db: Database,
  plugins: ReadonlyArray<{ name: string; version: string }>,
  options: PluginSetOptions = {},
): Promise<{ id: string; stop(): Promise<void> }> {
  const leaseMs = options.leaseMs ?? 30_000;
  const id = randomUUID();
  const mine = pluginSetOf(plugins);
  const others = await db.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${REGISTRY_LOCK_KEY})`);
    const horizon = new Date(Date.now() - leaseMs);
    await tx.pluginProcess.deleteMany({ where: { heartbeatAt: { lt: horizon } } });
    const live = await tx.pluginProcess.findMany({ where: { plugins: { not: mine } }, select: { plugins: true } });
    if (live.length === 0) await tx.pluginProcess.create({ data: { id, plugins: mine } });
    return live;
  });
  if (others.length > 0) throw new PluginSetMismatch(describeDifference(mine, others[0]!.plugins, others.length));

  const beat = setInterval(() => {
    db.prisma.pluginProcess.update({ where: { id }, data: { heartbeatAt: new Date() } }).catch(() => undefined); // retried next beat
  }, Math.max(1, Math.floor(leaseMs / 3)));
  beat.unref();
  return {
    id,
    async stop() {
      clearInterval(beat);
      // A database that is gone forgets the row by itself: it stops beating and its lease runs out.
      await db.prisma.pluginProcess.deleteMany({ where: { id } }).catch(() => undefined);
    },
  };
}

function describeDifference(mine: string, theirs: string, processes: number): string {
  const [here, there] = [new Set(mine ? mine.split(",") : []), new Set(theirs ? theirs.split(",") : [])];
  const onlyHere = [...here].filter((plugin) => !there.has(plugin));
  const onlyThere = [...there].filter((plugin) => !here.has(plugin));
  return (
    `this process's plugins differ from those of ${processes === 1 ? "a running process" : `${processes} running processes`}: ` +
    `only here ${onlyHere.join(", ") || "(none)"}; only there ${onlyThere.join(", ") || "(none)"}. ` +
    "Change a deployment's plugin set only with every old process stopped (docs/plugins.md)"
  );
}
