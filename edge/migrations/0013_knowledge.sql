-- A channel's knowledge base: one row per article and language. The AI
-- assistant answers from the published ones; the help page lists them.
CREATE TABLE kb_articles (
    channel_id TEXT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',
    published INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel_id, slug, language)
);
