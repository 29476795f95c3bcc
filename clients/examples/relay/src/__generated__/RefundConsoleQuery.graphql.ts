/**
 * @generated SignedSource<<eb7f46c49c808c7d04b78b50eb82cde4>>
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
export type Role = "AGENT" | "CUSTOMER" | "FINANCE" | "INTEGRATION" | "PLATFORM_ADMIN" | "SHOP_ADMIN" | "WAREHOUSE" | "%future added value";
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
export type RefundConsoleQuery$variables = {
  filter?: RefundFilter | null | undefined;
};
export type RefundConsoleQuery$data = {
  readonly viewer: {
    readonly role: Role;
    readonly staffMember: {
      readonly id: string;
      readonly name: string;
    } | null | undefined;
  };
  readonly " $fragmentSpreads": FragmentRefs<"RefundList_query">;
};
export type RefundConsoleQuery = {
  response: RefundConsoleQuery$data;
  variables: RefundConsoleQuery$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "filter"
  }
],
v1 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
},
v2 = [
  (v1/*:: as any*/),
  {
    "alias": null,
    "args": null,
    "kind": "ScalarField",
    "name": "name",
    "storageKey": null
  }
],
v3 = {
  "alias": null,
  "args": null,
  "concreteType": "Viewer",
  "kind": "LinkedField",
  "name": "viewer",
  "plural": false,
  "selections": [
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "role",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "concreteType": "StaffMember",
      "kind": "LinkedField",
      "name": "staffMember",
      "plural": false,
      "selections": (v2/*:: as any*/),
      "storageKey": null
    }
  ],
  "storageKey": null
},
v4 = {
  "kind": "Variable",
  "name": "filter",
  "variableName": "filter"
},
v5 = [
  (v4/*:: as any*/),
  {
    "kind": "Literal",
    "name": "first",
    "value": 20
  }
];
return {
  "fragment": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Fragment",
    "metadata": null,
    "name": "RefundConsoleQuery",
    "selections": [
      (v3/*:: as any*/),
      {
        "args": [
          (v4/*:: as any*/)
        ],
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
    "name": "RefundConsoleQuery",
    "selections": [
      (v3/*:: as any*/),
      {
        "alias": null,
        "args": (v5/*:: as any*/),
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
                  (v1/*:: as any*/),
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
                    "selections": (v2/*:: as any*/),
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
                      (v1/*:: as any*/),
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
        "args": (v5/*:: as any*/),
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
    "cacheID": "87f20679d887bb1b84f1763ecb66ea09",
    "id": null,
    "metadata": {},
    "name": "RefundConsoleQuery",
    "operationKind": "query",
    "text": "query RefundConsoleQuery(\n  $filter: RefundFilter\n) {\n  viewer {\n    role\n    staffMember {\n      id\n      name\n    }\n  }\n  ...RefundList_query_Vt7Yj\n}\n\nfragment RefundList_query_Vt7Yj on Query {\n  refunds(first: 20, filter: $filter) {\n    edges {\n      node {\n        id\n        ...RefundRow_refund\n        __typename\n      }\n      cursor\n    }\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n  }\n}\n\nfragment RefundRow_refund on Refund {\n  id\n  status\n  version\n  type\n  createdAt\n  slaBreached\n  availableActions\n  requestedAmount {\n    formatted\n  }\n  customer {\n    id\n    name\n  }\n  reason {\n    id\n    label\n  }\n}\n"
  }
};
})();

(node as any).hash = "c9ecdf0e974df9583bce7538f5e02b51";

export default node;
