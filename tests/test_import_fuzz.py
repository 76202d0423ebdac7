"""`between import` against random damage: a changed export is imported whole or refused in one line.

Each example takes a valid export document, changes a few things in it (a value replaced by any
JSON, or by something nearly right: an instant in another century, a zone, a reference, text
SQLite cannot keep; a field dropped or added; a list entry repeated or moved) and runs the
import. Either it succeeds, and then what the database holds is what the file said (admission
aside), a second export of it imports into another database as the same document, and the
dispatcher can read and roll it forward; or it is refused with one line naming a field, and the
database is untouched. Anything else (a traceback, a second line, a half-written person) fails.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
import re
import shutil
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.config import Settings
from bot.dispatch import Dispatcher
from bot.importer import run_import
from bot.render import Renderer
from bot.services import export
from bot.services.export.json_format import EARLIEST, LATEST
from bot.services.sessions import sessions_passed
from bot.store import export as store
from bot.store import people
from bot.store.db import Database
from bot.store.export import MoodRecord, PersonData, PersonRecord
from bot.store.migrate import migrate
from tests.test_export import CATALOGUE, NOW, RICH

LEAD = timedelta(hours=2)
SMALL = PersonData(
    person=PersonRecord(
        language_code=None,
        zone=None,
        created_at=NOW - timedelta(days=3),
        paused_until=NOW + timedelta(days=2),
        paused_indefinitely=False,
        active=False,
        practice_due=False,
        admitted=False,
    ),
    moods=(MoodRecord(3, NOW - timedelta(days=1)),),
)
BASES = [
    json.loads(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW))),
    json.loads(export.dump(export.to_document(7, SMALL, CATALOGUE, NOW))),
]
REFUSAL = re.compile(r"between: (?P<file>.+?): (?P<reason>[^\n]+); nothing was imported\n")


# --- what a change can put in -------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
instants = st.builds(
    lambda y, mo, d, h, mi, s: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z",
    st.sampled_from([1, 999, 1000, 1969, 1970, 2026, 2199, 2200, 9998, 9999]) | st.integers(1, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 24),
    st.integers(0, 60),
    st.integers(0, 60),
)
edge_instants = st.sampled_from(
    [
        "1970-01-01T00:00:00Z",
        "1970-01-01T00:00:01Z",
        "2199-12-31T23:59:59Z",
        "2199-12-31T12:00:00Z",
        "2026-03-29T01:30:00Z",  # Europe: an hour skipped
        "2026-10-25T01:30:00Z",  # Europe: an hour twice
        "0999-12-31T23:59:59Z",
        "9999-12-31T23:59:59Z",
    ]
)
clocks = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 25), st.integers(0, 61))
zones = st.sampled_from(
    [
        "Pacific/Kiritimati",  # UTC+14
        "Pacific/Pago_Pago",  # UTC-11
        "Asia/Kathmandu",
        "Europe/Berlin",
        "America/St_Johns",
        "Australia/Lord_Howe",  # a 30-minute daylight saving shift
        "Antarctica/Troll",
        "UTC",
        "UTC+14",
        "UTC-12",
        "Etc/GMT-14",
        "Mars/Olympus",
        "",
    ]
)
awkward_text = st.sampled_from(
    ["", "\x00", "a\x00b", "\ud83d", "\udfff tail", "line\nbreak", "😊" * 40, "x" * 600, "<b>&amp;"]
)
awkward_numbers = st.sampled_from(
    [0, -1, 1, 5, 6, 7, 14, 2**31, 2**52, 2**53, 2**63, 2**64, -(2**63) - 1, 1.0, 1.5, True, False]
)
refs = st.sampled_from(["r1", "r2", "r3", "d1", "d2", "d4", "d5", "", None])
enum_words = st.sampled_from(
    [*export.ENTRY_KINDS, *export.DELIVERY_KINDS, *export.DELIVERY_STATES, "poem", "SENT", None]
)
day_lists = st.lists(st.sampled_from([*export.WEEKDAY_KEYS, "Mon", "xyz", 1]), max_size=8)
replacements = st.one_of(
    json_values,
    instants,
    edge_instants,
    clocks,
    zones,
    awkward_text,
    awkward_numbers,
    refs,
    enum_words,
    day_lists,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in the document that holds a value (not the document itself)."""
    found = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*here, i))
    return found


def _at(document: Any, path: tuple[Any, ...]) -> tuple[Any, Any]:
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    return parent, path[-1]


@st.composite
def damaged_documents(draw: st.DrawFn) -> dict[str, Any]:
    document = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        paths = _paths(document)
        path = draw(st.sampled_from(paths))
        parent, key = _at(document, path)
        change = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "repeat", "move"]))
        if change == "replace":
            parent[key] = draw(replacements)
        elif change == "drop":
            del parent[key]
        elif change == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(json_values)
        elif change == "repeat" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent))), copy.deepcopy(parent[key]))
        elif change == "move" and isinstance(parent, list):
            parent.insert(draw(st.integers(0, len(parent) - 1)), parent.pop(key))
    return document


