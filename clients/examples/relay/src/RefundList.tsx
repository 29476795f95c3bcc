// The list of refunds, a page at a time: `refunds` is a Relay connection (edges, node, cursor,
// pageInfo), so usePaginationFragment loads the next page with `after` and appends it.
import { graphql, usePaginationFragment } from "react-relay";
import type { RefundListPaginationQuery } from "./__generated__/RefundListPaginationQuery.graphql";
import type { RefundList_query$key } from "./__generated__/RefundList_query.graphql";
import RefundRow from "./RefundRow";
import { useRefundEvents } from "./useRefundEvents";

export default function RefundList({ query }: { query: RefundList_query$key }) {
  const { data, loadNext, hasNext, isLoadingNext } = usePaginationFragment<RefundListPaginationQuery, RefundList_query$key>(
    graphql`
      fragment RefundList_query on Query
      @refetchable(queryName: "RefundListPaginationQuery")
      @argumentDefinitions(first: { type: "Int", defaultValue: 20 }, after: { type: "String" }, filter: { type: "RefundFilter" }) {
        refunds(first: $first, after: $after, filter: $filter) @connection(key: "RefundList_refunds") {
          __id
          edges {
            node {
              id
              ...RefundRow_refund
            }
          }
        }
      }
    `,
    query,
  );
  // New requests arrive at the top of this connection; status changes update rows in place.
  useRefundEvents(data.refunds.__id);
  return (
    <section>
      <ul>
        {data.refunds.edges.map((edge) => (
          <RefundRow key={edge.node.id} refund={edge.node} />
        ))}
      </ul>
      {hasNext && (
        <button type="button" disabled={isLoadingNext} onClick={() => loadNext(20)}>
          More
        </button>
      )}
    </section>
  );
}
