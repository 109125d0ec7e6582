-- Live stations: every committed event or scan tells the other stations
-- which orders changed, through LISTEN/NOTIFY on the channel
-- `packbench_changes`. One notification per statement (a bulk import's chunk
-- is one), delivered at commit and in commit order, so a listener never
-- misses a change that committed late with a lower id. The payload is a JSON
-- array of order numbers, or "*" when the list would not fit in
-- PostgreSQL's 8000-byte payload (the listener then reads the change feed).
CREATE FUNCTION packbench_notify_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    numbers text;
BEGIN
    SELECT json_agg(DISTINCT o.number)::text INTO numbers
      FROM changed c JOIN orders o ON o.id = c.order_id;
    IF numbers IS NULL THEN
        RETURN NULL;
    END IF;
    IF octet_length(numbers) > 7900 THEN
        numbers := '*';
    END IF;
    PERFORM pg_notify('packbench_changes', numbers);
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify_changes
    AFTER INSERT ON events REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION packbench_notify_changes();

CREATE TRIGGER scans_notify_changes
    AFTER INSERT ON scans REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION packbench_notify_changes();
