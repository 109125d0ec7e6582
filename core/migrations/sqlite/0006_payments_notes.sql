-- The payment ledger and service notes of an order. Keep in step with
-- ../postgres/0006_payments_notes.sql.

CREATE TABLE payments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id     INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT NOT NULL,
    method       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    at           INTEGER NOT NULL,
    user_name    TEXT NOT NULL,
    station      TEXT NOT NULL
);
CREATE INDEX payments_order ON payments(order_id, id);

-- An order that came in paid (from a shop's export or the demo) opens its
-- ledger with that payment, so the balance and the state follow the ledger.
INSERT INTO payments (order_id, kind, amount_minor, currency, method, note, at, user_name, station)
    SELECT o.id, 'payment',
           o.delivery_cost_minor + (SELECT COALESCE(SUM(l.amount_minor), 0) FROM order_lines l WHERE l.order_id = o.id),
           o.currency, 'shop', 'paid before it reached Packbench', o.created_at, 'import', 'import'
    FROM orders o
    WHERE o.payment_status IN ('paid', 'partially_refunded', 'refunded')
      AND o.delivery_cost_minor + (SELECT COALESCE(SUM(l.amount_minor), 0) FROM order_lines l WHERE l.order_id = o.id) > 0;
INSERT INTO payments (order_id, kind, amount_minor, currency, method, note, at, user_name, station)
    SELECT p.order_id, 'refund', p.amount_minor, p.currency, 'shop', 'refunded before it reached Packbench', p.at, 'import', 'import'
    FROM payments p JOIN orders o ON o.id = p.order_id
    WHERE o.payment_status = 'refunded';

CREATE TABLE order_notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    pinned     INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    at         INTEGER NOT NULL,
    user_name  TEXT NOT NULL,
    station    TEXT NOT NULL
);
CREATE INDEX order_notes_order ON order_notes(order_id, id);
