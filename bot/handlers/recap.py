"""Journey 5, the recap: /recap, marking flagged items discussed, and the recap as files.

The file's leave-out choices live in the preview message's own buttons (each toggle carries
its state), so they survive a restart and need no table; "Make the files" reads them back from
the message it is pressed under.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.buttons import keyboard, pack, unpack
from bot.handlers.common import command, drop_buttons, own_press, reply, user_id
from bot.handlers.sessions import instant_code, instant_from_code
from bot.mood_chart import chart_available, mood_chart_png
from bot.parsing import MAX_RECAP_DAYS, parse_recap_window
from bot.render import Renderer
from bot.services import recap as service
from bot.services.recap import Recap, Window
from bot.store import recap as store

# Telegram allows 100 buttons under a message; one row is kept for "Make the files".
MAX_TOGGLES = 96
TOGGLES_PER_ROW = 8
MAX_DISCUSSED_BUTTONS = 20
# The longest window /recap accepts (ten calendar years, a few leap days included).
MAX_WINDOW = timedelta(days=MAX_RECAP_DAYS + 3)
_KIND_CODES = {"session": "s", "week": "w", "custom": "c"}
_KINDS = {"s": "session", "w": "week", "c": "custom", "d": "custom"}
# Fewer check-ins than this make no line: the recap's words say enough.
MIN_CHART_MOODS = 2

log = logging.getLogger(__name__)


def window_codes(window: Window) -> tuple[str, str]:
    """A window as two short pieces of button data: kind and start, and end."""
    kind = "d" if window.kind == "custom" and window.days else _KIND_CODES[window.kind]
    return kind + instant_code(window.start), instant_code(window.end)


def window_from_codes(args: tuple[str, ...]) -> Window | None:
    """The window :func:`window_codes` wrote; None for anything malformed."""
    if len(args) < 2 or not args[0] or args[0][0] not in _KINDS:
        return None
    start, end = instant_from_code(args[0][1:]), instant_from_code(args[1])
    # A window no /recap could ask for is not ours (the data was altered): refuse it.
    if start is None or end is None or start > end or end - start > MAX_WINDOW:
        return None
    kind = _KINDS[args[0][0]]
    days = round((end - start) / timedelta(days=1)) if args[0][0] in "wd" else None
    return Window(start, end, kind, days)


async def recap(update: Update, context: BetweenContext) -> None:
    """/recap, /recap 14d, /recap since 2026-11-01."""
    owner = user_id(update)
    now = context.clock.now()
    async with context.db.transaction() as conn:
        zone = await service.zone_of(conn, owner)
        try:
            spec = parse_recap_window(context.args or [], today=now.astimezone(zone).date())
        except BadInput as error:
            if error.code == "duration_too_long":  # its usual answer is about /pause
                raise BadInput("recap_too_long", **error.params) from None
            raise
        result = await service.build(
            conn,
            context.resources.catalogue,
            owner,
            now,
            zone,
            spec,
            lead=context.settings.recap_lead,
        )
    await send_recap(context.bot, owner, context.renderer, result)


async def send_recap(bot: Bot, chat_id: int, renderer: Renderer, result: Recap) -> list[Message]:
    """Send a recap to a person's chat: its messages, with "discussed" buttons under the first
    and the file button under the last, then the mood picture when there is one to draw.
    Also for the automatic recap before a session."""
    parts, _held_back = service.telegram_parts(renderer, result)
    if result.empty:
        return [await bot.send_message(chat_id, parts[0], parse_mode="HTML")]
    flagged_rows: list[list[tuple[str, str]]] = []
    flagged = result.flagged[:MAX_DISCUSSED_BUTTONS]
    for start in range(0, len(flagged), 4):
        flagged_rows.append(
            [
                (renderer.label("recap_discussed", number=number), pack("rcd", chat_id, item.key))
                for number, item in enumerate(flagged[start : start + 4], start=start + 1)
            ]
        )
    if len(result.flagged) > 1:
        end = instant_code(result.window.end)
        flagged_rows.append([(renderer.label("recap_discussed_all"), pack("rcda", chat_id, end))])
    file_row = [(renderer.label("recap_as_file"), pack("rcf", chat_id, *window_codes(result.window)))]
    sent = []
    for index, part in enumerate(parts):
        rows = list(flagged_rows) if index == 0 else []
        if index == len(parts) - 1:
            rows.append(file_row)
        markup = keyboard(rows) if rows else None
        sent.append(await bot.send_message(chat_id, part, parse_mode="HTML", reply_markup=markup))
    picture = await _send_mood_chart(bot, chat_id, renderer, result)
    if picture is not None:
        sent.append(picture)
    return sent


async def _send_mood_chart(bot: Bot, chat_id: int, renderer: Renderer, result: Recap) -> Message | None:
    """The mood picture after the recap's text, when matplotlib is installed and there are at
    least two check-ins. It is an extra: any failure is logged (no person's data: moods are
    numbers) and the recap, already sent, stands as it is."""
    if len(result.moods) < MIN_CHART_MOODS:
        return None
    try:
        # Importing matplotlib (first time) and drawing take real time: off the event loop.
        png = await asyncio.to_thread(_draw_mood_chart, result)
    except Exception:
        log.warning("mood chart not drawn", exc_info=True)
        return None
    if png is None:
        return None
    try:
        return await bot.send_photo(
            chat_id, photo=png, caption=renderer.line("mood_chart_caption"), parse_mode="HTML"
        )
    except TelegramError as error:
        # Not raised on: the text went out, and a caller retrying a passing fault would send
        # the whole recap twice for the sake of a picture.
        log.warning("mood chart not sent: %s", type(error).__name__)
        return None


def _draw_mood_chart(result: Recap) -> bytes | None:
    """The recap's moods as a PNG; None when matplotlib is not installed."""
    if not chart_available():
        return None
    points = [(mood.logged_at, mood.score) for mood in result.moods]
    return mood_chart_png(points, result.zone, start=result.window.start, end=result.window.end)


