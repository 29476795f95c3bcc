import type { TrackingEvent } from "./tracking.js";

/**
 * A carrier's tracking API, polled for the returns shipped with that carrier. `track` gets the
 * tracking numbers of open returns (at most 50 at a time) and answers the events it knows of,
 * in any order and including old ones: applying an event twice changes nothing.
 */
export interface CarrierTrackingAdapter {
  /** Matched against `ReturnShipment.carrier`, ignoring case, spaces and punctuation. */
  carrier: string;
  /** Other names customers type for it, e.g. `["顺丰", "顺丰速运", "SF"]` for SF Express. */
  aliases?: readonly string[];
  track(trackingNumbers: string[]): Promise<TrackingEvent[]>;
}

/** "SF Express", "sf-express" and "SFEXPRESS" are one carrier. */
export function carrierKey(carrier: string): string {
  return carrier.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
}

// One registry per process, kept on globalThis so that a second copy of this module (a test
// importing it by another path than the plugin loader) still sees the same adapters.
const REGISTRY = Symbol.for("refund-platform.logistics.carrier-adapters");
const registry: Map<string, CarrierTrackingAdapter> = ((globalThis as Record<symbol, unknown>)[REGISTRY] as
  | Map<string, CarrierTrackingAdapter>
  | undefined) ?? new Map();
(globalThis as Record<symbol, unknown>)[REGISTRY] = registry;

/**
 * Registers a carrier's polling adapter for this process (at start, next to the code that
 * knows the carrier's API; tests register fakes). Returns a function that removes it again.
 */
export function registerCarrierAdapter(adapter: CarrierTrackingAdapter): () => void {
  const keys = [adapter.carrier, ...(adapter.aliases ?? [])].map(carrierKey);
  for (const key of keys) registry.set(key, adapter);
  return () => {
    for (const key of keys) if (registry.get(key) === adapter) registry.delete(key);
  };
}

export function carrierAdapterFor(carrier: string): CarrierTrackingAdapter | undefined {
  return registry.get(carrierKey(carrier));
}

export function registeredCarrierAdapters(): CarrierTrackingAdapter[] {
  return [...new Set(registry.values())];
}

/** Whether a shipment's carrier, as the customer typed it, is this adapter's. */
export function adapterServes(adapter: CarrierTrackingAdapter, carrier: string): boolean {
  const key = carrierKey(carrier);
  return [adapter.carrier, ...(adapter.aliases ?? [])].some((name) => carrierKey(name) === key);
}
