-- Category counts per payment state (issue 10): the hourly counts of
-- 0013 also keep, for each payment state, how many orders of each hour
-- have each category, so grouping by category under a payment filter
-- ("paid, last 30 days") reads the counts instead of every order's
-- categories. Kept by the same triggers, in the same transaction as every
-- change. store::order_query reads it. Keep in step with
-- ../sqlite/0032_category_payment_tally.sql.
--
-- dim: 'category_payment:' followed by the payment state (its own dim per
-- state, so a payment filter reads only its states' rows through the
-- primary key); key: the category ('' for none), as in dim 'category'.
-- Each statement still changes its rows in (dim, hour, key) order.

INSERT INTO order_tally (dim, hour, key, n)
SELECT 'category_payment:' || o.payment_status, o.created_at / 3600000, c.category, COUNT(*)
FROM order_categories c JOIN orders o ON o.id = c.order_id GROUP BY 1, 2, 3;

-- An order's categories move with it when it moves to another hour, and
-- to its new payment state when that changes.
CREATE OR REPLACE FUNCTION order_tally_orders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT * FROM order_tally_head(NEW, 1) ORDER BY 1, 2, 3
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n + excluded.n;
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT t.dim, t.hour, t.key, SUM(t.n) FROM (
            SELECT * FROM order_tally_head(OLD, -1)
            UNION ALL SELECT * FROM order_tally_head(NEW, 1)
            UNION ALL SELECT 'category', OLD.created_at / 3600000, c.category, -1
                FROM order_categories c WHERE c.order_id = OLD.id
            UNION ALL SELECT 'category', NEW.created_at / 3600000, c.category, 1
                FROM order_categories c WHERE c.order_id = NEW.id
            UNION ALL SELECT 'category_payment:' || OLD.payment_status, OLD.created_at / 3600000, c.category, -1
                FROM order_categories c WHERE c.order_id = OLD.id
            UNION ALL SELECT 'category_payment:' || NEW.payment_status, NEW.created_at / 3600000, c.category, 1
                FROM order_categories c WHERE c.order_id = NEW.id
        ) t GROUP BY 1, 2, 3 HAVING SUM(t.n) <> 0 ORDER BY 1, 2, 3
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n + excluded.n;
        RETURN NULL;
    ELSE
        -- Before the delete: its lines go with it, and their own triggers
        -- no longer see the order's hour.
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT * FROM order_tally_head(OLD, -1) ORDER BY 1, 2, 3
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n + excluded.n;
        DELETE FROM order_categories WHERE order_id = OLD.id;
        RETURN OLD;
    END IF;
END $$;

-- An order counts once in each category it has, and once in it under its
-- payment state: one statement writes both rows.
CREATE OR REPLACE FUNCTION order_tally_categories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT d.dim, o.created_at / 3600000, NEW.category, 1
        FROM orders o CROSS JOIN LATERAL (VALUES ('category'), ('category_payment:' || o.payment_status)) d (dim)
        WHERE o.id = NEW.order_id ORDER BY 1
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n + 1;
    ELSE
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT d.dim, o.created_at / 3600000, OLD.category, -1
        FROM orders o CROSS JOIN LATERAL (VALUES ('category'), ('category_payment:' || o.payment_status)) d (dim)
        WHERE o.id = OLD.order_id ORDER BY 1
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n - 1;
    END IF;
    RETURN NULL;
END $$;
