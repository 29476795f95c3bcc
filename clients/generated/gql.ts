/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query AgentQueue($assignedTo: String = \"ME\", $statuses: [RefundStatus!], $first: Int = 20, $after: String) {\n  refunds(\n    filter: {assignedTo: $assignedTo, statuses: $statuses}\n    first: $first\n    after: $after\n    orderBy: CREATED_AT_ASC\n  ) {\n    edges {\n      cursor\n      node {\n        id\n        status\n        type\n        version\n        slaDueAt\n        slaBreached\n        availableActions\n        requestedAmount {\n          amount\n          currency\n          formatted\n        }\n        customer {\n          id\n          name\n        }\n        reason {\n          id\n          code\n          label\n        }\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.AgentQueueDocument,
    "mutation BatchTransitionRefunds($input: BatchTransitionRefundsInput!) {\n  batchTransitionRefunds(input: $input) {\n    batch {\n      id\n      total\n      succeeded\n      failed\n      amountTotal {\n        amount\n        currency\n      }\n      failuresByCode {\n        code\n        count\n      }\n    }\n    results {\n      refundId\n      ok\n      refund {\n        id\n        status\n        version\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": typeof types.BatchTransitionRefundsDocument,
    "query RefundMetrics($from: DateTime!, $to: DateTime!, $timeZone: String) {\n  refundMetrics(from: $from, to: $to, timeZone: $timeZone) {\n    from\n    to\n    timeZone\n    orderCount\n    refundCount\n    refundRate\n    refundedAmount {\n      amount\n      currency\n      formatted\n    }\n    reasons {\n      reason {\n        id\n        code\n        label\n      }\n      count\n      share\n    }\n    trend {\n      date\n      orders\n      refunds\n      refundRate\n    }\n  }\n}": typeof types.RefundMetricsDocument,
    "mutation TransitionRefund($input: TransitionRefundInput!) {\n  transitionRefund(input: $input) {\n    refund {\n      id\n      status\n      version\n      availableActions\n      approvedAmount {\n        amount\n        currency\n      }\n    }\n    transition {\n      id\n      action\n      from\n      to\n      version\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": typeof types.TransitionRefundDocument,
    "subscription FollowRefund($refundId: ID!, $afterVersion: Int) {\n  refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) {\n    id\n    action\n    from\n    to\n    version\n    createdAt\n    amount {\n      amount\n      currency\n      formatted\n    }\n  }\n}": typeof types.FollowRefundDocument,
    "mutation RequestRefund($input: RequestRefundInput!) {\n  requestRefund(input: $input) {\n    refund {\n      id\n      status\n      type\n      version\n      requestedAmount {\n        amount\n        currency\n        formatted\n      }\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": typeof types.RequestRefundDocument,
};
const documents: Documents = {
    "query AgentQueue($assignedTo: String = \"ME\", $statuses: [RefundStatus!], $first: Int = 20, $after: String) {\n  refunds(\n    filter: {assignedTo: $assignedTo, statuses: $statuses}\n    first: $first\n    after: $after\n    orderBy: CREATED_AT_ASC\n  ) {\n    edges {\n      cursor\n      node {\n        id\n        status\n        type\n        version\n        slaDueAt\n        slaBreached\n        availableActions\n        requestedAmount {\n          amount\n          currency\n          formatted\n        }\n        customer {\n          id\n          name\n        }\n        reason {\n          id\n          code\n          label\n        }\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.AgentQueueDocument,
    "mutation BatchTransitionRefunds($input: BatchTransitionRefundsInput!) {\n  batchTransitionRefunds(input: $input) {\n    batch {\n      id\n      total\n      succeeded\n      failed\n      amountTotal {\n        amount\n        currency\n      }\n      failuresByCode {\n        code\n        count\n      }\n    }\n    results {\n      refundId\n      ok\n      refund {\n        id\n        status\n        version\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": types.BatchTransitionRefundsDocument,
    "query RefundMetrics($from: DateTime!, $to: DateTime!, $timeZone: String) {\n  refundMetrics(from: $from, to: $to, timeZone: $timeZone) {\n    from\n    to\n    timeZone\n    orderCount\n    refundCount\n    refundRate\n    refundedAmount {\n      amount\n      currency\n      formatted\n    }\n    reasons {\n      reason {\n        id\n        code\n        label\n      }\n      count\n      share\n    }\n    trend {\n      date\n      orders\n      refunds\n      refundRate\n    }\n  }\n}": types.RefundMetricsDocument,
    "mutation TransitionRefund($input: TransitionRefundInput!) {\n  transitionRefund(input: $input) {\n    refund {\n      id\n      status\n      version\n      availableActions\n      approvedAmount {\n        amount\n        currency\n      }\n    }\n    transition {\n      id\n      action\n      from\n      to\n      version\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": types.TransitionRefundDocument,
    "subscription FollowRefund($refundId: ID!, $afterVersion: Int) {\n  refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) {\n    id\n    action\n    from\n    to\n    version\n    createdAt\n    amount {\n      amount\n      currency\n      formatted\n    }\n  }\n}": types.FollowRefundDocument,
    "mutation RequestRefund($input: RequestRefundInput!) {\n  requestRefund(input: $input) {\n    refund {\n      id\n      status\n      type\n      version\n      requestedAmount {\n        amount\n        currency\n        formatted\n      }\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}": types.RequestRefundDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AgentQueue($assignedTo: String = \"ME\", $statuses: [RefundStatus!], $first: Int = 20, $after: String) {\n  refunds(\n    filter: {assignedTo: $assignedTo, statuses: $statuses}\n    first: $first\n    after: $after\n    orderBy: CREATED_AT_ASC\n  ) {\n    edges {\n      cursor\n      node {\n        id\n        status\n        type\n        version\n        slaDueAt\n        slaBreached\n        availableActions\n        requestedAmount {\n          amount\n          currency\n          formatted\n        }\n        customer {\n          id\n          name\n        }\n        reason {\n          id\n          code\n          label\n        }\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query AgentQueue($assignedTo: String = \"ME\", $statuses: [RefundStatus!], $first: Int = 20, $after: String) {\n  refunds(\n    filter: {assignedTo: $assignedTo, statuses: $statuses}\n    first: $first\n    after: $after\n    orderBy: CREATED_AT_ASC\n  ) {\n    edges {\n      cursor\n      node {\n        id\n        status\n        type\n        version\n        slaDueAt\n        slaBreached\n        availableActions\n        requestedAmount {\n          amount\n          currency\n          formatted\n        }\n        customer {\n          id\n          name\n        }\n        reason {\n          id\n          code\n          label\n        }\n        createdAt\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BatchTransitionRefunds($input: BatchTransitionRefundsInput!) {\n  batchTransitionRefunds(input: $input) {\n    batch {\n      id\n      total\n      succeeded\n      failed\n      amountTotal {\n        amount\n        currency\n      }\n      failuresByCode {\n        code\n        count\n      }\n    }\n    results {\n      refundId\n      ok\n      refund {\n        id\n        status\n        version\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"): (typeof documents)["mutation BatchTransitionRefunds($input: BatchTransitionRefundsInput!) {\n  batchTransitionRefunds(input: $input) {\n    batch {\n      id\n      total\n      succeeded\n      failed\n      amountTotal {\n        amount\n        currency\n      }\n      failuresByCode {\n        code\n        count\n      }\n    }\n    results {\n      refundId\n      ok\n      refund {\n        id\n        status\n        version\n      }\n      userErrors {\n        code\n        field\n        message\n      }\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RefundMetrics($from: DateTime!, $to: DateTime!, $timeZone: String) {\n  refundMetrics(from: $from, to: $to, timeZone: $timeZone) {\n    from\n    to\n    timeZone\n    orderCount\n    refundCount\n    refundRate\n    refundedAmount {\n      amount\n      currency\n      formatted\n    }\n    reasons {\n      reason {\n        id\n        code\n        label\n      }\n      count\n      share\n    }\n    trend {\n      date\n      orders\n      refunds\n      refundRate\n    }\n  }\n}"): (typeof documents)["query RefundMetrics($from: DateTime!, $to: DateTime!, $timeZone: String) {\n  refundMetrics(from: $from, to: $to, timeZone: $timeZone) {\n    from\n    to\n    timeZone\n    orderCount\n    refundCount\n    refundRate\n    refundedAmount {\n      amount\n      currency\n      formatted\n    }\n    reasons {\n      reason {\n        id\n        code\n        label\n      }\n      count\n      share\n    }\n    trend {\n      date\n      orders\n      refunds\n      refundRate\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation TransitionRefund($input: TransitionRefundInput!) {\n  transitionRefund(input: $input) {\n    refund {\n      id\n      status\n      version\n      availableActions\n      approvedAmount {\n        amount\n        currency\n      }\n    }\n    transition {\n      id\n      action\n      from\n      to\n      version\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"): (typeof documents)["mutation TransitionRefund($input: TransitionRefundInput!) {\n  transitionRefund(input: $input) {\n    refund {\n      id\n      status\n      version\n      availableActions\n      approvedAmount {\n        amount\n        currency\n      }\n    }\n    transition {\n      id\n      action\n      from\n      to\n      version\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription FollowRefund($refundId: ID!, $afterVersion: Int) {\n  refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) {\n    id\n    action\n    from\n    to\n    version\n    createdAt\n    amount {\n      amount\n      currency\n      formatted\n    }\n  }\n}"): (typeof documents)["subscription FollowRefund($refundId: ID!, $afterVersion: Int) {\n  refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) {\n    id\n    action\n    from\n    to\n    version\n    createdAt\n    amount {\n      amount\n      currency\n      formatted\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RequestRefund($input: RequestRefundInput!) {\n  requestRefund(input: $input) {\n    refund {\n      id\n      status\n      type\n      version\n      requestedAmount {\n        amount\n        currency\n        formatted\n      }\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"): (typeof documents)["mutation RequestRefund($input: RequestRefundInput!) {\n  requestRefund(input: $input) {\n    refund {\n      id\n      status\n      type\n      version\n      requestedAmount {\n        amount\n        currency\n        formatted\n      }\n      createdAt\n    }\n    userErrors {\n      code\n      field\n      message\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;