-- The scan ledger's work counts (0024) in two statements instead of four
-- (an accepted or refused item scan): one upsert into the hours and one
-- into the days, each with every metric the scan counts for (units,
-- item_scans, wrong_scans). The counts are the same as before; this is on
-- the packer's path (issue 12, scan p99). Keep in step with
-- ../sqlite/0035_scan_tally_once.sql.

CREATE OR REPLACE FUNCTION dashboard_scan() RETURNS trigger LANGUAGE plpgsql
SET enable_seqscan = off AS $$
DECLARE
    ch TEXT;
    item BOOLEAN := NEW.outcome IN ('accepted', 'wrong_item', 'over_scan', 'unknown_barcode',
                                    'invalid_barcode', 'marking_required', 'marking_used');
    wrong BOOLEAN := NEW.outcome IN ('wrong_item', 'over_scan', 'unknown_barcode',
                                     'invalid_barcode', 'marking_required', 'marking_used');
BEGIN
    IF NEW.units = 0 AND NOT item THEN
        RETURN NULL;
    END IF;
    SELECT o.channel INTO ch FROM orders o WHERE o.id = NEW.order_id;
    IF ch IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, m.metric, ch, NEW.station, NEW.user_name, m.n
    FROM (VALUES ('units', NEW.units, NEW.units <> 0), ('item_scans', 1, item),
                 ('wrong_scans', 1, wrong)) AS m(metric, n, counts)
    WHERE m.counts
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = work_tally.n + excluded.n;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, m.metric, ch, NEW.station, NEW.user_name, m.n
    FROM (VALUES ('units', NEW.units, NEW.units <> 0), ('item_scans', 1, item),
                 ('wrong_scans', 1, wrong)) AS m(metric, n, counts)
    WHERE m.counts
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = work_days.n + excluded.n;
    RETURN NULL;
END
$$;
