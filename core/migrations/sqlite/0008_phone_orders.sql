-- Phone orders: customers, the store's number sequence, the manager
-- responsible for an order, and the numbers an order had before it was
-- renumbered (they still find it). Keep in step with
-- ../postgres/0008_phone_orders.sql.

CREATE TABLE customers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    phone      TEXT NOT NULL DEFAULT '',
    -- The digits that identify the phone (domain::customer::phone_key).
    phone_key  TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX customers_phone_key ON customers(phone_key);
CREATE INDEX customers_email ON customers(email);

ALTER TABLE orders ADD COLUMN customer_id INTEGER REFERENCES customers(id);
ALTER TABLE orders ADD COLUMN manager TEXT;
CREATE INDEX orders_manager ON orders(manager);

CREATE TABLE order_numbers (
    number   TEXT PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE
);

-- The next number a phone order gets; numbers taken meanwhile (an import)
-- are skipped when it is used.
CREATE TABLE number_sequence (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    prefix TEXT NOT NULL DEFAULT '',
    next   INTEGER NOT NULL CHECK (next > 0)
);
INSERT INTO number_sequence (id, prefix, next) VALUES (1, '', 1001);
