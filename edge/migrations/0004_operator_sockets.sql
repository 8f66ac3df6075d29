-- The conversations an operator's session has a socket open on, so that
-- signing out reaches those sockets at once (the conversation objects close
-- them). A row outlives its socket until the session signs out; it only
-- costs a call to an object that no longer holds the socket.
CREATE TABLE operator_sockets (
    session_digest  TEXT NOT NULL,
    operator_id     TEXT NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    conversation_id TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    PRIMARY KEY (session_digest, conversation_id)
);
CREATE INDEX operator_sockets_by_operator ON operator_sockets (operator_id);
