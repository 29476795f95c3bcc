import { decodeGlobalID, encodeGlobalID } from "@pothos/plugin-relay";
import DataLoader from "dataloader";

/**
 * The DataLoaders of one GraphQL request (or graphql-ws operation), owned by the host: a
 * resolver asks for one by name and gets the same instance for the rest of the request, so a
 * page of rows is read in one statement and nothing outlives the request.
 */
export class RequestLoaders {
  private readonly byName = new Map<string, DataLoader<unknown, unknown, unknown>>();

  byKey<K, V, C = K>(name: string, batch: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>): DataLoader<K, V, C> {
    let loader = this.byName.get(name) as DataLoader<K, V, C> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, C>(batch, options);
      this.byName.set(name, loader as DataLoader<unknown, unknown, unknown>);
    }
    return loader;
  }
}

/** Relay global ids as the API shows them (`base64("Refund:<id>")`). */
export const globalId = {
  encode: (typename: string, id: string): string => encodeGlobalID(typename, id),
  /** The row id when `value` is a global id of `typename`, else null (never throws). */
  parse(value: string, typename: string): string | null {
    try {
      const decoded = decodeGlobalID(value);
      return decoded.typename === typename ? decoded.id : null;
    } catch {
      return null;
    }
  },
};
