-- Orders that arrive by themselves (issue 15): packbench-server receives the
-- shop's order webhooks (Shopify, WooCommerce) and the store's web form.
-- Keep in step with ../postgres/0026_webhooks.sql.

-- Which Packbench order a shop's order became, so a webhook delivered
-- twice, or a later change of the same order, finds it again whatever its
-- number is now. shop_updated_at: the shop's time of the last version
-- taken (or refused), so an older or repeated version is not applied.
CREATE TABLE shop_orders (
    channel         TEXT NOT NULL,
    shop_order_id   TEXT NOT NULL,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    shop_updated_at INTEGER,
    PRIMARY KEY (channel, shop_order_id)
);
CREATE INDEX shop_orders_order ON shop_orders (order_id);

-- Every delivery the server answered, with what it did and why: created,
-- updated, refused by the order's edit rules, unsigned or badly signed
-- (with the remote address), unreadable. A body is kept (body NOT NULL)
-- only when a person has to look at it (it could not be read, or the order
-- refused the change) and only from a sender that signed it, so a stranger
-- cannot fill the database. delivery_id (the shop's own id of the
-- delivery) is set only for signed deliveries: a repeat is answered as
-- before, and an unsigned request cannot claim a real delivery's id.
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at   INTEGER NOT NULL,
    channel       TEXT NOT NULL,
    topic         TEXT NOT NULL DEFAULT '',
    delivery_id   TEXT,
    shop_order_id TEXT,
    remote        TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    order_id      INTEGER REFERENCES orders(id),
    body          BLOB,
    body_bytes    INTEGER NOT NULL,
    -- Someone looked at a kept body and dealt with it.
    handled_at    INTEGER,
    handled_by    TEXT
);
CREATE UNIQUE INDEX webhook_deliveries_once
    ON webhook_deliveries (channel, delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX webhook_deliveries_inbox
    ON webhook_deliveries (id) WHERE body IS NOT NULL AND handled_at IS NULL;
