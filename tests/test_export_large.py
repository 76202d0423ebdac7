"""Large exports: made off the event loop in bounded memory, byte for byte what the whole
document would be, and cut into parts Telegram takes (or refused kindly), never retried in a loop."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.importer import run_import
from bot.prompts import load_catalogue
from bot.render import Renderer
from bot.services import export
from bot.services.export import files
from bot.store import export as store
from bot.store.db import Database
from bot.store.export import DeliveryRecord, EntryRecord, MoodRecord, PersonData
from bot.store.migrate import migrate
from tests.conftest import make_settings
from tests.test_erase import acknowledged, until
from tests.test_export import CATALOGUE, NOW, RICH, load
from tests.test_journey_reminders import onboarded

FIRST_DAY = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)


def journal(entries: int, *, per_day: int = 5, words: int = 30) -> PersonData:
    """RICH's person and settings with ``entries`` notes, ``per_day`` a day, some answering a
    question, some edited, with a mood every day."""
    deliveries = []
    notes = []
    moods = []
    for n in range(entries):
        at = FIRST_DAY + timedelta(days=n // per_day, hours=2 * (n % per_day), minutes=n % 7)
        delivery = None
        if n % 3 == 0:
            sent = at - timedelta(minutes=5)
            deliveries.append(
                DeliveryRecord(None, "prompt", sent, CATALOGUE.prompts[n % 20].id, "sent", sent, sent)
            )
            delivery = len(deliveries) - 1
        text = f"note {n}: " + " ".join(f"wörd{(n * 7 + i) % 97}" for i in range(words)) + " <3 & 🦓"
        notes.append(
            EntryRecord(
                delivery=delivery,
                prompt_id=deliveries[delivery].prompt_id if delivery is not None else None,
                kind="text",
                text=text,
                first_text="an earlier version\nover two lines" if n % 11 == 0 else None,
                file_id=None,
                written_at=at,
                edited_at=at + timedelta(minutes=1) if n % 11 == 0 else None,
                bring=n % 13 == 0,
                discussed_at=None,
            )
        )
        if n % per_day == 0:
            moods.append(MoodRecord(1 + n % 5, at + timedelta(minutes=30)))
    return replace(
        RICH,
        person=replace(RICH.person, language_code="en"),  # the captions asserted are English
        deliveries=tuple(deliveries),
        entries=tuple(notes),
        moods=tuple(moods),
        session_plan=None,
        sessions_held=(),
    )


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "between.sqlite3")
    await migrate(database)
    yield database
    await database.close()


@pytest.mark.parametrize("data", [RICH, journal(400)], ids=["rich", "journal"])
async def test_streamed_files_are_byte_for_byte_the_whole_document_and_page(db, data):
    await export.import_person(db, 1001, data, NOW)
    stored = await load(db)
    assert stored is not None
    files_ = await export.export_files(db, Renderer(), CATALOGUE, 1001, NOW)
    assert files_ is not None
    assert files_.json == export.dump(export.to_document(1001, stored, CATALOGUE, NOW))
    assert files_.markdown.decode() == export.render_markdown(Renderer(), stored, CATALOGUE, NOW) + "\n"


async def test_an_export_leaves_no_files_behind(db):
    await export.import_person(db, 1001, RICH, NOW)
    folder = Path(db.path).parent
    prepared = await export.prepare(db, Renderer(), CATALOGUE, 1001, NOW)
    assert prepared is not None
    with prepared:
        assert all(part.path.exists() for part in prepared.parts)
        assert oct(prepared.folder.stat().st_mode & 0o777) == "0o700"
    assert not list(folder.glob(".between-export-*"))
    assert await export.prepare(db, Renderer(), CATALOGUE, 1002, NOW) is None
    assert not list(folder.glob(".between-export-*"))


# --- parts -------------------------------------------------------------------------------------------


async def test_an_export_over_the_limit_comes_in_parts_that_join_into_the_whole(
    harness, monkeypatch, tmp_path
):
    limit = 40_000
    monkeypatch.setattr(files, "UPLOAD_LIMIT", limit)
    alex = harness.person(1001)
    await export.import_person(harness.runtime.db, 1001, journal(300), harness.clock.now())
    sent = await alex.says("/export")
    documents = harness.api.documents(1001)
    assert len(sent) == len(documents) > 2
    markdown = [(m, d) for m, d in zip(sent, documents, strict=True) if d.filename.endswith(".md")]
    pieces = [(m, d) for m, d in zip(sent, documents, strict=True) if ".json." in d.filename]
    assert len(markdown) + len(pieces) == len(documents) and len(markdown) > 1 and len(pieces) > 1
    assert all(len(d.data) <= limit for d in documents), [len(d.data) for d in documents]

    whole = await export.export_files(
        harness.runtime.db, Renderer(), load_catalogue(), 1001, harness.clock.now()
    )
    assert whole is not None
    # The Markdown: each part a file to read, cut between days, named and captioned as a part.
    count = len(markdown)
    for number, (message, document) in enumerate(markdown, 1):
        assert document.filename == f"{whole.markdown_name[:-3]}-{number}-of-{count}.md"
        assert f"part {number} of {count}" in message.text
        if number > 1:
            assert document.data.startswith(b"### ")
    assert b"".join(d.data for _, d in markdown) == whole.markdown
    # The JSON: numbered pieces that, joined in order, are the file `between import` reads.
    for number, (message, document) in enumerate(pieces, 1):
        assert document.filename == f"{whole.json_name}.{number:03d}"
        assert f"piece {number} of {len(pieces)}" in message.text
    joined = b"".join(d.data for _, d in pieces)
    assert joined == whole.json
    source = tmp_path / whole.json_name
    source.write_bytes(joined)
    target = tmp_path / "elsewhere.sqlite3"
    assert await run_import(make_settings(harness.api, target), source, user_id=1002) == 0
    # One piece alone is refused with a line that says what to do.
    for _, piece in (pieces[0], pieces[1], pieces[-1]):
        source.write_bytes(piece.data)
        err = io.StringIO()
        assert await run_import(make_settings(harness.api, target), source, user_id=1003, err=err) == 1
        assert "join them in order into one file first" in err.getvalue(), err.getvalue()
    assert not list(Path(harness.runtime.db.path).parent.glob(".between-export-*"))


async def test_an_export_too_large_even_in_parts_is_refused_kindly_and_never_retried(harness, monkeypatch):
    monkeypatch.setattr(files, "UPLOAD_LIMIT", 5_000)
    monkeypatch.setattr(files, "MAX_PARTS", 3)
    alex = harness.person(1001)
    await export.import_person(harness.runtime.db, 1001, journal(100), harness.clock.now())
    (reply,) = await alex.says("/export")
    assert "too large to send" in reply.visible and "nothing was sent" in reply.visible
    assert harness.api.calls("sendDocument") == []
    await asyncio.sleep(1.5)  # a retry would come after 1 s
    assert harness.api.calls("sendDocument") == [] and len(alex.messages()) == 1
    assert await _unfinished(harness) == 0


async def test_telegram_refusing_a_file_as_too_large_is_said_once_and_never_retried(harness):
    alex = await onboarded(harness)
    await alex.says("a note to export")
    harness.api.fail_next("sendDocument", status=413, description="Request Entity Too Large")
    (reply,) = await alex.says("/export")
    assert "too large to send" in reply.visible
    await asyncio.sleep(1.5)
    assert len(harness.api.calls("sendDocument")) == 1 and harness.api.documents(1001) == []
    assert await _unfinished(harness) == 0


async def _unfinished(harness) -> int:
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT count(*) FROM inbox WHERE state != 'done'") as cur:
            return (await cur.fetchone())[0]


# --- a long journal, exported while others write ---------------------------------------------------


def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


async def test_an_export_of_30000_entries_never_blocks_the_event_loop(harness, monkeypatch):
    """This measures time: the event loop, and other people's notes meanwhile (the next test
    measures memory). The stand-in shares this process and parses each upload in pure Python,
    holding the interpreter for a while for a large file, so the files come in parts of 2 MB
    here: what is measured is the bot."""
    monkeypatch.setattr(files, "UPLOAD_LIMIT", 2_000_000)
    harness.person(1001)
    await onboarded(harness, 1002)  # Sam, who writes meanwhile
    async with harness.runtime.db.transaction() as conn:
        await store.insert(conn, 1001, journal(30_000, per_day=8, words=40), harness.clock.now())

    lateness: list[float] = []
    stop = asyncio.Event()

    async def heartbeat() -> None:
        while not stop.is_set():
            due = time.monotonic() + 0.01
            await asyncio.sleep(0.01)
            lateness.append(time.monotonic() - due)

    def arrived() -> bool:
        last = harness.api.last_bot_message(1001)
        return last is not None and re.search(r"piece (\d+) of \1\b", last.text or "") is not None

    beating = asyncio.create_task(heartbeat())
    started = time.monotonic()
    update = harness.api.send_message(1001, "/export")
    acks = await _notes_while(harness, arrived)
    took = time.monotonic() - started
    await harness.processed(update["update_id"])
    stop.set()
    await beating

    documents = harness.api.documents(1001)
    markdown = b"".join(d.data for d in documents if d.filename.endswith(".md"))
    document = b"".join(d.data for d in documents if ".json." in d.filename)
    assert len(json.loads(document)["entries"]) == 30_000
    worst = max(lateness)
    percentile = sorted(lateness)[int(len(lateness) * 0.99)]
    print(
        f"export of 30,000 entries ({len(markdown) / 1e6:.1f} MB Markdown, {len(document) / 1e6:.1f} MB"
        f" JSON, {len(documents)} parts) in {took:.1f} s; the event loop late by at most"
        f" {worst * 1000:.0f} ms (99th percentile {percentile * 1000:.0f} ms); {len(acks)} notes of"
        f" someone else acknowledged in at most {max(acks) * 1000:.0f} ms"
    )
    assert worst < 0.2, f"the event loop was blocked for {worst * 1000:.0f} ms"
    assert max(acks) < 1.0


async def _notes_while(harness, done, person=1002) -> list[float]:
    """Someone else writes a note every 0.2 s until ``done()``; how long each took to be acknowledged."""
    acks: list[float] = []
    deadline = time.monotonic() + 60
    while not done():
        if time.monotonic() > deadline:
            pytest.fail("the export did not arrive")
        note = harness.api.send_message(person, f"a note written meanwhile {len(acks)}")
        written = time.monotonic()
        await until(lambda note=note: acknowledged(harness, person, note), within=5, what="the note")
        acks.append(time.monotonic() - written)
        await asyncio.sleep(0.2)
    return acks


def peak_rss_mb(pid: int) -> float:
    """The most memory a process has had resident so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_a_running_bot_exports_30000_entries_in_bounded_memory(tmp_path):
    """`between run` in a process of its own (tests/test_crash.py): its peak memory, start to end."""
    from tests.test_crash import START_TIMEOUT, TOKEN, Bot, RecordingAPI, handled, onboard, wait_until

    async def fill() -> None:
        db = await Database.open(tmp_path / "between.sqlite3")
        try:
            await migrate(db)
            await export.import_person(db, 2001, journal(30_000, per_day=8, words=40), NOW)
        finally:
            await db.close()

    asyncio.run(fill())
    with RecordingAPI(TOKEN) as api:
        api.add_user(2001, "Alex")
        api.add_user(2002, "Sam")
        bot = Bot(api, tmp_path / "between.sqlite3", tmp_path / "bot.log")
        try:
            bot.start()
            onboard(bot, 2002)
            assert bot.process is not None
            before = peak_rss_mb(bot.process.pid)
            started = time.monotonic()
            api.send_message(2001, "/export")
            acks = []
            while len(api.documents(2001)) < 2:
                assert time.monotonic() - started < 60, "the export did not arrive"
                note = api.send_message(2002, f"a note written meanwhile {len(acks)}")
                handled(bot, note["update_id"])
                acks.append(time.monotonic() - started - sum(acks))
                time.sleep(0.2)
            wait_until(lambda: len(api.documents(2001)) == 2, START_TIMEOUT, "both files", bot)
            took = time.monotonic() - started
            peak = peak_rss_mb(bot.process.pid)
        finally:
            bot.cleanup()
    print(
        f"`between run` exporting 30,000 entries: peak RSS {before:.0f} MB before, {peak:.0f} MB"
        f" after ({took:.1f} s)"
    )
    assert peak < 200, f"the bot's memory reached {peak:.0f} MB"


