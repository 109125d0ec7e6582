-- Stock and order status back to the shop (issue 15 item 1): the shop's API
-- per channel, the shop's ids of our products, and the outbox of calls to
-- the shop. Keep in step with ../postgres/0030_shop_sync.sql.

-- A channel's shop API (Shopify: the shop's address, the Admin API access
-- token in api_secret, the location whose stock Packbench keeps;
-- WooCommerce: the site's address, the REST API consumer key and secret).
-- The secret is kept as it is, like the webhook secrets (the shop wants
-- it as it is); nothing shows it again.
CREATE TABLE shop_apis (
    channel     TEXT PRIMARY KEY,
    base_url    TEXT NOT NULL,
    api_version TEXT NOT NULL DEFAULT '',
    location_id TEXT NOT NULL DEFAULT '',
    api_key     TEXT NOT NULL DEFAULT '',
    api_secret  TEXT NOT NULL,
    set_by      TEXT NOT NULL,
    set_at      INTEGER NOT NULL
);

-- The shop's ids of a product, learnt the first time an order of the shop
-- names it (Shopify: product_id, variant_id, and the variant's
-- inventory_item_id once asked; WooCommerce: product_id and variation_id).
CREATE TABLE shop_products (
    channel           TEXT NOT NULL,
    product_id        INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    shop_product_id   TEXT NOT NULL DEFAULT '',
    shop_variant_id   TEXT NOT NULL DEFAULT '',
    inventory_item_id TEXT NOT NULL DEFAULT '',
    seen_at           INTEGER NOT NULL,
    PRIMARY KEY (channel, product_id)
);
CREATE INDEX shop_products_product ON shop_products (product_id);

-- Calls to the shop, queued in the transaction of the change that causes
-- them (a stock move, an order shipped) and sent by the shop sender until
-- the shop accepts them. A stock call carries no level: the sender sends
-- the level at the time it sends, so many moves of a product while a call
-- waits are one call (the unique index below). state: pending, sending
-- (next_attempt_at is then the end of the sender's lease), done, failed
-- (the shop refused it for good; last_error says why), replaced (a newer
-- call of the same product carries the level).
CREATE TABLE shop_calls (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    product_id      INTEGER REFERENCES products(id) ON DELETE CASCADE,
    order_id        INTEGER REFERENCES orders(id),
    state           TEXT NOT NULL,
    queued_at       INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    steps_done      INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER,
    last_error      TEXT,
    last_request    TEXT,
    finished_at     INTEGER,
    retried_by      TEXT
);
CREATE UNIQUE INDEX shop_calls_stock_waiting
    ON shop_calls (channel, product_id) WHERE kind = 'stock' AND state = 'pending';
CREATE UNIQUE INDEX shop_calls_order_waiting
    ON shop_calls (channel, order_id) WHERE kind = 'shipped' AND state = 'pending';
CREATE INDEX shop_calls_due
    ON shop_calls (next_attempt_at) WHERE state IN ('pending', 'sending');
CREATE INDEX shop_calls_state ON shop_calls (state, id);
