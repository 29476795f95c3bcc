// What services announce when a credential ends or narrows: the types alone, so that the
// services that announce (tokens, staff, apps) and the bus that carries it need not import the
// cache that listens (src/services/credentials.ts).
import type { AppPermission } from "../apps/permissions.js";

/**
 * A credential that ended or was narrowed. Every process drops it from its cache and ends (or,
 * for narrowed permissions, re-checks) the live subscriptions opened with it.
 */
export type CredentialChange =
  /** Revoked or rotated: the secret with this hash works no more. */
  | { kind: "token"; tokenId: string; tokenHash: string; reason: "revoked" | "rotated" }
  /** Deactivated: every token of the member ends. */
  | { kind: "staffMember"; staffMemberId: string }
  /** Disabled or deleted: the app's token ends. */
  | { kind: "app"; appId: string; reason: "disabled" | "deleted" }
  /** The app's permissions changed: an open stream reading what they no longer grant ends. */
  | { kind: "appPermissions"; appId: string; permissions: AppPermission[] };

/** How services announce a change; resolves once every process will hear it before any later event. */
export interface CredentialChanges {
  changed(change: CredentialChange): Promise<void>;
}

