-- 0003: what people write: entries (answers and free notes) and moods.
--
-- entries: one row per Telegram message, UNIQUE (chat_id, message_id), so a message delivered
-- twice is stored once. delivery_id links an answer to the prompt it answers (NULL: a free
-- note); several messages in a row share it. text is the current text (the caption for media);
-- first_text keeps the original when the person edits, for the export. Media keep Telegram's
-- file id, never the file itself.

CREATE TABLE entries (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    delivery_id INTEGER REFERENCES deliveries (id) ON DELETE SET NULL,
    prompt_id   TEXT,
    kind        TEXT NOT NULL CHECK (kind IN ('text', 'voice', 'photo', 'sticker', 'document',
                                              'video', 'audio', 'bring')),
    text        TEXT,
    first_text  TEXT,
    file_id     TEXT,
    written_at  TEXT NOT NULL,
    edited_at   TEXT,
    bring       INTEGER NOT NULL DEFAULT 0,
    discussed_at TEXT,
    UNIQUE (chat_id, message_id)
) STRICT;

CREATE INDEX entries_user_written ON entries (user_id, written_at);
CREATE INDEX entries_delivery ON entries (delivery_id);
CREATE INDEX entries_bring ON entries (user_id) WHERE bring = 1 AND discussed_at IS NULL;

CREATE TABLE moods (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    score      INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    logged_at  TEXT NOT NULL
) STRICT;

CREATE INDEX moods_user_logged ON moods (user_id, logged_at);
