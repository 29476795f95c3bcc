// Case 8: more processes carry more. A server started with WEB_CONCURRENCY=N (node:cluster, the
// processes meeting in PostgreSQL and Redis) under the steady open-loop load of the automatic
// case: CLUSTER_CLIENTS clients × CLIENT_RATE automatic refunds a second for DURATION_S. Its
// CPU is the whole process tree's; statements are not counted (each process counts its own).
import { createOrders, createShop } from "../lib/fixtures.js";
import { type Server, startServer } from "../lib/server.js";
import { connectWs } from "../lib/subscriptions.js";
import { type SteadyLoad, steadyLoad } from "./automatic.js";

export interface ClusterResult {
  workers: number;
  load: SteadyLoad;
}

export async function clusterCase(options: { workers: number; redisUrl: string; clients: number; clientRate: number; durationS: number; log: (message: string) => void }): Promise<ClusterResult> {
  const server: Server = await startServer("postgres", "default", { WEB_CONCURRENCY: String(options.workers), REDIS_URL: options.redisUrl });
  options.log(`cluster: WEB_CONCURRENCY=${options.workers} server ${server.pid} at ${server.url}`);
  try {
    const shop = await createShop(server);
    const orders = await createOrders(shop, Math.ceil(options.clients * options.clientRate * options.durationS), "NOT_SHIPPED");
    // Its own connections: the primary hands each to a worker in turn, so the subscribers and
    // the requests are spread over the processes as a load balancer would spread them.
    const sockets = await Promise.all(Array.from({ length: options.clients }, () => connectWs(shop.url, shop.tokens.agent)));
    try {
      const load = await steadyLoad(server, shop, sockets, orders, options.clients, options.clientRate, options.durationS, { statements: false });
      return { workers: options.workers, load };
    } finally {
      await Promise.all(sockets.map((socket) => socket.dispose()));
    }
  } finally {
    await server.stop();
  }
}
