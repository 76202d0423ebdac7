-- 0004: the therapy schedule, sessions that happened, and what each recap window covers.
--
-- session_plans: at most one per person: the next session (UTC instant), its wall-clock time
-- and repetition (0 = once, 7 = weekly, 14 = every two weeks) so a repeating session rolls
-- forward in the person's zone (DST-safe, with the reminder arithmetic). recap_due is when the
-- automatic recap should go (next_at minus the operator's lead time); it is cleared in the same
-- transaction that claims the recap, so it goes at most once per session.
--
-- sessions_held: sessions that happened (/session done, or the planned time passing). The
-- latest one starts the next recap window; flagged entries not yet discussed carry over.
--
-- people.practice_due: set when a session happened; the next reminder asks what the person
-- wants to practise, then clears it.

ALTER TABLE people ADD COLUMN practice_due INTEGER NOT NULL DEFAULT 0;

CREATE TABLE session_plans (
    user_id     INTEGER PRIMARY KEY REFERENCES people (user_id) ON DELETE CASCADE,
    next_at     TEXT NOT NULL,
    local_time  TEXT NOT NULL CHECK (local_time GLOB '[0-2][0-9]:[0-5][0-9]'),
    repeat_days INTEGER NOT NULL DEFAULT 0 CHECK (repeat_days IN (0, 7, 14)),
    recap_due   TEXT,
    updated_at  TEXT NOT NULL
) STRICT;

CREATE INDEX session_plans_recap_due ON session_plans (recap_due) WHERE recap_due IS NOT NULL;
CREATE INDEX session_plans_next_at ON session_plans (next_at);

CREATE TABLE sessions_held (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    happened_at TEXT NOT NULL
) STRICT;

CREATE INDEX sessions_held_user ON sessions_held (user_id, happened_at);
