"""Journey 7, safety: a message that suggests crisis gets crisis resources at once."""

from __future__ import annotations

import logging

from telegram import Update

from bot.context import BetweenContext
from bot.handlers.common import language, user_id
from bot.services import safety as service
from bot.services import safety_plan
from bot.views.replies import reply
from bot.views.safety_plan import crisis_reply

log = logging.getLogger(__name__)


def suggests_crisis(context: BetweenContext, text: str | None) -> bool:
    """Whether a message suggests crisis or self-harm (a phrase list; no scoring, no diagnosis).

    Every message is checked on its own, so an earlier "that's not what I meant" never
    suppresses the answer.
    """
    return bool(text) and context.resources.detector.check(text or "").matched


async def send_crisis_resources(update: Update, context: BetweenContext) -> None:
    """Reply at once with crisis resources for the person's country or language, and before
    them the person's own safety plan when they made one (docs/safety-plan.md).

    The message itself is stored by the caller exactly as written.
    """
    owner = user_id(update)
    options = await service.resources_for(
        context.db, context.resources.crisis_resources, owner, language(update)
    )
    plan = await safety_plan.at_crisis(context.db, owner, context.clock.now())
    log.info("update %s: crisis resources sent", update.update_id)  # never the text
    for text in crisis_reply(context.renderer, options, plan.for_crisis()):
        await reply(update, text)
