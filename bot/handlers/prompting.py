"""Prompts on demand (/prompt) and the buttons under every prompt: Later, Another, Skip."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from telegram import Update

from bot.context import BetweenContext
from bot.handlers.buttons import Press, keyboard, pack
from bot.handlers.common import drop_buttons, language, own_press, reply, user_id
from bot.schedule import ALL_DAYS, next_due
from bot.services.prompting import choose_for, prompt_message
from bot.store import deliveries, people
from bot.store.deliveries import Delivery
from bot.timezones import zone_from_name

SNOOZE = timedelta(hours=1)
SNOOZE_LONG = timedelta(hours=3)
MORNING = time(9, 0)
# Buttons under a prompt older than this no longer act: a week-old "Later" surprises more than
# it helps.
BUTTON_LIFETIME = timedelta(hours=24)


async def prompt_now(update: Update, context: BetweenContext) -> None:
    """/prompt: a reflection question right now."""
    owner = user_id(update)
    now = context.clock.now()
    async with context.db.transaction() as conn:
        person = await people.ensure(conn, owner, language(update), now)
        prompt = await choose_for(conn, context.resources.catalogue, owner, now)
        delivery_id = await deliveries.add_sent(
            conn, user_id=owner, kind="on_demand", prompt_id=prompt.id, now=now
        )
    text, markup = prompt_message(
        context.renderer, prompt, owner, delivery_id, with_mood=person.mood_with_prompts
    )
    message = await reply(update, text, markup)
    async with context.db.transaction() as conn:
        await deliveries.mark_sent(conn, delivery_id, message.message_id, context.clock.now())


async def _live_delivery(update: Update, context: BetweenContext, press: Press) -> Delivery | None:
    """The delivery a prompt button refers to, if it is the presser's and still current."""
    query = update.callback_query
    assert query is not None
    delivery = None
    if press.args and press.args[0].isdigit():
        async with context.db.read() as conn:
            delivery = await deliveries.get(conn, press.owner, int(press.args[0]))
    now = context.clock.now()
    fresh = (
        delivery is not None and delivery.sent_at is not None and (now - delivery.sent_at <= BUTTON_LIFETIME)
    )
    if delivery is None or not fresh or delivery.state not in ("sent", "scheduled"):
        await query.answer(context.renderer.line("button_stale"))
        return None
    return delivery


async def prompt_button(update: Update, context: BetweenContext) -> None:
    """Later / Another question / Skip under a prompt."""
    press = await own_press(update, context)
    if press is None:
        return
    delivery = await _live_delivery(update, context, press)
    if delivery is None:
        return
    if press.action == "later":
        await _later(update, context, delivery)
    elif press.action == "another":
        await _another(update, context, delivery)
    elif press.action == "skip":
        await _skip(update, context, delivery)


async def _later(update: Update, context: BetweenContext, delivery: Delivery) -> None:
    query = update.callback_query
    assert query is not None
    now = context.clock.now()
    async with context.db.transaction() as conn:
        snooze_id = await deliveries.schedule_snooze(
            conn,
            user_id=delivery.user_id,
            prompt_id=delivery.prompt_id,
            due_at=now + SNOOZE,
            now=now,
        )
        await deliveries.mark(conn, delivery.id, "skipped")
    context.resources.wake()
    renderer = context.renderer
    owner = delivery.user_id
    await query.answer(renderer.line("snoozed_hour"))
    await query.edit_message_reply_markup(
        keyboard(
            [
                [
                    (renderer.label("later_3h"), pack("snz", owner, snooze_id, "3h")),
                    (renderer.label("later_morning"), pack("snz", owner, snooze_id, "am")),
                ]
            ]
        )
    )


async def snooze_button(update: Update, context: BetweenContext) -> None:
    """The second tap after Later: 3 hours, or tomorrow morning, instead of one hour."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    now = context.clock.now()
    snooze = None
    if len(press.args) == 2 and press.args[0].isdigit():
        async with context.db.read() as conn:
            snooze = await deliveries.get(conn, press.owner, int(press.args[0]))
            person = await people.get(conn, press.owner)
    if snooze is None or snooze.state != "scheduled" or press.args[1] not in ("3h", "am"):
        await query.answer(context.renderer.line("button_stale"))
        return
    due_at = await _snooze_target(press.args[1], now, person.zone if person else None)
    async with context.db.transaction() as conn:
        await deliveries.reschedule(conn, snooze.id, due_at)
    context.resources.wake()
    await query.answer(context.renderer.line("snoozed_morning" if press.args[1] == "am" else "snoozed_3h"))
    await drop_buttons(query)


async def _snooze_target(choice: str, now: datetime, zone: str | None) -> datetime:
    if choice == "3h" or zone is None:
        return now + SNOOZE_LONG
    return next_due(now + timedelta(hours=4), MORNING, ALL_DAYS, zone_from_name(zone))


async def _another(update: Update, context: BetweenContext, delivery: Delivery) -> None:
    query = update.callback_query
    assert query is not None
    now = context.clock.now()
    exclude = (delivery.prompt_id,) if delivery.prompt_id else ()
    async with context.db.transaction() as conn:
        prompt = await choose_for(conn, context.resources.catalogue, delivery.user_id, now, exclude=exclude)
        await deliveries.set_prompt(conn, delivery.id, prompt.id)
        person = await people.get(conn, delivery.user_id)
    with_mood = bool(person and person.mood_with_prompts)
    text, markup = prompt_message(
        context.renderer, prompt, delivery.user_id, delivery.id, with_mood=with_mood
    )
    await query.answer()
    await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)


async def _skip(update: Update, context: BetweenContext, delivery: Delivery) -> None:
    query = update.callback_query
    assert query is not None
    async with context.db.transaction() as conn:
        await deliveries.mark(conn, delivery.id, "skipped")
    await query.answer(context.renderer.line("skipped"))
    await drop_buttons(query)
