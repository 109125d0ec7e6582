-- Marked goods (Честный ЗНАК, issue 11): a marked product is packed only by
-- its DataMatrix marking code, and a code packed in one order is refused in
-- every other. Keep in step with ../postgres/0018_marked_goods.sql.

ALTER TABLE products ADD COLUMN marked INTEGER NOT NULL DEFAULT 0 CHECK (marked IN (0, 1));
CREATE INDEX scans_marking_code ON scans(marking_code) WHERE marking_code IS NOT NULL;
