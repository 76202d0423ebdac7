"""Journey 1, getting started: /start, /timezone, /help and the answer to "what's your time zone?"."""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.context import BetweenContext
from bot.handlers.common import AnyApplication, button, command, language, user_id
from bot.parsing import ZoneGuess, parse_zone_answer
from bot.services import conversation
from bot.services import onboarding as service
from bot.services.conversation import Ask
from bot.timezones import describe_zone, zone_from_name
from bot.views.buttons import Action, Press, keyboard, pack
from bot.views.menu import MENU
from bot.views.reminders import default_offer
from bot.views.replies import drop_buttons, reply
from bot.views.sessions import plan_view


def add_handlers(app: AnyApplication) -> None:
    """Register /start, /timezone, /help and the zone buttons."""
    app.add_handler(command("start", start))
    app.add_handler(command("timezone", timezone))
    app.add_handler(command("help", help_command))
    app.add_handler(button(zone_button, Action.ZONE, Action.ZONE_NONE_OF_THESE))


async def start(update: Update, context: BetweenContext) -> None:
    """Greet, say what Between is (and is not), and ask for the zone. Never wipes anything."""
    now = context.clock.now()
    person = await service.greet(context.db, user_id(update), language(update), now)
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
    if text:
        await answer_zone(update, context, text)
        return
    now = context.clock.now()
    person = await service.ask_zone(context.db, user_id(update), language(update), now)
    zone = describe_zone(person.zone, now) if person.zone else None
    await reply(update, context.renderer.render("timezone_ask.j2", zone=zone))


async def answer_zone(update: Update, context: BetweenContext, text: str) -> None:
    """A zone typed by the person: set it, or offer the zones their answer could mean."""
    # BadInput -> a kind line, nothing changed
    guess = parse_zone_answer(text, now=context.clock.now(), language=context.language)
    if guess.zone is None:
        await _offer_choices(update, context, guess)
        return
    await _set_zone(update, context, guess.zone, fixed_offset=guess.fixed_offset)


async def _offer_choices(update: Update, context: BetweenContext, guess: ZoneGuess) -> None:
    owner = user_id(update)
    now = context.clock.now()
    # Each zone as the person's language names its city (Лондон, Londres), as the reply will.
    city = context.renderer.city
    rows = [[(city(describe_zone(name, now)), pack(Action.ZONE, owner, name))] for name in guess.choices]
    rows.append([(context.renderer.label("zone_none_of_these"), pack(Action.ZONE_NONE_OF_THESE, owner))])
    # A city typed instead of pressing a button is still the answer.
    await conversation.ask(context.db, owner, Ask.ZONE, now, language(update))
    await reply(update, context.renderer.line("zone_pick"), keyboard(rows))


async def _set_zone(update: Update, context: BetweenContext, zone: str, *, fixed_offset: bool) -> None:
    now = context.clock.now()
    owner = user_id(update)
    result = await service.set_zone(context.db, owner, language(update), zone, now)
    context.resources.wake()
    view = describe_zone(zone, now)
    session = plan_view(result.session, zone_from_name(zone), now) if result.session else None
    await reply(
        update, context.renderer.render("zone_set.j2", zone=view, fixed_offset=fixed_offset, session=session)
    )
    if result.first_zone and not result.has_reminders:
        await reply(update, *default_offer(context.renderer, owner))


async def zone_button(update: Update, context: BetweenContext, query: CallbackQuery, press: Press) -> None:
    """A zone picked from the offered buttons (or "none of these")."""
    if press.action == Action.ZONE_NONE_OF_THESE or not press.args:
        await conversation.ask(context.db, press.owner, Ask.CITY, context.clock.now(), language(update))
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
    await reply(update, context.renderer.render("help.j2", commands=MENU))
