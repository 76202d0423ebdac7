-- 0005: who may use Between. An operator may limit it to a list of user ids (a setting) or to
-- people who open an invite link. invites holds the codes `between invite` printed: how often
-- each may be used and until when. people.admitted marks someone who came in through one.

ALTER TABLE people ADD COLUMN admitted INTEGER NOT NULL DEFAULT 0;

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    max_uses   INTEGER NOT NULL CHECK (max_uses >= 1),
    uses       INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT,
    created_at TEXT NOT NULL
) STRICT;
