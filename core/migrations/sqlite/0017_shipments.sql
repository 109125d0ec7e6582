-- Shipments (issue 11): what left the warehouse, when, with which carrier;
-- an order ships in one or several, each with its cartons and their
-- tracking numbers. The end-of-day hand-over (manifest) closes a carrier's
-- open shipments. Keep in step with ../postgres/0017_shipments.sql.

CREATE TABLE manifests (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    carrier    TEXT NOT NULL,
    closed_at  INTEGER NOT NULL,
    closed_by  TEXT NOT NULL,
    station    TEXT NOT NULL
);

CREATE TABLE shipments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    carrier         TEXT NOT NULL,
    shipped_at      INTEGER NOT NULL,
    shipped_by      TEXT NOT NULL,
    station         TEXT NOT NULL,
    -- The tracking number of an order packed before cartons existed.
    tracking_number TEXT,
    manifest_id     INTEGER REFERENCES manifests(id)
);
CREATE INDEX shipments_order ON shipments(order_id);
CREATE INDEX shipments_not_handed_over ON shipments(carrier, shipped_at) WHERE manifest_id IS NULL;
CREATE INDEX shipments_manifest ON shipments(manifest_id) WHERE manifest_id IS NOT NULL;

ALTER TABLE cartons ADD COLUMN shipment_id INTEGER REFERENCES shipments(id);
ALTER TABLE cartons ADD COLUMN tracking_number TEXT;
CREATE INDEX cartons_shipment ON cartons(shipment_id) WHERE shipment_id IS NOT NULL;
