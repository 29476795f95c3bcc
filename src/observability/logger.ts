import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { type DestinationStream, type Logger, pino } from "pino";
import type { AppConfig } from "../config.js";

export type { Logger };

/** Structured JSON lines on stdout (or `destination`), at `LOG_LEVEL`. */
export function createLogger(level: AppConfig["logLevel"] = "info", destination?: DestinationStream): Logger {
  return pino({ level, base: { service: "refund-platform" }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** The request being served: its id reaches every log line and masked error made for it. */
export interface RequestScope {
  requestId: string;
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The id of a request: the client's `X-Request-Id` when it looks like one (so a trace spans the
 * client and us), otherwise a new one.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
}

export function currentRequestId(): string | undefined {
  return requestScope.getStore()?.requestId;
}
