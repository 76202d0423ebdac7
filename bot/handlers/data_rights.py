"""Journey 6, your data: /export sends everything as files; /delete erases it after a confirmation."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import BadRequest, NetworkError

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.outcome import current_outcome
from bot.services import erase, export
from bot.services.erase import CONFIRM_LIFETIME, Confirmed
from bot.views.buttons import Action, Press, keyboard, pack
from bot.views.replies import drop_buttons, reply

log = logging.getLogger(__name__)


def add_handlers(app: AnyApplication) -> None:
    """Register /export, /delete and the confirmation buttons."""
    app.add_handler(command("export", export_command))
    app.add_handler(command("delete", delete_command))
    app.add_handler(button(delete_button, Action.DELETE_CONFIRM, Action.DELETE_CANCEL))


async def export_command(update: Update, context: BetweenContext) -> None:
    """/export: a Markdown file to read and a JSON file to move (each in parts if it is over what
    a bot may upload), or a warm line if there is nothing. The files are made off the event loop."""
    renderer = context.renderer
    prepared = await export.prepare(
        context.db, renderer, context.catalogue, user_id(update), context.clock.now()
    )
    if prepared is None:
        await reply(update, renderer.line("export_nothing"))
        return
    chat = update.effective_chat
    assert chat is not None
    with prepared:
        too_large = renderer.line("export_too_large", megabytes=max(1, round(prepared.size / 1e6)))
        if prepared.too_large:
            await reply(update, too_large)
            return
        for part in prepared.parts:
            try:
                await chat.send_document(
                    document=await export.read_part(part),
                    filename=part.name,
                    caption=_caption(context, part),
                    parse_mode="HTML",
                )
            except (BadRequest, NetworkError) as error:
                if not _refused_as_too_large(error):
                    raise
                # Sending it again would be refused again: say so once, never retry.
                log.warning("Telegram refused an export part as too large: %s", part.name)
                await reply(update, too_large)
                return


def _caption(context: BetweenContext, part: export.ExportPart) -> str:
    renderer = context.renderer
    if part.count == 1:
        return renderer.line(f"export_{part.kind}_caption")
    return renderer.line(f"export_{part.kind}_part_caption", number=part.number, count=part.count)


def _refused_as_too_large(error: Exception) -> bool:
    """Telegram's answer to an upload over its limit (413, or a 400 saying the file is too big)."""
    text = str(error).lower()
    return "too large" in text or "too big" in text


async def delete_command(update: Update, context: BetweenContext) -> None:
    """/delete: say exactly what would be erased and ask to confirm (nothing changes yet)."""
    owner = user_id(update)
    offer = await erase.offer(context.db, owner, context.clock.now())
    renderer = context.renderer
    if offer is None:
        await reply(update, renderer.line("delete_nothing"))
        return
    markup = keyboard(
        [
            [(renderer.label("delete_confirm"), pack(Action.DELETE_CONFIRM, owner, offer.nonce))],
            [(renderer.label("delete_cancel"), pack(Action.DELETE_CANCEL, owner, offer.nonce))],
        ]
    )
    minutes = int(CONFIRM_LIFETIME.total_seconds() // 60)
    await reply(update, renderer.render("delete_confirm.j2", counts=offer.counts, minutes=minutes), markup)


async def delete_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Erase everything (with a fresh, current confirmation), or cancel."""
    renderer = context.renderer
    now = context.clock.now()
    nonce = press.args[0] if len(press.args) == 1 else ""
    if press.action == Action.DELETE_CANCEL:
        await erase.cancel(context.db, press.owner, nonce, now)
        await query.answer()
        await drop_buttons(query)
        await reply(update, renderer.line("delete_cancelled"))
        return
    confirmed = await erase.confirm(
        context.db,
        press.owner,
        nonce,
        sent=query.message.date if query.message is not None else None,
        now=now,
        update_id=update.update_id,
        replay=_replay(update, query),
    )
    if confirmed is Confirmed.STALE:
        await query.answer(renderer.line("delete_stale"))
        return
    if confirmed is Confirmed.ERASED:
        context.resources.wake()  # their reminders are gone: the dispatcher can stop waiting for them
    # The erasing has committed. Answering the press and dropping its buttons are courtesies that
    # Telegram refuses for the same press handled again (a press is answered once): no failure.
    with contextlib.suppress(BadRequest):
        await query.answer()
    with contextlib.suppress(BadRequest):
        await drop_buttons(query)
    await _tell_when_erased(update, context)


async def _tell_when_erased(update: Update, context: BetweenContext) -> None:
    """Say "erased" once the words are gone from the database file and its WAL too.

    A reader elsewhere can only delay that: after a moment the person hears that it is under
    way, after a few minutes honestly why it is not done, and then the update is kept and tried
    again (a passing fault, bot/outcome.py) until the checkpoint goes through, across restarts.
    """
    db, renderer = context.db, context.renderer
    outcome = current_outcome.get()
    if outcome is not None and outcome.attempt > 1:  # tried again in this run: they were told
        if not await erase.wipe(db, erase.RETRY_PATIENCE, report=False):
            raise erase.StillReading()
    elif not await erase.wipe(db, erase.NOTICE_AFTER, report=False):
        await reply(update, renderer.line("delete_erasing"))
        if not await erase.wipe(db, erase.PATIENCE - erase.NOTICE_AFTER):
            await reply(update, renderer.line("delete_erasing_slow"))
            raise erase.StillReading()
    await reply(update, renderer.line("delete_done"))


def _replay(update: Update, query: CallbackQuery) -> dict[str, Any]:
    """The press as the inbox keeps it once the person is erased: enough to be handled again,
    with nothing of theirs but their id (no name, no username, not the text of the message)."""
    replay: dict[str, Any] = {
        "update_id": update.update_id,
        "callback_query": {
            "id": query.id,
            "from": {"id": query.from_user.id, "is_bot": False, "first_name": ""},
            "chat_instance": query.chat_instance,
            "data": query.data,
        },
    }
    message = query.message
    if message is not None:
        replay["callback_query"]["message"] = {
            "message_id": message.message_id,
            "date": int(message.date.timestamp()),
            "chat": {"id": message.chat.id, "type": message.chat.type},
        }
    return replay
