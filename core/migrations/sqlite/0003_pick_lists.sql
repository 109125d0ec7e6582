-- Pick lists, and how long an order may stay in each status before it is overdue.

UPDATE statuses SET max_minutes = 1440 WHERE code IN ('new', 'confirmed', 'ready');
UPDATE statuses SET max_minutes = 240 WHERE code = 'picking';
UPDATE statuses SET max_minutes = 60 WHERE code = 'packing';

-- Status tabs count orders and overdue ones from this index alone.
CREATE INDEX orders_status_age ON orders(status, status_changed_at);

CREATE TABLE pick_lists (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    status       TEXT NOT NULL DEFAULT 'open',
    created_at   INTEGER NOT NULL,
    created_by   TEXT NOT NULL,
    station      TEXT NOT NULL,
    completed_at INTEGER
);

CREATE TABLE pick_list_orders (
    pick_list_id INTEGER NOT NULL REFERENCES pick_lists(id) ON DELETE CASCADE,
    order_id     INTEGER NOT NULL REFERENCES orders(id),
    PRIMARY KEY (pick_list_id, order_id)
);
CREATE INDEX pick_list_orders_order ON pick_list_orders(order_id);

-- One line per product and bin: the picker walks the bins once.
CREATE TABLE pick_lines (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    pick_list_id INTEGER NOT NULL REFERENCES pick_lists(id) ON DELETE CASCADE,
    product_id   INTEGER NOT NULL REFERENCES products(id),
    bin          TEXT NOT NULL,
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    picked       INTEGER NOT NULL DEFAULT 0 CHECK (picked >= 0),
    short        INTEGER NOT NULL DEFAULT 0 CHECK (short >= 0),
    short_reason TEXT,
    CHECK (picked + short <= quantity)
);
CREATE INDEX pick_lines_list ON pick_lines(pick_list_id);

-- Pick scans: append-only like the packing ledger; a retried scan id counts once.
CREATE TABLE pick_scans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id      TEXT NOT NULL UNIQUE,
    pick_list_id INTEGER NOT NULL REFERENCES pick_lists(id) ON DELETE CASCADE,
    station      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    at           INTEGER NOT NULL,
    code         TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    line_id      INTEGER
);
CREATE INDEX pick_scans_list ON pick_scans(pick_list_id, id);
