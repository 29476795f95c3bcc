// GraphQL over keep-alive HTTP from the driver: one node:http agent, latency measured from
// writing the request to having parsed the JSON answer (as the peer's bench does).
import http from "node:http";

// Idle sockets are closed after 4 s, before the server's 5 s keep-alive timeout, so a request
// is never written to a socket the server is closing (ECONNRESET).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4_000 });
const TIMEOUT_MS = 60_000;

export interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message: string }>;
  ms: number;
}

export function post<T>(url: string, token: string | undefined, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  const body = JSON.stringify({ query, variables });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        timeout: TIMEOUT_MS,
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
          try {
            const json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Omit<GraphQLAnswer<T>, "ms">;
            resolve({ ...json, ms: performance.now() - started });
          } catch {
            reject(new Error(`HTTP ${response.statusCode}: not JSON from ${url}`));
          }
        });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    request.on("error", reject);
    request.end(body);
  });
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
