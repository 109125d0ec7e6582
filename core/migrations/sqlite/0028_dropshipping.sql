-- Dropshipping (issue 15 item 4): suppliers who ship some products
-- straight to the customer. Confirming an order makes one purchase order
-- per supplier of its lines (never two for the same order and supplier);
-- those lines are not reserved, picked or packed here and wait in their
-- own state until the supplier's tracking number is entered, which ships
-- them as a shipment of their own. The outbox carries the purchase
-- order's PDF and CSV as attachments. Keep in step with
-- ../postgres/0028_dropshipping.sql.

CREATE TABLE suppliers (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    -- Empty: the supplier gets its purchase orders some other way.
    email      TEXT NOT NULL DEFAULT '',
    inn        TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The supplier who ships this product to the customer; none: the
-- warehouse ships it from its own stock.
ALTER TABLE products ADD COLUMN dropship_supplier_id INTEGER REFERENCES suppliers(id);
CREATE INDEX products_dropship_supplier ON products(dropship_supplier_id)
    WHERE dropship_supplier_id IS NOT NULL;

CREATE TABLE purchase_orders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    number          TEXT NOT NULL UNIQUE,
    supplier_id     INTEGER NOT NULL REFERENCES suppliers(id),
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    created_by      TEXT NOT NULL,
    -- awaiting_supplier until the supplier's tracking number is entered.
    state           TEXT NOT NULL DEFAULT 'awaiting_supplier'
        CHECK (state IN ('awaiting_supplier', 'shipped', 'cancelled')),
    -- The outbox message that mails it; none: not mailed (why: mail_problem).
    outbox_id       INTEGER REFERENCES outbox(id),
    mail_problem    TEXT,
    carrier         TEXT,
    tracking_number TEXT,
    shipped_at      INTEGER,
    shipped_by      TEXT,
    cancelled_at    INTEGER,
    UNIQUE (order_id, supplier_id)
);
CREATE INDEX purchase_orders_open ON purchase_orders(state, id);
CREATE INDEX purchase_orders_supplier ON purchase_orders(supplier_id, id);

-- The purchase order a line went to (the line's state is its purchase
-- order's); none: the warehouse ships the line.
ALTER TABLE order_lines ADD COLUMN purchase_order_id INTEGER REFERENCES purchase_orders(id);
CREATE INDEX order_lines_purchase_order ON order_lines(purchase_order_id)
    WHERE purchase_order_id IS NOT NULL;

-- The supplier's parcel is a shipment of its own: the delivery-status
-- import matches its tracking number like any other; it is never on a
-- hand-over to the store's couriers.
ALTER TABLE shipments ADD COLUMN purchase_order_id INTEGER REFERENCES purchase_orders(id);

CREATE TABLE outbox_attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content      BLOB NOT NULL
);
CREATE INDEX outbox_attachments_message ON outbox_attachments(outbox_id, id);
