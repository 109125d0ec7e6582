-- Back-orders, held orders and split orders. Keep in step with
-- ../sqlite/0009_backorders.sql.

-- Units of the line the stock did not cover when it was reserved, and the
-- day the manager expects them (YYYY-MM-DD).
ALTER TABLE order_lines ADD COLUMN backordered BIGINT NOT NULL DEFAULT 0 CHECK (backordered >= 0);
ALTER TABLE order_lines ADD COLUMN expected_on TEXT;

-- Why the order waits ("ждём оплату", "нет в наличии"); none: it does not.
ALTER TABLE orders ADD COLUMN hold_reason TEXT;
-- The order this one was split from (the rest of it, shipped later).
ALTER TABLE orders ADD COLUMN split_from BIGINT REFERENCES orders(id);
