-- The store's own statuses inside a standard stage (sub-stages), and the
-- one an order is in. A standard stage's row has stage = code; the store's
-- own rows name their stage. Keep in step with ../sqlite/0007_lifecycle.sql.

ALTER TABLE statuses ADD COLUMN stage TEXT NOT NULL DEFAULT '';
UPDATE statuses SET stage = code;

-- Cleared whenever the order's stage changes: a sub-stage belongs to one.
ALTER TABLE orders ADD COLUMN sub_status TEXT REFERENCES statuses(code);
