/**
 * @generated SignedSource<<048843f334dd2306777a575355d1900b>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
import { FragmentRefs } from "relay-runtime";
export type RefundAction = "ACCEPT_OFFER" | "APPROVE" | "CANCEL" | "CLASSIFY" | "CONFIRM_NOT_RECEIVED" | "FAIL_INSPECTION" | "FINANCE_APPROVE" | "FINANCE_REJECT" | "OFFER_RESOLUTION" | "PASS_INSPECTION" | "PAYMENT_FAILED" | "PAYMENT_SUCCEEDED" | "RECEIVE_RETURN" | "REJECT" | "REQUEST" | "RETRY_PAYMENT" | "SHIP_REPLACEMENT" | "SUBMIT_RETURN_SHIPMENT" | "%future added value";
export type useRefundEventsTransitionedSubscription$variables = Record<PropertyKey, never>;
export type useRefundEventsTransitionedSubscription$data = {
  readonly refundEvents: {
    readonly action: RefundAction;
    readonly id: string;
    readonly refund: {
      readonly " $fragmentSpreads": FragmentRefs<"RefundRow_refund">;
    };
    readonly version: number;
  };
};
export type useRefundEventsTransitionedSubscription = {
  response: useRefundEventsTransitionedSubscription$data;
  variables: useRefundEventsTransitionedSubscription$variables;
};

const node: ConcreteRequest = (function(){
var v0 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
},
v1 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "action",
  "storageKey": null
},
v2 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "version",
  "storageKey": null
};
return {
  "fragment": {
    "argumentDefinitions": [],
    "kind": "Fragment",
    "metadata": null,
    "name": "useRefundEventsTransitionedSubscription",
    "selections": [
      {
        "alias": null,
        "args": null,
        "concreteType": "RefundTransition",
        "kind": "LinkedField",
        "name": "refundEvents",
        "plural": false,
        "selections": [
          (v0/*:: as any*/),
          (v1/*:: as any*/),
          (v2/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "Refund",
            "kind": "LinkedField",
            "name": "refund",
            "plural": false,
            "selections": [
              {
                "args": null,
                "kind": "FragmentSpread",
                "name": "RefundRow_refund"
              }
            ],
            "storageKey": null
          }
        ],
        "storageKey": null
      }
    ],
    "type": "Subscription",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": [],
    "kind": "Operation",
    "name": "useRefundEventsTransitionedSubscription",
    "selections": [
      {
        "alias": null,
        "args": null,
        "concreteType": "RefundTransition",
        "kind": "LinkedField",
        "name": "refundEvents",
        "plural": false,
        "selections": [
          (v0/*:: as any*/),
          (v1/*:: as any*/),
          (v2/*:: as any*/),
          {
            "alias": null,
            "args": null,
            "concreteType": "Refund",
            "kind": "LinkedField",
            "name": "refund",
            "plural": false,
            "selections": [
              (v0/*:: as any*/),
              {
                "alias": null,
                "args": null,
                "kind": "ScalarField",
                "name": "status",
                "storageKey": null
              },
              (v2/*:: as any*/),
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
                  (v0/*:: as any*/),
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
                  (v0/*:: as any*/),
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
          }
        ],
        "storageKey": null
      }
    ]
  },
  "params": {
    "cacheID": "9c2e35cd8274b3b5591bfb405d347b1a",
    "id": null,
    "metadata": {},
    "name": "useRefundEventsTransitionedSubscription",
    "operationKind": "subscription",
    "text": "subscription useRefundEventsTransitionedSubscription {\n  refundEvents {\n    id\n    action\n    version\n    refund {\n      ...RefundRow_refund\n      id\n    }\n  }\n}\n\nfragment RefundRow_refund on Refund {\n  id\n  status\n  version\n  type\n  createdAt\n  slaBreached\n  availableActions\n  requestedAmount {\n    formatted\n  }\n  customer {\n    id\n    name\n  }\n  reason {\n    id\n    label\n  }\n}\n"
  }
};
})();

(node as any).hash = "25c9a69ea0cee74e5ae0311bd2688f3a";

export default node;
