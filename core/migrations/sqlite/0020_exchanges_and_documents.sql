-- Exchanges and the return's and hand-over's documents (issue 11). A return
-- can end in an exchange: a new order linked to the returned one. The
-- return note and a closed hand-over's manifest go through the print queue.
-- Keep in step with ../postgres/0020_exchanges_and_documents.sql.
--
-- SQLite cannot change a CHECK: both return tables are rebuilt (the lines
-- first, so dropping the old returns deletes nothing), then renamed; the
-- rename carries the lines' reference over to the new returns.

CREATE TABLE returns_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    outcome           TEXT NOT NULL CHECK (outcome IN ('refund', 'exchange', 'repair', 'none')),
    refund_minor      INTEGER NOT NULL DEFAULT 0,
    note              TEXT NOT NULL DEFAULT '',
    received_at       INTEGER NOT NULL,
    received_by       TEXT NOT NULL,
    station           TEXT NOT NULL,
    -- The replacement order of an exchange.
    exchange_order_id INTEGER REFERENCES orders(id)
);
INSERT INTO returns_new (id, order_id, outcome, refund_minor, note, received_at, received_by, station)
    SELECT id, order_id, outcome, refund_minor, note, received_at, received_by, station FROM returns;

CREATE TABLE return_lines_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    return_id    INTEGER NOT NULL REFERENCES returns_new(id) ON DELETE CASCADE,
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
INSERT INTO return_lines_new SELECT id, return_id, line_id, product_id, units, condition, bin, reason, marking_code, received_at FROM return_lines;

DROP TABLE return_lines;
DROP TABLE returns;
ALTER TABLE returns_new RENAME TO returns;
ALTER TABLE return_lines_new RENAME TO return_lines;
CREATE INDEX returns_order ON returns(order_id);
CREATE INDEX returns_exchange ON returns(exchange_order_id) WHERE exchange_order_id IS NOT NULL;
CREATE INDEX return_lines_return ON return_lines(return_id);
CREATE INDEX return_lines_line ON return_lines(line_id);
CREATE INDEX return_lines_marking ON return_lines(marking_code) WHERE marking_code IS NOT NULL;

-- What a print job prints, for the two new subjects.
ALTER TABLE print_jobs ADD COLUMN return_id INTEGER REFERENCES returns(id) ON DELETE CASCADE;
ALTER TABLE print_jobs ADD COLUMN manifest_id INTEGER REFERENCES manifests(id) ON DELETE CASCADE;
