-- AlterTable
ALTER TABLE "RefundTransition" ADD COLUMN     "sequence" INTEGER;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "transitionSequence" INTEGER NOT NULL DEFAULT 0;

-- The history so far, numbered per shop in the order it was written.
UPDATE "RefundTransition" t SET "sequence" = n.sequence
  FROM (SELECT id, row_number() OVER (PARTITION BY "shopId" ORDER BY "createdAt", "refundId", version)::int AS sequence FROM "RefundTransition") n
 WHERE t.id = n.id;
UPDATE "Shop" s SET "transitionSequence" = c.last
  FROM (SELECT "shopId", max("sequence") AS last FROM "RefundTransition" GROUP BY "shopId") c
 WHERE s.id = c."shopId";

-- CreateIndex
CREATE UNIQUE INDEX "RefundTransition_shopId_sequence_key" ON "RefundTransition"("shopId", "sequence");

-- refundEvents resumes "after sequence N", so a sequence must never appear below one a reader
-- has already passed. Neither the uuid id nor createdAt (the transaction's start) nor a
-- sequence taken at INSERT gives that: two transactions of a shop can commit in the other
-- order than they inserted, and a reader between the two commits would skip the slower one for
-- good. So the number is taken AT COMMIT: a constraint trigger deferred to the end of the
-- transaction raises the shop's counter, whose row lock is held until the commit completes;
-- the next transaction of the shop waits there, so numbers follow commit order with no gap
-- (a rolled-back transaction gives its number back) and once N is visible, so is every
-- number below it. The lock is the last one a transaction takes, held only through its
-- commit: no deadlock with the row locks taken before, and no extra statement for the app.
CREATE FUNCTION "refund_transition_sequence"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next integer;
BEGIN
  UPDATE "Shop" SET "transitionSequence" = "transitionSequence" + 1 WHERE id = NEW."shopId" RETURNING "transitionSequence" INTO next;
  UPDATE "RefundTransition" SET "sequence" = next WHERE id = NEW.id;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "RefundTransition_sequence_at_commit" AFTER INSERT ON "RefundTransition"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "refund_transition_sequence"();