async def recap_button(update: Update, context: BetweenContext) -> None:
    """Buttons under a recap and under its file preview."""
    press = await own_press(update, context)
    if press is None:
        return
    handlers = {
        "rcd": _discussed,
        "rcda": _discussed_all,
        "rcf": _preview,
        "rco": _toggle,
        "rcs": _send_files,
    }
    await handlers[press.action](update, context, press.owner, press.args)


async def _discussed(update: Update, context: BetweenContext, owner: int, args: tuple[str, ...]) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    if not args or not args[0].isdigit():
        await query.answer(context.renderer.line("button_stale"))
        return
    async with context.db.transaction() as conn:
        count = await store.mark_discussed(conn, owner, [int(args[0])], context.clock.now())
    await query.answer(context.renderer.line("discussed", count=count))
    await _drop_buttons(update, lambda data: data == query.data)


async def _discussed_all(update: Update, context: BetweenContext, owner: int, args: tuple[str, ...]) -> None:
    query = update.callback_query
    assert query is not None
    until = instant_from_code(args[0]) if args else None
    if until is None:
        await query.answer(context.renderer.line("button_stale"))
        return
    now = context.clock.now()
    async with context.db.transaction() as conn:
        # Only what the recap showed: items flagged after it was sent stay open.
        open_items = await store.open_flags(conn, owner, until)
        count = await store.mark_discussed(conn, owner, [e.id for e in open_items], now)
    await query.answer(context.renderer.line("discussed", count=count))
    await _drop_buttons(update, lambda data: data.startswith(("rcd:", "rcda:")))


