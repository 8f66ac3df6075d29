-- Channel rules (shared/src/channel.rs `Rule`) as a JSON array, first match
-- decides. The options column now holds `ChannelOptions` with colours and
-- per-language texts.
ALTER TABLE channels ADD COLUMN rules TEXT NOT NULL DEFAULT '[]';
