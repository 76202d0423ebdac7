"""The mood scale: five steps, each with its words. Every place that shows a mood reads them here
(the templates reach them as ``MOOD_WORDS``, already in the person's language)."""

from __future__ import annotations

from bot.i18n import N_

MOOD_SCORES = range(1, 6)
MOOD_WORDS = {1: N_("very low"), 2: N_("low"), 3: N_("okay"), 4: N_("good"), 5: N_("very good")}