# --- the property -------------------------------------------------------------------------------


def _canonical(data: PersonData) -> list[Any]:
    """The data with references resolved and lists sorted: the same whatever the file's order."""
    reminders = [repr(r) for r in data.reminders]
    deliveries = [
        repr(replace(d, reminder=None)) + "→" + (reminders[d.reminder] if d.reminder is not None else "-")
        for d in data.deliveries
    ]
    entries = [
        repr(replace(e, delivery=None)) + "→" + (deliveries[e.delivery] if e.delivery is not None else "-")
        for e in data.entries
    ]
    return [
        repr(data.person),
        sorted(reminders),
        sorted(deliveries),
        sorted(entries),
        sorted(map(repr, data.moods)),
        repr(data.session_plan),
        sorted(map(repr, data.sessions_held)),
    ]


async def _load(path: Path, user_id: int) -> PersonData | None:
    db = await Database.open(path)
    try:
        async with db.read() as conn:
            return await store.load(conn, user_id)
    finally:
        await db.close()


async def _exported_again_equal(folder: Path, user_id: int, stored: PersonData) -> None:
    """A new export of what was stored imports into another database as the same document."""
    again = export.to_document(user_id, stored, CATALOGUE, NOW)
    other = await Database.open(folder / "other.sqlite3")
    try:
        await migrate(other)
        parsed_id, parsed = export.from_document(json.loads(export.dump(again)))
        assert parsed_id == user_id
        await export.import_person(other, user_id, parsed, NOW)
        async with other.read() as conn:
            reread = await store.load(conn, user_id)
    finally:
        await other.close()
    assert reread is not None
    assert export.to_document(user_id, reread, CATALOGUE, NOW) == again


async def _the_dispatcher_can_read_it(path: Path) -> None:
    """What every wake-up reads, and rolling the sessions forward, at both ends of the range."""
    db = await Database.open(path)
    try:
        for now in (NOW, LATEST - timedelta(days=30)):
            dispatcher = Dispatcher(
                None,  # type: ignore[arg-type]  # nothing is sent here
                db,
                FakeClock(now),
                Renderer(),
                CATALOGUE,
                grace=timedelta(hours=2),
                recap_lead=LEAD,
            )
            await dispatcher.next_wake()
            async with db.transaction() as conn:
                await sessions_passed(conn, now, lead=LEAD)
                await people.pauses_ended(conn, now, 100)
    finally:
        await db.close()


async def _one(document: dict[str, Any], template: Path) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "between-export.json"
        source.write_text(json.dumps(document))
        target = folder / "between.sqlite3"
        shutil.copyfile(template, target)
        before = target.read_bytes()
        out, err = io.StringIO(), io.StringIO()
        status = await run_import(
            Settings(token=None, db_path=target), source, clock=FakeClock(NOW), out=out, err=err
        )
        if status != 0:
            line = err.getvalue()
            refusal = REFUSAL.fullmatch(line)
            assert status == 1 and refusal, f"not a one-line refusal: {line!r}"
            assert refusal["file"] == str(source)
            # The one refusal that is not the reader's: the database's own constraints caught
            # what the reader let through.
            assert "contradicts itself" not in line
            assert out.getvalue() == ""
            assert target.read_bytes() == before, "a refused import changed the database"
            return
        assert err.getvalue() == ""
        user_id, data = export.from_document(json.loads(source.read_text()))
        stored = await _load(target, user_id)
        assert stored is not None
        admitted_here = replace(data, person=replace(data.person, admitted=False))
        assert _canonical(stored) == _canonical(admitted_here)
        await _exported_again_equal(folder, user_id, stored)
        await _the_dispatcher_can_read_it(target)


async def _template(folder: Path) -> Path:
    path = folder / "template.sqlite3"
    db = await Database.open(path)
    await migrate(db)
    await db.close()
    return path


def test_the_undamaged_documents_import(tmp_path):
    template = asyncio.run(_template(tmp_path))
    for document in BASES:
        asyncio.run(_one(document, template))


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=damaged_documents())
def test_a_damaged_export_is_imported_whole_or_refused_in_one_line(tmp_path, document):
    template = tmp_path / "template.sqlite3"
    if not template.exists():
        asyncio.run(_template(tmp_path))
    asyncio.run(_one(document, template))


def test_the_range_is_what_the_docs_say():
    assert EARLIEST == datetime(1970, 1, 1, tzinfo=UTC) and LATEST == datetime(2200, 1, 1, tzinfo=UTC)
