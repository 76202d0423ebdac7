"""Journey 7, safety: a message that suggests crisis gets crisis resources at once."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BetweenContext
from bot.handlers.common import reply, user_id
from bot.store import people
from bot.timezones import country_for_timezone

log = logging.getLogger(__name__)


def suggests_crisis(context: BetweenContext, text: str | None) -> bool:
    """Whether a message suggests crisis or self-harm (a phrase list; no scoring, no diagnosis).

    Every message is checked on its own, so an earlier "that's not what I meant" never
    suppresses the answer.
    """
    return bool(text) and context.resources.detector.check(text or "").matched


async def send_crisis_resources(update: Update, context: BetweenContext) -> None:
    """Reply at once with crisis resources for the person's country or language.

    The message itself is stored by the caller exactly as written.
    """
    async with context.db.read() as conn:
        person = await people.get(conn, user_id(update))
    country = country_for_timezone(person.zone) if person and person.zone else None
    user = update.effective_user
    options = context.resources.crisis_resources.for_person(user.language_code if user else None, country)
    log.info("update %s: crisis resources sent", update.update_id)  # never the text
    await reply(update, context.renderer.render("crisis.j2", resources=options))
