// Case 3: a console's page of 100 refunds with their order, customer, reason and history,
// against the empty request `{ __typename }` with a token on the same server (c=1).
import { type Shop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { type Latency, latency, perOp, round, withCost } from "../lib/measure.js";
import type { Server } from "../lib/server.js";

const PAGE = `{ refunds(first: 100) { edges { node {
  id status version requestedAmount { amount }
  order { id externalId shippingStatus }
  customer { id name }
  reason { code label }
  transitions { version action from to createdAt }
} } } }`;
const TRIVIAL = `{ __typename }`;

export interface ListResult {
  page: Latency & { cpuMsPerOp: number; statementsPerOp: number; rows: number };
  trivial: Latency & { cpuMsPerOp: number; statementsPerOp: number };
  p50Ratio: number;
}

async function repeat(shop: Shop, query: string, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i += 1) samples.push((await gql(shop.url, shop.tokens.agent, query)).ms);
  return samples;
}

export async function listCase(server: Server, shop: Shop, options: { listOps: number; trivialOps: number }): Promise<ListResult> {
  const count = async () => (await gql<{ refunds: { edges: unknown[] } }>(shop.url, shop.tokens.agent, PAGE)).refunds.edges.length;
  const existing = await count();
  if (existing < 100) await pendingReviewRefunds(shop, 100 - existing);
  const rows = await count();
  await repeat(shop, PAGE, 5);
  await repeat(shop, TRIVIAL, 20);
  const page = await withCost(server, () => repeat(shop, PAGE, options.listOps));
  const trivial = await withCost(server, () => repeat(shop, TRIVIAL, options.trivialOps));
  const pageLatency = latency(page.result);
  const trivialLatency = latency(trivial.result);
  return {
    page: { ...pageLatency, ...perOp(page.cost, page.result.length), rows },
    trivial: { ...trivialLatency, ...perOp(trivial.cost, trivial.result.length) },
    p50Ratio: round(pageLatency.p50 / trivialLatency.p50, 1),
  };
}
