"""The one error handler: a kind line to the person, the traceback to the log, never their text.

It also tells the intake how handling went (bot/outcome.py): a passing fault is retried quietly,
a bug is kept in the inbox and the person hears once that what they sent is saved.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.outcome import Fate, current_outcome, fate
from bot.views.replies import reply

log = logging.getLogger("bot.errors")


async def on_error(update: object, context: BetweenContext) -> None:
    """Answer bad input kindly; log real failures by update id and kind only."""
    error = context.error
    if isinstance(update, Update) and isinstance(error, BadInput):
        # Not a failure: a parser refused what the person typed, before anything changed.
        log.debug("update %s: bad input (%s)", update.update_id, error.code)
        await _answer(update, context.renderer.bad_input(error))
        return

    # The intake (bot/intake.py) reads the outcome to decide the update's fate (bot/outcome.py).
    outcome = current_outcome.get()
    if outcome is not None and error is not None:
        outcome.error = error
    update_id = update.update_id if isinstance(update, Update) else None
    # exc_info carries the traceback; PTB errors do not include message text, and our own
    # code never puts a person's words into an exception message.
    if outcome is not None and error is not None:
        if fate(error) is Fate.RETRY:
            # Still in the inbox, tried again until it goes through; the person hears nothing
            # until then (a note's acknowledgement is the sign it was kept).
            level = logging.WARNING if outcome.attempt == 1 else logging.DEBUG
            log.log(level, "update %s: passing fault %s, will retry", update_id, type(error).__name__)
            return
        if fate(error) is Fate.UNREACHABLE:
            log.info("update %s: the person cannot be reached (%s)", update_id, type(error).__name__)
            return
    log.error("update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or isinstance(error, Forbidden):
        return
    if outcome is None:
        # Not an update from the inbox: nothing keeps it, so do not say that anything does.
        await _answer(update, context.renderer.line("something_went_wrong_try_again"))
    elif outcome.failed_before == 0:
        # The update stays in the inbox with what the person sent, and is tried again at the
        # next start; they hear this once, not at every failed retry.
        await _answer(update, context.renderer.line("something_went_wrong"))


async def _answer(update: Update, text: str) -> None:
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(_plain(text)[:200], show_alert=True)
                return
            except BadRequest:
                pass  # the handler answered the press already: say it in the chat instead
        if update.effective_chat is not None:
            await reply(update, text)
    except Exception:  # the apology itself failed; the log above already has the cause
        log.warning("update %s: could not tell the person about an error", update.update_id)


def _plain(html: str) -> str:
    """Callback answers are plain text: drop tags and decode the few entities we emit."""
    import re
    from html import unescape

    return unescape(re.sub(r"<[^>]+>", "", html))
