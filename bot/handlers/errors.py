"""The one error handler: a kind line to the person, the traceback to the log, never their text."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.outcome import current_outcome, is_transient
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

    outcome = current_outcome.get()
    if outcome is not None and error is not None:
        outcome.error = error
    update_id = update.update_id if isinstance(update, Update) else None
    # exc_info carries the traceback; PTB errors do not include message text, and our own
    # code never puts a person's words into an exception message.
    if error is not None and is_transient(error) and not (outcome and outcome.final):
        log.warning("update %s: passing fault %s, will retry", update_id, type(error).__name__)
        return
    log.error("update %s failed", update_id, exc_info=error)
    if isinstance(update, Update) and not isinstance(error, Forbidden):
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
