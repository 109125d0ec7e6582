-- The scan ledger's work counts (0024) in two statements instead of six:
-- one upsert into the hours and one into the days, each with every metric
-- the scan counts for (units, item_scans, wrong_scans). The counts are the
-- same as before; a scan runs its trigger once per row, and this is on the
-- packer's path (issue 12, scan p99). Keep in step with
-- ../postgres/0035_scan_tally_once.sql.

DROP TRIGGER dashboard_scan;
CREATE TRIGGER dashboard_scan AFTER INSERT ON scans
WHEN NEW.order_id IS NOT NULL
BEGIN
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, m.metric, o.channel, NEW.station, NEW.user_name, m.n
    FROM orders o,
         (SELECT 'units' AS metric, NEW.units AS n WHERE NEW.units <> 0
          UNION ALL
          SELECT 'item_scans', 1 WHERE NEW.outcome IN ('accepted', 'wrong_item', 'over_scan',
              'unknown_barcode', 'invalid_barcode', 'marking_required', 'marking_used')
          UNION ALL
          SELECT 'wrong_scans', 1 WHERE NEW.outcome IN ('wrong_item', 'over_scan',
              'unknown_barcode', 'invalid_barcode', 'marking_required', 'marking_used')) m
    WHERE o.id = NEW.order_id
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, m.metric, o.channel, NEW.station, NEW.user_name, m.n
    FROM orders o,
         (SELECT 'units' AS metric, NEW.units AS n WHERE NEW.units <> 0
          UNION ALL
          SELECT 'item_scans', 1 WHERE NEW.outcome IN ('accepted', 'wrong_item', 'over_scan',
              'unknown_barcode', 'invalid_barcode', 'marking_required', 'marking_used')
          UNION ALL
          SELECT 'wrong_scans', 1 WHERE NEW.outcome IN ('wrong_item', 'over_scan',
              'unknown_barcode', 'invalid_barcode', 'marking_required', 'marking_used')) m
    WHERE o.id = NEW.order_id
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + excluded.n;
END;
