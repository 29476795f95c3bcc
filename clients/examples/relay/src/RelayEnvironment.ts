// The Relay environment of the console: queries and mutations over HTTP, subscriptions over
// graphql-ws, both with the staff member's API token. Relay normalizes every object by its
// global `id` (the `Node` interface), so a refund read by the list, a mutation or an event is
// one record in the store.
import { createClient } from "graphql-ws";
import { Environment, Network, Observable, RecordSource, Store, type FetchFunction, type GraphQLResponse, type SubscribeFunction } from "relay-runtime";

export function createRelayEnvironment(apiUrl: string, token: string): Environment {
  const fetchQuery: FetchFunction = async (operation, variables) => {
    const response = await fetch(apiUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: operation.text, variables }),
    });
    return response.json();
  };

  const ws = createClient({ url: apiUrl.replace(/^http/, "ws"), connectionParams: { authorization: `Bearer ${token}` } });
  const subscribe: SubscribeFunction = (operation, variables) =>
    Observable.create((sink) =>
      ws.subscribe(
        { operationName: operation.name, query: operation.text!, variables },
        {
          // graphql-ws allows `data: null` where Relay's type has no null; the payload is the same.
          next: (result) => sink.next(result as GraphQLResponse),
          error: (error) => sink.error(error instanceof Error ? error : new Error(JSON.stringify(error))),
          complete: () => sink.complete(),
        },
      ),
    );

  return new Environment({ network: Network.create(fetchQuery, subscribe), store: new Store(new RecordSource()) });
}
