import { LRUCache } from "lru-cache";
import type { Database } from "../db/database.js";
import { UserErrorsException, fail } from "../domain/errors.js";
import type { CredentialBus } from "../realtime/credential-bus.js";
import { hashToken } from "./api-tokens.js";
import { type Clock, systemClock } from "./clock.js";
import type { CredentialChange, CredentialChanges } from "./credential-changes.js";
import type { Viewer } from "./viewer.js";

/** What a token resolved to, beyond the viewer: what a change of it is matched against. */
export interface Credential {
  tokenId: string;
  /** Rotation keeps the token's id and changes this: a stream is bound to the secret it was opened with. */
  tokenHash: string;
  appId: string | null;
  staffMemberId: string | null;
  expiresAt: Date | null;
  /** How many changes this process had heard of when the resolution started (see `changesSince`). */
  heardChanges: number;
}

/** Whether `change` concerns `credential` (for appPermissions: whether it may narrow it). */
export function concerns(change: CredentialChange, credential: Pick<Credential, "tokenHash" | "appId" | "staffMemberId">): boolean {
  switch (change.kind) {
    case "token":
      return credential.tokenHash === change.tokenHash;
    case "staffMember":
      return credential.staffMemberId === change.staffMemberId;
    case "app":
    case "appPermissions":
      return credential.appId === change.appId;
  }
}

/** How stale `lastUsedAt` may be: it is rewritten at most once per this per token. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export interface CredentialCacheOptions {
  /** Tokens kept per process (least recently used ones go first). */
  maxEntries?: number;
  /** How often the last-use stamps of the tokens seen are written, in one statement. */
  stampIntervalMs?: number;
}

interface Entry {
  viewer: Viewer;
  credential: Omit<Credential, "heardChanges">;
  /** The last-use stamp as written or queued. */
  stampedAt: Date | null;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{8,512})$/;

/** The changes kept for streams that register a little after their token was resolved. */
const RECENT_CHANGES = 256;

/**
 * The process's tokens, by hash: an authenticated request that finds its token here costs no
 * SQL. What a token resolves to changes only through the API (revoke, rotate, staff member
 * deactivated, app disabled, deleted or its permissions changed), and every such change is
 * published on the credential bus before the mutation answers: every process drops the entry
 * and the streams opened with it end (src/realtime/credential-streams.ts). Expiry needs no
 * message: it is checked against the clock on every use.
 *
 * The last-use stamp is off the request path: the tokens seen are written every
 * `stampIntervalMs` in one statement, each at most once per LAST_USED_RESOLUTION_MS.
 */
