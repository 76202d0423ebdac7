"""Someone taken off BETWEEN_ALLOWED_USERS: no more prompts or recaps, nothing new kept, and what
is theirs is still theirs: /export hands it over and /delete erases it.

Each test runs the bot twice over one database, as an operator would: first with the person on
the allowed list, then (after a restart) without them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import running
from bot.invite_cli import make_invite
from bot.store import people, reminders
from tests.conftest import Harness, make_settings
from tests.test_journey_reminders import prompts_in

ALEX, SAM = 1001, 2002
ENDED = "access to this Between has ended"


@asynccontextmanager
async def bot(api: Any, clock: Any, path: Path, **overrides: Any) -> AsyncIterator[Harness]:
    settings = make_settings(api, path, **overrides)
    async with running(settings, clock) as runtime:
        stop = asyncio.Event()
        polling = asyncio.create_task(runtime.poll(stop))
        try:
            yield Harness(api, runtime, clock)
        finally:
            stop.set()
            await polling


def listed(*user_ids: int) -> dict[str, Any]:
    return {"allowed_users": frozenset(user_ids)}


async def count(harness: Harness, table: str, user_id: int = ALEX) -> int:
    async with harness.runtime.db.read() as conn:
        async with conn.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?", (user_id,)) as cur:
            return (await cur.fetchone())[0]


async def a_week_of_alex(api, clock, path) -> None:
    """Alex, on the list, sets a 20:00 reminder and a session, and writes a note."""
    async with bot(api, clock, path, **listed(ALEX, SAM)) as harness:
        alex = harness.person(ALEX)
        await alex.onboard()
        await alex.says("/remind 20:00")
        await alex.says("/session 2026-11-25 17:00")  # Berlin: 16:00 UTC, recap at 14:00 UTC
        await alex.says("a note that is mine")
        assert (await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))).sent == 1


async def test_no_prompt_or_recap_once_access_ended_and_nothing_piles_up(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        for day in (24, 25, 26, 27):
            report = await harness.at(datetime(2026, 11, day, 19, 0, tzinfo=UTC))
            assert (report.sent, report.held, report.missed) == (0, 1, 0)
        assert len(prompts_in(alex)) == 1  # the one from before
        assert await count(harness, "deliveries") == 1  # held, not recorded: nothing piles up
        # The reminder waits at its next instant, as for anyone else.
        async with harness.runtime.db.read() as conn:
            (reminder,) = await reminders.for_person(conn, ALEX)
        assert reminder.next_due == datetime(2026, 11, 28, 19, 0, tzinfo=UTC)
    # Back on the list: reminders go on from then, without a backlog.
    clock.set(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    async with bot(api, clock, path, **listed(ALEX, SAM)) as harness:
        alex = harness.person(ALEX)
        report = await harness.tick()
        assert (report.sent, report.missed) == (0, 0)
        report = await harness.at(datetime(2026, 11, 28, 19, 0, tzinfo=UTC))
        assert report.sent == 1
        assert len(prompts_in(alex)) == 2


async def test_recap_before_a_session_does_not_go_once_access_ended(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        before = len(alex.messages())
        assert (await harness.at(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))).recaps == 0
        assert len(alex.messages()) == before


async def test_export_and_delete_still_work_and_nothing_else_does(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        entries, moods = await count(harness, "entries"), await count(harness, "moods")
        for text in ("/remind", "/start", "/help", "/mood 3", "/bring this", "a new note", "/unknown"):
            reply = await alex.says_one(text)
            assert ENDED in reply.visible, text
            assert "/export" in reply.visible and "/delete" in reply.visible
            assert "Nothing about you was stored" not in reply.visible
        # Nothing they sent was kept, not even in the inbox once handled.
        assert (await count(harness, "entries"), await count(harness, "moods")) == (entries, moods)
        async with harness.runtime.db.read() as conn:
            async with conn.execute("SELECT count(*) FROM inbox WHERE payload IS NOT NULL") as cur:
                assert (await cur.fetchone())[0] == 0
        # A button of an older message: a short notice, nothing changes.
        (prompt,) = prompts_in(alex)
        assert await alex.presses(prompt, "Skip") == []
        assert alex.toast() == "Your access here has ended. /export and /delete still work."

        # What is theirs: the export is the whole of it.
        new = await alex.says("/export")
        assert [m.kind for m in new] == ["document", "document"]
        files = {doc.filename: doc.data for doc in api.documents(ALEX)}
        assert any(b"a note that is mine" in data for data in files.values())

        # And /delete erases it, after the usual confirmation.
        (ask,) = await alex.says("/delete")
        assert [label for label, _ in ask.buttons] == ["Yes, erase everything", "Cancel, keep everything"]
        (done,) = await alex.presses(ask, "Yes, erase everything")
        assert "erased" in done.visible
        for table in ("people", "entries", "reminders", "deliveries"):
            assert await count(harness, table) == 0, table
        # Now a stranger, and that is now true: nothing about them is stored.
        reply = await alex.says_one("/export")
        assert "Nothing about you was stored" in reply.visible


async def test_cancel_on_the_delete_confirmation_works_too(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        (ask,) = await alex.says("/delete@between_local_bot")
        (kept,) = await alex.presses(ask, "Cancel, keep everything")
        assert "Nothing was erased" in kept.visible
        assert await count(harness, "people") == 1
        # "/export@another_bot" is not a command for this bot.
        assert ENDED in (await alex.says_one("/export@another_bot")).visible


async def test_a_person_taken_off_the_list_is_not_welcomed_back(api, clock, tmp_path):
    """Blocked, then taken off the list: writing /export does not switch reminders back on."""
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    async with bot(api, clock, path, **listed(SAM)) as harness:
        async with harness.runtime.db.transaction() as conn:
            await people.set_active(conn, ALEX, False, clock.now())
        await harness.person(ALEX).says("/export")
        async with harness.runtime.db.read() as conn:
            assert (await people.get(conn, ALEX)).active is False


async def test_a_new_invite_lets_a_person_whose_access_ended_back_in(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    await a_week_of_alex(api, clock, path)
    settings = make_settings(api, path, invite_only=True, **listed(SAM))
    async with bot(api, clock, path, invite_only=True, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        clock.set(datetime(2026, 11, 26, 12, 0, tzinfo=UTC))
        # A used-up or mistyped link: said so, without claiming nothing was stored.
        reply = await alex.says_one("/start not-a-real-code")
        assert "isn't valid" in reply.visible and "/export" in reply.visible
        assert "Nothing about you was stored" not in reply.visible
        link = await make_invite(settings, uses=1, bot_username="between_local_bot")
        await alex.says(f"/start {link.rsplit('=', 1)[1]}")
        assert ENDED not in (await alex.says_one("/remind")).visible
        # From then on, no backlog: the next 20:00 only.
        report = await harness.at(datetime(2026, 11, 26, 19, 0, tzinfo=UTC))
        assert (report.sent, report.missed) == (1, 0)


async def test_a_later_asked_for_before_access_ended_does_not_come(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    async with bot(api, clock, path, **listed(ALEX, SAM)) as harness:
        alex = harness.person(ALEX)
        await alex.onboard()
        await alex.says("/remind 20:00")
        await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
        (prompt,) = prompts_in(alex)
        await alex.presses(prompt, "Later")  # again at 20:00 UTC
    clock.set(datetime(2026, 11, 23, 19, 30, tzinfo=UTC))
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        before = len(alex.messages())
        report = await harness.at(datetime(2026, 11, 23, 20, 0, tzinfo=UTC))
        assert report.sent == 0
        assert len(alex.messages()) == before
        async with harness.runtime.db.read() as conn:
            async with conn.execute("SELECT state FROM deliveries ORDER BY id") as cur:
                states = [row[0] for row in await cur.fetchall()]
        assert "scheduled" not in states and "sent" not in states[1:]  # dropped, not kept for later


async def test_the_end_of_a_pause_says_nothing_once_access_ended(api, clock, tmp_path):
    path = tmp_path / "between.sqlite3"
    async with bot(api, clock, path, **listed(ALEX, SAM)) as harness:
        alex = harness.person(ALEX)
        await alex.onboard()
        await alex.says("/remind 20:00")
        await alex.says("/pause 1d")  # ends 24 November 08:00 UTC
    async with bot(api, clock, path, **listed(SAM)) as harness:
        alex = harness.person(ALEX)
        before = len(alex.messages())
        report = await harness.at(datetime(2026, 11, 24, 8, 0, tzinfo=UTC))
        assert report.resumed == 1
        report = await harness.at(datetime(2026, 11, 24, 19, 0, tzinfo=UTC))
        assert (report.sent, report.held) == (0, 1)
        assert len(alex.messages()) == before  # no "reminders are on again", no prompt


def test_who_may_use_the_bot() -> None:
    from bot.config import Settings
    from bot.services.access import may_use

    open_bot = Settings(token=None)
    assert may_use(open_bot, ALEX, admitted=False)
    listed_only = Settings(token=None, allowed_users=frozenset({SAM}))
    assert may_use(listed_only, SAM, admitted=False)
    assert not may_use(listed_only, ALEX, admitted=False)
    assert may_use(listed_only, ALEX, admitted=True)  # an invite lets them in whatever the list
    invites_only = Settings(token=None, invite_only=True)
    assert not may_use(invites_only, SAM, admitted=False)
    assert may_use(invites_only, SAM, admitted=True)
