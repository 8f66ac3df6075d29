-- A channel's own language model for its assistant, instead of the
-- installation's. The key is only ever read by the edge.
CREATE TABLE channel_models (
    channel_id TEXT PRIMARY KEY REFERENCES channels (id) ON DELETE CASCADE,
    base_url TEXT NOT NULL,
    model TEXT NOT NULL,
    api_key TEXT NOT NULL DEFAULT ''
);
