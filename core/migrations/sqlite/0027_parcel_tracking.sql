-- Delivery status (issue 15): what the carriers say of the parcels after
-- they left, imported from their status exports. One row per movement a
-- carrier reported (the same row imported twice is kept once); a row for a
-- tracking number no shipment carries is kept too (order_id NULL), so a
-- file with unknown parcels loses nothing. Parcels with no movement for a
-- carrier's `stall_days` are listed for the manager to chase.
-- Keep in step with ../postgres/0027_parcel_tracking.sql.

ALTER TABLE carriers ADD COLUMN stall_days INTEGER NOT NULL DEFAULT 5
    CHECK (stall_days BETWEEN 1 AND 365);

CREATE TABLE parcel_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_number TEXT NOT NULL,
    order_id        INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    -- When the carrier says it happened (ms since 1970, UTC).
    at              INTEGER NOT NULL,
    state           TEXT NOT NULL
        CHECK (state IN ('in_transit', 'delivered', 'returning', 'problem')),
    -- As the carrier wrote it.
    status          TEXT NOT NULL,
    place           TEXT NOT NULL DEFAULT '',
    imported_at     INTEGER NOT NULL,
    imported_by     TEXT NOT NULL,
    file_name       TEXT NOT NULL DEFAULT '',
    UNIQUE (tracking_number, at, status)
);
CREATE INDEX parcel_events_order ON parcel_events(order_id, at) WHERE order_id IS NOT NULL;
CREATE INDEX parcel_events_unknown ON parcel_events(tracking_number) WHERE order_id IS NULL;
CREATE INDEX shipments_tracking ON shipments(tracking_number) WHERE tracking_number IS NOT NULL;
