-- A business buyer's details on an order, for ТОРГ-12 and УПД: the legal
-- name, ИНН, КПП and legal address. Empty: a private buyer.
ALTER TABLE orders ADD COLUMN buyer_name TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN buyer_inn TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN buyer_kpp TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN buyer_address TEXT NOT NULL DEFAULT '';
