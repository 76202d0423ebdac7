"""Journey 2, reminders: /remind, /pause, /resume, and the buttons that go with them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import Update

from bot.context import BetweenContext
from bot.errors import BadInput
from bot.handlers.buttons import keyboard, pack
from bot.handlers.common import drop_buttons, own_press, reply, user_id
from bot.parsing import PauseSpec, parse_clock_time, parse_pause_args, parse_remind_args
from bot.schedule import ALL_DAYS
from bot.services import reminders as service
from bot.store import people
from bot.store.reminders import Reminder
from bot.timezones import zone_from_name

AWAITING_TIME = "remind_time"
AWAITING_PAUSE_DATE = "pause_date"
PAUSE_CHOICES = {"1d": timedelta(days=1), "3d": timedelta(days=3), "7d": timedelta(days=7)}


def reminder_view(reminder: Reminder) -> dict[str, object]:
    """What templates need to show a reminder."""
    return {"id": reminder.id, "at": reminder.at.strftime("%H:%M"), "days": sorted(reminder.days)}


def local_view(instant: datetime, zone_name: str) -> dict[str, str]:
    """An instant as the person's wall clock reads it (for "until Tuesday 24 Dec, 00:00")."""
    local = instant.astimezone(zone_from_name(zone_name))
    return {
        "date": local.date().isoformat(),
        "weekday": str(local.weekday()),
        "time": local.strftime("%H:%M"),
    }


async def remind(update: Update, context: BetweenContext) -> None:
    """/remind [times] [days] | off: add reminder times, remove them all, or list them."""
    args = context.args or []
    if not args:
        await _show(update, context)
        return
    if [a.lower() for a in args] == ["off"]:
        count = await service.remove_all(context.db, user_id(update))
        await reply(update, context.renderer.line("reminders_off", count=count))
        return
    await _add(update, context, parse_remind_args(args))


async def _add(update: Update, context: BetweenContext, times: list[tuple[time, frozenset[int]]]) -> None:
    result = await service.add_times(context.db, user_id(update), times, context.clock.now())
    context.resources.wake()
    await reply(
        update,
        context.renderer.render(
            "reminders_added.j2",
            added=[{"at": at.strftime("%H:%M"), "days": sorted(days)} for at, days in result.added],
            already=[{"at": at.strftime("%H:%M"), "days": sorted(d)} for at, d in result.already],
            reminders=[reminder_view(r) for r in result.all],
        ),
    )


async def _show(update: Update, context: BetweenContext) -> None:
    owner = user_id(update)
    person, items = await service.listing(context.db, owner)
    renderer = context.renderer
    rows = [
        [
            (
                renderer.label("remove_reminder", at=r.at.strftime("%H:%M"), days=sorted(r.days)),
                pack("rm", owner, r.id),
            )
        ]
        for r in items
    ]
    rows.append([(renderer.label("add_reminder"), pack("rmadd", owner))])
    paused_until = None
    if person is not None and person.zone and person.paused_until:
        paused_until = local_view(person.paused_until, person.zone)
    await reply(
        update,
        renderer.render(
            "reminders.j2",
            reminders=[reminder_view(r) for r in items],
            paused=bool(person and person.paused(context.clock.now())),
            paused_until=paused_until,
        ),
        keyboard(rows),
    )


async def reminder_button(update: Update, context: BetweenContext) -> None:
    """Buttons from /remind and from onboarding: remove one, add one, take a default, not now."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    owner = press.owner
    renderer = context.renderer
    if press.action == "rm":
        removed = (
            press.args
            and press.args[0].isdigit()
            and await service.remove(context.db, owner, int(press.args[0]))
        )
        await query.answer(renderer.line("reminder_removed" if removed else "button_stale"))
        if removed:
            await drop_buttons(query)
            await _show(update, context)
    elif press.action == "rmadd":
        now = context.clock.now()
        async with context.db.transaction() as conn:
            await service.require_person_with_zone(conn, owner)
            await people.set_awaiting(conn, owner, AWAITING_TIME, now)
        await query.answer()
        await reply(update, renderer.line("ask_reminder_time"))
    elif press.action == "rmdef":
        if not press.args or len(press.args[0]) != 4 or not press.args[0].isdigit():
            await query.answer(renderer.line("button_stale"))
            return
        at = parse_clock_time(press.args[0][:2] + ":" + press.args[0][2:])
        await query.answer()
        await drop_buttons(query)
        await _add(update, context, [(at, ALL_DAYS)])
    elif press.action == "rmno":
        await query.answer()
        await drop_buttons(query)
        await reply(update, renderer.line("reminders_not_now"))


async def offer_default(update: Update, context: BetweenContext) -> None:
    """After onboarding: offer an evening reminder (20:00, 21:00, another time, not now)."""
    owner = user_id(update)
    renderer = context.renderer
    markup = keyboard(
        [
            [("20:00", pack("rmdef", owner, "2000")), ("21:00", pack("rmdef", owner, "2100"))],
            [
                (renderer.label("another_time"), pack("rmadd", owner)),
                (renderer.label("not_now"), pack("rmno", owner)),
            ],
        ]
    )
    await reply(update, renderer.line("offer_default_reminder"), markup)


async def time_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "which time?" after the Add button."""
    message = update.effective_message
    assert message is not None and message.text is not None
    times = parse_remind_args(message.text.split())
    async with context.db.transaction() as conn:
        await people.set_awaiting(conn, user_id(update), None, context.clock.now())
    await _add(update, context, times)


