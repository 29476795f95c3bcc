// A PostgreSQL cluster of the soak's own: `initdb` into a temporary directory, `pg_ctl` on a
// free loopback port, restarted once on purpose, removed at the end. The machine's shared
// server is never touched, since other people's test runs use it at the same time.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The newest Debian/Ubuntu PostgreSQL binaries, or PG_BIN. */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, "bin/pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error(`no PostgreSQL binaries under ${root}: set PG_BIN to the directory holding initdb and pg_ctl`);
  return join(root, newest, "bin");
}

export interface PrivatePostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  version: string;
  stop(): void;
  start(): void;
  /** Stops the cluster and deletes its directory (safe to call twice). */
  remove(): void;
}

export function startPrivatePostgres(port: number): PrivatePostgres {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "refund-soak-pg-"));
  const data = join(dir, "data");
  // initdb refuses to run as root: as root, run the binaries as the `postgres` system user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]) =>
    execFileSync(asRoot ? "runuser" : join(bin, program), asRoot ? ["-u", "postgres", "--", join(bin, program), ...args] : args, { stdio: "pipe" }).toString();
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
  // fsync off: the faults here are process faults (a fast shutdown), not power loss, and the
  // soak should not wear the shared machine's disk.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=100`;
  const start = () => void run("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-o", options, "-w", "-t", "60", "start"]);
  const stop = () => void run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
  let removed = false;
  start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    version: run("pg_ctl", ["--version"]).trim(),
    start,
    stop,
    remove() {
      if (removed) return;
      removed = true;
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