def test_cuts_fall_between_days_then_items_then_lines_and_never_inside_a_character(tmp_path):
    page = tmp_path / "page.md"
    day = "### Monday 1 January 2025\n\n" + "**07:00** · A note\n\n> " + "x" * 60 + "\n\n"
    page.write_text("# Between\n\n" + day * 6, encoding="utf-8")
    cuts = files._cuts(page, 250, markdown=True)
    data = page.read_bytes()
    assert cuts and all(data[cut:].startswith(b"### ") for cut in cuts)
    bounds = [0, *cuts, len(data)]
    assert all(0 < b - a <= 250 for a, b in zip(bounds, bounds[1:], strict=False))
    # A day bigger than a part is cut between its items.
    cuts = files._cuts(page, 60, markdown=True)
    assert any(data[cut:].startswith(b"**") for cut in cuts)
    # A line bigger than a part is cut between characters (only with a tiny limit).
    line = tmp_path / "line.json"
    line.write_text('{"text": "' + "🦓" * 40 + '"}\n', encoding="utf-8")
    data = line.read_bytes()
    cuts = files._cuts(line, 25, markdown=False)
    bounds = [0, *cuts, len(data)]
    pieces = [data[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
    assert all(0 < len(piece) <= 25 for piece in pieces) and b"".join(pieces) == data
    assert all(piece.decode("utf-8") for piece in pieces[1:-1])  # whole characters each
