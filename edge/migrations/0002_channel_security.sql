-- Who may embed a channel, whether its visitors must be signed in, and the
-- key customers sign their users' ids with (see shared/src/identity.rs).
-- An empty secret is replaced by a random one the first time an admin reads
-- the channel's security settings.
ALTER TABLE channels ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE channels ADD COLUMN require_identity INTEGER NOT NULL DEFAULT 0;
ALTER TABLE channels ADD COLUMN identity_secret TEXT NOT NULL DEFAULT '';
