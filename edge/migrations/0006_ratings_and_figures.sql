-- Ratings, and the moments of each conversation the dashboard's figures are
-- made of (shared/src/rating.rs computes them). The conversation objects
-- write these as they happen; the transcript itself stays in the object.

-- When the visitor first wrote, when an operator first answered, when it
-- ended. NULL until it happens.
ALTER TABLE conversations ADD COLUMN first_visitor_at INTEGER;
ALTER TABLE conversations ADD COLUMN first_response_at INTEGER;
ALTER TABLE conversations ADD COLUMN ended_at INTEGER;

-- One rating per conversation: a visitor who rates again replaces it.
CREATE TABLE ratings (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL UNIQUE,
    channel_id      TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    -- The operator who answered last before the rating, if any did.
    operator_id     TEXT,
    operator_name   TEXT,
    visitor         TEXT NOT NULL,
    rating          TEXT NOT NULL CHECK (rating IN ('satisfied', 'neutral', 'dissatisfied')),
    reason          TEXT,
    -- 1: "visible internally only", left off the public page.
    hidden          INTEGER NOT NULL DEFAULT 0,
    at              INTEGER NOT NULL
);
CREATE INDEX ratings_by_channel ON ratings (channel_id, at DESC);
