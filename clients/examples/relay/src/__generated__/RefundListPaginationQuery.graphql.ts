/**
 * @generated SignedSource<<74521d6b20dc3e17337611989e44fa9e>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
import { FragmentRefs } from "relay-runtime";
export type OrderShippingStatus = "DELIVERED" | "NOT_SHIPPED" | "SHIPPED" | "%future added value";
export type RefundStatus = "AWAITING_CUSTOMER" | "AWAITING_REPLACEMENT" | "AWAITING_RETURN" | "AWAITING_WAREHOUSE" | "CANCELLED" | "EXCHANGED" | "INSPECTING" | "PENDING_FINANCE" | "PENDING_REVIEW" | "REFUNDED" | "REFUNDING" | "REFUND_FAILED" | "REJECTED" | "REQUESTED" | "RETURN_IN_TRANSIT" | "%future added value";
export type RefundType = "EXCHANGE" | "REFUND_ONLY" | "RETURN_AND_REFUND" | "%future added value";
export type RefundFilter = {
  assignedTo?: string | null | undefined;
  createdAfter?: string | null | undefined;
  createdBefore?: string | null | undefined;
  customerId?: string | null | undefined;
  labels?: ReadonlyArray<string> | null | undefined;
  ratedAfter?: string | null | undefined;
  ratedBefore?: string | null | undefined;
  ratingMax?: number | null | undefined;
  ratingMin?: number | null | undefined;
  reasonCodes?: ReadonlyArray<string> | null | undefined;
  search?: string | null | undefined;
  shippingStatuses?: ReadonlyArray<OrderShippingStatus> | null | undefined;
  slaBreached?: boolean | null | undefined;
  statuses?: ReadonlyArray<RefundStatus> | null | undefined;
  types?: ReadonlyArray<RefundType> | null | undefined;
};
export type RefundListPaginationQuery$variables = {
  after?: string | null | undefined;
  filter?: RefundFilter | null | undefined;
  first?: number | null | undefined;
};
export type RefundListPaginationQuery$data = {
  readonly " $fragmentSpreads": FragmentRefs<"RefundList_query">;
};
export type RefundListPaginationQuery = {
  response: RefundListPaginationQuery$data;
  variables: RefundListPaginationQuery$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "after"
  },
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "filter"
  },
  {
    "defaultValue": 20,
    "kind": "LocalArgument",
    "name": "first"
  }
],
v1 = [
  {
    "kind": "Variable",
    "name": "after",
    "variableName": "after"
  },
  {
    "kind": "Variable",
    "name": "filter",
    "variableName": "filter"
  },
  {
    "kind": "Variable",
    "name": "first",
    "variableName": "first"
  }
],
v2 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
};
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "RefundListPaginationQuery",
    "selections": [
      {
        "args": (v1/*:: as any*/),
        "kind": "FragmentSpread",
        "name": "RefundList_query"
      }
    ],
    "type": "Query",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "RefundListPaginationQuery",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "QueryRefundsConnection",
        "kind": "LinkedField",
        "name": "refunds",
        "plural": false,
        "selections": [
          {
            "alias": null,
            "args": null,
            "concreteType": "QueryRefundsConnectionEdge",
            "kind": "LinkedField",
            "name": "edges",
            "plural": true,
            "selections": [
              {
                "alias": null,
                "args": null,
                "concreteType": "Refund",
                "kind": "LinkedField",
                "name": "node",
                "plural": false,
                "selections": [
                  (v2/*:: as any*/),
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "status",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "version",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "type",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "createdAt",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "slaBreached",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "availableActions",
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "concreteType": "Money",
                    "kind": "LinkedField",
                    "name": "requestedAmount",
                    "plural": false,
                    "selections": [
                      {
                        "alias": null,
                        "args": null,
                        "kind": "ScalarField",
                        "name": "formatted",
                        "storageKey": null
                      }
                    ],
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "concreteType": "Customer",
                    "kind": "LinkedField",
                    "name": "customer",
                    "plural": false,
                    "selections": [
                      (v2/*:: as any*/),
                      {
                        "alias": null,
                        "args": null,
                        "kind": "ScalarField",
                        "name": "name",
                        "storageKey": null
                      }
                    ],
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "concreteType": "ReasonTag",
                    "kind": "LinkedField",
                    "name": "reason",
                    "plural": false,
                    "selections": [
                      (v2/*:: as any*/),
                      {
                        "alias": null,
                        "args": null,
                        "kind": "ScalarField",
                        "name": "label",
                        "storageKey": null
                      }
                    ],
                    "storageKey": null
                  },
                  {
                    "alias": null,
                    "args": null,
                    "kind": "ScalarField",
                    "name": "__typename",
                    "storageKey": null
                  }
                ],
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "cursor",
                "storageKey": null
              }
            ],
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "concreteType": "PageInfo",
            "kind": "LinkedField",
            "name": "pageInfo",
            "plural": false,
            "selections": [
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "endCursor",
                "storageKey": null
              },
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "hasNextPage",
                "storageKey": null
              }
            ],
            "storageKey": null
          },
          {
            "kind": "ClientExtension",
            "selections": [
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "__id",
                "storageKey": null
              }
            ]
          }
        ],
        "storageKey": null
      },
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "filters": [
          "filter"
        ],
        "handle": "connection",
        "key": "RefundList_refunds",
        "kind": "LinkedHandle",
        "name": "refunds"
      }
    ]
  },
  "params": {
    "cacheID": "5ddf32416cccb15a6a063d77873668d9",
    "id": null,
    "metadata": {},
    "name": "RefundListPaginationQuery",
    "operationKind": "query",
    "text": "query RefundListPaginationQuery(\n  $after: String\n  $filter: RefundFilter\n  $first: Int = 20\n) {\n  ...RefundList_query_G9cLv\n}\n\nfragment RefundList_query_G9cLv on Query {\n  refunds(first: $first, after: $after, filter: $filter) {\n    edges {\n      node {\n        id\n        ...RefundRow_refund\n        __typename\n      }\n      cursor\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nfragment RefundRow_refund on Refund {\n  id\n  status\n  version\n  type\n  createdAt\n  slaBreached\n  availableActions\n  requestedAmount {\n    formatted\n  }\n  customer {\n    id\n    name\n  }\n  reason {\n    id\n    label\n  }\n}\n"
  }
};
})();

(node as any).hash = "7370a3b76873be43027fb11339cbf00f";

export default node;
