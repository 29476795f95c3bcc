import type { Database } from "../db/database.js";
import type { UserError } from "../domain/errors.js";
import type { AppServices } from "../services/clock.js";
import type { Viewer } from "../services/viewer.js";

/** Per request (or per WebSocket connection): the caller and the running services. */
export interface GraphQLContext {
  db: Database;
  services: AppServices;
  viewer: Viewer | null;
  /** Set when the Authorization header was present but unusable; mutations report it. */
  authError: UserError | null;
  /** Aborts when the server shuts down: subscriptions then complete instead of being cut off. */
  shutdown: AbortSignal;
}
