-- Status, channel and delivery-method counts per payment state (issue 10):
-- as 0032 did for categories, the hourly counts also keep, for each
-- payment state, how many orders of each hour are in each status, channel
-- and delivery method, so a manager's "paid, last 30 days" grouped by any
-- of them reads the counts instead of every paid order of the month
-- (SQLite p50 28-55 ms, p99 86-116 ms under load before, at a million
-- orders). Kept by the same triggers, in the same transaction as every
-- change. store::order_query reads it. Keep in step with
-- ../postgres/0034_payment_crossed_tally.sql.
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

DROP TRIGGER order_tally_insert;
CREATE TRIGGER order_tally_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', NEW.created_at / 3600000, NEW.status, 1),
        ('payment', NEW.created_at / 3600000, NEW.payment_status, 1),
        ('channel', NEW.created_at / 3600000, NEW.channel, 1),
        ('delivery_method', NEW.created_at / 3600000, NEW.delivery_method, 1),
        ('status_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.status, 1),
        ('channel_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.channel, 1),
        ('delivery_method_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.delivery_method, 1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
END;

-- One statement nets the old rows against the new and writes only those
-- that changed: a status change writes four rows (its status, and its
-- status under its payment state, each out of the old and into the new)
-- where 0032's trigger wrote eight.
DROP TRIGGER order_tally_update;
CREATE TRIGGER order_tally_update AFTER UPDATE OF status, payment_status, channel, delivery_method, created_at ON orders
WHEN OLD.status IS NOT NEW.status OR OLD.payment_status IS NOT NEW.payment_status
  OR OLD.channel IS NOT NEW.channel OR OLD.delivery_method IS NOT NEW.delivery_method
  OR OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
BEGIN
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT dim, h, k, SUM(d) FROM (
        SELECT 'status' AS dim, OLD.created_at / 3600000 AS h, OLD.status AS k, -1 AS d
        UNION ALL SELECT 'payment', OLD.created_at / 3600000, OLD.payment_status, -1
        UNION ALL SELECT 'channel', OLD.created_at / 3600000, OLD.channel, -1
        UNION ALL SELECT 'delivery_method', OLD.created_at / 3600000, OLD.delivery_method, -1
        UNION ALL SELECT 'status_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.status, -1
        UNION ALL SELECT 'channel_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.channel, -1
        UNION ALL SELECT 'delivery_method_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.delivery_method, -1
        UNION ALL SELECT 'status', NEW.created_at / 3600000, NEW.status, 1
        UNION ALL SELECT 'payment', NEW.created_at / 3600000, NEW.payment_status, 1
        UNION ALL SELECT 'channel', NEW.created_at / 3600000, NEW.channel, 1
        UNION ALL SELECT 'delivery_method', NEW.created_at / 3600000, NEW.delivery_method, 1
        UNION ALL SELECT 'status_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.status, 1
        UNION ALL SELECT 'channel_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.channel, 1
        UNION ALL SELECT 'delivery_method_payment:' || NEW.payment_status, NEW.created_at / 3600000, NEW.delivery_method, 1
    ) WHERE true GROUP BY dim, h, k HAVING SUM(d) <> 0
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
    -- Its categories move with it when it moves to another hour, and to
    -- its new payment state when that changes (as in 0032).
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT m.dim, m.h, c.category, m.d FROM order_categories c,
        (SELECT 'category' AS dim, OLD.created_at / 3600000 AS h, -1 AS d,
                OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000 AS moved
         UNION ALL SELECT 'category', NEW.created_at / 3600000, 1,
                OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
         UNION ALL SELECT 'category_payment:' || OLD.payment_status, OLD.created_at / 3600000, -1,
                OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
                OR OLD.payment_status IS NOT NEW.payment_status
         UNION ALL SELECT 'category_payment:' || NEW.payment_status, NEW.created_at / 3600000, 1,
                OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
                OR OLD.payment_status IS NOT NEW.payment_status) m
    WHERE c.order_id = NEW.id AND m.moved
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
END;

-- Before the delete: its lines go with it, and their own triggers no
-- longer see the order's hour.
DROP TRIGGER order_tally_delete;
CREATE TRIGGER order_tally_delete BEFORE DELETE ON orders
BEGIN
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', OLD.created_at / 3600000, OLD.status, -1),
        ('payment', OLD.created_at / 3600000, OLD.payment_status, -1),
        ('channel', OLD.created_at / 3600000, OLD.channel, -1),
        ('delivery_method', OLD.created_at / 3600000, OLD.delivery_method, -1),
        ('status_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.status, -1),
        ('channel_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.channel, -1),
        ('delivery_method_payment:' || OLD.payment_status, OLD.created_at / 3600000, OLD.delivery_method, -1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
    DELETE FROM order_categories WHERE order_id = OLD.id;
END;
