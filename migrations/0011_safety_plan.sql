-- 0011: the person's own safety plan (Stanley & Brown 2012; docs/safety-plan.md), and the one
-- calm offer to make one after a crisis reply went to someone without a plan.
--
-- safety_plan_steps: one row per step the person wrote something for (1 warning signs, 2 things I
-- can do on my own, 3 people and places that help, 4 people I can ask for help, 5 professionals
-- and services, 6 making my surroundings safer, 7 reasons for living). A skipped step has no row.
-- The text is the person's words (several messages joined by line breaks); last_message_id is
-- the Telegram message last added, so a redelivered message is not added twice.
-- Never a journal note: these rows are not entries, not in the recap, only in /export.

CREATE TABLE safety_plan_steps (
    user_id         INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    step            INTEGER NOT NULL CHECK (step BETWEEN 1 AND 7),
    text            TEXT NOT NULL CHECK (text <> ''),
    last_message_id INTEGER,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, step)
) STRICT;

-- crisis_at: when a crisis reply went to the person while they had no plan; offered_at: when
-- the offer to make one was made (once: never again after that).
CREATE TABLE safety_plan_offers (
    user_id    INTEGER PRIMARY KEY REFERENCES people (user_id) ON DELETE CASCADE,
    crisis_at  TEXT NOT NULL,
    offered_at TEXT
) STRICT;
