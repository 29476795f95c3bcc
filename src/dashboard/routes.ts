import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const DASHBOARD_PATH = "/dashboard";

const here = path.dirname(fileURLToPath(import.meta.url));
// The chart library's browser build comes from the installed npm package: the page needs no internet.
const echartsDist = path.dirname(createRequire(import.meta.url).resolve("echarts"));

interface Asset {
  file: string;
  type: string;
}

const ASSETS: Record<string, Asset> = {
  [DASHBOARD_PATH]: { file: path.join(here, "public", "dashboard.html"), type: "text/html; charset=utf-8" },
  [`${DASHBOARD_PATH}/dashboard.js`]: { file: path.join(here, "public", "dashboard.js"), type: "text/javascript; charset=utf-8" },
  [`${DASHBOARD_PATH}/dashboard.css`]: { file: path.join(here, "public", "dashboard.css"), type: "text/css; charset=utf-8" },
  [`${DASHBOARD_PATH}/echarts.min.js`]: { file: path.join(echartsDist, "echarts.min.js"), type: "text/javascript; charset=utf-8" },
};

const cache = new Map<string, Buffer>();

/** Whether the request is for the dashboard page or one of its assets. */
export function isDashboardRequest(url: string | undefined): boolean {
  const pathname = (url ?? "").split("?")[0]!;
  return pathname === DASHBOARD_PATH || pathname.startsWith(`${DASHBOARD_PATH}/`);
}

/**
 * Serves the live dashboard: a static page that reads `refundMetrics` over /graphql and follows
 * `refundEvents` over graphql-ws with the token the user types in; the server holds no session.
 */
export function serveDashboard(request: IncomingMessage, response: ServerResponse): void {
  const pathname = (request.url ?? "").split("?")[0]!;
  const asset = ASSETS[pathname === `${DASHBOARD_PATH}/` ? DASHBOARD_PATH : pathname];
  if (!asset) {
    response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
    return;
  }
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  let body = cache.get(asset.file);
  if (!body) {
    body = readFileSync(asset.file);
    cache.set(asset.file, body);
  }
  response.writeHead(200, {
    "content-type": asset.type,
    "content-length": body.length,
    "cache-control": "no-cache",
    // Everything the page loads is its own: scripts, styles and the API on the same origin.
    "content-security-policy": "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
  });
  response.end(request.method === "HEAD" ? undefined : body);
}
