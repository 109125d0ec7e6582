-- Finding, moving and telling (issue 10): product categories, an order's
-- units and total kept on the order (so filters and ranges use an index),
-- saved filters, the carriers, message templates and the customer outbox.
-- Keep in step with ../postgres/0012_finding_and_telling.sql.

ALTER TABLE products ADD COLUMN category TEXT NOT NULL DEFAULT '';
CREATE INDEX products_category ON products(category);

-- Kept by store::orders::refresh_totals in the same transaction as every
-- change of lines or delivery cost.
ALTER TABLE orders ADD COLUMN units INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN total_minor INTEGER NOT NULL DEFAULT 0;
UPDATE orders SET
    units = (SELECT COALESCE(SUM(l.quantity), 0) FROM order_lines l WHERE l.order_id = orders.id),
    total_minor = delivery_cost_minor
        + (SELECT COALESCE(SUM(l.amount_minor), 0) FROM order_lines l WHERE l.order_id = orders.id);

CREATE INDEX orders_payment ON orders(payment_status, id);
CREATE INDEX orders_channel ON orders(channel, id);
CREATE INDEX orders_delivery ON orders(delivery_method, id);
CREATE INDEX orders_total ON orders(total_minor);
CREATE INDEX orders_units ON orders(units);
CREATE INDEX orders_delivery_cost ON orders(delivery_cost_minor);
CREATE INDEX order_lines_product ON order_lines(product_id, order_id);
CREATE INDEX order_lines_sku ON order_lines(sku, order_id);

CREATE TABLE saved_filters (
    name     TEXT PRIMARY KEY,
    filter   TEXT NOT NULL,
    saved_by TEXT NOT NULL,
    saved_at INTEGER NOT NULL
);

-- Who carries parcels: the name on screens, the customer's tracking link
-- ({tracking} is replaced by the number) and the tracking number's pattern.
CREATE TABLE carriers (
    code             TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    tracking_url     TEXT NOT NULL DEFAULT '',
    tracking_pattern TEXT NOT NULL DEFAULT '',
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
INSERT INTO carriers (code, name, tracking_url, tracking_pattern) VALUES
    ('cdek', 'СДЭК', 'https://www.cdek.ru/ru/tracking?order_id={tracking}', '^[0-9]{10}$'),
    ('russian_post', 'Почта России', 'https://www.pochta.ru/tracking#{tracking}', '^([A-Z]{2}[0-9]{9}[A-Z]{2}|[0-9]{14})$'),
    ('boxberry', 'Boxberry', 'https://boxberry.ru/tracking-page?id={tracking}', '^[A-Z0-9]{8,20}$'),
    ('dpd', 'DPD', 'https://www.dpd.ru/ru/private/tracking.html?number={tracking}', ''),
    ('yandex', 'Яндекс Доставка', '', ''),
    ('dellin', 'Деловые Линии', 'https://www.dellin.ru/tracker/?mainSearch={tracking}', ''),
    ('dhl', 'DHL Express', 'https://www.dhl.com/ru-ru/home/tracking.html?tracking-id={tracking}', '^[0-9]{10}$'),
    ('ups', 'UPS', 'https://www.ups.com/track?tracknum={tracking}', '^1Z[0-9A-Z]{16}$'),
    ('pickup', 'Самовывоз', '', '');

-- Customer messages per event and language, edited by an admin.
CREATE TABLE message_templates (
    event      TEXT NOT NULL,
    lang       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL,
    PRIMARY KEY (event, lang)
);

-- Messages to customers, written in the same transaction as the event that
-- causes them and delivered later by the sender; never in the way of packing.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id      TEXT NOT NULL UNIQUE,
    order_id        INTEGER REFERENCES orders(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    lang            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    -- queued, sending, sent, failed (retried), given_up, skipped (no address)
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
CREATE INDEX outbox_order ON outbox(order_id, id);

-- The store's step inside "shipped" that tells the customer the parcel
-- waits at the pickup point (a store that has a status of that code keeps it).
INSERT INTO statuses (code, stage, position, label_en, label_ru, max_minutes)
    SELECT 'at_pickup_point', 'shipped', (SELECT COALESCE(MAX(position), 0) + 1 FROM statuses),
           'At the pickup point', 'В пункте выдачи', NULL
    WHERE NOT EXISTS (SELECT 1 FROM statuses WHERE code = 'at_pickup_point');
