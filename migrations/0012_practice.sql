-- 0012: practice between sessions. What a person wants to practise until the next session (an
-- intention, from the question after a session or /practice), the questions that come back to
-- it (check-ins) and to a small experiment (its outcome), and the experiments themselves.
-- Every table names its person and goes with them (ON DELETE CASCADE), so /delete erases it.

-- An intention, in the person's own words. `entry_id`: the answer it came from (its words follow
-- edits of that answer); `delivery_id`: the question that asked it (one practice per question).
CREATE TABLE practices (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    text        TEXT NOT NULL,
    entry_id    INTEGER REFERENCES entries (id) ON DELETE SET NULL,
    delivery_id INTEGER UNIQUE REFERENCES deliveries (id) ON DELETE SET NULL,
    state       TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'let_go')),
    created_at  TEXT NOT NULL,
    closed_at   TEXT
) STRICT;

CREATE INDEX practices_user ON practices (user_id, state);

-- A small experiment: what the person will try, what they expect, how sure they are (0-100),
-- when to ask how it went (`check_at`; NULL while it is being set up), when that question went
-- (`asked_at`: at most once), and what they learned.
CREATE TABLE experiments (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    try_text    TEXT,
    expect_text TEXT,
    sure        INTEGER CHECK (sure BETWEEN 0 AND 100),
    check_at    TEXT,
    asked_at    TEXT,
    learned     TEXT,
    created_at  TEXT NOT NULL
) STRICT;

CREATE INDEX experiments_user ON experiments (user_id, check_at);

-- A question that came back to a practice (kind 'checkin') or asked how an experiment went
-- ('outcome'). Answers to that delivery and prompt are filed under it; `outcome` 'not_yet' is
-- the "Didn't get to it" button.
CREATE TABLE practice_questions (
    delivery_id   INTEGER PRIMARY KEY REFERENCES deliveries (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES people (user_id) ON DELETE CASCADE,
    prompt_id     TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('checkin', 'outcome')),
    practice_id   INTEGER REFERENCES practices (id) ON DELETE CASCADE,
    experiment_id INTEGER REFERENCES experiments (id) ON DELETE CASCADE,
    outcome       TEXT CHECK (outcome IN ('not_yet')),
    outcome_at    TEXT,
    CHECK ((kind = 'checkin') = (practice_id IS NOT NULL)),
    CHECK ((kind = 'outcome') = (experiment_id IS NOT NULL))
) STRICT;

CREATE INDEX practice_questions_user ON practice_questions (user_id, delivery_id);
