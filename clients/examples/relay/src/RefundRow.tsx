// One refund with the actions its viewer may take. `@refetchable` on a Refund fragment makes
// Relay generate a `node(id:)` query for it: after a VERSION_CONFLICT the row reloads itself.
import { graphql, useMutation, useRefetchableFragment } from "react-relay";
import type { RefundRowRefetchQuery } from "./__generated__/RefundRowRefetchQuery.graphql";
import type { RefundRowTransitionMutation, RefundAction } from "./__generated__/RefundRowTransitionMutation.graphql";
import type { RefundRow_refund$key } from "./__generated__/RefundRow_refund.graphql";

export default function RefundRow({ refund: key }: { refund: RefundRow_refund$key }) {
  const [refund, refetch] = useRefetchableFragment<RefundRowRefetchQuery, RefundRow_refund$key>(
    graphql`
      fragment RefundRow_refund on Refund @refetchable(queryName: "RefundRowRefetchQuery") {
        id
        status
        version
        type
        createdAt
        slaBreached
        availableActions
        requestedAmount { formatted }
        customer { id name }
        reason { id label }
      }
    `,
    key,
  );
  // The answer selects the row's fragment: Relay writes it into the refund's record (same `id`),
  // and every component showing that refund renders the new status with no refetch.
  const [commit, isInFlight] = useMutation<RefundRowTransitionMutation>(graphql`
    mutation RefundRowTransitionMutation($input: TransitionRefundInput!) {
      transitionRefund(input: $input) {
        refund {
          ...RefundRow_refund
        }
        userErrors { code field message }
      }
    }
  `);

  const take = (action: RefundAction) =>
    commit({
      variables: { input: { refundId: refund.id, action, expectedVersion: refund.version } },
      onCompleted: ({ transitionRefund }) => {
        if (transitionRefund.userErrors.some((error) => error.code === "VERSION_CONFLICT")) {
          refetch({}, { fetchPolicy: "network-only" });
        }
      },
    });

  return (
    <li>
      {refund.customer.name} · {refund.reason.label} · {refund.requestedAmount.formatted} · {refund.status}
      {refund.slaBreached && " · late"}
      {refund.availableActions.map((action) => (
        <button key={action} type="button" disabled={isInFlight} onClick={() => take(action)}>
          {action}
        </button>
      ))}
    </li>
  );
}
