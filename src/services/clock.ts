/** What "now" is for refund changes and deadlines: injected so tests can fix it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();