export class CredentialCache implements CredentialChanges {
  private readonly entries: LRUCache<string, Entry>;
  private readonly unstamped = new Set<string>();
  private readonly listeners: Array<(change: CredentialChange) => void> = [];
  private readonly resyncListeners: Array<() => void> = [];
  private readonly recent: CredentialChange[] = [];
  private heard = 0;
  private stampTimer: NodeJS.Timeout | undefined;
  private stamping: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly bus: CredentialBus,
    private readonly clock: Clock,
    private readonly options: CredentialCacheOptions = {},
  ) {
    // No age limit: every change made through the API reaches the cache, and a fixed age would
    // make a request's cost depend on when the token was last read.
    this.entries = new LRUCache({ max: options.maxEntries ?? 10_000 });
    bus.listen((change) => this.heardOf(change));
    bus.onResync(() => {
      this.entries.clear();
      for (const listener of this.resyncListeners) listener();
    });
  }

  /** Starts writing last-use stamps. */
  start(): void {
    this.stampTimer = setInterval(() => void this.flushStamps(), this.options.stampIntervalMs ?? 1_000);
    this.stampTimer.unref();
  }

  /** Writes the stamps still queued and stops. */
  async stop(): Promise<void> {
    clearInterval(this.stampTimer);
    await this.flushStamps();
  }

  /** For services: announce that a credential ended or changed, here and in every process. */
  async changed(change: CredentialChange): Promise<void> {
    await this.bus.publish(change);
  }

  /** Called synchronously for each change, in order (the stream registry ends streams here). */
  onChange(listener: (change: CredentialChange) => void): void {
    this.listeners.push(listener);
  }

  /** Called when changes may have been missed (Redis reconnected): what was resolved before must be checked again. */
  onResync(listener: () => void): void {
    this.resyncListeners.push(listener);
  }

  /** What the token resolves to now, from the database; null when it no longer does (revoked, expired…). */
  async current(tokenHash: string): Promise<Viewer | null> {
    try {
      const entry = await readCredential(this.db, tokenHash);
      return expired(entry, this.clock()) ? null : entry.viewer;
    } catch (error) {
      if (error instanceof UserErrorsException) return null;
      throw error;
    }
  }

  /** The changes heard after the first `count`; null when they are no longer all known. */
  changesSince(count: number): CredentialChange[] | null {
    const missed = this.heard - count;
    return missed > this.recent.length ? null : this.recent.slice(this.recent.length - missed);
  }

  /**
   * Resolves an `Authorization` header. No header → anonymous (null). A header that is not a
   * well-formed bearer token, or names no live token, is refused with INVALID_TOKEN.
   */
  async resolve(header: string | null | undefined): Promise<{ viewer: Viewer; credential: Credential } | null> {
    const tokenHash = bearerHash(header);
    if (!tokenHash) return null;
    const heardChanges = this.heard;
    let entry = this.entries.get(tokenHash);
    // A change published elsewhere may still be on its way here: then the row decides.
    if (entry && !(await this.bus.upToDate())) entry = undefined;
    if (!entry) {
      entry = await readCredential(this.db, tokenHash);
      // A change heard during the read may have been committed after it: not kept then.
      if (this.heard === heardChanges) this.entries.set(tokenHash, entry);
    }
    const now = this.clock();
    if (expired(entry, now)) {
      this.entries.delete(tokenHash);
      fail("INVALID_TOKEN", "The API token has expired");
    }
    if (!entry.stampedAt || now.getTime() - entry.stampedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      entry.stampedAt = now;
      this.unstamped.add(entry.credential.tokenId);
    }
    return { viewer: entry.viewer, credential: { ...entry.credential, heardChanges } };
  }

  /** Writes the last use of the tokens seen since the last write, in one statement. */
  flushStamps(): Promise<void> {
    this.stamping = this.stamping.then(async () => {
      if (this.unstamped.size === 0) return;
      const ids = [...this.unstamped];
      this.unstamped.clear();
      const now = this.clock();
      // The condition keeps two processes from stamping a token twice in one minute.
      await this.db.prisma.apiToken
        .updateMany({
          where: { id: { in: ids }, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
          data: { lastUsedAt: now },
        })
        .catch(() => {
          // The database is out of reach for a moment: the stamps wait for the next write.
          for (const id of ids) this.unstamped.add(id);
        });
    });
    return this.stamping;
  }

  private heardOf(change: CredentialChange): void {
    this.heard += 1;
    this.recent.push(change);
    if (this.recent.length > RECENT_CHANGES) this.recent.shift();
    for (const [hash, entry] of this.entries.entries()) {
      if (concerns(change, entry.credential)) this.entries.delete(hash);
    }
    for (const listener of this.listeners) listener(change);
  }
}

/** The hash of the bearer token of an `Authorization` header; null when there is none. */
function bearerHash(header: string | null | undefined): string | null {
  if (!header) return null;
  const match = BEARER.exec(header.trim());
  if (!match) fail("INVALID_TOKEN", "The Authorization header must be `Bearer <token>`");
  return hashToken(match[1]!);
}

const expired = (entry: Entry, now: Date) => entry.credential.expiresAt !== null && entry.credential.expiresAt <= now;

/**
 * Resolves an `Authorization` header from the database, without a cache and without stamping
 * its last use: for the demo seeder and scripts, which act once. The server uses CredentialCache.
 */
export async function viewerFromAuthorization(db: Database, header: string | null | undefined, clock: Clock = systemClock): Promise<Viewer | null> {
  const tokenHash = bearerHash(header);
  if (!tokenHash) return null;
  const entry = await readCredential(db, tokenHash);
  if (expired(entry, clock())) fail("INVALID_TOKEN", "The API token has expired");
  return entry.viewer;
}

/**
 * The token's row and, for an app's token, the app: one statement, two for an app. A
 * deactivated member's tokens go with it (people who left cannot act), checked in the same WHERE.
 */
async function readCredential(db: Database, tokenHash: string): Promise<Entry> {
  const token = await db.prisma.apiToken.findFirst({
    where: { tokenHash, OR: [{ staffMemberId: null }, { staffMember: { active: true } }] },
  });
  if (!token || token.revokedAt) fail("INVALID_TOKEN", "The API token is unknown or revoked");
  const app = token.appId ? await db.prisma.app.findUnique({ where: { id: token.appId }, select: { id: true, permissions: true, enabled: true } }) : null;
  if (app && !app.enabled) fail("INVALID_TOKEN", "The app of this token is disabled");
  return {
    viewer: {
      tokenId: token.id,
      role: token.role,
      shopId: token.shopId,
      customerId: token.customerId,
      staffMemberId: token.staffMemberId,
      label: token.label,
      app: app && { id: app.id, permissions: app.permissions },
    },
    credential: { tokenId: token.id, tokenHash, appId: token.appId, staffMemberId: token.staffMemberId, expiresAt: token.expiresAt },
    stampedAt: token.lastUsedAt,
  };
}