async def pause(update: Update, context: BetweenContext) -> None:
    """/pause [3d | 2w | until DATE | forever]; alone, it offers buttons."""
    owner = user_id(update)
    today = await _local_today(context, owner)
    spec = parse_pause_args(context.args or [], today=today)
    if spec is None:
        renderer = context.renderer
        markup = keyboard(
            [
                [
                    (renderer.label("pause_1d"), pack("pause", owner, "1d")),
                    (renderer.label("pause_3d"), pack("pause", owner, "3d")),
                    (renderer.label("pause_7d"), pack("pause", owner, "7d")),
                ],
                [
                    (renderer.label("pause_date"), pack("pause", owner, "date")),
                    (renderer.label("pause_open"), pack("pause", owner, "open")),
                ],
            ]
        )
        await reply(update, renderer.line("pause_ask"), markup)
        return
    await _pause_as(update, context, spec)


async def _pause(
    update: Update,
    context: BetweenContext,
    *,
    duration: timedelta | None = None,
    until: date | None = None,
) -> None:
    owner = user_id(update)
    now = context.clock.now()
    end = await service.pause(context.db, owner, now, duration=duration, until=until)
    context.resources.wake()
    async with context.db.read() as conn:
        person = await people.get(conn, owner)
    assert person is not None and person.zone is not None
    await reply(
        update,
        context.renderer.line("paused", until=local_view(end, person.zone) if end else None),
    )


async def pause_button(update: Update, context: BetweenContext) -> None:
    """A choice from the /pause buttons."""
    press = await own_press(update, context)
    if press is None:
        return
    query = update.callback_query
    assert query is not None
    choice = press.args[0] if press.args else ""
    if choice in PAUSE_CHOICES:
        await query.answer()
        await drop_buttons(query)
        await _pause(update, context, duration=PAUSE_CHOICES[choice])
    elif choice == "open":
        await query.answer()
        await drop_buttons(query)
        await _pause(update, context)
    elif choice == "date":
        async with context.db.transaction() as conn:
            await service.require_person_with_zone(conn, press.owner)
            await people.set_awaiting(conn, press.owner, AWAITING_PAUSE_DATE, context.clock.now())
        await query.answer()
        await reply(update, context.renderer.line("ask_pause_date"))
    else:
        await query.answer(context.renderer.line("button_stale"))


async def pause_date_answer(update: Update, context: BetweenContext) -> None:
    """A plain message answering "until which date?"."""
    message = update.effective_message
    assert message is not None and message.text is not None
    owner = user_id(update)
    spec = parse_pause_args(["until", message.text], today=await _local_today(context, owner))
    assert spec is not None
    async with context.db.transaction() as conn:
        await people.set_awaiting(conn, owner, None, context.clock.now())
    await _pause_as(update, context, spec)


async def _pause_as(update: Update, context: BetweenContext, spec: PauseSpec) -> None:
    if spec.indefinite:
        await _pause(update, context)
    else:
        await _pause(update, context, duration=spec.duration, until=spec.until)


async def resume(update: Update, context: BetweenContext) -> None:
    """/resume: end a pause at once."""
    resumed = await service.resume(context.db, user_id(update), context.clock.now())
    context.resources.wake()
    await reply(update, context.renderer.line("resumed" if resumed else "not_paused"))


async def _local_today(context: BetweenContext, owner: int) -> date:
    async with context.db.read() as conn:
        person = await people.get(conn, owner)
    if person is None or person.zone is None:
        raise BadInput("zone_first")
    return context.clock.now().astimezone(zone_from_name(person.zone)).date()
