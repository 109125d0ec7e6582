-- A step within a stage keeps its own clock: moving between the steps of a
-- stage does not restart the stage's time (orders.status_changed_at), so
-- the stage's limit still holds. Keep in step with
-- ../sqlite/0010_sub_status_clock.sql.
ALTER TABLE orders ADD COLUMN sub_status_since BIGINT;
UPDATE orders SET sub_status_since = status_changed_at WHERE sub_status IS NOT NULL;
