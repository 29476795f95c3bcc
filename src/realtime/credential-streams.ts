import type { DocumentNode, ExecutionResult, GraphQLSchema } from "graphql";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { permissionProblems } from "../apps/documents.js";
import type { UserErrorCode } from "../domain/errors.js";
import type { Clock } from "../services/clock.js";
import type { CredentialChange } from "../services/credential-changes.js";
import { type Credential, type CredentialCache, concerns } from "../services/credentials.js";

/** The code of the error that ends a subscription whose credential ended (docs/subscriptions.md). */
export const CREDENTIAL_ENDED: UserErrorCode = "CREDENTIAL_ENDED";

/** A live subscription and what it was opened with. */
interface LiveStream {
  credential: Credential;
  schema: GraphQLSchema;
  document: DocumentNode;
  /** Set (synchronously) when the credential ended: from then on nothing more is delivered. */
  ended: GraphQLError | null;
  end(error: GraphQLError): void;
}

const endedBy = (message: string) => new GraphQLError(message, { extensions: { code: CREDENTIAL_ENDED } });

function reasonOf(change: CredentialChange): string {
  switch (change.kind) {
    case "token":
      return `The API token of this subscription was ${change.reason}`;
    case "staffMember":
      return "The staff member of this subscription's token was deactivated";
    case "app":
      return `The app of this subscription was ${change.reason}`;
    case "appPermissions":
      return "The app of this subscription no longer holds the permissions it reads";
  }
}

/**
 * Ends the live subscriptions (graphql-ws and SSE alike) whose credential ends: each gets one
 * result carrying a CREDENTIAL_ENDED error, then completes (graphql-ws `complete`, SSE
 * `event: complete`). A change heard from the credential cache (any process's revoke, rotation,
 * deactivation, app disabled or deleted) ends every stream it concerns; narrowed app
 * permissions end the streams whose document reads beyond them (the same check as at the
 * start, src/apps/gate.ts). An expiring token's streams end when the clock passes its expiry:
 * a sweep every `sweepMs` rather than a timer per stream, because "now" is the injectable
 * clock (tests move it; a timer cannot follow a clock that jumps) and because one interval
 * over the few expiring streams costs less than a timer each for thousands of streams.
 *
 * No value from after the end is delivered: the end is marked synchronously when the change
 * is heard, which is before any event published after it (src/realtime/credential-bus.ts),
 * and a result is let through only while the stream is not marked.
 */
export class CredentialStreams {
  private readonly streams = new Set<LiveStream>();
  private readonly expiring = new Set<LiveStream>();
  private sweep: NodeJS.Timeout | undefined;

  constructor(
    private readonly credentials: CredentialCache,
    private readonly clock: Clock,
    private readonly sweepMs = 250,
  ) {
    credentials.onChange((change) => {
      for (const stream of this.streams) this.apply(change, stream);
    });
    credentials.onResync(() => void this.recheck());
  }

  start(): void {
    this.sweep = setInterval(() => this.endExpired(), this.sweepMs);
    this.sweep.unref();
  }

  stop(): void {
    clearInterval(this.sweep);
  }

  /** Live subscriptions of this process (both transports); with `tokenId`, those of that token. */
  count(tokenId?: string): number {
    if (tokenId === undefined) return this.streams.size;
    let count = 0;
    for (const stream of this.streams) if (stream.credential.tokenId === tokenId) count += 1;
    return count;
  }

  /** The yoga plugin: every subscription stream of a caller with a token is tracked. */
  plugin(): Plugin<{ credential?: Credential | null }> {
    return {
      onSubscribe: () => ({
        onSubscribeResult: ({ args, result, setResult }) => {
          const credential = (args.contextValue as { credential?: Credential | null }).credential;
          if (!credential || !isAsyncIterable(result)) return;
          setResult(this.track(result, credential, args.schema, args.document));
        },
      }),
    };
  }

  private apply(change: CredentialChange, stream: LiveStream): void {
    if (stream.ended || !concerns(change, stream.credential)) return;
    // Narrowed permissions end only what reads beyond them; widened ones end nothing.
    if (change.kind === "appPermissions" && permissionProblems(stream.schema, stream.document, change.permissions).length === 0) return;
    stream.end(endedBy(reasonOf(change)));
  }

  /**
   * After changes may have been missed (Redis reconnected, or a change's number skipped one): each open stream's token is read
   * again, one read per token, and the streams of those that no longer resolve, or no longer
   * permit what they read, end. A read that fails (the database out of reach) leaves its
   * streams be; the next resync reads again.
   */
  private async recheck(): Promise<void> {
    const byToken = new Map<string, LiveStream[]>();
    for (const stream of this.streams) {
      const same = byToken.get(stream.credential.tokenHash);
      if (same) same.push(stream);
      else byToken.set(stream.credential.tokenHash, [stream]);
    }
    for (const [tokenHash, streams] of byToken) {
      const viewer = await this.credentials.current(tokenHash).catch(() => undefined);
      if (viewer === undefined) continue;
      for (const stream of streams) {
        if (viewer === null) stream.end(endedBy("The credential of this subscription no longer works"));
        else if (viewer.app && permissionProblems(stream.schema, stream.document, viewer.app.permissions).length > 0) {
          stream.end(endedBy("The app of this subscription no longer holds the permissions it reads"));
        }
      }
    }
  }

  private endExpired(): void {
    const now = this.clock();
    for (const stream of this.expiring) {
      if (stream.credential.expiresAt! <= now) stream.end(endedBy("The API token of this subscription expired"));
    }
  }

  private track(source: AsyncIterable<ExecutionResult>, credential: Credential, schema: GraphQLSchema, document: DocumentNode): AsyncIterableIterator<ExecutionResult> {
    const iterator = source[Symbol.asyncIterator]();
    let wake: (() => void) | undefined;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    let finished = false;
    const stream: LiveStream = {
      credential,
      schema,
      document,
      ended: null,
      end: (error) => {
        stream.ended ??= error;
        forget();
        wake!();
      },
    };
    const forget = () => {
      this.streams.delete(stream);
      this.expiring.delete(stream);
    };
    const finish = async () => {
      finished = true;
      forget();
      await iterator.return?.();
    };
    this.streams.add(stream);
    if (credential.expiresAt) this.expiring.add(stream);
    // A change heard between the token's resolution and now was not seen by the resolution.
    const missed = this.credentials.changesSince(credential.heardChanges);
    if (missed === null) stream.end(endedBy("The credentials of this process changed while this subscription started: subscribe again"));
    else for (const change of missed) this.apply(change, stream);
    this.endExpired();

    const tracked: AsyncIterableIterator<ExecutionResult> = {
      [Symbol.asyncIterator]: () => tracked,
      async next() {
        if (finished) return { done: true, value: undefined };
        const result = stream.ended ? null : await Promise.race([iterator.next(), woken.then(() => null)]);
        if (stream.ended) {
          // The end is delivered once, in place of whatever the source had.
          const error = stream.ended;
          await finish();
          return { done: false, value: { errors: [error] } };
        }
        if (result!.done) {
          finished = true;
          forget();
        }
        return result!;
      },
      async return() {
        await finish();
        return { done: true, value: undefined };
      },
      async throw(error: unknown) {
        await finish();
        throw error;
      },
    };
    return tracked;
  }
}

function isAsyncIterable<T>(value: T | AsyncIterable<T>): value is AsyncIterable<T> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}
