-- 0009: the asks Between can wait for are listed in the code (services/conversation.Ask), so a
-- journey that asks for something new (a safety plan step, an experiment's prediction) does not
-- rebuild this table. `about` says which thing the reply is for when an ask has several (which
-- safety plan step, which experiment); NULL when the ask says it all.

CREATE TABLE conversations_new (
    user_id     INTEGER PRIMARY KEY REFERENCES people (user_id) ON DELETE CASCADE,
    waiting_for TEXT NOT NULL CHECK (waiting_for <> ''),
    about       TEXT,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE CASCADE,
    opened_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    refused     INTEGER NOT NULL DEFAULT 0,
    CHECK ((waiting_for = 'answer') = (delivery_id IS NOT NULL))
) STRICT;

INSERT INTO conversations_new (user_id, waiting_for, delivery_id, opened_at, expires_at, refused)
SELECT user_id, waiting_for, delivery_id, opened_at, expires_at, refused FROM conversations;

DROP TABLE conversations;

ALTER TABLE conversations_new RENAME TO conversations;
