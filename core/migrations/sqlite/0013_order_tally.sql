-- Order counts kept per hour (issue 10): how many orders created in each
-- UTC hour are in each status, payment state, channel, delivery method and
-- product category, so the group counts over a year read a few thousand
-- rows instead of every order. Kept by triggers in the same transaction as
-- every change, whichever code makes it. store::order_query reads it.
-- Keep in step with ../postgres/0013_order_tally.sql.

-- dim: status, payment, channel, delivery_method or category; key: the
-- value ('' for none); n: orders (a row may fall to 0 and stay).
CREATE TABLE order_tally (
    dim  TEXT NOT NULL,
    hour INTEGER NOT NULL,
    key  TEXT NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (dim, hour, key)
) WITHOUT ROWID;

-- The categories of an order's lines and how many lines are in each: an
-- order counts once in each category it has.
CREATE TABLE order_categories (
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    lines    INTEGER NOT NULL,
    PRIMARY KEY (order_id, category)
) WITHOUT ROWID;

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

-- An order counts in its status, payment state, channel and delivery method.
CREATE TRIGGER order_tally_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', NEW.created_at / 3600000, NEW.status, 1),
        ('payment', NEW.created_at / 3600000, NEW.payment_status, 1),
        ('channel', NEW.created_at / 3600000, NEW.channel, 1),
        ('delivery_method', NEW.created_at / 3600000, NEW.delivery_method, 1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
END;

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
    -- Its categories move with it when it moves to another hour.
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT 'category', h, category, d FROM order_categories,
        (SELECT OLD.created_at / 3600000 AS h, -1 AS d UNION ALL SELECT NEW.created_at / 3600000, 1)
    WHERE order_id = NEW.id AND OLD.created_at / 3600000 IS NOT NEW.created_at / 3600000
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
END;

-- Before the delete: its lines go with it, and their own triggers no
-- longer see the order's hour.
CREATE TRIGGER order_tally_delete BEFORE DELETE ON orders
BEGIN
    INSERT INTO order_tally (dim, hour, key, n) VALUES
        ('status', OLD.created_at / 3600000, OLD.status, -1),
        ('payment', OLD.created_at / 3600000, OLD.payment_status, -1),
        ('channel', OLD.created_at / 3600000, OLD.channel, -1),
        ('delivery_method', OLD.created_at / 3600000, OLD.delivery_method, -1)
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + excluded.n;
    DELETE FROM order_categories WHERE order_id = OLD.id;
END;

-- An order counts once in each category it has: when it gains one and when
-- it loses one.
CREATE TRIGGER order_tally_category_in AFTER INSERT ON order_categories
BEGIN
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT 'category', o.created_at / 3600000, NEW.category, 1 FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER order_tally_category_out AFTER DELETE ON order_categories
BEGIN
    INSERT INTO order_tally (dim, hour, key, n)
    SELECT 'category', o.created_at / 3600000, OLD.category, -1 FROM orders o WHERE o.id = OLD.order_id
    ON CONFLICT (dim, hour, key) DO UPDATE SET n = n - 1;
END;

-- A line brings its product's category to the order.
CREATE TRIGGER order_categories_line_insert AFTER INSERT ON order_lines
BEGIN
    INSERT INTO order_categories (order_id, category, lines)
    VALUES (NEW.order_id, COALESCE((SELECT p.category FROM products p WHERE p.id = NEW.product_id), ''), 1)
    ON CONFLICT (order_id, category) DO UPDATE SET lines = lines + 1;
END;

CREATE TRIGGER order_categories_line_delete AFTER DELETE ON order_lines
BEGIN
    UPDATE order_categories SET lines = lines - 1
    WHERE order_id = OLD.order_id
      AND category = COALESCE((SELECT p.category FROM products p WHERE p.id = OLD.product_id), '');
    DELETE FROM order_categories WHERE order_id = OLD.order_id AND lines = 0;
END;

-- A line that changes product or order leaves one category and joins another.
CREATE TRIGGER order_categories_line_update AFTER UPDATE OF product_id, order_id ON order_lines
WHEN OLD.product_id IS NOT NEW.product_id OR OLD.order_id IS NOT NEW.order_id
BEGIN
    UPDATE order_categories SET lines = lines - 1
    WHERE order_id = OLD.order_id
      AND category = COALESCE((SELECT p.category FROM products p WHERE p.id = OLD.product_id), '');
    DELETE FROM order_categories WHERE order_id = OLD.order_id AND lines = 0;
    INSERT INTO order_categories (order_id, category, lines)
    VALUES (NEW.order_id, COALESCE((SELECT p.category FROM products p WHERE p.id = NEW.product_id), ''), 1)
    ON CONFLICT (order_id, category) DO UPDATE SET lines = lines + 1;
END;

-- A product that changes category takes its lines' orders along.
CREATE TRIGGER order_categories_product_category AFTER UPDATE OF category ON products
WHEN OLD.category IS NOT NEW.category
BEGIN
    UPDATE order_categories SET lines = lines
        - (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = order_categories.order_id AND l.product_id = NEW.id)
    WHERE category = OLD.category
      AND order_id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = NEW.id);
    DELETE FROM order_categories WHERE category = OLD.category AND lines = 0
      AND order_id IN (SELECT l.order_id FROM order_lines l WHERE l.product_id = NEW.id);
    INSERT INTO order_categories (order_id, category, lines)
    SELECT l.order_id, NEW.category, COUNT(*) FROM order_lines l WHERE l.product_id = NEW.id
    GROUP BY l.order_id
    ON CONFLICT (order_id, category) DO UPDATE SET lines = lines + excluded.lines;
END;
