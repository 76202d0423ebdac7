"""Journey 1, getting started: /start, /timezone, /help, /settings and the zone answer."""

from __future__ import annotations

from telegram import Update

from bot.context import BetweenContext
from bot.handlers import reminders
from bot.handlers.buttons import keyboard, pack
from bot.handlers.common import drop_buttons, language, own_press, reply, user_id
from bot.parsing import ZoneGuess, parse_zone_answer
from bot.services.reminders import rearm
from bot.store import people
from bot.store import reminders as reminders_store
from bot.timezones import describe_zone, zone_from_name

AWAITING_ZONE = "zone"


async def start(update: Update, context: BetweenContext) -> None:
    """Greet, say what Between is (and is not), and ask for the zone. Never wipes anything."""
    now = context.clock.now()
    async with context.db.transaction() as conn:
        person = await people.ensure(conn, user_id(update), language(update), now)
        if person.zone is None:
            await people.set_awaiting(conn, person.user_id, AWAITING_ZONE, now)
    user = update.effective_user
    name = user.first_name if user else ""
    if person.zone is None:
        await reply(update, context.renderer.render("start.j2", name=name))
    else:
        zone = describe_zone(person.zone, now)
        await reply(update, context.renderer.render("welcome_back.j2", name=name, zone=zone))


async def timezone(update: Update, context: BetweenContext) -> None:
    """/timezone shows the zone and asks for a new one; /timezone <answer> changes it."""
    text = " ".join(context.args or [])
    now = context.clock.now()
    if text:
        await _answer_zone(update, context, text)
        return
    async with context.db.transaction() as conn:
        person = await people.ensure(conn, user_id(update), language(update), now)
        await people.set_awaiting(conn, person.user_id, AWAITING_ZONE, now)
    zone = describe_zone(person.zone, now) if person.zone else None
    await reply(update, context.renderer.render("timezone_ask.j2", zone=zone))


async def zone_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "what's your time zone?"."""
    message = update.effective_message
    assert message is not None and message.text is not None
    await _answer_zone(update, context, message.text)


async def _answer_zone(update: Update, context: BetweenContext, text: str) -> None:
    now = context.clock.now()
    guess = parse_zone_answer(text, now=now)  # BadInput -> a kind line, nothing changed
    if guess.zone is None:
        await _offer_choices(update, context, guess)
        return
    await _set_zone(update, context, guess.zone, fixed_offset=guess.fixed_offset)


async def _offer_choices(update: Update, context: BetweenContext, guess: ZoneGuess) -> None:
    owner = user_id(update)
    now = context.clock.now()
    rows = [[(describe_zone(name, now).city, pack("tz", owner, name))] for name in guess.choices]
    rows.append([(context.renderer.label("zone_none_of_these"), pack("tz?", owner))])
    await reply(update, context.renderer.line("zone_pick"), keyboard(rows))


async def _set_zone(update: Update, context: BetweenContext, zone: str, *, fixed_offset: bool) -> None:
    now = context.clock.now()
    owner = user_id(update)
    async with context.db.transaction() as conn:
        before = await people.ensure(conn, owner, language(update), now)
        await people.set_zone(conn, owner, zone, now)
        # Reminder times keep their wall-clock meaning: 20:00 stays 20:00 in the new zone.
        await rearm(conn, owner, now)
        has_reminders = bool(await reminders_store.for_person(conn, owner))
    context.resources.wake()
    view = describe_zone(zone, now)
    await reply(update, context.renderer.render("zone_set.j2", zone=view, fixed_offset=fixed_offset))
    if before.zone is None and not has_reminders:
        await reminders.offer_default(update, context)


async def zone_button(update: Update, context: BetweenContext) -> None:
    """A zone picked from the offered buttons (or "none of these")."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    if press.action == "tz?" or not press.args:
        await query.answer()
        await reply(update, context.renderer.line("zone_ask_city"))
        return
    name = ":".join(press.args)
    zone_from_name(name)  # refuses a forged zone name (BadInput), before anything changes
    await query.answer()
    await drop_buttons(query)
    await _set_zone(update, context, name, fixed_offset=False)


async def help_command(update: Update, context: BetweenContext) -> None:
    """List the commands, ending with where to find urgent help."""
    await reply(update, context.renderer.render("help.j2"))


async def settings_command(update: Update, context: BetweenContext) -> None:
    """Everything in one place: zone, reminders and pause, with buttons to change them."""
    now = context.clock.now()
    owner = user_id(update)
    async with context.db.transaction() as conn:
        person = await people.ensure(conn, owner, language(update), now)
        items = await reminders_store.for_person(conn, owner)
    zone = describe_zone(person.zone, now) if person.zone else None
    paused = person.paused(now)
    renderer = context.renderer
    rows = [
        [(renderer.label("settings_zone"), pack("set", owner, "zone")),
         (renderer.label("settings_reminders"), pack("set", owner, "remind"))],
        [(renderer.label("settings_resume" if paused else "settings_pause"),
          pack("set", owner, "resume" if paused else "pause"))],
        [(renderer.label("settings_mood", on=person.mood_with_prompts), pack("set", owner, "mood"))],
    ]  # fmt: skip
    await reply(
        update,
        renderer.render(
            "settings.j2",
            zone=zone,
            reminders=[reminders.reminder_view(r) for r in items],
            paused=paused,
            mood_with_prompts=person.mood_with_prompts,
            paused_until=reminders.local_view(person.paused_until, person.zone)
            if paused and person.paused_until and person.zone
            else None,
        ),
        keyboard(rows),
    )


async def settings_button(update: Update, context: BetweenContext) -> None:
    """A button under /settings opens that part, exactly as its command would."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    await query.answer()
    context.args = []
    choice = press.args[0] if press.args else ""
    if choice == "zone":
        await timezone(update, context)
    elif choice == "remind":
        await reminders.remind(update, context)
    elif choice == "pause":
        await reminders.pause(update, context)
    elif choice == "resume":
        await reminders.resume(update, context)
    elif choice == "mood":
        now = context.clock.now()
        async with context.db.transaction() as conn:
            person = await people.ensure(conn, press.owner, language(update), now)
            await people.set_mood_with_prompts(conn, press.owner, not person.mood_with_prompts, now)
        await settings_command(update, context)