async def _drop_buttons(update: Update, drop: Any) -> None:
    """Edit the pressed message's keyboard to leave out buttons whose data ``drop`` matches.

    A lone "All discussed" left behind goes too: with one item, its own button does the same.
    """
    query = update.callback_query
    assert query is not None and query.message is not None
    markup = query.message.reply_markup  # type: ignore[union-attr]
    if markup is None:
        return
    rows = [
        [b for b in row if not (b.callback_data and drop(b.callback_data))] for row in markup.inline_keyboard
    ]
    singles = sum(1 for row in rows for b in row if str(b.callback_data).startswith("rcd:"))
    if singles < 2:
        rows = [[b for b in row if not str(b.callback_data).startswith("rcda:")] for row in rows]
    rows = [row for row in rows if row]
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows) if rows else None)


async def _preview(update: Update, context: BetweenContext, owner: int, args: tuple[str, ...]) -> None:
    query = update.callback_query
    assert query is not None
    renderer = context.renderer
    window = window_from_codes(args)
    if window is None:
        await query.answer(renderer.line("button_stale"))
        return
    result = await _gather(context, owner, window)
    await query.answer()
    if result.empty:
        await reply(update, renderer.line("recap_empty", since=service.view(result)["since"]))
        return
    parts = service.preview_parts(renderer, result)
    items = result.items()
    rows: list[list[tuple[str, str]]] = []
    if len(items) > MAX_TOGGLES:
        parts.append(renderer.line("recap_preview_too_many", count=len(items)))
    else:
        toggles = [
            (renderer.label("recap_keep", number=n), pack("rco", owner, item.key, n, 1))
            for n, item in enumerate(items, start=1)
        ]
        rows = [toggles[i : i + TOGGLES_PER_ROW] for i in range(0, len(toggles), TOGGLES_PER_ROW)]
    rows.append([(renderer.label("recap_send"), pack("rcs", owner, *args[:2]))])
    for index, part in enumerate(parts):
        await reply(update, part, keyboard(rows) if index == len(parts) - 1 else None)


async def _toggle(update: Update, context: BetweenContext, owner: int, args: tuple[str, ...]) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    renderer = context.renderer
    if len(args) != 3 or not all(a.isdigit() for a in args) or args[2] not in ("0", "1"):
        await query.answer(renderer.line("button_stale"))
        return
    key, number, kept = int(args[0]), int(args[1]), args[2] == "1"
    flipped = InlineKeyboardButton(
        renderer.label("recap_omit" if kept else "recap_keep", number=number),
        callback_data=pack("rco", owner, key, number, 0 if kept else 1),
    )
    markup = query.message.reply_markup  # type: ignore[union-attr]
    if markup is None:
        await query.answer(renderer.line("button_stale"))
        return
    rows = [[flipped if b.callback_data == query.data else b for b in row] for row in markup.inline_keyboard]
    await query.answer(renderer.line("recap_toggled", kept=not kept))
    await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))


async def _send_files(update: Update, context: BetweenContext, owner: int, args: tuple[str, ...]) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    renderer = context.renderer
    window = window_from_codes(args)
    if window is None:
        await query.answer(renderer.line("button_stale"))
        return
    markup = query.message.reply_markup  # type: ignore[union-attr]
    if markup is None:
        # The leave-out choices live in the preview's buttons. Without them (Telegram may send
        # an old message as inaccessible) we cannot know what the person left out: refuse
        # rather than put something they removed into a file for their therapist.
        await query.answer(renderer.line("button_stale"))
        return
    left_out = set()
    for row in markup.inline_keyboard:
        for button in row:
            toggle = unpack(str(button.callback_data))
            if toggle and toggle.action == "rco" and len(toggle.args) == 3 and toggle.args[2] == "0":
                left_out.add(int(toggle.args[0]))
    full = await _gather(context, owner, window)
    trimmed = full.without(left_out)
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


async def _gather(context: BetweenContext, owner: int, window: Window) -> Recap:
    async with context.db.read() as conn:
        zone = await service.zone_of(conn, owner)
        return await service.gather(conn, context.resources.catalogue, owner, window, zone)


def add_handlers(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register /recap and the buttons under recaps and file previews."""
    app.add_handler(command("recap", recap))
    app.add_handler(CallbackQueryHandler(recap_button, pattern=r"^(rcd|rcda|rcf|rco|rcs):"))
