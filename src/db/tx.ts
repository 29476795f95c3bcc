import type { Prisma } from "../generated/prisma/client.js";

/** A Prisma interactive transaction: what every write of a unit of work goes through. */
export type Tx = Prisma.TransactionClient;

/** Interactive transactions wait for a pooled connection under load rather than fail at 2 s. */
export const TRANSACTION_OPTIONS = { maxWait: 15_000, timeout: 20_000 } as const;
