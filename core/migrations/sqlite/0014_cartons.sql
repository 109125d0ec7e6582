-- Cartons (issue 11): the boxes an order is packed into, their box types,
-- SSCCs and weights. Which units went into which carton is the scan
-- ledger's (scans.carton_id). Keep in step with ../postgres/0014_cartons.sql.

CREATE TABLE box_types (
    code      TEXT PRIMARY KEY,
    name      TEXT NOT NULL,
    length_mm INTEGER NOT NULL CHECK (length_mm > 0),
    width_mm  INTEGER NOT NULL CHECK (width_mm > 0),
    height_mm INTEGER NOT NULL CHECK (height_mm > 0),
    tare_g    INTEGER NOT NULL CHECK (tare_g >= 0),
    barcode   TEXT UNIQUE,
    active    INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO box_types (code, name, length_mm, width_mm, height_mm, tare_g, barcode) VALUES
    ('S', 'Коробка S / Box S', 200, 150, 100, 120, 'BOX-S'),
    ('M', 'Коробка M / Box M', 300, 200, 150, 220, 'BOX-M'),
    ('L', 'Коробка L / Box L', 400, 300, 250, 380, 'BOX-L');

CREATE TABLE cartons (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    -- 1, 2, 3... within the order: "2 of 3" on its label.
    seq          INTEGER NOT NULL,
    -- NULL while the store has no GS1 company prefix.
    sscc         TEXT UNIQUE,
    box_type     TEXT NOT NULL REFERENCES box_types(code),
    station      TEXT NOT NULL,
    opened_by    TEXT NOT NULL,
    opened_at    INTEGER NOT NULL,
    closed_by    TEXT,
    closed_at    INTEGER,
    weight_g     INTEGER,
    expected_g   INTEGER,
    -- Why a weight outside the tolerance was accepted, and who approved it.
    weight_note  TEXT,
    approved_by  TEXT,
    UNIQUE (order_id, seq)
);
-- At most one open carton per order.
CREATE UNIQUE INDEX cartons_one_open ON cartons(order_id) WHERE closed_at IS NULL;

-- The next SSCC serial reference per GS1 company prefix and extension digit.
CREATE TABLE sscc_serials (
    prefix TEXT PRIMARY KEY,
    next   INTEGER NOT NULL
);

ALTER TABLE scans ADD COLUMN carton_id INTEGER REFERENCES cartons(id);
CREATE INDEX scans_carton ON scans(carton_id) WHERE carton_id IS NOT NULL;

-- A carton's own label: the job prints that carton's SSCC and "2 of 3".
ALTER TABLE print_jobs ADD COLUMN carton_id INTEGER REFERENCES cartons(id);
