// The soak's clients over real HTTP (graphql-request): every request has a deadline, and every
// outcome is recorded by kind, so the summary can show what clients saw during the faults.
import { ClientError, GraphQLClient } from "graphql-request";

/** A request with no answer in this long is a hang: the soak fails on any. */
export const REQUEST_TIMEOUT_MS = 10_000;

export type Outcome<T> =
  | { kind: "ok"; data: T }
  /** An expected refusal: a `userErrors` entry with its stable code. */
  | { kind: "userError"; code: string }
  /** An HTTP or GraphQL error with a status, a code and a message the client can act on. */
  | { kind: "error"; status: number; code: string; message: string; retryAfter: string | null }
  /** The connection was refused or cut (a server process down or killed). */
  | { kind: "network"; code: string }
  | { kind: "timeout" }
  /** No answer from a server process frozen on purpose (SIGSTOP) while the request waited. */
  | { kind: "frozen" };

/** Outcome counts by operation and kind, e.g. `transitionRefund` → `error 503 SERVICE_UNAVAILABLE` → 12. */
export class Tally {
  readonly counts = new Map<string, Map<string, number>>();
  /** An error answer without a code or message: not a clear answer. */
  readonly unclear: string[] = [];

  add(operation: string, outcome: Outcome<unknown>): void {
    const label = labelOf(outcome);
    const row = this.counts.get(operation) ?? new Map<string, number>();
    row.set(label, (row.get(label) ?? 0) + 1);
    this.counts.set(operation, row);
  }

  total(filter: (label: string) => boolean = () => true): number {
    let sum = 0;
    for (const row of this.counts.values()) for (const [label, count] of row) if (filter(label)) sum += count;
    return sum;
  }

  /** Counts by kind over every operation, most frequent first. */
  byKind(): Array<[string, number]> {
    const all = new Map<string, number>();
    for (const row of this.counts.values()) for (const [label, count] of row) all.set(label, (all.get(label) ?? 0) + count);
    return [...all].sort((a, b) => b[1] - a[1]);
  }
}

export function labelOf(outcome: Outcome<unknown>): string {
  switch (outcome.kind) {
    case "ok":
      return "ok";
    case "userError":
      return `userError ${outcome.code}`;
    case "error":
      return `HTTP ${outcome.status} ${outcome.code}`;
    case "network":
      return `network ${outcome.code}`;
    case "timeout":
      return "timeout";
    case "frozen":
      return "timeout (its server frozen)";
  }
}

/** A payload's first `userErrors` entry, if any (the soak sends one mutation per request). */
function userErrorOf(data: unknown): string | null {
  for (const payload of Object.values((data ?? {}) as Record<string, unknown>)) {
    const errors = (payload as { userErrors?: Array<{ code: string }> } | null)?.userErrors;
    if (errors?.length) return errors[0]!.code;
  }
  return null;
}

function errorCode(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Sends one operation and says how it ended; never throws, never waits past the deadline. */
export async function send<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown>,
  tally: Tally,
  operation: string,
  /** Whether `url`'s process was frozen on purpose at some moment since `sentAt`. */
  frozenSince: (url: string, sentAt: number) => boolean = () => false,
): Promise<Outcome<T>> {
  const sentAt = Date.now();
  const client = new GraphQLClient(url, {
    headers: { authorization: `Bearer ${token}` },
    fetch: (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }),
  });
  let outcome: Outcome<T>;
  try {
    const data = await client.request<T>(query, variables);
    const code = userErrorOf(data);
    outcome = code ? { kind: "userError", code } : { kind: "ok", data };
  } catch (error) {
    if (error instanceof ClientError) {
      const first = error.response.errors?.[0];
      const code = (first?.extensions as { code?: string } | undefined)?.code;
      const message = first?.message;
      if (!code || !message) tally.unclear.push(`${operation}: HTTP ${error.response.status} ${String(error.response.body ?? "").slice(0, 200)}`);
      outcome = {
        kind: "error",
        status: error.response.status,
        code: code ?? "NO_CODE",
        message: message ?? "",
        retryAfter: error.response.headers?.get("retry-after") ?? null,
      };
    } else if (error instanceof DOMException && error.name === "TimeoutError") {
      outcome = frozenSince(url, sentAt) ? { kind: "frozen" } : { kind: "timeout" };
    } else {
      outcome = { kind: "network", code: errorCode(error) };
    }
  }
  tally.add(operation, outcome);
  return outcome;
}
