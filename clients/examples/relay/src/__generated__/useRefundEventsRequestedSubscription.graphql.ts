/**
 * @generated SignedSource<<1b57af5d866babb7f73aab4109dfe4d6>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
import { FragmentRefs } from "relay-runtime";
export type useRefundEventsRequestedSubscription$variables = {
  connections: ReadonlyArray<string>;
};
export type useRefundEventsRequestedSubscription$data = {
  readonly refundEvents: {
    readonly id: string;
    readonly refund: {
      readonly id: string;
      readonly " $fragmentSpreads": FragmentRefs<"RefundRow_refund">;
    };
  };
};
export type useRefundEventsRequestedSubscription = {
  response: useRefundEventsRequestedSubscription$data;
  variables: useRefundEventsRequestedSubscription$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "connections"
  }
],
v1 = [
  {
    "kind": "Literal",
    "name": "filter",
    "value": {
      "actions": [
        "REQUEST"
      ]
    }
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
    "name": "useRefundEventsRequestedSubscription",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "RefundTransition",
        "kind": "LinkedField",
        "name": "refundEvents",
        "plural": false,
        "selections": [
          (v2/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "Refund",
            "kind": "LinkedField",
            "name": "refund",
            "plural": false,
            "selections": [
              (v2/*:: as any*/),
              {
                "args": null,
                "kind": "FragmentSpread",
                "name": "RefundRow_refund"
              }
            ],
            "storageKey": null
          }
        ],
        "storageKey": "refundEvents(filter:{\"actions\":[\"REQUEST\"]})"
      }
    ],
    "type": "Subscription",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "useRefundEventsRequestedSubscription",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "RefundTransition",
        "kind": "LinkedField",
        "name": "refundEvents",
        "plural": false,
        "selections": [
          (v2/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "Refund",
            "kind": "LinkedField",
            "name": "refund",
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
              }
            ],
            "storageKey": null
          },
          {
            "alias": null,
            "args": null,
            "filters": null,
            "handle": "prependNode",
            "key": "",
            "kind": "LinkedHandle",
            "name": "refund",
            "handleArgs": [
              {
                "kind": "Variable",
                "name": "connections",
                "variableName": "connections"
              },
              {
                "kind": "Literal",
                "name": "edgeTypeName",
                "value": "QueryRefundsConnectionEdge"
              }
            ]
          }
        ],
        "storageKey": "refundEvents(filter:{\"actions\":[\"REQUEST\"]})"
      }
    ]
  },
  "params": {
    "cacheID": "5b4afac982d47187bff78d4acd48edfd",
    "id": null,
    "metadata": {},
    "name": "useRefundEventsRequestedSubscription",
    "operationKind": "subscription",
    "text": "subscription useRefundEventsRequestedSubscription {\n  refundEvents(filter: {actions: [REQUEST]}) {\n    id\n    refund {\n      id\n      ...RefundRow_refund\n    }\n  }\n}\n\nfragment RefundRow_refund on Refund {\n  id\n  status\n  version\n  type\n  createdAt\n  slaBreached\n  availableActions\n  requestedAmount {\n    formatted\n  }\n  customer {\n    id\n    name\n  }\n  reason {\n    id\n    label\n  }\n}\n"
  }
};
})();

(node as any).hash = "84217e4de76b723e1084e2ff53a0f388";

export default node;
