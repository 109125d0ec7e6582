-- Category counts per payment state (issue 10): the hourly counts of
-- 0013 also keep, for each payment state, how many orders of each hour
-- have each category, so grouping by category under a payment filter
-- ("paid, last 30 days") reads the counts instead of every order's
-- categories. Kept by the same triggers, in the same transaction as every
-- change. store::order_query reads it. Keep in step with
-- ../postgres/0032_category_payment_tally.sql.
--
-- dim: 'category_payment:' followed by the payment state (its own dim per
-- state, so a payment filter reads only its states' rows through the
-- primary key); key: the category ('' for none), as in dim 'category'.

INSERT INTO order_tally (dim, hour, key, n)
SELECT 'category_payment:' || o.payment_status, o.created_at / 3600000, c.category, COUNT(*)
FROM order_categories c JOIN orders o ON o.id = c.order_id GROUP BY 1, 2, 3;

-- An order's categories move with it when it moves to another hour, and
-- to its new payment state when that changes.
DROP TRIGGER order_tally_update;
CREATE TRIGGER order_tally_update AFTER UPDATE OF status, payment_status, channel, delivery_method, created_at ON orders
WHEN OLD.status IS NOT NEW.status OR OLD.payment_status IS NOT NEW.payment_status
  OR OLD.channel IS NOT NEW.channel OR OLD.delivery_method IS NOT NEW.delivery_method
  OR OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
BEGIN
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', OLD.created_at / 3600000, OLD.status, -1),
        ('payment', OLD.created_at / 3600000, OLD.payment_status, -1),
        ('channel', OLD.created_at / 3600000, OLD.channel, -1),
        ('delivery_method', OLD.created_at / 3600000, OLD.delivery_method, -1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', NEW.created_at / 3600000, NEW.status, 1),
        ('payment', NEW.created_at / 3600000, NEW.payment_status, 1),
        ('channel', NEW.created_at / 3600000, NEW.channel, 1),
        ('delivery_method', NEW.created_at / 3600000, NEW.delivery_method, 1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
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

-- An order counts once in each category it has, and once in it under its
-- payment state: one statement writes both rows.
DROP TRIGGER order_tally_category_in;
CREATE TRIGGER order_tally_category_in AFTER INSERT ON order_categories
BEGIN
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT CASE x.crossed WHEN 0 THEN 'category' ELSE 'category_payment:' || o.payment_status END,
           o.created_at / 3600000, NEW.category, 1
    FROM orders o, (SELECT 0 AS crossed UNION ALL SELECT 1) x WHERE o.id = NEW.order_id
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + 1;
END;

DROP TRIGGER order_tally_category_out;
CREATE TRIGGER order_tally_category_out AFTER DELETE ON order_categories
BEGIN
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT CASE x.crossed WHEN 0 THEN 'category' ELSE 'category_payment:' || o.payment_status END,
           o.created_at / 3600000, OLD.category, -1
    FROM orders o, (SELECT 0 AS crossed UNION ALL SELECT 1) x WHERE o.id = OLD.order_id
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n - 1;
END;
