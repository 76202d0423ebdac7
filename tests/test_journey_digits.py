"""Digits that are not plain ASCII, typed or forged into button data: a kind answer or the
stale-button notice, never a crash, and never the typed characters in a log line or traceback.

``str.isdigit()`` says yes to "²" and "፩", and ``int()`` refuses them: code that checked with
the one and converted with the other crashed, and the error log carried what the person typed.
"""

from __future__ import annotations

import logging

import pytest

from bot.store import reminders
from bot.views.buttons import Action
from tests.test_journey_reminders import onboarded

ODD = ("²", "፩", "４")  # a superscript, an Ethiopic digit (int() refuses both), a full-width four


@pytest.fixture
def watched(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every line at DEBUG, with the libraries at INFO as `between run` keeps them (bot/logs.py:
    at DEBUG they print whole updates, which is why they are kept quiet)."""
    caplog.set_level(logging.DEBUG)
    for library in ("telegram", "httpx", "httpcore", "apscheduler", "aiosqlite"):
        caplog.set_level(logging.INFO, logger=library)
    return caplog


def assert_no_trace(caplog: pytest.LogCaptureFixture, *typed: str) -> None:
    """No ERROR line at all, and what the person typed in no line and no traceback of Between's."""
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    formatter = logging.Formatter()
    for record in caplog.records:
        if record.name.startswith("bot.localapi"):
            continue  # the stand-in plays Telegram: it is not Between's log
        logged = record.getMessage()
        if record.exc_info:
            logged += formatter.formatException(record.exc_info)
        for text in typed:
            assert text not in logged, (record.name, logged)


async def test_mood_with_a_superscript_gets_the_mood_hint(harness, watched):
    alex = await onboarded(harness)
    reply = await alex.says_one("/mood ²")
    assert "Mood is a number from 1" in reply.visible
    reply = await alex.says_one("/mood ፩")
    assert "Mood is a number from 1" in reply.visible
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM moods") as cur:
            assert (await cur.fetchone())[0] == 0
    assert_no_trace(watched, "²", "፩")


async def test_mood_with_a_full_width_digit_is_that_mood(harness, watched):
    alex = await onboarded(harness)
    reply = await alex.says_one("/mood ４")
    assert reply.visible.startswith("Noted: good")  # 4 is "good"
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT score FROM moods") as cur:
            assert [row[0] for row in await cur.fetchall()] == [4]
    assert_no_trace(watched, "４")


async def test_remind_with_superscript_digits_reads_the_time_they_show(harness, watched):
    alex = await onboarded(harness)
    reply = await alex.says_one("/remind ²⁰:00")
    assert "20:00" in reply.visible
    reply = await alex.says_one("/remind ፩፪:00")
    assert "\n" not in reply.visible.strip() and "time" in reply.visible
    async with harness.runtime.db.read() as conn:
        assert len(await reminders.for_person(conn, 1001)) == 1
    assert_no_trace(watched, "²⁰", "፩")


async def test_session_with_a_digit_int_refuses_gets_one_kind_line(harness, watched):
    alex = await onboarded(harness)
    for typed in ("/session tue ፩", "/session ፩", "/session tue 17:00 ፩"):
        reply = await alex.says_one(typed)
        assert "\n" not in reply.visible.strip()
        assert "something went wrong" not in reply.visible.lower()
    assert_no_trace(watched, "፩")


SHAPES = ("{d}", "1:{d}", "{d}:am", "1:1:{d}", "{d}{d}{d}{d}")


async def test_forged_button_data_with_odd_digits_is_answered_kindly(harness, watched):
    """Every button action, with digits int() refuses wherever an argument goes."""
    alex = await onboarded(harness)
    await alex.says("/remind 09:00 20:00")
    target = alex.last().message_id
    for action in Action:
        for digit in ODD[:2]:
            for shape in SHAPES:
                data = f"{action.value}:1001:{shape.format(d=digit)}"
                before = len(alex.messages())
                await alex.presses_data(target, data)
                answer = harness.api.callback_answer(harness.last_query_id)
                assert answer is not None, data  # answered: a notice, or nothing to say
                said = [answer.get("text") or ""] + [m.visible for m in alex.messages()[before:]]
                assert "something went wrong" not in " ".join(said).lower(), data
            # Digits in the owner's place: not a press of theirs.
            await alex.presses_data(target, f"{action.value}:1{digit}:1")
            assert "isn't yours" in alex.toast()
    assert_no_trace(watched, *ODD)


async def test_forged_remove_button_with_a_lookalike_id_removes_nothing(harness, watched):
    alex = await onboarded(harness)
    await alex.says("/remind 09:00 20:00")  # reminder ids 1 and 2
    target = alex.last().message_id
    for data in ("rm:1001:²", "rm:1001:¹", "rm:1001:１", "rm:1001:፩", "rm:1001:①"):
        assert await alex.presses_data(target, data) == []
        assert "older message" in alex.toast(), data  # the stale-button notice
    async with harness.runtime.db.read() as conn:
        assert [r.id for r in await reminders.for_person(conn, 1001)] == [1, 2]
    assert_no_trace(watched, "²", "¹", "１", "፩", "①")
