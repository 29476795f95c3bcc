/**
 * @generated SignedSource<<b2f4abb28c12942bcc68394cca19a265>>
 * @lightSyntaxTransform
 */

/* tslint:disable */
/* eslint-disable */
// @ts-nocheck

import { ConcreteRequest } from 'relay-runtime';
import { FragmentRefs } from "relay-runtime";
export type RefundAction = "ACCEPT_OFFER" | "APPROVE" | "CANCEL" | "CLASSIFY" | "CONFIRM_NOT_RECEIVED" | "FAIL_INSPECTION" | "FINANCE_APPROVE" | "FINANCE_REJECT" | "OFFER_RESOLUTION" | "PASS_INSPECTION" | "PAYMENT_FAILED" | "PAYMENT_SUCCEEDED" | "RECEIVE_RETURN" | "REJECT" | "REQUEST" | "RETRY_PAYMENT" | "SHIP_REPLACEMENT" | "SUBMIT_RETURN_SHIPMENT" | "%future added value";
export type ResolutionKind = "KEEP_ITEM_WITH_COMPENSATION" | "RETURN_WITH_FULL_REFUND" | "%future added value";
export type UserErrorCode = "ACTION_NOT_ALLOWED_FROM_TRIGGER" | "ACTION_NOT_ALLOWED_IN_STATUS" | "ACTION_NOT_PERMITTED" | "ALREADY_RATED" | "AMOUNT_EXCEEDS_ITEMS_VALUE" | "AMOUNT_EXCEEDS_PAYMENT" | "AMOUNT_EXCEEDS_REFUNDABLE" | "APPROVAL_LIMIT_EXCEEDED" | "APP_PERMISSION_NOT_HELD" | "APP_VETO" | "AUTOMATION_RULE_CYCLE" | "BATCH_EMPTY" | "BATCH_TOO_LARGE" | "CREDENTIAL_ENDED" | "CUSTOMER_REQUIRED" | "DUPLICATE_ORDER_ITEM" | "DUPLICATE_REASON_CODE" | "DUPLICATE_RULE_NAME" | "EXCHANGE_COSTS_MORE" | "EXCHANGE_ITEMS_REQUIRED" | "EXCHANGE_SAME_SKU" | "EXCHANGE_SKU_NOT_ALLOWED" | "EXCHANGE_SKU_NOT_A_VARIANT" | "FORBIDDEN" | "HELD_FOR_REVIEW" | "IDEMPOTENCY_KEY_REUSED" | "INVALID_AMOUNT" | "INVALID_CURRENCY" | "INVALID_INPUT" | "INVALID_LABEL" | "INVALID_MESSAGE_TEMPLATE" | "INVALID_PAYMENT_ACCOUNT" | "INVALID_QUANTITY" | "INVALID_RECIPIENT" | "INVALID_RETURN_WINDOW" | "INVALID_RULE_VALUE" | "INVALID_SKU_PATTERN" | "INVALID_TOKEN" | "ITEM_RESULTS_MISMATCH" | "NOTE_REQUIRED" | "NOTHING_PASSED_INSPECTION" | "NOT_FOUND" | "NOT_RETURNABLE" | "OFFER_OPTIONS_REQUIRED" | "OPERATOR_NOT_FOR_FIELD" | "OPTION_NOT_FOUND" | "ORDER_ITEMS_LOCKED" | "ORDER_ITEM_NOT_IN_ORDER" | "PAYMENT_CHANGED" | "PAYMENT_REFERENCE_REQUIRED" | "PAYMENT_STILL_OPEN" | "PLUGIN_VETO" | "QUANTITY_EXCEEDS_PURCHASED" | "QUANTITY_EXCEEDS_REFUNDABLE" | "RATING_WINDOW_CLOSED" | "REASON_ARCHIVED" | "REASON_TAG_CYCLE" | "REASON_TAG_TOO_DEEP" | "REFUND_NOT_ENDED" | "REFUND_TERMINAL" | "REPLACEMENT_SHIPMENT_REQUIRED" | "RETURN_ADDRESS_DEFAULT" | "RETURN_ADDRESS_INCOMPLETE" | "RETURN_SHIPMENT_REQUIRED" | "RETURN_WINDOW_CLOSED" | "STAFF_MEMBER_INACTIVE" | "TIMER_OUT_OF_RANGE" | "TOO_MANY_LABELS" | "UNAUTHENTICATED" | "UNKNOWN_EXEMPTION_KIND" | "UNKNOWN_PAYMENT_PROVIDER" | "UNKNOWN_REASON_CODE" | "UNKNOWN_RULE_FIELD" | "URL_NOT_ALLOWED" | "VERSION_CONFLICT" | "WEBHOOK_DELIVERY_PENDING" | "WEBHOOK_QUERY_INVALID" | "WEBHOOK_QUERY_NOT_PERMITTED" | "WEBHOOK_QUERY_SYNTAX" | "WEBHOOK_SECRET_TOO_SHORT" | "%future added value";
export type TransitionRefundInput = {
  action: RefundAction;
  amount?: number | null | undefined;
  carrier?: string | null | undefined;
  expectedVersion?: number | null | undefined;
  idempotencyKey?: string | null | undefined;
  itemResults?: ReadonlyArray<ItemResultInput> | null | undefined;
  note?: string | null | undefined;
  offerOptions?: ReadonlyArray<ResolutionOfferInput> | null | undefined;
  optionId?: string | null | undefined;
  refundId: string;
  trackingNumber?: string | null | undefined;
};
export type ItemResultInput = {
  note?: string | null | undefined;
  passedQuantity: number;
  refundItemId: string;
};
export type ResolutionOfferInput = {
  amount?: number | null | undefined;
  kind: ResolutionKind;
};
export type RefundRowTransitionMutation$variables = {
  input: TransitionRefundInput;
};
export type RefundRowTransitionMutation$data = {
  readonly transitionRefund: {
    readonly refund: {
      readonly " $fragmentSpreads": FragmentRefs<"RefundRow_refund">;
    } | null | undefined;
    readonly userErrors: ReadonlyArray<{
      readonly code: UserErrorCode;
      readonly field: ReadonlyArray<string> | null | undefined;
      readonly message: string;
    }>;
  };
};
export type RefundRowTransitionMutation = {
  response: RefundRowTransitionMutation$data;
  variables: RefundRowTransitionMutation$variables;
};

