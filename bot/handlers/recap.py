"""Journey 5, the recap: /recap, marking flagged items discussed, and the recap as files.

The file's leave-out choices live in the preview message's own buttons (each toggle carries
its state), so they survive a restart and need no table; "Make the files" reads them back from
the message it is pressed under.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import CallbackQuery, InputFile, Update

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.common import AnyApplication, button, command, user_id
from bot.parsing import parse_recap_window
from bot.services import recap as service
from bot.views.buttons import Action, Press, instant_from_code, is_action
from bot.views.recap import left_out, preview, send_recap, toggled, window_from_codes
from bot.views.replies import drop_buttons, drop_some_buttons, reply, shown_markup


def add_handlers(app: AnyApplication) -> None:
    """Register /recap and the buttons under recaps and file previews."""
    app.add_handler(command("recap", recap))
    app.add_handler(button(discussed_button, Action.RECAP_DISCUSSED, Action.RECAP_DISCUSSED_ALL))
    app.add_handler(button(preview_button, Action.RECAP_FILE))
    app.add_handler(button(toggle_button, Action.RECAP_TOGGLE))
    app.add_handler(button(files_button, Action.RECAP_SEND))


async def recap(update: Update, context: BetweenContext) -> None:
    """/recap, /recap 14d, /recap since 2026-11-01."""
    owner = user_id(update)
    now = context.clock.now()
    zone = await service.zone_for(context.db, owner)
    try:
        spec = parse_recap_window(
            context.args or [], today=now.astimezone(zone).date(), language=context.language
        )
    except BadInput as error:
        if error.code == "duration_too_long":  # its usual answer is about /pause
            raise BadInput("recap_too_long", **error.params) from None
        raise
    result = await service.for_command(
        context.db, context.catalogue, owner, now, zone, spec, lead=context.settings.recap_lead
    )
    await send_recap(context.bot, owner, context.renderer, result)


async def discussed_button(
    update: Update, context: BetweenContext, query: CallbackQuery, press: Press
) -> None:
    """One flagged item discussed, or all that the recap showed."""
    now = context.clock.now()
    if press.action == Action.RECAP_DISCUSSED:
        entry_id = press.number()
        if entry_id is None:
            await query.answer(context.renderer.line("button_stale"))
            return
        count = await service.mark_discussed(context.db, press.owner, [entry_id], now)
        data = query.data
        dropped = lambda d: d == data  # noqa: E731
    else:
        until = instant_from_code(press.args[0]) if press.args else None
        if until is None:
            await query.answer(context.renderer.line("button_stale"))
            return
        count = await service.mark_all_discussed(context.db, press.owner, until, now)
        dropped = lambda d: is_action(d, Action.RECAP_DISCUSSED, Action.RECAP_DISCUSSED_ALL)  # noqa: E731
    await query.answer(context.renderer.line("discussed", count=count))
    await _drop_discussed(query, dropped)


async def _drop_discussed(query: CallbackQuery, drop: Callable[[str], bool]) -> None:
    """Leave out the buttons ``drop`` matches; a lone "All discussed" left behind goes too: with
    one item, its own button does the same."""
    markup = shown_markup(query)
    singles = sum(
        1
        for row in (markup.inline_keyboard if markup else ())
        for b in row
        if is_action(b.callback_data, Action.RECAP_DISCUSSED) and not drop(str(b.callback_data))
    )
    await drop_some_buttons(
        query, lambda d: drop(d) or (singles < 2 and is_action(d, Action.RECAP_DISCUSSED_ALL))
    )


async def preview_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """ "As a file": a preview of what the file will hold, each item with a toggle."""
    window = window_from_codes(press.args)
    if window is None:
        await query.answer(context.renderer.line("button_stale"))
        return
    result = await service.for_window(context.db, context.catalogue, press.owner, window)
    await query.answer()
    if result.empty:
        await reply(update, context.renderer.line("recap_empty", since=service.view(result)["since"]))
        return
    for text, markup in preview(context.renderer, press.owner, result, press.args):
        await reply(update, text, markup)


async def toggle_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """Keep or leave out one item of the file."""
    renderer = context.renderer
    markup = shown_markup(query)
    key, number = press.number(0), press.number(1)
    if (
        len(press.args) != 3
        or key is None
        or number is None
        or press.args[2] not in ("0", "1")
        or markup is None
    ):
        await query.answer(renderer.line("button_stale"))
        return
    kept = press.args[2] == "1"
    await query.answer(renderer.line("recap_toggled", kept=not kept))
    await query.edit_message_reply_markup(
        toggled(renderer, markup, str(query.data), press.owner, key, number, kept)
    )


async def files_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """ "Make the files": the recap without what the person left out, as Markdown and a page."""
    renderer = context.renderer
    window = window_from_codes(press.args)
    markup = shown_markup(query)
    if window is None or markup is None:
        # The leave-out choices live in the preview's buttons. Without them (Telegram may send
        # an old message as inaccessible) we cannot know what the person left out: refuse
        # rather than put something they removed into a file for their therapist.
        await query.answer(renderer.line("button_stale"))
        return
    full = await service.for_window(context.db, context.catalogue, press.owner, window)
    trimmed = full.without(left_out(markup))
    if not trimmed.items() and not trimmed.moods:
        await query.answer(renderer.line("recap_nothing_left"), show_alert=True)
        return
    await query.answer()
    await drop_buttons(query)
    stem = service.file_stem(trimmed)
    chat = update.effective_chat
    assert chat is not None
    await chat.send_document(
        InputFile(service.markdown_file(renderer, trimmed).encode(), filename=f"{stem}.md"),
    )
    await chat.send_document(
        InputFile(service.html_file(renderer, trimmed).encode(), filename=f"{stem}.html"),
        caption=renderer.line("recap_files_sent", left_out=len(full.items()) - len(trimmed.items())),
        parse_mode="HTML",
    )
