// Apollo Client's normalized cache (InMemoryCache), the client most consoles are built on,
// against a real server: a console lists refunds with the checked-in AgentQueue document, then
// a transitionRefund answer and a refundEvents event update the listed refund in the cache by
// its `__typename` and `id`, with no second list request. Requests are counted in a link of the
// console's own client, the way a network panel would show them.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql, type OperationVariables, type TypedDocumentNode } from "@apollo/client/core";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentQueueDocument, RefundEventsDocument, TransitionRefundDocument } from "../../clients/generated/graphql.js";
import { backends } from "../support/databases.js";
import { eventually } from "../support/patience.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { untilStreaming, wsClient } from "../support/subscriptions.js";

// The whole shop's list (the document's default is the agent's own queue).
const SHOP_LIST = { assignedTo: null } as const;

interface Console {
  apollo: ApolloClient;
  /** Operations this client sent, by name: over HTTP and over graphql-ws. */
  sent: Record<string, number>;
  /** Subscribes through the client; `events` is what has arrived so far (it throws once the subscription failed). */
  subscribe<T>(query: TypedDocumentNode<T, OperationVariables>, variables?: OperationVariables): { readonly events: T[] };
  close(): Promise<void>;
}

/** A console's Apollo Client: queries and mutations over HTTP, subscriptions over graphql-ws. */
function consoleClient(server: TestServer, token: string): Console {
  const sent: Record<string, number> = {};
  const counting = new ApolloLink((operation, forward) => {
    const name = operation.operationName ?? "(anonymous)";
    sent[name] = (sent[name] ?? 0) + 1;
    return forward(operation);
  });
  const ws = wsClient(server.url, token);
  const isSubscription = ({ query }: ApolloLink.Operation) => {
    const definition = getMainDefinition(query);
    return definition.kind === "OperationDefinition" && definition.operation === "subscription";
  };
  const apollo = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([
      counting,
      ApolloLink.split(isSubscription, new GraphQLWsLink(ws), new HttpLink({ uri: server.url, headers: { authorization: `Bearer ${token}` } })),
    ]),
  });
  const subscriptions: Array<{ unsubscribe(): void }> = [];
  return {
    apollo,
    sent,
    subscribe<T>(query: TypedDocumentNode<T, OperationVariables>, variables?: OperationVariables) {
      const events: T[] = [];
      const errors: unknown[] = [];
      subscriptions.push(
        apollo.subscribe({ query, variables }).subscribe({
          next: (result) => (result.error ? errors.push(result.error) : result.data && events.push(result.data)),
          error: (error) => errors.push(error),
        }),
      );
      return {
        get events() {
          if (errors.length > 0) throw new Error(`subscription failed: ${String(errors[0])}`);
          return events;
        },
      };
    },
    async close() {
      for (const subscription of subscriptions) subscription.unsubscribe();
      apollo.stop();
      await ws.dispose();
    },
  };
}

describe.each(backends)("Apollo Client's InMemoryCache against the server on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  const listed = (client: Console, refundId: string) =>
    client.apollo.readQuery({ query: AgentQueueDocument, variables: SHOP_LIST })?.refunds.edges.find((edge) => edge.node.id === refundId)?.node;

  it("updates a listed refund from a transitionRefund answer and from another staff member's transition, with no refetch", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-apollo");
    const agent = consoleClient(server, tokenOf(shop.staff.AGENT));
    try {
      const list = await agent.apollo.query({ query: AgentQueueDocument, variables: SHOP_LIST });
      expect(list.data?.refunds.edges.find((edge) => edge.node.id === refundId)?.node).toMatchObject({ status: "PENDING_REVIEW", version: 2 });
      expect(listed(agent, refundId)).toMatchObject({ status: "PENDING_REVIEW", version: 2, availableActions: expect.arrayContaining(["APPROVE"]) });

      const approved = await agent.apollo.mutate({ mutation: TransitionRefundDocument, variables: { input: { refundId, action: "APPROVE", expectedVersion: 2 } } });
      expect(approved.data?.transitionRefund.userErrors).toEqual([]);
      // The answer's `refund { id status version … }` is written over the refund the list holds.
      expect(listed(agent, refundId)).toMatchObject({ status: "AWAITING_WAREHOUSE", version: 3 });
      expect(listed(agent, refundId)?.availableActions).not.toContain("APPROVE");
      expect(agent.sent).toEqual({ AgentQueue: 1, TransitionRefund: 1 });

      const events = agent.subscribe(RefundEventsDocument, { filter: { statuses: ["PENDING_FINANCE"] } });
      await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${tokenOf(shop.staff.AGENT)}`), 1);
      const confirmed = await shop.staff.WAREHOUSE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "CONFIRM_NOT_RECEIVED" } });
      expect(confirmed.transitionRefund.userErrors).toEqual([]);
      await eventually(async () => events.events.length, (count) => count >= 1);
      expect(events.events[0]?.refundEvents).toMatchObject({ to: "PENDING_FINANCE", version: 4, refund: { id: refundId } });
      expect(listed(agent, refundId)).toMatchObject({ status: "PENDING_FINANCE", version: 4 });
      expect(agent.sent).toEqual({ AgentQueue: 1, TransitionRefund: 1, RefundEvents: 1 });
    } finally {
      await agent.close();
    }
  });

  it("leaves the listed refund as it was when an event selects no refund (why the documents select it)", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-apollo-bare");
    const agent = consoleClient(server, tokenOf(shop.staff.SHOP_ADMIN));
    try {
      await agent.apollo.query({ query: AgentQueueDocument, variables: SHOP_LIST });
      expect(listed(agent, refundId)).toMatchObject({ status: "PENDING_REVIEW", version: 2 });

      const events = agent.subscribe(REFUND_EVENTS_WITHOUT_REFUND, { filter: { statuses: ["AWAITING_WAREHOUSE"] } });
      await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${tokenOf(shop.staff.SHOP_ADMIN)}`), 1);
      const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
      expect(approved.transitionRefund.userErrors).toEqual([]);
      await eventually(async () => events.events.length, (count) => count >= 1);
      expect(events.events[0]?.refundEvents).toMatchObject({ to: "AWAITING_WAREHOUSE", version: 3 });
      expect(listed(agent, refundId)).toMatchObject({ status: "PENDING_REVIEW", version: 2 });
    } finally {
      await agent.close();
    }
  });
});

// RefundEvents as the mobile FollowRefund document was before it selected `refund`: the event
// is a RefundTransition of its own, and nothing in it is the refund's new status.
const REFUND_EVENTS_WITHOUT_REFUND: TypedDocumentNode<{ refundEvents: { id: string; to: string; version: number } }, OperationVariables> = gql`
  subscription RefundEventsWithoutRefund($filter: RefundEventFilter) {
    refundEvents(filter: $filter) { id action to version }
  }
`;
