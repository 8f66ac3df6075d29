-- The random key a visitor's browser keeps, so operators see the visitor's
-- earlier conversations on a channel. NULL for conversations started before
-- it existed, or by a widget that does not send one.
ALTER TABLE conversations ADD COLUMN visitor_key TEXT;
CREATE INDEX conversations_by_visitor ON conversations (channel_id, visitor_key)
    WHERE visitor_key IS NOT NULL;
