-- Accounts admins manage from the console: the name visitors see (empty:
-- the account's name), and whether the password is still the one an admin
-- gave, which its owner must replace before anything else.
ALTER TABLE operators ADD COLUMN chat_name TEXT NOT NULL DEFAULT '';
ALTER TABLE operators ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
