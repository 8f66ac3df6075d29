-- Accounts, channels and the index of conversations: what the edge has to
-- query across conversations. Each conversation's messages live in its own
-- Durable Object, not here.

CREATE TABLE channels (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    -- ChannelOptions (shared/src/api.rs) as JSON; missing fields take defaults.
    options    TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

CREATE TABLE operators (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'operator')),
    -- shared/src/password.rs format; never the password itself.
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE channel_operators (
    channel_id  TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    operator_id TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    PRIMARY KEY (channel_id, operator_id)
);

CREATE TABLE sessions (
    -- SHA-256 of the session token; the token itself is only in the cookie.
    token_digest TEXT PRIMARY KEY,
    operator_id  TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_operator ON sessions (operator_id);

CREATE TABLE conversations (
    id         TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels (id),
    created_at INTEGER NOT NULL
);
CREATE INDEX conversations_by_channel ON conversations (channel_id, created_at);
