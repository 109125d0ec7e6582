-- The supervisor's dashboard (issue 14): how long orders take in each
-- stage, and the work done per hour by each packer and station, counted
-- from the history (events, the scan ledger, cartons) as it is written.
-- Triggers keep the counts in the same transaction as the rows they count,
-- whichever code writes them; the statements below count the history
-- written before. store::dashboard reads them. Keep in step with
-- ../postgres/0024_dashboard.sql.

-- Every stage an order went through, with how long it took: one row per
-- order and stage, read from the events. A stage ends the first time the
-- order reaches its milestone (confirmed, picked, packed or packed short,
-- shipped, delivered) and began at the latest milestone before it (the
-- order's creation for "confirm"; confirmed or picked for "pack", so an
-- order packed without a pick list is counted from its confirmation;
-- "latest" is the last recorded).
-- ms is NULL when the order never reached the milestone before (history
-- written before events were), bucket the histogram bar it falls in
-- (store::dashboard::STAGE_EDGES_MINUTES, upper edges, minutes).
CREATE VIEW stage_spans AS
SELECT x.event_id, x.at, x.stage, x.channel, x.station, x.user_name, x.ms,
       CASE WHEN x.ms / 60000 < 1 THEN 0
            WHEN x.ms / 60000 < 2 THEN 1
            WHEN x.ms / 60000 < 3 THEN 2
            WHEN x.ms / 60000 < 5 THEN 3
            WHEN x.ms / 60000 < 7 THEN 4
            WHEN x.ms / 60000 < 10 THEN 5
            WHEN x.ms / 60000 < 15 THEN 6
            WHEN x.ms / 60000 < 20 THEN 7
            WHEN x.ms / 60000 < 30 THEN 8
            WHEN x.ms / 60000 < 45 THEN 9
            WHEN x.ms / 60000 < 60 THEN 10
            WHEN x.ms / 60000 < 90 THEN 11
            WHEN x.ms / 60000 < 120 THEN 12
            WHEN x.ms / 60000 < 180 THEN 13
            WHEN x.ms / 60000 < 240 THEN 14
            WHEN x.ms / 60000 < 360 THEN 15
            WHEN x.ms / 60000 < 480 THEN 16
            WHEN x.ms / 60000 < 720 THEN 17
            WHEN x.ms / 60000 < 960 THEN 18
            WHEN x.ms / 60000 < 1440 THEN 19
            WHEN x.ms / 60000 < 2160 THEN 20
            WHEN x.ms / 60000 < 2880 THEN 21
            WHEN x.ms / 60000 < 4320 THEN 22
            WHEN x.ms / 60000 < 5760 THEN 23
            WHEN x.ms / 60000 < 7200 THEN 24
            WHEN x.ms / 60000 < 10080 THEN 25
            WHEN x.ms / 60000 < 14400 THEN 26
            WHEN x.ms / 60000 < 20160 THEN 27
            WHEN x.ms / 60000 < 30240 THEN 28
            WHEN x.ms / 60000 < 43200 THEN 29
            ELSE 30 END AS bucket
FROM (
    SELECT e.id AS event_id, e.at AS at, o.channel AS channel, e.station AS station,
           e.user_name AS user_name,
           CASE e.kind WHEN 'confirmed' THEN 'confirm' WHEN 'picked' THEN 'pick'
                       WHEN 'shipped' THEN 'ship' WHEN 'delivered' THEN 'deliver'
                       ELSE 'pack' END AS stage,
           e.at - CASE e.kind WHEN 'confirmed' THEN o.created_at ELSE p.at END AS ms
    FROM events e
    JOIN orders o ON o.id = e.order_id
    -- The latest milestone before this one (one index seek per event).
    LEFT JOIN events p ON p.id = (
        SELECT q.id FROM events q
        WHERE q.order_id = e.order_id AND q.id < e.id
          AND ((e.kind = 'picked' AND q.kind = 'confirmed')
            OR (e.kind IN ('packed', 'packed_short') AND q.kind IN ('confirmed', 'picked'))
            OR (e.kind = 'shipped' AND q.kind IN ('packed', 'packed_short'))
            OR (e.kind = 'delivered' AND q.kind = 'shipped'))
        ORDER BY q.id DESC LIMIT 1)
    WHERE e.kind IN ('confirmed', 'picked', 'packed', 'packed_short', 'shipped', 'delivered')
      -- Only the first time the order reached the milestone.
      AND NOT EXISTS (
          SELECT 1 FROM events f WHERE f.order_id = e.order_id AND f.id < e.id
             AND (f.kind = e.kind
                  OR (e.kind IN ('packed', 'packed_short') AND f.kind IN ('packed', 'packed_short'))))
) x;

