-- Every order's page lists the orders split off it (split_from) and a
-- sub-status's removal counts the orders in it; without an index both read
-- the whole orders table (a second per page at a million orders). Only the
-- few rows that have a value are indexed. Keep in step with
-- ../postgres/0015_split_index.sql.

CREATE INDEX orders_split_from ON orders(split_from) WHERE split_from IS NOT NULL;
CREATE INDEX orders_sub_status ON orders(sub_status) WHERE sub_status IS NOT NULL;
