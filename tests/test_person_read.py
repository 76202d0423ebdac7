"""One read of the person serves an update (bot/services/onboarding.py): never a stale one.

What an update read is kept only inside that update, in the task handling it, and only until
that task writes: a change made by the update itself, by anybody outside the update, or in
another update is always seen."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest

from bot.scope import current_update
from bot.services import onboarding
from bot.store import people
from bot.store.db import Database
from bot.store.migrate import migrate

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PERSON = 7


@pytest.fixture
async def db(tmp_path):
    database = await Database.open(tmp_path / "people.sqlite3", synchronous="OFF")
    await migrate(database)
    async with database.transaction() as conn:
        await people.ensure(conn, PERSON, "en", NOW)
    yield database
    await database.close()


def _set_zone_behind_its_back(db: Database, zone: str) -> None:
    """A change the cache cannot know of (another process, or another task's write)."""
    with sqlite3.connect(db.path) as conn:
        conn.execute("UPDATE people SET zone = ? WHERE user_id = ?", (zone, PERSON))


async def test_within_an_update_the_first_read_serves_the_later_ones(db) -> None:
    token = current_update.set(object())
    try:
        first = await onboarding.person(db, PERSON)
        _set_zone_behind_its_back(db, "Europe/Berlin")
        assert await onboarding.person(db, PERSON) is first  # no second read
    finally:
        current_update.reset(token)


async def test_a_write_of_the_update_is_seen_by_its_next_read(db) -> None:
    token = current_update.set(object())
    try:
        assert (await onboarding.person(db, PERSON)).zone is None  # type: ignore[union-attr]
        async with db.transaction() as conn:
            await people.set_zone(conn, PERSON, "Asia/Tokyo", NOW)
        assert (await onboarding.person(db, PERSON)).zone == "Asia/Tokyo"  # type: ignore[union-attr]
    finally:
        current_update.reset(token)


async def test_the_next_update_reads_again(db) -> None:
    token = current_update.set(object())
    assert (await onboarding.person(db, PERSON)).zone is None  # type: ignore[union-attr]
    current_update.reset(token)
    _set_zone_behind_its_back(db, "Europe/Berlin")
    token = current_update.set(object())
    try:
        assert (await onboarding.person(db, PERSON)).zone == "Europe/Berlin"  # type: ignore[union-attr]
    finally:
        current_update.reset(token)


async def test_outside_an_update_every_call_reads(db) -> None:
    assert (await onboarding.person(db, PERSON)).zone is None  # type: ignore[union-attr]
    _set_zone_behind_its_back(db, "Europe/Berlin")
    assert (await onboarding.person(db, PERSON)).zone == "Europe/Berlin"  # type: ignore[union-attr]


async def test_a_task_started_during_an_update_reads_for_itself(db) -> None:
    token = current_update.set(object())
    try:
        assert (await onboarding.person(db, PERSON)).zone is None  # type: ignore[union-attr]
        _set_zone_behind_its_back(db, "Europe/Berlin")
        # A task copies the update's context (a wake-up of the dispatcher, say): it reads afresh.
        found = await asyncio.create_task(onboarding.person(db, PERSON))
        assert found is not None and found.zone == "Europe/Berlin"
    finally:
        current_update.reset(token)
