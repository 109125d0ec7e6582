-- Packbench schema, SQLite flavour. Times are UTC milliseconds since the epoch.
-- Keep in step with ../postgres/0001_init.sql: the same tables and columns.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    sku         TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    weight_g    INTEGER NOT NULL DEFAULT 0,
    default_bin TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE product_barcodes (
    code       TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    units      INTEGER NOT NULL DEFAULT 1 CHECK (units >= 1),
    -- The GTIN padded to 14 digits, so an EAN-13 matches the GTIN-14 inside a GS1 code.
    gtin14     TEXT
);
CREATE INDEX product_barcodes_gtin14 ON product_barcodes(gtin14) WHERE gtin14 IS NOT NULL;
CREATE INDEX product_barcodes_product ON product_barcodes(product_id);

CREATE TABLE bins (
    code       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE stock (
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    bin        TEXT NOT NULL REFERENCES bins(code),
    on_hand    INTEGER NOT NULL DEFAULT 0,
    reserved   INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    PRIMARY KEY (product_id, bin)
);

-- Every movement of stock, with its reason: receiving, adjustment, shipment.
CREATE TABLE stock_moves (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    bin        TEXT NOT NULL,
    delta      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    order_id   INTEGER,
    at         INTEGER NOT NULL,
    user_name  TEXT NOT NULL,
    station    TEXT NOT NULL
);
CREATE INDEX stock_moves_product ON stock_moves(product_id, id);

CREATE TABLE statuses (
    code        TEXT PRIMARY KEY,
    position    INTEGER NOT NULL,
    label_en    TEXT NOT NULL,
    label_ru    TEXT NOT NULL,
    max_minutes INTEGER
);

CREATE TABLE status_transitions (
    from_status TEXT NOT NULL REFERENCES statuses(code),
    to_status   TEXT NOT NULL REFERENCES statuses(code),
    PRIMARY KEY (from_status, to_status)
);

CREATE TABLE orders (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    number              TEXT NOT NULL UNIQUE,
    channel             TEXT NOT NULL,
    customer_name       TEXT NOT NULL,
    email               TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    shipping_address    TEXT NOT NULL DEFAULT '',
    delivery_method     TEXT NOT NULL DEFAULT '',
    delivery_cost_minor INTEGER NOT NULL DEFAULT 0,
    currency            TEXT NOT NULL,
    payment_status      TEXT NOT NULL,
    comment             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL REFERENCES statuses(code),
    status_changed_at   INTEGER NOT NULL,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    claimed_station     TEXT,
    claimed_by          TEXT,
    claimed_at          INTEGER,
    carrier             TEXT,
    tracking_number     TEXT,
    shipped_at          INTEGER,
    short_reason        TEXT,
    search_text         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX orders_status ON orders(status, id);
CREATE INDEX orders_created ON orders(created_at);

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    -- NULL while the SKU is unknown: the order waits for the product.
    product_id       INTEGER REFERENCES products(id),
    sku              TEXT NOT NULL,
    name             TEXT NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL,
    discount_minor   INTEGER NOT NULL DEFAULT 0,
    tax_rate_bp      INTEGER NOT NULL DEFAULT 0,
    packed           INTEGER NOT NULL DEFAULT 0 CHECK (packed >= 0 AND packed <= quantity)
);
CREATE INDEX order_lines_order ON order_lines(order_id, position);
CREATE INDEX order_lines_unknown_sku ON order_lines(sku) WHERE product_id IS NULL;

CREATE TABLE reservations (
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    bin        TEXT NOT NULL,
    qty        INTEGER NOT NULL CHECK (qty > 0),
    PRIMARY KEY (order_id, product_id, bin)
);

-- The scan ledger: append-only. An undo is a row of its own pointing at the
-- accepted scan it reverses.
CREATE TABLE scans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id      TEXT NOT NULL UNIQUE,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    station      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    at           INTEGER NOT NULL,
    code         TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    line_id      INTEGER,
    units        INTEGER NOT NULL DEFAULT 0,
    marking_code TEXT,
    reverses     INTEGER REFERENCES scans(id)
);
CREATE INDEX scans_order ON scans(order_id, id);
CREATE UNIQUE INDEX scans_reversed_once ON scans(reverses) WHERE reverses IS NOT NULL;

CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    at           INTEGER NOT NULL,
    user_name    TEXT NOT NULL,
    station      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    before_state TEXT,
    after_state  TEXT
);
CREATE INDEX events_order ON events(order_id, id);

-- Customer search: words pre-folded in Rust (domain::search), prefix-indexed.
CREATE VIRTUAL TABLE orders_fts USING fts5(
    search_text,
    content = 'orders',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3'
);
CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
END;
CREATE TRIGGER orders_fts_update AFTER UPDATE OF search_text ON orders BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    INSERT INTO orders_fts(rowid, search_text) VALUES (new.id, new.search_text);
END;
