-- Messages visitors leave outside a channel's office hours
-- (shared/src/api.rs `OfflineMessage`), for its operators to answer by
-- e-mail. They go with their channel.
CREATE TABLE offline_messages (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL,
    text       TEXT NOT NULL,
    language   TEXT NOT NULL,
    page       TEXT,
    created_at INTEGER NOT NULL,
    read       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX offline_messages_by_channel ON offline_messages (channel_id, created_at DESC);
