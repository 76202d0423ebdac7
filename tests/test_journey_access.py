"""Who may use Between: an allowed list, invite links, and nothing stored about anyone else."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.app import running
from bot.invite_cli import make_invite
from tests.conftest import Harness, make_settings


@pytest.fixture
async def restricted(api, clock, tmp_path: Path):
    """A bot open only to user 1001 and to people with an invite."""
    settings = make_settings(
        api, tmp_path / "between.sqlite3", allowed_users=frozenset({1001}), invite_only=True
    )
    async with running(settings, clock) as runtime:
        stop = asyncio.Event()
        polling = asyncio.create_task(runtime.poll(stop))
        try:
            yield Harness(api, runtime, clock), settings
        finally:
            stop.set()
            await polling


async def count_people(harness) -> int:
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM people") as cur:
            return (await cur.fetchone())[0]


async def test_allowed_person_is_greeted(restricted):
    harness, _ = restricted
    reply = await harness.person(1001).says_one("/start")
    assert "Between" in reply.visible


async def test_stranger_gets_one_polite_line_and_nothing_is_stored(restricted):
    harness, _ = restricted
    stranger = harness.person(2002)
    for text in ("/start", "hello, I'd like to journal", "/remind 20:00"):
        reply = await stranger.says_one(text)
        assert "private" in reply.visible
    assert await count_people(harness) == 0


async def test_invite_link_lets_a_person_in_once(restricted, tmp_path):
    harness, settings = restricted
    link = await make_invite(settings, uses=1, bot_username="between_local_bot")
    code = link.rsplit("=", 1)[1]
    assert link.startswith("https://t.me/between_local_bot?start=")
    newcomer = harness.person(3003)
    reply = await newcomer.says_one(f"/start {code}")
    assert "time zone" in reply.visible  # greeted, onboarding begins
    await newcomer.says("Berlin")
    # Used up: a second person with the same link is turned away.
    late = harness.person(3004)
    reply = await late.says_one(f"/start {code}")
    assert "isn't valid" in reply.visible
    assert await count_people(harness) == 1


async def test_expired_and_forged_invites_are_refused(restricted, clock):
    harness, settings = restricted
    link = await make_invite(settings, uses=5, days=1, bot_username="b", clock=clock)
    code = link.rsplit("=", 1)[1]
    clock.advance(days=2)
    assert "isn't valid" in (await harness.person(4004).says_one(f"/start {code}")).visible
    assert "isn't valid" in (await harness.person(4005).says_one("/start forged-code")).visible
    assert await count_people(harness) == 0


async def test_start_with_a_garbage_payload_on_an_open_bot_just_greets(harness):
    reply = await harness.person(1001).says_one("/start %%%garbage%%%")
    assert "Between" in reply.visible