-- The counts are kept twice: per UTC hour (at / 3600000), and per UTC day
-- (at / 86400000). A range is read from the days it covers whole and the
-- hours at its edges, so a year reads a few hundred thousand rows, not
-- millions; hours of the day and days on the user's clock come from the
-- hours.

-- Stage times per hour (or day) the stage ended, sales channel, station
-- where it ended and histogram bar: n orders.
CREATE TABLE stage_tally (
    hour    INTEGER NOT NULL,
    stage   TEXT NOT NULL,
    channel TEXT NOT NULL,
    station TEXT NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (hour, stage, channel, station, bucket)
) WITHOUT ROWID;

CREATE TABLE stage_days (
    day     INTEGER NOT NULL,
    stage   TEXT NOT NULL,
    channel TEXT NOT NULL,
    station TEXT NOT NULL,
    bucket  INTEGER NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (day, stage, channel, station, bucket)
) WITHOUT ROWID;

-- Work per hour (or day), sales channel, station and person: metric is an
-- event kind (created for created and imported orders; confirmed, picked,
-- packed, packed_short, shipped, delivered, cancelled, returned), units
-- (units packed: accepted scans less undone ones), item_scans (packing
-- scans of an item, accepted or refused), wrong_scans (refused ones:
-- wrong item, extra item, unknown or unreadable code, marking code missing
-- or used), or cartons (cartons closed, less those opened again). The
-- hours are keyed by metric first: the hours of the day and the days read
-- only the metrics they show.
CREATE TABLE work_tally (
    hour      INTEGER NOT NULL,
    metric    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    station   TEXT NOT NULL,
    user_name TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (metric, hour, channel, station, user_name)
) WITHOUT ROWID;

CREATE TABLE work_days (
    day       INTEGER NOT NULL,
    metric    TEXT NOT NULL,
    channel   TEXT NOT NULL,
    station   TEXT NOT NULL,
    user_name TEXT NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (day, metric, channel, station, user_name)
) WITHOUT ROWID;

-- The history written before this migration.
INSERT INTO stage_tally (hour, stage, channel, station, bucket, n)
SELECT at / 3600000, stage, channel, station, bucket, COUNT(*)
FROM stage_spans WHERE ms IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
SELECT e.at / 3600000, CASE e.kind WHEN 'imported' THEN 'created' ELSE e.kind END,
       o.channel, e.station, e.user_name, COUNT(*)
FROM events e JOIN orders o ON o.id = e.order_id
WHERE e.kind IN ('created', 'imported', 'confirmed', 'picked', 'packed', 'packed_short',
                 'shipped', 'delivered', 'cancelled', 'returned')
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
SELECT hour, metric, channel, station, user_name, SUM(n) FROM (
    SELECT s.at / 3600000 AS hour, 'units' AS metric, o.channel AS channel,
           s.station AS station, s.user_name AS user_name, s.units AS n
    FROM scans s JOIN orders o ON o.id = s.order_id WHERE s.units <> 0
    UNION ALL
    SELECT s.at / 3600000, 'item_scans', o.channel, s.station, s.user_name, 1
    FROM scans s JOIN orders o ON o.id = s.order_id
    WHERE s.outcome IN ('accepted', 'wrong_item', 'over_scan', 'unknown_barcode',
                        'invalid_barcode', 'marking_required', 'marking_used')
    UNION ALL
    SELECT s.at / 3600000, 'wrong_scans', o.channel, s.station, s.user_name, 1
    FROM scans s JOIN orders o ON o.id = s.order_id
    WHERE s.outcome IN ('wrong_item', 'over_scan', 'unknown_barcode', 'invalid_barcode',
                        'marking_required', 'marking_used')
    UNION ALL
    SELECT c.closed_at / 3600000, 'cartons', o.channel, c.station, COALESCE(c.closed_by, ''), 1
    FROM cartons c JOIN orders o ON o.id = c.order_id WHERE c.closed_at IS NOT NULL
) w
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO stage_days (day, stage, channel, station, bucket, n)
SELECT hour / 24, stage, channel, station, bucket, SUM(n) FROM stage_tally
GROUP BY 1, 2, 3, 4, 5;

INSERT INTO work_days (day, metric, channel, station, user_name, n)
SELECT hour / 24, metric, channel, station, user_name, SUM(n) FROM work_tally
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER dashboard_event AFTER INSERT ON events
WHEN NEW.order_id IS NOT NULL
 AND NEW.kind IN ('created', 'imported', 'confirmed', 'picked', 'packed', 'packed_short',
                  'shipped', 'delivered', 'cancelled', 'returned')
