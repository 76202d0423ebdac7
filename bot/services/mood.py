"""Journey 4, the mood check-in: reading a score and keeping it once per message it came from."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.errors import BadInput
from bot.mood import MOOD_SCORES
from bot.store import moods, people
from bot.store.db import Database

# A mood button pressed much later would log a feeling for a moment long gone.
MOOD_BUTTON_LIFETIME = timedelta(hours=12)


def parse_mood(text: str) -> int:
    """A mood score 1..5 as typed after /mood: in any script's digits ("4", a full-width "４",
    an Arabic-Indic "٤"), not as a superscript or a circled number, which only look like one."""
    cleaned = text.strip()
    # isdecimal(), not isdigit(): "²" and "①" are digits to isdigit() but int() refuses them.
    if cleaned.isdecimal() and int(cleaned) in MOOD_SCORES:
        return int(cleaned)
    raise BadInput("mood_invalid", text=cleaned[:30])


async def log(
    db: Database,
    user_id: int,
    language_code: str | None,
    score: int,
    *,
    when: datetime,
    chat_id: int,
    message_id: int,
    now: datetime,
) -> bool:
    """Store a mood, once per message it came from (a retry or a replay stores it once).

    Returns False when that message had given one already.
    """
    if score not in MOOD_SCORES:
        raise BadInput("mood_invalid", text=str(score))
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, language_code, now)
        return await moods.add(conn, user_id, score, when, chat_id=chat_id, message_id=message_id)
