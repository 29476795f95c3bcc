// `npm run token -- --shop <name> --role AGENT`: prints a new API token for an existing database
// (DATABASE_URL, or the embedded one in DATA_DIR, as `npm start` chooses). The token alone goes
// to stdout, so `TOKEN=$(npm run -s token -- …)` works; what it is goes to stderr.
import { parseArgs } from "node:util";
import { configFromEnv } from "../src/config.js";
import { embeddedDatabaseState, openDatabase } from "../src/db/database.js";
import { pendingMigrations } from "../src/db/migrate.js";
import { UserErrorsException } from "../src/domain/errors.js";
import { ROLES, type Role } from "../src/domain/types.js";
import { createTokenFromConsole } from "../src/services/api-tokens.js";

const USAGE = `usage: npm run token -- --shop <name or id> --role <${ROLES.join("|")}> [--customer <external id>] [--label <text>]`;

function exit(message: string): never {
  console.error(message);
  process.exit(1);
}

const args = (() => {
  try {
    return parseArgs({ options: { shop: { type: "string" }, role: { type: "string" }, customer: { type: "string" }, label: { type: "string" } } }).values;
  } catch (error) {
    return exit(`${(error as Error).message}\n${USAGE}`);
  }
})();
const role = args.role?.toUpperCase();
if (!role || !(ROLES as readonly string[]).includes(role)) exit(`--role must be one of ${ROLES.join(", ")}\n${USAGE}`);
if (role === "CUSTOMER" && !args.customer) exit(`a CUSTOMER token is bound to one customer: pass --customer <external id>\n${USAGE}`);

const config = configFromEnv();
if (!config.databaseUrl) {
  const state = embeddedDatabaseState(config.dataDir);
  if (state === "absent") exit(`No embedded database in ${config.dataDir}: start the server once (npm start), or set DATABASE_URL / DATA_DIR.`);
  if (state === "open") {
    exit(
      `The embedded database in ${config.dataDir} is open in a running server, and only one process may use it: ` +
        `stop the server (Ctrl-C) and run this again, or ask the server for a token (createApiToken). ` +
        `A server that was killed leaves this sign behind: start and stop it once.`,
    );
  }
}

const db = await openDatabase({ ...config, poolSize: 1 });
// Closed before exiting in every case: an embedded database left open keeps its "in use" sign.
let failure: string | undefined;
try {
  const pending = await pendingMigrations(db);
  if (pending.length > 0) {
    failure = `The database lacks ${pending.length} migration(s): start the server once (it applies them), then run this again.`;
  } else {
    const { token, apiToken } = await createTokenFromConsole(db, { shop: args.shop, role: role as Role, label: args.label, customerExternalId: args.customer });
    console.error(`${apiToken.role} token ${apiToken.id}${apiToken.shopId ? ` for shop ${apiToken.shopId}` : ""}; send it as "Authorization: Bearer <token>":`);
    console.log(token);
  }
} catch (error) {
  if (!(error instanceof UserErrorsException)) throw error;
  failure = error.userErrors.map((userError) => `${userError.code}: ${userError.message}`).join("\n");
} finally {
  await db.close();
}
if (failure) exit(failure);
