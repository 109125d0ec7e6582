-- The print queue across a crash and a printer that comes back.
-- sending_since: set (atomically, as a lease) just before lp runs and
-- cleared with the outcome; a job still marked after the station restarts
-- may have printed, so it is never sent again by itself.
-- next_attempt_at: when a failed job is tried again by itself (backing
-- off); NULL = not by itself.
ALTER TABLE print_jobs ADD COLUMN sending_since BIGINT;
ALTER TABLE print_jobs ADD COLUMN next_attempt_at BIGINT;
CREATE INDEX print_jobs_due ON print_jobs(station, next_attempt_at) WHERE next_attempt_at IS NOT NULL;
