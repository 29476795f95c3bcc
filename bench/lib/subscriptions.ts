// Subscription clients as consoles and apps use them: graphql-ws over WebSocket (token in
// connectionParams), and SSE (POST /graphql with `Accept: text/event-stream` and the Bearer
// header, read by hand as test/support/sse.ts does) on node:http with a socket per stream.
import http from "node:http";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

export type Unsubscribe = () => void;
export type OnNext<T> = (data: T) => void;

export async function connectWs(url: string, token: string): Promise<Client> {
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    retryAttempts: 0,
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("graphql-ws: not connected within 30 s")), 30_000);
    client.on("connected", () => {
      clearTimeout(timer);
      resolve();
    });
    client.on("error", (error) => {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(`graphql-ws connection failed`));
    });
  });
  return client;
}

export function subscribeWs<T>(client: Client, query: string, variables: Record<string, unknown>, onNext: OnNext<T>): Unsubscribe {
  return client.subscribe<T>(
    { query, variables },
    {
      next: ({ data, errors }) => {
        if (errors?.length) console.error(`subscription error: ${JSON.stringify(errors)}`);
        else if (data) onNext(data);
      },
      error: (error) => console.error("subscription failed:", error),
      complete: () => {},
    },
  );
}

const sseAgent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

/** Resolves once the server has answered with the event stream's headers. */
export function subscribeSse<T>(url: string, token: string, query: string, variables: Record<string, unknown>, onNext: OnNext<T>): Promise<Unsubscribe> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method: "POST",
      agent: sseAgent,
      headers: { accept: "text/event-stream", "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` },
    });
    request.on("response", (response) => {
      if (response.statusCode !== 200) return reject(new Error(`SSE: HTTP ${response.statusCode}`));
      let buffer = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        // Messages end with a blank line; only `event: next` carries a result.
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          if (!lines.includes("event: next")) continue;
          const data = lines.filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trimStart()).join("\n");
          const result = JSON.parse(data) as { data?: T; errors?: unknown[] };
          if (result.errors?.length) console.error(`SSE subscription error: ${JSON.stringify(result.errors)}`);
          else if (result.data) onNext(result.data);
        }
      });
      response.on("error", () => {}); // aborted by unsubscribe
      resolve(() => request.destroy());
    });
    request.on("error", reject);
    request.end(body);
  });
}
