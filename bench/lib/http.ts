// GraphQL over keep-alive HTTP from the driver: one node:http agent, latency measured from
// writing the request to having parsed the JSON answer (as the peer's bench does).
import http from "node:http";

// Idle sockets are closed after 4 s, before the server's 5 s keep-alive timeout, so a request
// is never written to a socket the server is closing (ECONNRESET). The overload case has
// hundreds of requests out at once: a request waiting for a socket here would be timed as the
// server's delay.
const agent = new http.Agent({ keepAlive: true, maxSockets: 2048, timeout: 4_000 });
const TIMEOUT_MS = 60_000;

export interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  ms: number;
}

/** An answer whatever its HTTP status (a 503 refusal has a JSON body too); `json` is absent when the body is not JSON. */
export interface RawAnswer<T> {
  status: number;
  /** The Retry-After header, when there is one. */
  retryAfter?: string;
  json?: Omit<GraphQLAnswer<T>, "ms">;
  ms: number;
}

/** Thrown when no answer came within the time-out. */
export class NoAnswerError extends Error {}

export function postRaw<T>(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}, timeoutMs = TIMEOUT_MS): Promise<RawAnswer<T>> {
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        timeout: timeoutMs,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(token && { authorization: `Bearer ${token}` }),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          let json: RawAnswer<T>["json"];
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as RawAnswer<T>["json"];
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, retryAfter: response.headers["retry-after"], json, ms: performance.now() - started });
        });
      },
    );
    request.on("timeout", () => request.destroy(new NoAnswerError(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

export async function post<T>(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  const answer = await postRaw<T>(url, token, query, variables);
  if (!answer.json) throw new Error(`HTTP ${answer.status}: not JSON from ${url}`);
  return { ...answer.json, ms: answer.ms };
}

/** The data of a request that must succeed (GraphQL errors and userErrors throw). */
export async function gql<T>(url: string, token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<T & { ms: number }> {
  const answer = await post<T>(url, token, query, variables);
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  for (const payload of Object.values(answer.data as Record<string, unknown>)) {
    const userErrors = (payload as { userErrors?: unknown[] } | null)?.userErrors;
    if (userErrors?.length) throw new Error(`userErrors: ${JSON.stringify(userErrors)}`);
  }
  return { ...answer.data, ms: answer.ms };
}

export function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, timeout: TIMEOUT_MS }, (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString()));
        response.on("end", () => resolve(text));
        response.on("error", reject);
      })
      .on("error", reject);
  });
}

export function closeHttp(): void {
  agent.destroy();
}
