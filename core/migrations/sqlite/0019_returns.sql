-- Returns (issue 11): what came back from a shipped order, item by item,
-- in what condition, and what the store did about it. Resellable units go
-- back into a bin through the stock ledger (kind `returned`). Keep in step
-- with ../postgres/0019_returns.sql.

CREATE TABLE returns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    outcome      TEXT NOT NULL CHECK (outcome IN ('refund', 'repair', 'none')),
    refund_minor INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    received_at  INTEGER NOT NULL,
    received_by  TEXT NOT NULL,
    station      TEXT NOT NULL
);
CREATE INDEX returns_order ON returns(order_id);

CREATE TABLE return_lines (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id    INTEGER NOT NULL REFERENCES returns(id) ON DELETE CASCADE,
    line_id      INTEGER NOT NULL REFERENCES order_lines(id),
    product_id   INTEGER NOT NULL REFERENCES products(id),
    units        INTEGER NOT NULL CHECK (units > 0),
    condition    TEXT NOT NULL CHECK (condition IN ('resellable', 'damaged')),
    -- Where a resellable unit went back; NULL for a damaged one.
    bin          TEXT,
    reason       TEXT NOT NULL DEFAULT '',
    marking_code TEXT,
    received_at  INTEGER NOT NULL
);
CREATE INDEX return_lines_return ON return_lines(return_id);
CREATE INDEX return_lines_line ON return_lines(line_id);
CREATE INDEX return_lines_marking ON return_lines(marking_code) WHERE marking_code IS NOT NULL;

-- A returned parcel is found by its tracking number or its carton's SSCC.
CREATE INDEX cartons_tracking ON cartons(tracking_number) WHERE tracking_number IS NOT NULL;
CREATE INDEX orders_tracking ON orders(tracking_number) WHERE tracking_number IS NOT NULL;
