-- One scan ledger for the packing table and the pick walk, and what each
-- order line costs. Keep in step with ../sqlite/0005_one_ledger.sql.

-- The line's amount (quantity x unit price - line discount, VAT included),
-- computed by domain::money::line_amount_minor when the line is written;
-- lists, manifests and exports sum it instead of repeating the formula.
ALTER TABLE order_lines ADD COLUMN amount_minor BIGINT NOT NULL DEFAULT 0;
UPDATE order_lines SET amount_minor = quantity * unit_price_minor - discount_minor;

-- A scan belongs to an order (packing) or to a pick list (picking).
ALTER TABLE scans ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE scans ADD COLUMN pick_list_id BIGINT REFERENCES pick_lists(id) ON DELETE CASCADE;
ALTER TABLE scans ADD CONSTRAINT scans_order_or_pick_list
    CHECK ((order_id IS NULL) <> (pick_list_id IS NULL));
-- A scan id both ledgers used (never by the app, whose ids are UUIDs) keeps
-- both rows: the pick scan's id gets a prefix.
INSERT INTO scans (scan_id, order_id, pick_list_id, station, user_name, at, code, outcome,
                   detail, line_id, units)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM scans s WHERE s.scan_id = p.scan_id)
                THEN 'pick-' || p.id || '-' || p.scan_id ELSE p.scan_id END,
           NULL, p.pick_list_id, p.station, p.user_name, p.at, p.code, p.outcome,
           p.detail, p.line_id, 0
    FROM pick_scans p ORDER BY p.id;
CREATE INDEX scans_pick_list ON scans(pick_list_id, id) WHERE pick_list_id IS NOT NULL;
DROP TABLE pick_scans;
