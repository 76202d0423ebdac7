"""Journey 6, your data: /export sends everything as files; /delete erases it after a confirmation."""

from __future__ import annotations

from datetime import timedelta

from telegram import CallbackQuery, Update
from telegram.ext import Application

from bot.context import BetweenContext
from bot.handlers.common import button, command, user_id
from bot.services import erase, export
from bot.views.buttons import Action, Press, keyboard, pack
from bot.views.replies import drop_buttons, reply

# A confirmation to erase everything should be answered while the person still has it in mind.
CONFIRM_LIFETIME = timedelta(minutes=10)


def add_handlers(app: Application) -> None:  # type: ignore[type-arg]
    """Register /export, /delete and the confirmation buttons."""
    app.add_handler(command("export", export_command))
    app.add_handler(command("delete", delete_command))
    app.add_handler(button(delete_button, Action.DELETE_CONFIRM, Action.DELETE_CANCEL))


async def export_command(update: Update, context: BetweenContext) -> None:
    """/export: a Markdown file to read and a JSON file to move, or a warm line if there is nothing."""
    files = await export.export_files(
        context.db, context.renderer, context.catalogue, user_id(update), context.clock.now()
    )
    renderer = context.renderer
    if files is None:
        await reply(update, renderer.line("export_nothing"))
        return
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        document=files.markdown,
        filename=files.markdown_name,
        caption=renderer.line("export_markdown_caption"),
        parse_mode="HTML",
    )
    await chat.send_document(
        document=files.json,
        filename=files.json_name,
        caption=renderer.line("export_json_caption"),
        parse_mode="HTML",
    )


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
    sent = query.message.date if query.message is not None else None
    fresh = sent is not None and now - sent <= CONFIRM_LIFETIME
    if not fresh or not await erase.confirm(context.db, press.owner, nonce):
        await query.answer(renderer.line("delete_stale"))
        return
    context.resources.wake()  # their reminders are gone: the dispatcher can stop waiting for them
    await query.answer()
    await drop_buttons(query)
    await reply(update, renderer.line("delete_done"))
