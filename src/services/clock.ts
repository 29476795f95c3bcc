import type { RefundServiceDeps } from "./refund-effects.js";

/** What "now" is for deadlines: injected so tests can fix it; the system clock otherwise. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The running services with the app's clock (refund-effects owns the rest of the deps). */
export type AppServices = RefundServiceDeps & { clock: Clock };
