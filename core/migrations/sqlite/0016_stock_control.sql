-- Stock control (issue 11): receiving, moves between bins, adjustments with
-- reason codes and cycle counts, all as rows of the one stock ledger
-- (stock_moves); on hand is the ledger's sum. Keep in step with
-- ../postgres/0016_stock_control.sql.

-- What kind of move a row is (received, moved, adjusted, counted, shipped,
-- found, import, opening); `reason` keeps the words or the reason code.
ALTER TABLE stock_moves ADD COLUMN kind TEXT NOT NULL DEFAULT 'other';
-- The client's scan id for scanned moves: a retried scan counts once (a
-- move between bins writes one row per bin with the same id).
ALTER TABLE stock_moves ADD COLUMN scan_id TEXT;
ALTER TABLE stock_moves ADD COLUMN note TEXT;
ALTER TABLE stock_moves ADD COLUMN count_id INTEGER;
UPDATE stock_moves SET kind = CASE
    WHEN reason = 'shipped' THEN 'shipped'
    WHEN reason = 'import' THEN 'import'
    WHEN reason LIKE 'found at shipment%' THEN 'found'
    ELSE 'other' END;
CREATE UNIQUE INDEX stock_moves_scan ON stock_moves(scan_id, bin) WHERE scan_id IS NOT NULL;
CREATE INDEX stock_moves_bin ON stock_moves(bin, id);
CREATE INDEX stock_moves_sold ON stock_moves(kind, at, product_id, delta);

-- Stock written before this ledger was complete (a generated warehouse)
-- gets an opening row, so that on hand equals the sum from here on.
INSERT INTO stock_moves (product_id, bin, delta, reason, kind, at, user_name, station)
    SELECT s.product_id, s.bin,
           s.on_hand - COALESCE((SELECT SUM(m.delta) FROM stock_moves m
                                 WHERE m.product_id = s.product_id AND m.bin = s.bin), 0),
           'opening balance', 'opening', CAST(strftime('%s', 'now') AS INTEGER) * 1000,
           'system', 'migration'
    FROM stock s
    WHERE s.on_hand <> COALESCE((SELECT SUM(m.delta) FROM stock_moves m
                                 WHERE m.product_id = s.product_id AND m.bin = s.bin), 0);

ALTER TABLE bins ADD COLUMN name TEXT NOT NULL DEFAULT '';
-- Below this many free units the product is on the re-order list.
ALTER TABLE products ADD COLUMN low_stock INTEGER CHECK (low_stock IS NULL OR low_stock >= 0);

-- A cycle count of one bin: scans count what is there; a supervisor
-- approves the difference, which enters the ledger as `counted` moves.
CREATE TABLE stock_counts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    bin         TEXT NOT NULL REFERENCES bins(code),
    state       TEXT NOT NULL CHECK (state IN ('open', 'approved', 'cancelled')),
    started_by  TEXT NOT NULL,
    station     TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    decided_by  TEXT,
    decided_at  INTEGER
);
CREATE UNIQUE INDEX stock_counts_one_open ON stock_counts(bin) WHERE state = 'open';

CREATE TABLE stock_count_scans (
    scan_id    TEXT PRIMARY KEY,
    count_id   INTEGER NOT NULL REFERENCES stock_counts(id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products(id),
    units      INTEGER NOT NULL,
    code       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    user_name  TEXT NOT NULL,
    station    TEXT NOT NULL
);
CREATE INDEX stock_count_scans_count ON stock_count_scans(count_id, product_id);
