"""Journeys 3 and 4, beyond plain messages: Bring to session, /bring, and /mood."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.buttons import keyboard, pack
from bot.handlers.common import drop_buttons, language, own_press, reply, user_id
from bot.handlers.safety import send_crisis_resources, suggests_crisis
from bot.services import journal
from bot.store import entries, moods, people
from bot.store.entries import NewEntry

MOOD_SCORES = range(1, 6)
# A mood button pressed much later would log a feeling for a moment long gone.
MOOD_BUTTON_LIFETIME = timedelta(hours=12)


async def bring_button(update: Update, context: BetweenContext) -> None:
    """📌 Bring to session, under an acknowledgement."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    flagged = bool(press.args and press.args[0].isdigit()) and await journal.flag(
        context.db, press.owner, int(press.args[0])
    )
    await query.answer(context.renderer.line("flagged" if flagged else "button_stale"))
    if flagged:
        await drop_buttons(query)


async def bring_command(update: Update, context: BetweenContext) -> None:
    """/bring TEXT adds an item for the next session; /bring as a reply flags that message."""
    message = update.effective_message
    assert message is not None
    owner = user_id(update)
    text = message.text.partition(" ")[2].strip() if message.text else ""
    now = context.clock.now()
    if not text:
        target = message.reply_to_message
        if target is None:
            raise BadInput("bring_empty")
        async with context.db.read() as conn:
            entry = await entries.by_message(conn, message.chat_id, target.message_id)
        if entry is None or entry.user_id != owner:
            raise BadInput("bring_not_kept")
        await journal.flag(context.db, owner, entry.id)
        await reply(update, context.renderer.line("flagged"))
        return
    crisis = suggests_crisis(context, text)
    kept = await journal.keep(
        context.db,
        NewEntry(
            user_id=owner,
            chat_id=message.chat_id,
            message_id=message.message_id,
            kind="bring",
            text=text,
            file_id=None,
            written_at=message.date.astimezone(UTC) if message.date else now,
            bring=True,
        ),
        reply_to_message_id=None,
        language_code=language(update),
        now=now,
        link_to_prompt=False,
    )
    if not kept.new:
        return
    if crisis:
        await send_crisis_resources(update, context)
    await reply(update, context.renderer.line("brought"))


async def mood_command(update: Update, context: BetweenContext) -> None:
    """/mood offers the 1-5 scale; /mood 4 logs it at once."""
    args = context.args or []
    owner = user_id(update)
    message = update.effective_message
    assert message is not None
    if args:
        score = parse_mood(" ".join(args))
        when = message.date.astimezone(UTC) if message.date else context.clock.now()
        await _log_mood(update, context, owner, score, when, message.chat_id, message.message_id)
        await reply(update, context.renderer.line("mood_logged", score=score))
        return
    renderer = context.renderer
    markup = keyboard(
        [[(renderer.label("mood", score=s), pack("mood", owner, s))] for s in reversed(MOOD_SCORES)]
    )
    await reply(update, renderer.line("mood_ask"), markup)


def parse_mood(text: str) -> int:
    """A mood score 1..5 as typed after /mood."""
    cleaned = text.strip()
    if cleaned.isdigit() and int(cleaned) in MOOD_SCORES:
        return int(cleaned)
    raise BadInput("mood_invalid", text=cleaned[:30])


async def mood_button(update: Update, context: BetweenContext) -> None:
    """A tap on the mood scale (one mood per scale message)."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    scale = query.message
    now = context.clock.now()
    too_old = scale is None or not scale.date or now - scale.date > MOOD_BUTTON_LIFETIME
    valid = bool(press.args) and press.args[0].isdigit() and int(press.args[0]) in MOOD_SCORES
    if too_old or not valid:
        await query.answer(context.renderer.line("button_stale"))
        return
    assert scale is not None
    # Logged first (keyed on the scale's message, so a replay is harmless), then the scale goes.
    score = int(press.args[0])
    if await _log_mood(update, context, press.owner, score, now, scale.chat.id, scale.message_id):
        await query.answer()
        await reply(update, context.renderer.line("mood_logged", score=score))
    else:
        await query.answer(context.renderer.line("mood_already"))
    await _drop_mood_buttons(query)


async def _log_mood(
    update: Update,
    context: BetweenContext,
    owner: int,
    score: int,
    when: datetime,
    chat_id: int,
    message_id: int,
) -> bool:
    """Store a mood, once per message it came from (a retry or a replay stores it once).

    Returns False when that message had given one already.
    """
    async with context.db.transaction() as conn:
        await people.ensure(conn, owner, language(update), context.clock.now())
        return await moods.add(conn, owner, score, when, chat_id=chat_id, message_id=message_id)


async def _drop_mood_buttons(query: CallbackQuery) -> None:
    """Remove the mood scale; under a prompt, its other buttons (Later, Skip...) stay."""
    markup = query.message.reply_markup if query.message else None  # type: ignore[union-attr]
    rows = [
        [button for button in row if not str(button.callback_data).startswith("mood:")]
        for row in (markup.inline_keyboard if markup else ())
    ]
    rows = [row for row in rows if row]
    if not rows:
        await drop_buttons(query)
        return
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as error:
        if "not modified" not in error.message.lower():  # already gone: what we wanted
            raise
