-- Customer words with the order's facets (issue 10): a search narrowed by
-- status, payment state, channel or delivery method is answered by the
-- text index alone, which intersects the word's orders with the facets'
-- instead of walking the newest orders and checking each. Keep in step
-- with ../sqlite/0031_search_facets.sql.
--
-- A facet is one lexeme, taken as it is (array_to_tsvector parses
-- nothing): U+E000 (a private-use character no typed query holds:
-- domain::search drops everything that is not a letter or a digit), a
-- letter for the column (s, p, c, d) and the value. store::order_query
-- builds the same lexemes (`facet_token`).
DROP INDEX orders_search;
ALTER TABLE orders DROP COLUMN search_tsv;
ALTER TABLE orders ADD COLUMN search_tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple', search_text) || array_to_tsvector(ARRAY[
        chr(57344) || 's' || status,
        chr(57344) || 'p' || payment_status,
        chr(57344) || 'c' || channel,
        chr(57344) || 'd' || delivery_method
    ])
) STORED;
CREATE INDEX orders_search ON orders USING gin (search_tsv);

-- The range filters' indexes hold the id too: a page's ids are read from
-- the index alone (store::order_query::page_sql), not from a random heap
-- page per match. SQLite's indexes hold the rowid already.
DROP INDEX orders_created;
CREATE INDEX orders_created ON orders(created_at, id);
DROP INDEX orders_total;
CREATE INDEX orders_total ON orders(total_minor, id);
DROP INDEX orders_units;
CREATE INDEX orders_units ON orders(units, id);
DROP INDEX orders_delivery_cost;
CREATE INDEX orders_delivery_cost ON orders(delivery_cost_minor, id);

-- The planner weighs the facets by their frequency in the statistics.
ANALYZE orders;
