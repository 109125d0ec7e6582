-- People: users with roles and a hashed PIN or password, badges, lock-out
-- after failed log-ins, per-user API tokens for scripts, and the second
-- person (a supervisor's approval) on an event. Keep in step with
-- ../postgres/0011_users.sql.

CREATE TABLE users (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- Folded to lower case (domain::access::fold_login).
    login       TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    -- Comma-separated role names (domain::access::Role).
    roles       TEXT NOT NULL,
    -- Comma-separated sales channels a manager works; '' = every channel.
    channels    TEXT NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- 'pin' or 'password'; the hash is an argon2id PHC string.
    secret_kind TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    -- SHA-256 of the badge barcode, hex; NULL = no badge.
    badge_hash  TEXT UNIQUE,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- Failed log-ins per typed login, known or not, so the answer never tells
-- whether a user exists.
CREATE TABLE login_failures (
    login        TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until INTEGER
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    -- SHA-256 of the token's secret part, hex.
    secret_hash  TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);

ALTER TABLE events ADD COLUMN approved_by TEXT;
CREATE INDEX events_at ON events(at, id);
CREATE INDEX events_user ON events(user_name, id);