BEGIN
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, CASE NEW.kind WHEN 'imported' THEN 'created' ELSE NEW.kind END,
           o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, CASE NEW.kind WHEN 'imported' THEN 'created' ELSE NEW.kind END,
           o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO stage_tally (hour, stage, channel, station, bucket, n)
    SELECT at / 3600000, stage, channel, station, bucket, 1
    FROM stage_spans WHERE event_id = NEW.id AND ms IS NOT NULL
    ON CONFLICT (hour, stage, channel, station, bucket) DO UPDATE SET n = n + 1;
    INSERT INTO stage_days (day, stage, channel, station, bucket, n)
    SELECT at / 86400000, stage, channel, station, bucket, 1
    FROM stage_spans WHERE event_id = NEW.id AND ms IS NOT NULL
    ON CONFLICT (day, stage, channel, station, bucket) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_scan AFTER INSERT ON scans
WHEN NEW.order_id IS NOT NULL
BEGIN
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, 'units', o.channel, NEW.station, NEW.user_name, NEW.units
    FROM orders o WHERE o.id = NEW.order_id AND NEW.units <> 0
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, 'units', o.channel, NEW.station, NEW.user_name, NEW.units
    FROM orders o WHERE o.id = NEW.order_id AND NEW.units <> 0
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + excluded.n;
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, 'item_scans', o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.outcome IN ('accepted', 'wrong_item', 'over_scan', 'unknown_barcode',
                          'invalid_barcode', 'marking_required', 'marking_used')
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, 'item_scans', o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.outcome IN ('accepted', 'wrong_item', 'over_scan', 'unknown_barcode',
                          'invalid_barcode', 'marking_required', 'marking_used')
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.at / 3600000, 'wrong_scans', o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.outcome IN ('wrong_item', 'over_scan', 'unknown_barcode', 'invalid_barcode',
                          'marking_required', 'marking_used')
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.at / 86400000, 'wrong_scans', o.channel, NEW.station, NEW.user_name, 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.outcome IN ('wrong_item', 'over_scan', 'unknown_barcode', 'invalid_barcode',
                          'marking_required', 'marking_used')
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + 1;
END;

-- A carton counts when it closes, and no longer when it is opened again
-- (a packed order taken apart): the count is of cartons closed now.
CREATE TRIGGER dashboard_carton_insert AFTER INSERT ON cartons
WHEN NEW.closed_at IS NOT NULL
BEGIN
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.closed_at / 3600000, 'cartons', o.channel, NEW.station, COALESCE(NEW.closed_by, ''), 1
    FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.closed_at / 86400000, 'cartons', o.channel, NEW.station, COALESCE(NEW.closed_by, ''), 1
    FROM orders o WHERE o.id = NEW.order_id
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER dashboard_carton_update AFTER UPDATE OF closed_at, closed_by, station ON cartons
WHEN OLD.closed_at IS NOT NEW.closed_at OR OLD.closed_by IS NOT NEW.closed_by
  OR OLD.station IS NOT NEW.station
BEGIN
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT OLD.closed_at / 3600000, 'cartons', o.channel, OLD.station, COALESCE(OLD.closed_by, ''), -1
    FROM orders o WHERE o.id = OLD.order_id AND OLD.closed_at IS NOT NULL
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n - 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT OLD.closed_at / 86400000, 'cartons', o.channel, OLD.station, COALESCE(OLD.closed_by, ''), -1
    FROM orders o WHERE o.id = OLD.order_id AND OLD.closed_at IS NOT NULL
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n - 1;
    INSERT INTO work_tally (hour, metric, channel, station, user_name, n)
    SELECT NEW.closed_at / 3600000, 'cartons', o.channel, NEW.station, COALESCE(NEW.closed_by, ''), 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.closed_at IS NOT NULL
    ON CONFLICT (metric, hour, channel, station, user_name) DO UPDATE SET n = n + 1;
    INSERT INTO work_days (day, metric, channel, station, user_name, n)
    SELECT NEW.closed_at / 86400000, 'cartons', o.channel, NEW.station, COALESCE(NEW.closed_by, ''), 1
    FROM orders o WHERE o.id = NEW.order_id AND NEW.closed_at IS NOT NULL
    ON CONFLICT (day, metric, channel, station, user_name) DO UPDATE SET n = n + 1;
END;

-- Orders per status now in one sales channel, and the longest waiting of
-- a channel, from an index rather than every order of the status.
CREATE INDEX orders_channel_status ON orders(channel, status, status_changed_at);
