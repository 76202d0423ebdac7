-- 0007: a person's choice to have the one-tap mood scale ride along with every prompt
-- (/settings). Off by default: a mood check-in is offered, never asked of everyone.

ALTER TABLE people ADD COLUMN mood_with_prompts INTEGER NOT NULL DEFAULT 0;
