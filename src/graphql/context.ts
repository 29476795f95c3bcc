import type { Database } from "../db/database.js";
import type { UserError } from "../domain/errors.js";
import type { RequestLoaders } from "../plugin/request-loaders.js";
import type { PluginCatalog } from "../services/plugin-admin.js";
import type { RefundServiceDeps } from "../services/unit-of-work.js";
import type { Credential } from "../services/credentials.js";
import type { Viewer } from "../services/viewer.js";

/** Per request (or per WebSocket connection): the caller and the running services. */
export interface GraphQLContext {
  db: Database;
  services: RefundServiceDeps;
  plugins: PluginCatalog;
  /** DataLoaders of this request, by name (plugins get theirs through their schema kit). */
  loaders: RequestLoaders;
  viewer: Viewer | null;
  /** The token the viewer was resolved from (null: none, or an app webhook's run): its streams end with it. */
  credential: Credential | null;
  /** Set when the Authorization header was present but unusable; mutations report it. */
  authError: UserError | null;
  /** Names this request (or graphql-ws operation) in logs and in masked errors. */
  requestId: string;
  /** The leaky bucket this request's cost is taken from (src/limits/cost-control.ts budgetKey). */
  budgetKey: string;
  /** Aborts when the server shuts down: subscriptions then complete instead of being cut off. */
  shutdown: AbortSignal;
}
