-- 0001: people and the durable inbox.
--
-- people: one row per Telegram user who talked to Between in a private chat. The user id is also
-- the private chat id. We keep no names: a greeting uses the name Telegram sends with each update.
-- zone is an IANA name ("Europe/Berlin") or a fixed offset ("UTC+05:45"); NULL until onboarding.
-- awaiting names the answer the bot asked for last ("zone", ...), so a plain reply is understood
-- after a restart too (conversation state lives here, not in memory).
--
-- inbox: every update is committed here before Telegram is told it was received, and a row stays
-- until its handler finished. payload (the update as Telegram sent it, which may hold what a person
-- wrote) is cleared when the update is done; done rows keep only their id for two days, so an
-- update Telegram delivers again is recognised and not handled twice.

CREATE TABLE people (
    user_id       INTEGER PRIMARY KEY,
    language_code TEXT,
    zone          TEXT,
    awaiting      TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    chat_id     INTEGER,
    payload     TEXT,
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    received_at TEXT NOT NULL,
    done_at     TEXT
) STRICT;

CREATE INDEX inbox_pending ON inbox (state, update_id) WHERE state != 'done';
CREATE INDEX inbox_done_at ON inbox (done_at) WHERE state = 'done';
CREATE INDEX inbox_chat ON inbox (chat_id);
