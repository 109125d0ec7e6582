-- The print queue, and an index for courier manifests (parcels of a carrier by day).
-- Keep in step with ../postgres/0004_printing.sql. The seller's details live in
-- `settings` under the key 'seller' (JSON), set from the app or the CLI.

CREATE TABLE print_jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- invoice, packing_slip, label, pick_list, manifest
    kind         TEXT NOT NULL,
    -- What is printed: an order's document, a pick list, or a carrier's day.
    order_id     INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    pick_list_id INTEGER REFERENCES pick_lists(id) ON DELETE CASCADE,
    carrier      TEXT,
    day          TEXT,
    format       TEXT NOT NULL CHECK (format IN ('pdf', 'zpl')),
    paper        TEXT NOT NULL,
    dpi          INTEGER NOT NULL,
    lang         TEXT NOT NULL,
    -- NULL: no printer chosen yet; the job waits in the queue.
    printer      TEXT,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    -- The printer's or lp's own words when it failed; the CUPS job id when sent.
    message      TEXT NOT NULL DEFAULT '',
    cups_job     TEXT,
    attempts     INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    station      TEXT NOT NULL,
    user_name    TEXT NOT NULL
);
CREATE INDEX print_jobs_order ON print_jobs(order_id) WHERE order_id IS NOT NULL;
CREATE INDEX print_jobs_status ON print_jobs(status, id);

CREATE INDEX orders_carrier_shipped ON orders(carrier, shipped_at) WHERE shipped_at IS NOT NULL;
