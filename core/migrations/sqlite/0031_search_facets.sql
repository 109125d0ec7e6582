-- Customer words with the order's facets (issue 10): a search narrowed by
-- status, payment state, channel or delivery method is answered by the
-- full-text index alone, which intersects the word's orders with the
-- facets' instead of reading every order of a common surname newest first
-- and checking the rest on each. Keep in step with
-- ../postgres/0031_search_facets.sql.
--
-- A facet is one token: U+E000 (a private-use character, which the
-- tokenizer keeps inside a word and which a typed query never holds:
-- domain::search drops everything that is not a letter or a digit), a
-- letter for the column (s, p, c, d) and the value's UTF-8 bytes in
-- lower-case hex (so "Ozon FBS" stays one token). store::order_query
-- builds the same tokens (`facet_token`).
ALTER TABLE orders ADD COLUMN search_facets TEXT GENERATED ALWAYS AS (
    char(57344) || 's' || lower(hex(status)) || ' ' ||
    char(57344) || 'p' || lower(hex(payment_status)) || ' ' ||
    char(57344) || 'c' || lower(hex(channel)) || ' ' ||
    char(57344) || 'd' || lower(hex(delivery_method))
) VIRTUAL;

DROP TRIGGER orders_fts_insert;
DROP TRIGGER orders_fts_delete;
DROP TRIGGER orders_fts_update;
DROP TABLE orders_fts;

-- detail=none: the search asks whether an order has a word (or a word's
-- prefix), never where in the text; without positions the index is
-- smaller and each order's insert cheaper.
CREATE VIRTUAL TABLE orders_fts USING fts5(
    search_text,
    search_facets,
    content = 'orders',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '2 3',
    detail = none
);
INSERT INTO orders_fts(orders_fts) VALUES ('rebuild');

CREATE TRIGGER orders_fts_insert AFTER INSERT ON orders BEGIN
    INSERT INTO orders_fts(rowid, search_text, search_facets)
    VALUES (new.id, new.search_text, new.search_facets);
END;
CREATE TRIGGER orders_fts_delete AFTER DELETE ON orders BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, search_text, search_facets)
    VALUES ('delete', old.id, old.search_text, old.search_facets);
END;
CREATE TRIGGER orders_fts_update
AFTER UPDATE OF search_text, status, payment_status, channel, delivery_method ON orders
WHEN old.search_text IS NOT new.search_text OR old.search_facets IS NOT new.search_facets
BEGIN
    INSERT INTO orders_fts(orders_fts, rowid, search_text, search_facets)
    VALUES ('delete', old.id, old.search_text, old.search_facets);
    INSERT INTO orders_fts(rowid, search_text, search_facets)
    VALUES (new.id, new.search_text, new.search_facets);
END;
