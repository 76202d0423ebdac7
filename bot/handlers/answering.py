"""Journey 3, answering: every message a person writes is kept, once, and acknowledged quietly;
an edit updates what was kept; /bring and the Bring-to-session button flag an item."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, MessageHandler, filters

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers import onboarding, pause, practice, reminders, safety_plan, sessions, wellbeing
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.handlers.safety import send_crisis_resources, suggests_crisis
from bot.services import conversation, journal
from bot.services import onboarding as people
from bot.services import practice as practice_service
from bot.services import safety_plan as safety_plan_service
from bot.services.conversation import Ask
from bot.store.entries import NewEntry
from bot.views import safety_plan as safety_plan_view
from bot.views.buttons import Action, Press, keyboard, pack
from bot.views.replies import drop_buttons, reply

log = logging.getLogger(__name__)

ACK_REACTION = "✍"
ACK_JSON = [{"type": "emoji", "emoji": ACK_REACTION}]

# Telegram message attributes holding media, and the kind we store them as.
_MEDIA = (
    ("voice", "voice"),
    ("video_note", "video"),
    ("video", "video"),
    ("audio", "audio"),
    ("sticker", "sticker"),
    ("document", "document"),
)


async def _zone_answer(update: Update, context: BetweenContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await onboarding.answer_zone(update, context, message.text)


# Longer than this, a message is words written instead of the reply asked for: it is kept as a
# note and the ask stays open.
REPLY_MAX_CHARS = 60
REPLY_MAX_WORDS = 6


def add_handlers(app: AnyApplication) -> None:
    """Register /bring, the Bring-to-session button, and every message that is not a command.

    New commands are left out of the message handler: a command Between does not have goes to
    bot/handlers/fallback.py. An *edited* command comes here (see ``command()``).
    """
    # Group -1 runs before every journey (after access): a command starts something else, so
    # the open question and any pending ask end before the command's own handler runs.
    app.add_handler(MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, command_started), group=-1)
    app.add_handler(command("bring", bring_command))
    app.add_handler(button(bring_button, Action.BRING))
    new_command = filters.COMMAND & filters.UpdateType.MESSAGE
    app.add_handler(
        MessageHandler(
            (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE) & ~new_command, on_message
        )
    )


def _may_answer(ask: Ask, message: Message) -> bool:
    """Whether a message can be the reply asked for: plain text, short (longer words are written
    instead of the reply), except an item to bring, which may be as long as it needs to be."""
    text = message.text
    if text is None:
        return False
    short = len(text) <= REPLY_MAX_CHARS and len(text.split()) <= REPLY_MAX_WORDS
    return ask in conversation.ANY_LENGTH or short


async def command_started(update: Update, context: BetweenContext) -> None:
    """Any command: Between stops waiting for an answer or a reply (services/conversation.py).

    Words after a command that suggest crisis come first: they are kept as written and answered
    with care and resources, and the command is not run (its answer would be about a zone or a
    mood). /bring keeps its words and answers a crisis itself.
    """
    await conversation.command_started(context.db, user_id(update))
    message = update.message
    assert message is not None and message.text is not None
    name, _, words = message.text.partition(" ")
    if words.strip() and name.split("@")[0] != "/bring" and suggests_crisis(context, words):
        await keep_words(update, context)
        await send_crisis_resources(update, context)
        raise ApplicationHandlerStop


async def keep_words(update: Update, context: BetweenContext) -> bool:
    """Keep a message as a free note, exactly as written (a command's words that must not be
    lost). False if it was kept before (a redelivery)."""
    message = update.message
    assert message is not None and message.text is not None
    now = context.clock.now()
    kept = await journal.keep(
        context.db,
        _entry(update, message, "text", message.text, now),
        reply_to_message_id=None,
        language_code=language(update),
        now=now,
        link_to_prompt=False,
    )
    return kept.new


def _entry(
    update: Update,
    message: Message,
    kind: str,
    text: str | None,
    now: datetime,
    *,
    file_id: str | None = None,
    bring: bool = False,
) -> NewEntry:
    """What to keep of a message: who wrote it, where, when (Telegram's date), and its words."""
    return NewEntry(
        user_id=user_id(update),
        chat_id=message.chat_id,
        message_id=message.message_id,
        kind=kind,
        text=text,
        file_id=file_id,
        written_at=message.date.astimezone(UTC) if message.date else now,
        bring=bring,
    )


def classify(message: Message) -> tuple[str, str | None, str | None] | None:
    """(kind, text or caption, file id) for a message we keep; None for anything else (a
    contact, a location, a poll, a service message)."""
    if message.text is not None:
        return "text", message.text, None
    if message.photo:
        return "photo", message.caption, message.photo[-1].file_id
    for attribute, kind in _MEDIA:
        media = getattr(message, attribute)
        if media is not None:
            return kind, message.caption, media.file_id
    return None


async def on_message(update: Update, context: BetweenContext) -> None:
    """Keep a new message, or apply an edit to a kept one."""
    if update.edited_message is not None:
        await _on_edit(update, context, update.edited_message)
        return
    message = update.message
    if message is None:
        return
    what = classify(message)
    if what is None:
        if message.chat.type == ChatType.PRIVATE and not message.from_user.is_bot:  # type: ignore[union-attr]
            await reply(update, context.renderer.line("kind_not_kept"))
        return
    kind, text, file_id = what
    owner = user_id(update)
    crisis = suggests_crisis(context, text)
    now = context.clock.now()
    refused: BadInput | None = None
    still_asking = False
    ask = None
    if message.text is not None:
        # A Telegram reply to a question answers the question; a reply to anything else (the
        # bot's own "which time?") may be the reply asked for. A crisis message is never taken
        # as a reply, except by a safety plan's warning signs (kept, and answered with care).
        replying_to = message.reply_to_message.message_id if message.reply_to_message else None
        ask = await conversation.pending_ask(context.db, owner, now, replying_to=replying_to)
        if ask is not None and not _may_answer(ask, message):
            ask = None
        if ask is not None and crisis and not await _keeps_crisis(context, owner, ask):
            ask = None
    if ask is not None:
        try:
            await ASKS[ask](update, context)
            return  # the reply asked for: acted on, never a note
        except BadInput as error:
            # Not a reply we can read. The words may be meant to keep: they are kept as a note
            # (never lose a message), a kind line says what would work, and the ask stays open
            # once; after a second such message it closes.
            refused = error
            still_asking = await conversation.refused(context.db, owner, ask)
    person = await people.person(context.db, owner)
    onboarded = person is not None and person.zone is not None
    if kind != "text" and not onboarded and not crisis:
        # Nothing to attach it to yet, and nothing we could show: ask for the zone first.
        await reply(update, context.renderer.line("media_before_onboarding"))
        return

    kept = await journal.keep(
        context.db,
        _entry(update, message, kind, text, now, file_id=file_id),
        reply_to_message_id=message.reply_to_message.message_id if message.reply_to_message else None,
        language_code=language(update),
        now=now,
    )
    # An answer may set a practice, or be filed under the practice or experiment its question
    # came back to (again on a redelivery, in case a crash came in between). Words that suggest
    # crisis are never made a practice to be quoted back later.
    filed = None
    if not crisis:
        filed = await practice_service.answer_kept(
            context.db, context.catalogue, owner, kept.entry, first=kept.new and kept.starts_answer, now=now
        )
    if not kept.new:
        # Stored before: a redelivery, or a replay after a crash that may have come between
        # storing and acknowledging. Setting the same reaction again changes nothing if the
        # first one arrived, and acknowledges the message if it did not.
        await _react(message)
        return
    if crisis:
        await send_crisis_resources(update, context)
    if refused is not None:
        await _react(message)
        after = "kept_as_note" if still_asking else "kept_as_note_stopped_asking"
        await reply(update, context.renderer.bad_input(refused) + " " + context.renderer.line(after))
        return
    await _acknowledge(update, context, message, kept, filed)
    if crisis:
        # After a crisis reply nothing asks for anything: no setup question (the zone comes with
        # a later message), no offer.
        return
    if not onboarded:
        await conversation.ask(context.db, owner, Ask.ZONE, now)
        await reply(update, context.renderer.line("kept_before_zone"))
    else:
        # A calm moment after a crisis reply to someone without a safety plan: the one offer.
        await safety_plan.offer_if_due(update, context)


async def _keeps_crisis(context: BetweenContext, owner: int, ask: Ask) -> bool:
    """Whether the pending ask keeps a message suggesting crisis as its reply (and answers it with
    the crisis reply too): only a safety plan's warning signs, often written in such words. Any
    other step, and any other ask, leaves it a crisis message like any other."""
    return ask is Ask.SAFETY_PLAN and await safety_plan_service.keeps_crisis_words(context.db, owner)


_FILED_LINES = {"intention": "practice_set", "checkin": "practice_checkin_kept", "outcome": "answer_kept"}


async def _acknowledge(
    update: Update, context: BetweenContext, message: Message, kept: journal.Kept, filed: str | None = None
) -> None:
    renderer = context.renderer
    if kept.entry.kind != "text" and not (kept.entry.text or "").strip():
        # Without words the recap can only say "a photo": a line or two about it helps later.
        # With a caption it is acknowledged like any words, Bring button and all.
        await reply(update, renderer.line("media_kept", kind=kept.entry.kind))
    elif kept.starts_answer:
        bring = pack(Action.BRING, user_id(update), kept.entry.id)
        await reply(
            update,
            renderer.line(_FILED_LINES.get(filed or "", "answer_kept")),
            keyboard([[(renderer.label("bring_to_session"), bring)]]),
        )
        if filed == "outcome" and await conversation.pending_ask(
            context.db, user_id(update), context.clock.now()
        ) == Ask.EXPERIMENT_LEARNED:
            await reply(update, renderer.line("experiment_ask_learned"))
    elif not await _react(message):
        # Reactions can be off in a chat; a short line does the same job.
        await reply(update, renderer.line("note_kept"))


async def _react(message: Message) -> bool:
    """The quiet acknowledgement: a ✍ reaction on the person's message. False if refused."""
    try:
        # Given as the Bot API's JSON: otherwise python-telegram-bot builds a ReactionTypeEmoji
        # and serialises it again for every note, a measurable share of keeping one.
        await message.set_reaction(api_kwargs={"reaction": ACK_JSON})
    except BadRequest:
        return False
    return True


async def _on_edit(update: Update, context: BetweenContext, message: Message) -> None:
    text = message.text if message.text is not None else message.caption
    if text is None:
        return
    if text.startswith("/"):
        # An edited command is not run again (bot/handlers/common.py command()). Only /bring
        # stored words: keep its new wording, without the command.
        name, _, rest = text.partition(" ")
        if name.split("@")[0] != "/bring" or not rest.strip():
            return
        text = rest.strip()
    if suggests_crisis(context, text):
        await send_crisis_resources(update, context)
    changed = await journal.apply_edit(
        context.db,
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=text,
        now=context.clock.now(),
    )
    if changed:
        return
    # Not a note. A message that went into a safety plan step stays as it was written there
    # (the journal is not touched either); the step's ✎ changes it.
    step, maybe = await safety_plan_service.step_of_message(context.db, user_id(update), message.message_id)
    if step is not None:
        await reply(update, safety_plan_view.say(context.renderer, "edit_in_plan", step=step))
    elif maybe:
        await reply(update, safety_plan_view.say(context.renderer, "edit_maybe_in_plan"))
    else:
        await reply(update, context.renderer.line("edit_unknown"))


async def bring_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """📌 Bring to session, under an acknowledgement."""
    entry_id = press.number()
    flagged = entry_id is not None and await journal.flag(context.db, press.owner, entry_id)
    await query.answer(context.renderer.line("flagged" if flagged else "button_stale"))
    if flagged:
        await drop_buttons(query)


async def bring_answer(update: Update, context: BetweenContext) -> None:
    """The next message after /bring alone: the item to bring."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await _bring(update, context, message.text.strip(), answered=True)


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
            # What to bring comes in the next message.
            await conversation.ask(context.db, owner, Ask.BRING, now, language(update))
            await reply(update, context.renderer.bad_input(BadInput("bring_empty")))
            return
        if not await journal.flag_message(context.db, owner, message.chat_id, target.message_id):
            raise BadInput("bring_not_kept")
        await reply(update, context.renderer.line("flagged"))
        return
    await _bring(update, context, text)


async def _bring(update: Update, context: BetweenContext, text: str, *, answered: bool = False) -> None:
    """Keep ``text`` as an item for the next session (``answered``: it answers /bring alone)."""
    message = update.effective_message
    assert message is not None
    now = context.clock.now()
    crisis = suggests_crisis(context, text)
    kept = await journal.keep(
        context.db,
        _entry(update, message, "bring", text, now, bring=True),
        reply_to_message_id=None,
        language_code=language(update),
        now=now,
        link_to_prompt=False,
        answers=Ask.BRING if answered else None,
    )
    if not kept.new:
        return
    if crisis:
        await send_crisis_resources(update, context)
    await reply(update, context.renderer.line("brought"))


# The handler that acts on each reply Between asks for. Each raises BadInput when it cannot read
# the reply, before anything changes.
ASKS: dict[Ask, Callable[[Update, BetweenContext], Awaitable[None]]] = {
    Ask.ZONE: _zone_answer,
    Ask.CITY: _zone_answer,
    Ask.REMIND_TIME: reminders.time_answer,
    Ask.PAUSE_DATE: pause.pause_date_answer,
    Ask.SESSION_TIME: sessions.time_answer,
    Ask.BRING: bring_answer,
    Ask.PRACTICE_TEXT: practice.practice_answer,
    Ask.EXPERIMENT_TRY: practice.experiment_answer,
    Ask.EXPERIMENT_EXPECT: practice.experiment_answer,
    Ask.EXPERIMENT_SURE: practice.experiment_answer,
    Ask.EXPERIMENT_LEARNED: practice.experiment_answer,
    Ask.SAFETY_PLAN: safety_plan.step_answer,
    Ask.WELLBEING: wellbeing.typed_answer,
}
