"""The mood scale: five steps, each with its words. Every place that shows a mood reads them here
(the templates reach them as ``MOOD_WORDS``)."""

from __future__ import annotations

MOOD_SCORES = range(1, 6)
MOOD_WORDS = {1: "very low", 2: "low", 3: "okay", 4: "good", 5: "very good"}