const node: ConcreteRequest = (function(){
var v0 = [
  {
    "defaultValue": null,
    "kind": "LocalArgument",
    "name": "input"
  }
],
v1 = [
  {
    "kind": "Variable",
    "name": "input",
    "variableName": "input"
  }
],
v2 = {
  "alias": null,
  "args": null,
  "concreteType": "UserError",
  "kind": "LinkedField",
  "name": "userErrors",
  "plural": true,
  "selections": [
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "code",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "field",
      "storageKey": null
    },
    {
      "alias": null,
      "args": null,
      "kind": "ScalarField",
      "name": "message",
      "storageKey": null
    }
  ],
  "storageKey": null
},
v3 = {
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
    "name": "RefundRowTransitionMutation",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "TransitionRefundPayload",
        "kind": "LinkedField",
        "name": "transitionRefund",
        "plural": false,
        "selections": [
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
          },
          (v2/*:: as any*/)
        ],
        "storageKey": null
      }
    ],
    "type": "Mutation",
    "abstractKey": null
  },
  "kind": "Request",
  "operation": {
    "argumentDefinitions": (v0/*:: as any*/),
    "kind": "Operation",
    "name": "RefundRowTransitionMutation",
    "selections": [
      {
        "alias": null,
        "args": (v1/*:: as any*/),
        "concreteType": "TransitionRefundPayload",
        "kind": "LinkedField",
        "name": "transitionRefund",
        "plural": false,
        "selections": [
          {
            "alias": null,
            "args": null,
            "concreteType": "Refund",
            "kind": "LinkedField",
            "name": "refund",
            "plural": false,
            "selections": [
              (v3/*:: as any*/),
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
                  (v3/*:: as any*/),
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
                  (v3/*:: as any*/),
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
          (v2/*:: as any*/)
        ],
        "storageKey": null
      }
    ]
  },
  "params": {
    "cacheID": "fa80bc44b7a8117629855c573ca22e54",
    "id": null,
    "metadata": {},
    "name": "RefundRowTransitionMutation",
    "operationKind": "mutation",
    "text": "mutation RefundRowTransitionMutation(\n  $input: TransitionRefundInput!\n) {\n  transitionRefund(input: $input) {\n    refund {\n      ...RefundRow_refund\n      id\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}\n\nfragment RefundRow_refund on Refund {\n  id\n  status\n  version\n  type\n  createdAt\n  slaBreached\n  availableActions\n  requestedAmount {\n    formatted\n  }\n  customer {\n    id\n    name\n  }\n  reason {\n    id\n    label\n  }\n}\n"
  }
};
})();

(node as any).hash = "fd9fa19bf5760c47ba5233bf2298f7a1";

export default node;
