// The GraphQL documents the end-to-end tests send, as a console or a mobile app would.
export const REFUND_FIELDS = /* GraphQL */ `
  fragment RefundFields on Refund {
    id status type version availableActions
    reason { code }
    requestedAmount { amount currency formatted }
    approvedAmount { amount }
    refundedAmount { amount formatted }
    order { id refundableAmount { amount } }
    returnShipment { carrier trackingNumber shopPaysShipping receivedAt }
    resolutionOptions { id kind amount { amount } accepted }
    transitions { from to action actor { kind role } amount { amount } note version }
  }
`;

export const REQUEST_REFUND = /* GraphQL */ `
  ${REFUND_FIELDS}
  mutation ($input: RequestRefundInput!) {
    requestRefund(input: $input) { refund { ...RefundFields } userErrors { code message field } }
  }
`;

export const TRANSITION_REFUND = /* GraphQL */ `
  ${REFUND_FIELDS}
  mutation ($input: TransitionRefundInput!) {
    transitionRefund(input: $input) {
      refund { ...RefundFields }
      transition { from to action version }
      userErrors { code message field }
    }
  }
`;

export const GET_REFUND = /* GraphQL */ `
  ${REFUND_FIELDS}
  query ($id: ID!) { refund(id: $id) { ...RefundFields } }
`;

export interface RefundView {
  id: string;
  status: string;
  type: string;
  version: number;
  availableActions: string[];
  reason: { code: string };
  requestedAmount: { amount: number; currency: string; formatted: string };
  approvedAmount: { amount: number } | null;
  refundedAmount: { amount: number; formatted: string };
  order: { id: string; refundableAmount: { amount: number } };
  returnShipment: { carrier: string; trackingNumber: string; shopPaysShipping: boolean; receivedAt: string | null } | null;
  resolutionOptions: Array<{ id: string; kind: string; amount: { amount: number }; accepted: boolean }>;
  transitions: Array<{ from: string | null; to: string; action: string; actor: { kind: string; role: string | null }; amount: { amount: number } | null; note: string | null; version: number }>;
}

export interface UserErrorView {
  code: string;
  message: string;
  field: string[] | null;
}

export type RequestRefundResult = { requestRefund: { refund: RefundView | null; userErrors: UserErrorView[] } };
export type TransitionRefundResult = {
  transitionRefund: { refund: RefundView | null; transition: { from: string; to: string; action: string; version: number } | null; userErrors: UserErrorView[] };
};
export type GetRefundResult = { refund: RefundView | null };
