-- Conversations between two operators (no visitor): the two account ids,
-- sorted and joined by a space. NULL for a visitor's conversation. Only
-- the two of them are admitted, admins included, and the dashboard does
-- not count these.
ALTER TABLE conversations ADD COLUMN direct TEXT;
