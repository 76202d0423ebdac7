"""Session arithmetic: reading /session, rolling a repeating session forward (DST-safe), and
what a session held, skipped or stopped does to the plan and its recap_due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import BadInput
from bot.parsing import SESSION_BAD_INPUT_CODES, SessionSpec, parse_session_args
from bot.schedule import local_instant
from bot.services import sessions as service
from bot.store import people, sessions
from bot.store.db import Database
from bot.store.migrate import migrate

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 23 November 2026, 09:00 in Berlin.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
LEAD = timedelta(hours=2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- reading /session -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", SessionSpec("show")),
        ("done", SessionSpec("done")),
        ("Skip", SessionSpec("skip")),
        ("off", SessionSpec("stop")),
        ("tue 17:00 weekly", SessionSpec("set", date(2026, 11, 24), time(17, 0), 7)),
        ("2026-11-24 17:00", SessionSpec("set", date(2026, 11, 24), time(17, 0), None)),
        ("24.11 5pm", SessionSpec("set", date(2026, 11, 24), time(17, 0), None)),
        ("thursday 5 pm every 2 weeks", SessionSpec("set", date(2026, 11, 26), time(17, 0), 14)),
        ("every other thursday 17:30", SessionSpec("set", date(2026, 11, 26), time(17, 30), 14)),
        ("every wed at 8am", SessionSpec("set", date(2026, 11, 25), time(8, 0), 7)),
        ("tomorrow 9.30 once", SessionSpec("set", date(2026, 11, 24), time(9, 30), 0)),
        ("12.12 17:00 fortnightly", SessionSpec("set", date(2026, 12, 12), time(17, 0), 14)),
        # Today is Monday: "mon" at a time still ahead is today, at a time gone, next week.
        ("mon 18:00", SessionSpec("set", date(2026, 11, 23), time(18, 0), None)),
        ("mon 08:00", SessionSpec("set", date(2026, 11, 30), time(8, 0), None)),
    ],
)
def test_session_arguments(typed: str, expected: SessionSpec) -> None:
    assert parse_session_args(typed.split(), local_now=MONDAY_MORNING) == expected


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("someday maybe", "session_invalid"),
        ("2020-01-01 10:00", "session_past"),
        ("today 08:59", "session_past"),
        ("31/02", "date_invalid"),
        ("31/02 17:00", "date_invalid"),
        ("tue", "session_no_time"),
        ("weekly", "session_no_date"),
        ("17:00", "session_no_date"),
        ("tue 5", "time_ambiguous"),
        ("tue 25:00", "time_invalid"),
        ("2027-12-01 10:00", "session_too_far"),
        ("tue 17:00 weekly once", "session_invalid"),
        ("tue 17:00 18:00", "session_invalid"),
        ("x" * 300, "input_too_long"),
    ],
)
def test_session_arguments_refused(typed: str, code: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_session_args(typed.split(), local_now=MONDAY_MORNING)
    assert caught.value.code == code
    if code in SESSION_BAD_INPUT_CODES:
        assert set(caught.value.params) == set(SESSION_BAD_INPUT_CODES[code])


def test_every_session_code_has_a_kind_answer() -> None:
    from bot.render import Renderer

    renderer = Renderer()
    codes = {**SESSION_BAD_INPUT_CODES, "session_zone_first": (), "recap_too_long": ("max_days",)}
    for code, params in codes.items():
        line = renderer.bad_input(BadInput(code, **{p: "<b>x&y</b>" for p in params}))
        assert line and "\n" not in line
        assert "<b>x&y</b>" not in line  # what a person typed is escaped, never markup


# --- rolling forward --------------------------------------------------------------------------


def test_weekly_keeps_the_wall_clock_time_across_the_autumn_change() -> None:
    first = local_instant(date(2026, 10, 20), time(17, 0), BERLIN)
    assert first == utc(2026, 10, 20, 15, 0)
    assert service.following(first, time(17, 0), 7, BERLIN, first) == utc(2026, 10, 27, 16, 0)


def test_a_time_in_the_spring_gap_happens_at_the_end_of_the_gap() -> None:
    first = local_instant(date(2026, 3, 22), time(2, 30), BERLIN)  # 02:30 CET
    rolled = service.following(first, time(2, 30), 7, BERLIN, first)
    assert rolled == utc(2026, 3, 29, 1, 0)  # 29 March has no 02:30: 03:00 CEST
    assert service.following(rolled, time(2, 30), 7, BERLIN, rolled) == utc(2026, 4, 5, 0, 30)


def test_every_two_weeks_keeps_its_rhythm_after_a_long_gap() -> None:
    first = local_instant(date(2026, 1, 6), time(17, 0), BERLIN)
    after = utc(2026, 9, 1, 0, 0)
    rolled = service.following(first, time(17, 0), 14, BERLIN, after)
    assert rolled.astimezone(BERLIN).time() == time(17, 0)
    assert (rolled.astimezone(BERLIN).date() - date(2026, 1, 6)).days % 14 == 0
    assert after < rolled <= after + timedelta(days=14)


ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


@settings(max_examples=150, deadline=None)
@given(
    zone_name=st.sampled_from(ZONES),
    day=st.dates(date(2024, 1, 1), date(2030, 12, 31)),
    at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
    repeat=st.sampled_from([7, 14]),
    wait=st.timedeltas(timedelta(0), timedelta(days=100)),
)
def test_following_is_the_first_occurrence_after(zone_name, day, at, repeat, wait) -> None:
    zone = ZoneInfo(zone_name)
    first = local_instant(day, at, zone)
    after = first + wait
    rolled = service.following(first, at, repeat, zone, after)
    assert rolled > after and rolled > first
    steps = (rolled.astimezone(zone).date() - day).days
    # A zone that skipped a whole calendar day can shift the local date of an occurrence.
    assert steps % repeat in (0, 1, repeat - 1)
    previous_day = day + timedelta(days=(steps // repeat - 1) * repeat)
    if previous_day > day:
        assert local_instant(previous_day, at, zone) <= after


def test_recap_due_is_none_once_its_moment_has_passed() -> None:
    session = utc(2026, 11, 24, 16, 0)
    assert service.recap_due_for(session, LEAD, utc(2026, 11, 24, 13, 0)) == utc(2026, 11, 24, 14, 0)
    assert service.recap_due_for(session, LEAD, utc(2026, 11, 24, 14, 0)) is None


# --- the plan in the database -----------------------------------------------------------------


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "sessions.sqlite3", synchronous="OFF")
    await migrate(database)
    async with database.transaction() as conn:
        await people.ensure(conn, 1, "en", utc(2026, 11, 1))
        await people.set_zone(conn, 1, "Europe/Berlin", utc(2026, 11, 1))
    yield database
    await database.close()


def weekly_tuesday() -> SessionSpec:
    return SessionSpec("set", date(2026, 11, 24), time(17, 0), 7)


async def test_held_session_rolls_a_weekly_plan_and_asks_for_practice(db) -> None:
    now = utc(2026, 11, 23, 8, 0)
    async with db.transaction() as conn:
        await service.set_plan(conn, 1, weekly_tuesday(), now, lead=LEAD)
        plan = await service.mark_session_held(conn, 1, utc(2026, 11, 24, 16, 0), lead=LEAD)
        assert plan is not None and plan.next_at == utc(2026, 12, 1, 16, 0)
        assert plan.recap_due == utc(2026, 12, 1, 14, 0)
        assert await sessions.last_held(conn, 1, utc(2026, 12, 1)) == utc(2026, 11, 24, 16, 0)
        async with conn.execute("SELECT practice_due FROM people WHERE user_id = 1") as cur:
            assert (await cur.fetchone())[0] == 1


async def test_a_held_session_far_from_the_planned_one_leaves_the_plan(db) -> None:
    async with db.transaction() as conn:
        await service.set_plan(conn, 1, weekly_tuesday(), utc(2026, 11, 20, 8, 0), lead=LEAD)
        plan = await service.mark_session_held(conn, 1, utc(2026, 11, 20, 9, 0), lead=LEAD)
        assert plan is not None and plan.next_at == utc(2026, 11, 24, 16, 0)


async def test_one_off_plan_is_gone_once_held(db) -> None:
    async with db.transaction() as conn:
        spec = SessionSpec("set", date(2026, 11, 24), time(17, 0), None)
        plan = await service.set_plan(conn, 1, spec, utc(2026, 11, 23, 8, 0), lead=LEAD)
        assert plan.repeat_days == 0
        assert await service.mark_session_held(conn, 1, utc(2026, 11, 24, 17, 0), lead=LEAD) is None
        assert await sessions.get_plan(conn, 1) is None


async def test_moving_keeps_the_repetition_unless_told(db) -> None:
    now = utc(2026, 11, 23, 8, 0)
    async with db.transaction() as conn:
        await service.set_plan(conn, 1, weekly_tuesday(), now, lead=LEAD)
        moved = await service.set_plan(
            conn, 1, SessionSpec("set", date(2026, 11, 26), time(9, 0)), now, lead=LEAD
        )
        assert moved.repeat_days == 7 and moved.next_at == utc(2026, 11, 26, 8, 0)
        assert moved.recap_due == utc(2026, 11, 26, 6, 0)
        once = await service.set_plan(
            conn, 1, SessionSpec("set", date(2026, 11, 26), time(9, 0), 0), now, lead=LEAD
        )
        assert once.repeat_days == 0


async def test_skip_moves_on_one_step_and_checks_the_session_it_was_for(db) -> None:
    now = utc(2026, 11, 23, 8, 0)
    async with db.transaction() as conn:
        await service.set_plan(conn, 1, weekly_tuesday(), now, lead=LEAD)
        skipped, plan = await service.skip_next(conn, 1, now, lead=LEAD, expected=utc(2026, 11, 17, 16, 0))
        assert not skipped and plan is not None and plan.next_at == utc(2026, 11, 24, 16, 0)
        skipped, plan = await service.skip_next(conn, 1, now, lead=LEAD, expected=utc(2026, 11, 24, 16, 0))
        assert skipped and plan is not None and plan.next_at == utc(2026, 12, 1, 16, 0)
        assert plan.recap_due == utc(2026, 12, 1, 14, 0)
        assert await sessions.last_held(conn, 1, utc(2027, 1, 1)) is None
        assert await service.stop(conn, 1) and not await service.stop(conn, 1)


async def test_passed_sessions_are_held_and_rolled_for_everyone_due(db) -> None:
    async with db.transaction() as conn:
        await service.set_plan(conn, 1, weekly_tuesday(), utc(2026, 11, 23, 8, 0), lead=LEAD)
        assert await service.sessions_passed(conn, utc(2026, 11, 24, 15, 59), lead=LEAD) == []
        # Three weeks late (the bot was down): one session held, the plan lands after now.
        late = utc(2026, 12, 15, 18, 0)
        assert await service.sessions_passed(conn, late, lead=LEAD) == [1]
        plan = await sessions.get_plan(conn, 1)
        assert plan is not None and plan.next_at == utc(2026, 12, 22, 16, 0)
        assert await sessions.last_held(conn, 1, late) == utc(2026, 11, 24, 16, 0)
        assert await service.sessions_passed(conn, late, lead=LEAD) == []
