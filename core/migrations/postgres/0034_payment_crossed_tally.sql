-- Status, channel and delivery-method counts per payment state (issue 10):
-- as 0032 did for categories, the hourly counts also keep, for each
-- payment state, how many orders of each hour are in each status, channel
-- and delivery method, so a manager's "paid, last 30 days" grouped by any
-- of them reads the counts instead of every paid order of the month
-- (PostgreSQL p50 41-62 ms and single runs up to 351 ms under load before,
-- at a million orders). Kept by the same triggers, in the same transaction
-- as every change. store::order_query reads it. Keep in step with
-- ../sqlite/0034_payment_crossed_tally.sql.
--
-- dim: 'status_payment:', 'channel_payment:' or 'delivery_method_payment:'
-- followed by the payment state; key: the status, channel or delivery
-- method, as in dims 'status', 'channel' and 'delivery_method'.

INSERT INTO order_tally (dim, hour, key, n)
SELECT 'status_payment:' || payment_status, created_at / 3600000, status, COUNT(*)
FROM orders GROUP BY 1, 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'channel_payment:' || payment_status, created_at / 3600000, channel, COUNT(*)
FROM orders GROUP BY 1, 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'delivery_method_payment:' || payment_status, created_at / 3600000, delivery_method, COUNT(*)
FROM orders GROUP BY 1, 2, 3;

-- An order's head rows, now with the three crossed ones. The triggers of
-- 0032 add, subtract and (on a change) net them out, so a status change
-- writes four rows: its status and its status under its payment state,
-- each out of the old and into the new.
CREATE OR REPLACE FUNCTION order_tally_head(o orders, d BIGINT) RETURNS TABLE (dim TEXT, hour BIGINT, key TEXT, n BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('status', o.created_at / 3600000, o.status, d),
           ('payment', o.created_at / 3600000, o.payment_status, d),
           ('channel', o.created_at / 3600000, o.channel, d),
           ('delivery_method', o.created_at / 3600000, o.delivery_method, d),
           ('status_payment:' || o.payment_status, o.created_at / 3600000, o.status, d),
           ('channel_payment:' || o.payment_status, o.created_at / 3600000, o.channel, d),
           ('delivery_method_payment:' || o.payment_status, o.created_at / 3600000, o.delivery_method, d)
$$;

ANALYZE order_tally;
