-- 0010: the WHO-5 wellbeing check-in (/wellbeing, docs/wellbeing.md).
--
-- A score is written only when the fifth item is answered, in the same transaction that closes
-- the check-in: a person who stops half-way has no row here. `run` names one check-in (set when
-- it starts), so a second press of the last button, or a replay, finds its row already there.
-- `answers` keeps the five item answers (0-5 each, in item order); `raw` is their sum (0-25), the
-- percentage shown is raw x 4.
CREATE TABLE wellbeing_scores (
    id        INTEGER PRIMARY KEY,
    user_id   INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    run       TEXT NOT NULL CHECK (run <> ''),
    answers   TEXT NOT NULL CHECK (answers GLOB '[0-5][0-5][0-5][0-5][0-5]'),
    raw       INTEGER NOT NULL CHECK (raw BETWEEN 0 AND 25),
    taken_at  TEXT NOT NULL,
    UNIQUE (user_id, run)
) STRICT;

CREATE INDEX wellbeing_scores_by_person ON wellbeing_scores (user_id, taken_at);

-- Whether the check-in is offered, off unless the person turns it on in /settings: every 14 days
-- at their reminder time (`every_two_weeks`), and the day before a session (`before_session`).
-- `offered_at` is when it was last offered, so an offer goes at most once per stretch.
CREATE TABLE wellbeing_offers (
    user_id          INTEGER PRIMARY KEY REFERENCES people (user_id) ON DELETE CASCADE,
    every_two_weeks  INTEGER NOT NULL DEFAULT 0 CHECK (every_two_weeks IN (0, 1)),
    before_session   INTEGER NOT NULL DEFAULT 0 CHECK (before_session IN (0, 1)),
    offered_at       TEXT
) STRICT;
