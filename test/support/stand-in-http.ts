// What the payment providers' stand-ins share: a loopback HTTP server that reads whole request
// bodies and can hold a request without answering (silence) or cut it after doing the work (a
// lost answer), for tests that drive a real adapter over real HTTP.
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface StandInRequest {
  method: string;
  url: URL;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** `silence`: never answered until `hangUp()`; `lost`: the work is done, the connection cut. */
export type Fault = "silence" | "lost";

export class StandInServer {
  private readonly server: Server;
  private readonly held = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  private heldWaiters: Array<{ count: number; resolve: () => void }> = [];
  url = "";

  constructor(private readonly handle: (request: StandInRequest) => { answer: StandInAnswer; fault?: Fault }) {
    this.server = createServer((request, response) => this.serve(request, response));
    this.server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.once("close", () => {
        this.sockets.delete(socket);
        this.held.delete(socket);
      });
    });
  }

  /** Listens on `port` (0: any free one; a restart passes the port it had). */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** How many requests are being held in silence now. */
  get heldCount(): number {
    return this.held.size;
  }

  /** Resolves once `count` requests are held (a condition, not a delay). */
  whenHeld(count = 1): Promise<void> {
    if (this.held.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }

  /** Ends every held request with no answer: the caller sees the connection drop. */
  hangUp(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }

  /** Closes the port and every open connection (callers see them refused, then). */
  /**
   * Hangs up on `call`'s held requests until it ends: an SDK may resend once on a dropped
   * connection, and that resend is held too when the test asked for silence twice.
   */
  async hangUpUntilSettled(call: Promise<unknown>): Promise<void> {
    let settled = false;
    const ended = call.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await Promise.race([ended, this.whenHeld(1)]);
      this.hangUp();
    }
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const { answer, fault } = this.handle({
        method: request.method ?? "GET",
        url: new URL(request.url ?? "/", this.url),
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      if (fault === "lost") {
        request.socket.destroy();
        return;
      }
      if (fault === "silence") {
        this.held.add(request.socket);
        this.heldWaiters = this.heldWaiters.filter((waiter) => (this.held.size >= waiter.count ? (waiter.resolve(), false) : true));
        return;
      }
      response.writeHead(answer.status, { "content-type": "application/json;charset=utf-8", ...answer.headers });
      response.end(answer.body);
    });
  }
}
