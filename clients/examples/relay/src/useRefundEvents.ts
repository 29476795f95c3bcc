// The shop's refund events over graphql-ws. A transition's `refund` carries the row's fragment,
// so Relay updates the row in place; a new request (action REQUEST) is put at the top of the
// list with @prependNode, Relay's declarative connection update.
import { useMemo } from "react";
import { graphql, useSubscription } from "react-relay";
import type { GraphQLSubscriptionConfig } from "relay-runtime";
import type { useRefundEventsRequestedSubscription } from "./__generated__/useRefundEventsRequestedSubscription.graphql";
import type { useRefundEventsTransitionedSubscription } from "./__generated__/useRefundEventsTransitionedSubscription.graphql";

export function useRefundEvents(connectionId: string) {
  const transitioned = useMemo<GraphQLSubscriptionConfig<useRefundEventsTransitionedSubscription>>(
    () => ({
      subscription: graphql`
        subscription useRefundEventsTransitionedSubscription {
          refundEvents {
            id
            action
            version
            refund {
              ...RefundRow_refund
            }
          }
        }
      `,
      variables: {},
    }),
    [],
  );
  const requested = useMemo<GraphQLSubscriptionConfig<useRefundEventsRequestedSubscription>>(
    () => ({
      subscription: graphql`
        subscription useRefundEventsRequestedSubscription($connections: [ID!]!) {
          refundEvents(filter: { actions: [REQUEST] }) {
            id
            refund @prependNode(connections: $connections, edgeTypeName: "QueryRefundsConnectionEdge") {
              id
              ...RefundRow_refund
            }
          }
        }
      `,
      variables: { connections: [connectionId] },
    }),
    [connectionId],
  );
  useSubscription(transitioned);
  useSubscription(requested);
}
