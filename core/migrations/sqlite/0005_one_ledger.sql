-- One scan ledger for the packing table and the pick walk, and what each
-- order line costs. Keep in step with ../postgres/0005_one_ledger.sql.

-- The line's amount (quantity x unit price - line discount, VAT included),
-- computed by domain::money::line_amount_minor when the line is written;
-- lists, manifests and exports sum it instead of repeating the formula.
ALTER TABLE order_lines ADD COLUMN amount_minor INTEGER NOT NULL DEFAULT 0;
UPDATE order_lines SET amount_minor = quantity * unit_price_minor - discount_minor;

-- A scan belongs to an order (packing) or to a pick list (picking). SQLite
-- cannot relax a NOT NULL in place, so the ledger is copied into a new table
-- with the same ids; `reverses` points into the new table, which takes the
-- old name (and the reference with it).
CREATE TABLE scans_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scan_id      TEXT NOT NULL UNIQUE,
    order_id     INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    pick_list_id INTEGER REFERENCES pick_lists(id) ON DELETE CASCADE,
    station      TEXT NOT NULL,
    user_name    TEXT NOT NULL,
    at           INTEGER NOT NULL,
    code         TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    line_id      INTEGER,
    units        INTEGER NOT NULL DEFAULT 0,
    marking_code TEXT,
    reverses     INTEGER REFERENCES scans_new(id),
    CHECK ((order_id IS NULL) <> (pick_list_id IS NULL))
);
INSERT INTO scans_new (id, scan_id, order_id, pick_list_id, station, user_name, at, code, outcome,
                       detail, line_id, units, marking_code, reverses)
    SELECT id, scan_id, order_id, NULL, station, user_name, at, code, outcome,
           detail, line_id, units, marking_code, reverses
    FROM scans ORDER BY id;
-- Pick scans follow. A scan id both ledgers used (never by the app, whose ids
-- are UUIDs) keeps both rows: the pick scan's id gets a prefix.
INSERT INTO scans_new (scan_id, order_id, pick_list_id, station, user_name, at, code, outcome,
                       detail, line_id, units)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM scans s WHERE s.scan_id = p.scan_id)
                THEN 'pick-' || p.id || '-' || p.scan_id ELSE p.scan_id END,
           NULL, p.pick_list_id, p.station, p.user_name, p.at, p.code, p.outcome,
           p.detail, p.line_id, 0
    FROM pick_scans p ORDER BY p.id;
DROP TABLE scans;
ALTER TABLE scans_new RENAME TO scans;
CREATE INDEX scans_order ON scans(order_id, id);
CREATE INDEX scans_pick_list ON scans(pick_list_id, id) WHERE pick_list_id IS NOT NULL;
CREATE UNIQUE INDEX scans_reversed_once ON scans(reverses) WHERE reverses IS NOT NULL;
DROP TABLE pick_scans;
