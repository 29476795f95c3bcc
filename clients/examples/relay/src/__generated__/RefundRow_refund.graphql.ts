/**
 * @generated SignedSource<<8b972d060927e7e0343afb9993691553>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ReaderFragment } from 'relay-runtime';
export type RefundAction = "ACCEPT_OFFER" | "APPROVE" | "CANCEL" | "CLASSIFY" | "CONFIRM_NOT_RECEIVED" | "FAIL_INSPECTION" | "FINANCE_APPROVE" | "FINANCE_REJECT" | "OFFER_RESOLUTION" | "PASS_INSPECTION" | "PAYMENT_FAILED" | "PAYMENT_SUCCEEDED" | "RECEIVE_RETURN" | "REJECT" | "REQUEST" | "RETRY_PAYMENT" | "SHIP_REPLACEMENT" | "SUBMIT_RETURN_SHIPMENT" | "%future added value";
export type RefundStatus = "AWAITING_CUSTOMER" | "AWAITING_REPLACEMENT" | "AWAITING_RETURN" | "AWAITING_WAREHOUSE" | "CANCELLED" | "EXCHANGED" | "INSPECTING" | "PENDING_FINANCE" | "PENDING_REVIEW" | "REFUNDED" | "REFUNDING" | "REFUND_FAILED" | "REJECTED" | "REQUESTED" | "RETURN_IN_TRANSIT" | "%future added value";
export type RefundType = "EXCHANGE" | "REFUND_ONLY" | "RETURN_AND_REFUND" | "%future added value";
import { FragmentRefs } from "relay-runtime";
export type RefundRow_refund$data = {
  readonly availableActions: ReadonlyArray<RefundAction>;
  readonly createdAt: string;
  readonly customer: {
    readonly id: string;
    readonly name: string;
  };
  readonly id: string;
  readonly reason: {
    readonly id: string;
    readonly label: string;
  };
  readonly requestedAmount: {
    readonly formatted: string;
  };
  readonly slaBreached: boolean;
  readonly status: RefundStatus;
  readonly type: RefundType;
  readonly version: number;
  readonly " $fragmentType": "RefundRow_refund";
};
export type RefundRow_refund$key = {
  readonly " $data"?: RefundRow_refund$data;
  readonly " $fragmentSpreads": FragmentRefs<"RefundRow_refund">;
};

import RefundRowRefetchQuery_graphql from './RefundRowRefetchQuery.graphql';

const node: ReaderFragment = (function(){
var v0 = {
  "alias": null,
  "args": null,
  "kind": "ScalarField",
  "name": "id",
  "storageKey": null
};
return {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": {
    "refetch": {
      "connection": null,
      "fragmentPathInResult": [
        "node"
      ],
      "operation": RefundRowRefetchQuery_graphql,
      "identifierInfo": {
        "identifierField": "id",
        "identifierQueryVariableName": "id"
      }
    }
  },
  "name": "RefundRow_refund",
  "selections": [
    (v0/*:: as any*/),
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
  "type": "Refund",
  "abstractKey": null
};
})();

(node as any).hash = "54cbb2396f6a4dec2562fbab98edf5ff";

export default node;
