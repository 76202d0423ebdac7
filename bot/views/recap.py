"""The recap as Telegram shows it: its messages with the "discussed" and file buttons, the mood
picture, the file preview with its toggles. Shared by /recap and the automatic recap."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.mood_chart import chart_available, mood_chart_png, wellbeing_chart_png
from bot.parsing import MAX_RECAP_DAYS
from bot.render import Renderer
from bot.services import recap as service
from bot.services.recap import Recap, Window
from bot.views.buttons import Action, instant_code, instant_from_code, keyboard, pack, unpack
from bot.who5 import percentage

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
                (
                    renderer.label("recap_discussed", number=number),
                    pack(Action.RECAP_DISCUSSED, chat_id, item.key),
                )
                for number, item in enumerate(flagged[start : start + 4], start=start + 1)
            ]
        )
    if len(result.flagged) > 1:
        end = instant_code(result.window.end)
        flagged_rows.append(
            [(renderer.label("recap_discussed_all"), pack(Action.RECAP_DISCUSSED_ALL, chat_id, end))]
        )
    file_row = [
        (renderer.label("recap_as_file"), pack(Action.RECAP_FILE, chat_id, *window_codes(result.window)))
    ]
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
    picture = await _send_wellbeing_chart(bot, chat_id, renderer, result)
    if picture is not None:
        sent.append(picture)
    return sent


async def _send_wellbeing_chart(bot: Bot, chat_id: int, renderer: Renderer, result: Recap) -> Message | None:
    """The WHO-5 scores over the window and the months before it as a picture, when matplotlib
    is installed and there are at least two. An extra, like the mood picture."""
    if len(result.wellbeing) < 2 or not chart_available():
        return None
    points = [(score.taken_at, percentage(score.raw)) for score in result.wellbeing]
    start, end = points[0][0], result.window.end
    try:
        png = await asyncio.to_thread(
            wellbeing_chart_png, points, result.zone, start=start, end=end, language=renderer.language
        )
        return await bot.send_photo(
            chat_id, photo=png, caption=renderer.line("wellbeing_chart_caption"), parse_mode="HTML"
        )
    except TelegramError as error:
        log.warning("wellbeing chart not sent: %s", type(error).__name__)
    except Exception:
        log.warning("wellbeing chart not drawn", exc_info=True)
    return None


async def _send_mood_chart(bot: Bot, chat_id: int, renderer: Renderer, result: Recap) -> Message | None:
    """The mood picture after the recap's text, when matplotlib is installed and there are at
    least two check-ins. It is an extra: any failure is logged (no person's data: moods are
    numbers) and the recap, already sent, stands as it is."""
    if len(result.moods) < MIN_CHART_MOODS:
        return None
    try:
        # Importing matplotlib (first time) and drawing take real time: off the event loop.
        png = await asyncio.to_thread(_draw_mood_chart, result, renderer.language)
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


def _draw_mood_chart(result: Recap, language: str) -> bytes | None:
    """The recap's moods as a PNG, in the person's language; None without matplotlib."""
    if not chart_available():
        return None
    points = [(mood.logged_at, mood.score) for mood in result.moods]
    window = result.window
    return mood_chart_png(points, result.zone, start=window.start, end=window.end, language=language)


def preview(
    renderer: Renderer, owner: int, result: Recap, codes: tuple[str, ...]
) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The file preview: the items numbered, a toggle for each, and "Make the files" last."""
    parts = service.preview_parts(renderer, result)
    items = result.items()
    rows: list[list[tuple[str, str]]] = []
    if len(items) > MAX_TOGGLES:
        parts.append(renderer.line("recap_preview_too_many", count=len(items)))
    else:
        toggles = [
            (renderer.label("recap_keep", number=n), pack(Action.RECAP_TOGGLE, owner, item.key, n, 1))
            for n, item in enumerate(items, start=1)
        ]
        rows = [toggles[i : i + TOGGLES_PER_ROW] for i in range(0, len(toggles), TOGGLES_PER_ROW)]
    rows.append([(renderer.label("recap_send"), pack(Action.RECAP_SEND, owner, *codes[:2]))])
    return [(part, keyboard(rows) if index == len(parts) - 1 else None) for index, part in enumerate(parts)]


def toggled(
    renderer: Renderer, markup: InlineKeyboardMarkup, data: str, owner: int, key: int, number: int, kept: bool
) -> InlineKeyboardMarkup:
    """The preview's keyboard with one item's toggle flipped (it carries its own state)."""
    flipped = InlineKeyboardButton(
        renderer.label("recap_omit" if kept else "recap_keep", number=number),
        callback_data=pack(Action.RECAP_TOGGLE, owner, key, number, 0 if kept else 1),
    )
    return InlineKeyboardMarkup(
        [[flipped if b.callback_data == data else b for b in row] for row in markup.inline_keyboard]
    )


def left_out(markup: InlineKeyboardMarkup) -> set[int]:
    """The items the person left out, read back from the preview's toggles."""
    keys = set()
    for row in markup.inline_keyboard:
        for button in row:
            toggle = unpack(str(button.callback_data))
            if toggle is None or toggle.action != Action.RECAP_TOGGLE or toggle.args[2:] != ("0",):
                continue
            key = toggle.number(0)
            if key is not None:
                keys.add(key)
    return keys
