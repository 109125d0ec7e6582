-- On SQLite the hourly counts are a WITHOUT ROWID table: its rows already
-- live in the key's order, so a grouping reads adjacent pages. This
-- migration keeps the two engines' numbering in step with PostgreSQL's
-- 0033, which makes its key carry the count.
SELECT 1;
