// The console's page: the shop's refunds in the statuses the staff member picked, newest first.
import { Suspense } from "react";
import { graphql, useLazyLoadQuery } from "react-relay";
import type { RefundConsoleQuery, RefundStatus } from "./__generated__/RefundConsoleQuery.graphql";
import RefundList from "./RefundList";

export default function RefundConsole({ statuses }: { statuses: readonly RefundStatus[] }) {
  const data = useLazyLoadQuery<RefundConsoleQuery>(
    graphql`
      query RefundConsoleQuery($filter: RefundFilter) {
        viewer {
          role
          staffMember { id name }
        }
        ...RefundList_query @arguments(filter: $filter)
      }
    `,
    { filter: { statuses } },
  );
  return (
    <main>
      <header>{data.viewer.staffMember?.name ?? data.viewer.role}</header>
      <Suspense fallback={<p>Loading refunds…</p>}>
        <RefundList query={data} />
      </Suspense>
    </main>
  );
}
