-- 0013: the prompts "Another question" passed over on a delivery, space-separated prompt ids, so
-- the next "Another question" offers one not seen yet instead of swapping between two.
-- Bookkeeping for choosing, not the person's words: not exported.

ALTER TABLE deliveries ADD COLUMN passed_over TEXT NOT NULL DEFAULT '';
