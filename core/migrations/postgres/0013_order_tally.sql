-- Order counts kept per hour (issue 10): how many orders created in each
-- UTC hour are in each status, payment state, channel, delivery method and
-- product category, so the group counts over a year read a few thousand
-- rows instead of every order. Kept by triggers in the same transaction as
-- every change, whichever code makes it. store::order_query reads it.
-- Keep in step with ../sqlite/0013_order_tally.sql.
--
-- Each statement changes its rows in (dim, hour, key) order, so two
-- stations changing orders of the same hour wait for each other instead
-- of deadlocking.

CREATE TABLE order_tally (
    dim  TEXT NOT NULL,
    hour BIGINT NOT NULL,
    key  TEXT NOT NULL,
    n    BIGINT NOT NULL,
    PRIMARY KEY (dim, hour, key)
);

CREATE TABLE order_categories (
    order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    lines    BIGINT NOT NULL,
    PRIMARY KEY (order_id, category)
);

INSERT INTO order_categories (order_id, category, lines)
SELECT l.order_id, COALESCE(p.category, ''), COUNT(*)
FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
GROUP BY l.order_id, COALESCE(p.category, '');

INSERT INTO order_tally (dim, hour, key, n)
SELECT 'status', created_at / 3600000, status, COUNT(*) FROM orders GROUP BY 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'payment', created_at / 3600000, payment_status, COUNT(*) FROM orders GROUP BY 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'channel', created_at / 3600000, channel, COUNT(*) FROM orders GROUP BY 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'delivery_method', created_at / 3600000, delivery_method, COUNT(*) FROM orders GROUP BY 2, 3;
INSERT INTO order_tally (dim, hour, key, n)
SELECT 'category', o.created_at / 3600000, c.category, COUNT(*)
FROM order_categories c JOIN orders o ON o.id = c.order_id GROUP BY 2, 3;

-- Adds an order's head (status, payment, channel, delivery) with sign d.
CREATE FUNCTION order_tally_head(o orders, d BIGINT) RETURNS TABLE (dim TEXT, hour BIGINT, key TEXT, n BIGINT)
LANGUAGE sql IMMUTABLE AS $$
    VALUES ('status', o.created_at / 3600000, o.status, d),
           ('payment', o.created_at / 3600000, o.payment_status, d),
           ('channel', o.created_at / 3600000, o.channel, d),
           ('delivery_method', o.created_at / 3600000, o.delivery_method, d)
$$;

CREATE FUNCTION order_tally_orders() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER order_tally_insert AFTER INSERT ON orders
    FOR EACH ROW EXECUTE FUNCTION order_tally_orders();
CREATE TRIGGER order_tally_update AFTER UPDATE OF status, payment_status, channel, delivery_method, created_at ON orders
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.payment_status IS DISTINCT FROM NEW.payment_status
       OR OLD.channel IS DISTINCT FROM NEW.channel OR OLD.delivery_method IS DISTINCT FROM NEW.delivery_method
       OR OLD.created_at / 3600000 IS DISTINCT FROM NEW.created_at / 3600000)
    EXECUTE FUNCTION order_tally_orders();
CREATE TRIGGER order_tally_delete BEFORE DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_tally_orders();

-- An order counts once in each category it has: when it gains one and when
-- it loses one.
CREATE FUNCTION order_tally_categories() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT 'category', created_at / 3600000, NEW.category, 1 FROM orders WHERE id = NEW.order_id
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n + 1;
    ELSE
        INSERT INTO order_tally (dim, hour, key, n)
        SELECT 'category', created_at / 3600000, OLD.category, -1 FROM orders WHERE id = OLD.order_id
        ON CONFLICT (dim, hour, key) DO UPDATE SET n = order_tally.n - 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER order_tally_category_in AFTER INSERT ON order_categories
    FOR EACH ROW EXECUTE FUNCTION order_tally_categories();
CREATE TRIGGER order_tally_category_out AFTER DELETE ON order_categories
    FOR EACH ROW EXECUTE FUNCTION order_tally_categories();

-- A line brings its product's category to the order, and takes it away.
CREATE FUNCTION order_categories_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cat TEXT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        cat := COALESCE((SELECT category FROM products WHERE id = OLD.product_id), '');
        UPDATE order_categories SET lines = lines - 1 WHERE order_id = OLD.order_id AND category = cat;
        DELETE FROM order_categories WHERE order_id = OLD.order_id AND category = cat AND lines = 0;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        cat := COALESCE((SELECT category FROM products WHERE id = NEW.product_id), '');
        INSERT INTO order_categories (order_id, category, lines) VALUES (NEW.order_id, cat, 1)
        ON CONFLICT (order_id, category) DO UPDATE SET lines = order_categories.lines + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER order_categories_line_insert AFTER INSERT ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_categories_lines();
CREATE TRIGGER order_categories_line_delete AFTER DELETE ON order_lines
    FOR EACH ROW EXECUTE FUNCTION order_categories_lines();
CREATE TRIGGER order_categories_line_update AFTER UPDATE OF product_id, order_id ON order_lines
    FOR EACH ROW
    WHEN (OLD.product_id IS DISTINCT FROM NEW.product_id OR OLD.order_id IS DISTINCT FROM NEW.order_id)
    EXECUTE FUNCTION order_categories_lines();

-- A product that changes category takes its lines' orders along.
CREATE FUNCTION order_categories_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE order_categories c SET lines = c.lines - m.lines
    FROM (SELECT l.order_id, COUNT(*) AS lines FROM order_lines l WHERE l.product_id = NEW.id
          GROUP BY l.order_id) m
    WHERE c.order_id = m.order_id AND c.category = OLD.category;
    DELETE FROM order_categories c WHERE c.category = OLD.category AND c.lines = 0
      AND c.order_id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = NEW.id);
    INSERT INTO order_categories (order_id, category, lines)
    SELECT l.order_id, NEW.category, COUNT(*) FROM order_lines l WHERE l.product_id = NEW.id
    GROUP BY 1 ORDER BY 1
    ON CONFLICT (order_id, category) DO UPDATE SET lines = order_categories.lines + excluded.lines;
    RETURN NULL;
END $$;

CREATE TRIGGER order_categories_product_category AFTER UPDATE OF category ON products
    FOR EACH ROW WHEN (OLD.category IS DISTINCT FROM NEW.category)
    EXECUTE FUNCTION order_categories_product();
