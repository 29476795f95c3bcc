import { Prisma } from "../generated/prisma/client.js";

/**
 * A time as a raw statement's value for a `timestamp` column (Prisma's DateTime, kept in UTC
 * without a zone): the instant, whatever the session's time zone. Null stays null.
 */
export const utc = (at: Date | null) => Prisma.sql`(${at?.toISOString() ?? null}::timestamptz AT TIME ZONE 'UTC')`;
