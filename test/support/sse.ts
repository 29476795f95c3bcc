// A GraphQL subscription over yoga's server-sent events, as a browser or `curl -N` sees it:
// POST /graphql with `Accept: text/event-stream`, read with Node's fetch, the stream parsed by
// hand (no SSE client library), so the test sees exactly what goes over the wire.
import { PATIENCE_MS } from "./patience.js";

export interface SseMessage {
  event: string;
  data: string;
}

export interface SseStream<T> {
  response: Response;
  /** Every message in order, pings (comment lines) left out. */
  messages: SseMessage[];
  /** The payloads of `next` messages. */
  results: Array<{ data?: T | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  /** Resolves once `count` results with data have arrived (or rejects after the timeout). */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Settles when the body ends: how it ended, and whether a `complete` event came first. */
  ended: Promise<{ completed: boolean; error: unknown }>;
  /** The client goes away (closes the request). */
  abort(): void;
}

export async function sseSubscribe<T>(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<SseStream<T>> {
  const controller = new AbortController();
  const response = await fetch(url, {
    method: "POST",
    headers: {
      accept: "text/event-stream",
      "content-type": "application/json",
      ...(token && { authorization: `Bearer ${token}` }),
    },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  const results: SseStream<T>["results"] = [];
  let wake: () => void = () => {};

  const read = async (): Promise<{ completed: boolean; error: unknown }> => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let completed = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return { completed, error: null };
        buffer += value;
        // Messages are separated by a blank line; fields are `name: value` lines.
        for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = "message";
          const data: string[] = [];
          let fields = 0;
          for (const line of block.split("\n")) {
            if (line === "" || line.startsWith(":")) continue; // a ping
            fields += 1;
            const colon = line.indexOf(":");
            const field = colon < 0 ? line : line.slice(0, colon);
            const fieldValue = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
            if (field === "event") event = fieldValue;
            if (field === "data") data.push(fieldValue);
          }
          if (fields === 0) continue;
          const message = { event, data: data.join("\n") };
          messages.push(message);
          if (event === "next") results.push(JSON.parse(message.data));
          if (event === "complete") completed = true;
          wake();
        }
      }
    } catch (error) {
      return { completed, error };
    } finally {
      wake();
    }
  };
  const ended = read();

  return {
    response,
    messages,
    results,
    ended,
    abort: () => controller.abort(),
    async waitFor(count, timeoutMs = PATIENCE_MS) {
      const deadline = Date.now() + timeoutMs;
      let finished = false;
      void ended.then(() => (finished = true));
      for (;;) {
        const data = results.filter((result) => result.data).map((result) => result.data as T);
        if (data.length >= count) return data.slice(0, count);
        const errors = results.flatMap((result) => result.errors ?? []);
        if (errors.length > 0) throw new Error(`subscription failed: ${JSON.stringify(errors)}`);
        if (finished) throw new Error(`the stream ended after ${data.length} of ${count} events: ${JSON.stringify(messages)}`);
        if (Date.now() > deadline) throw new Error(`got ${data.length} of ${count} events: ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}
