-- 0002: reminders, pauses, and the outbox of prompts.
--
-- reminders: wall-clock times in the person's zone ("20:30" + weekdays as a bit mask, Monday =
-- bit 0). next_due is the next instant it fires, in UTC, recomputed from the wall-clock time
-- whenever it fires or the zone changes; the dispatcher finds due reminders through its index,
-- so the cost of a wake-up follows what is due, not how many people there are.
--
-- deliveries: every prompt Between sent or decided not to send. UNIQUE (reminder_id, due_at)
-- is what makes a reminder fire at most once per due instant, across restarts and crashes:
-- the row is claimed (inserted) in the same transaction that advances next_due, before sending.
-- message_id links a Telegram reply back to the prompt it answers. A snoozed prompt ("Later")
-- is a 'scheduled' delivery that the dispatcher claims when its due_at comes.

ALTER TABLE people ADD COLUMN paused_until TEXT;          -- UTC instant; NULL = not paused
ALTER TABLE people ADD COLUMN paused_indefinitely INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;  -- 0 after Telegram said 403

CREATE TABLE reminders (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    at         TEXT NOT NULL CHECK (at GLOB '[0-2][0-9]:[0-5][0-9]'),
    days       INTEGER NOT NULL CHECK (days BETWEEN 1 AND 127),
    next_due   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, at, days)
) STRICT;

CREATE INDEX reminders_due ON reminders (next_due);
CREATE INDEX reminders_user ON reminders (user_id);

CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    reminder_id INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
    kind        TEXT NOT NULL DEFAULT 'prompt' CHECK (kind IN ('prompt', 'snooze', 'on_demand')),
    due_at      TEXT NOT NULL,
    prompt_id   TEXT,
    state       TEXT NOT NULL
                CHECK (state IN ('scheduled', 'claimed', 'sent', 'skipped', 'missed', 'failed')),
    message_id  INTEGER,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    UNIQUE (reminder_id, due_at)
) STRICT;

CREATE INDEX deliveries_user_sent ON deliveries (user_id, sent_at);
CREATE INDEX deliveries_message ON deliveries (user_id, message_id);
CREATE INDEX deliveries_open ON deliveries (state, due_at) WHERE state IN ('scheduled', 'claimed');
CREATE INDEX people_pause_end ON people (paused_until) WHERE paused_until IS NOT NULL;
