-- An operator's avatar colour (#rrggbb), shown with their initials to the
-- visitors they attend; empty: the widget's own.
ALTER TABLE operators ADD COLUMN avatar_color TEXT NOT NULL DEFAULT '';
