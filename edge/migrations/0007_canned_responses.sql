-- Canned responses: a shortcut operators type after ":" and the text it
-- stands for. `scope` is a channel's id, or '*' for every channel (no
-- channel id can be '*'); a channel's entry overrides a global one.
CREATE TABLE canned_responses (
    scope    TEXT NOT NULL,
    shortcut TEXT NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (scope, shortcut)
);
