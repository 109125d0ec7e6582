-- Live stations: on SQLite every station is a window on the same machine,
-- and a watcher reads `PRAGMA data_version` on a connection of its own
-- (it changes whenever another connection commits), so the schema needs
-- nothing. This migration keeps the two engines' numbering in step with
-- PostgreSQL's 0021, which adds the LISTEN/NOTIFY triggers.
SELECT 1;
