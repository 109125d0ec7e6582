-- Exchanges and the return's and hand-over's documents (issue 11). A return
-- can end in an exchange: a new order linked to the returned one. The
-- return note and a closed hand-over's manifest go through the print queue.
-- Keep in step with ../sqlite/0020_exchanges_and_documents.sql.

ALTER TABLE returns DROP CONSTRAINT returns_outcome_check;
ALTER TABLE returns ADD CONSTRAINT returns_outcome_check
    CHECK (outcome IN ('refund', 'exchange', 'repair', 'none'));
-- The replacement order of an exchange.
ALTER TABLE returns ADD COLUMN exchange_order_id BIGINT REFERENCES orders(id);
CREATE INDEX returns_exchange ON returns(exchange_order_id) WHERE exchange_order_id IS NOT NULL;

-- What a print job prints, for the two new subjects.
ALTER TABLE print_jobs ADD COLUMN return_id BIGINT REFERENCES returns(id) ON DELETE CASCADE;
ALTER TABLE print_jobs ADD COLUMN manifest_id BIGINT REFERENCES manifests(id) ON DELETE CASCADE;
