"""The export format, the importer and the erasing store, below the journeys."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.importer import run_import
from bot.prompts import load_catalogue
from bot.render import Renderer
from bot.schedule import next_due
from bot.services import export
from bot.services.export import AlreadyHasData, ExportFormatError
from bot.store import export as store
from bot.store import reminders
from bot.store.db import Database
from bot.store.export import (
    DeliveryRecord,
    EntryRecord,
    MoodRecord,
    PersonData,
    PersonRecord,
    ReminderRecord,
    SessionPlanRecord,
)
from bot.store.migrate import migrate
from bot.store.wellbeing import Offers, Score, WellbeingData
from bot.timezones import zone_from_name

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
CATALOGUE = load_catalogue()
SOME_PROMPT = CATALOGUE.prompts[0].id


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


# A little of everything, in the order the store reads it back (by time, reminders by time of day).
RICH = PersonData(
    person=PersonRecord(
        language_code="de",
        zone="Asia/Kathmandu",
        created_at=at(20, 7),
        paused_until=None,
        paused_indefinitely=False,
        active=True,
        practice_due=True,
        admitted=True,
    ),
    reminders=(
        ReminderRecord("07:45", frozenset({0, 1, 2, 3, 4}), at(20, 8)),
        ReminderRecord("20:30", frozenset({5, 6}), at(20, 8)),
    ),
    deliveries=(
        DeliveryRecord(1, "prompt", at(21, 14, 45), SOME_PROMPT, "sent", at(21, 14, 45), at(21, 14, 45)),
        DeliveryRecord(None, "on_demand", at(22, 3), "retired-prompt-07", "skipped", at(22, 3), at(22, 3)),
        DeliveryRecord(0, "prompt", at(24, 2), None, "missed", at(24, 2), None),
        DeliveryRecord(None, "snooze", at(30, 3), SOME_PROMPT, "scheduled", at(24, 5), None),
    ),
    entries=(
        EntryRecord(
            0,
            SOME_PROMPT,
            "text",
            "kinder <b>to</b> myself &amp; 😊",
            "kinder to me",
            None,
            at(21, 15),
            at(21, 16),
            True,
            at(27, 12),
        ),
        EntryRecord(
            0, SOME_PROMPT, "voice", None, None, "AwACAgIAAxkBAAIB", at(21, 15, 2), None, False, None
        ),
        EntryRecord(
            1,
            "retired-prompt-07",
            "photo",
            "a caption\nover two lines",
            None,
            "AgACAgIAAxk",
            at(22, 3, 10),
            None,
            False,
            None,
        ),
        EntryRecord(None, None, "bring", "how to say no", None, None, at(23, 18), None, True, None),
        EntryRecord(None, None, "text", "", None, None, at(23, 18, 1), None, False, None),
    ),  # fmt: skip
    moods=(MoodRecord(2, at(21, 15, 5)), MoodRecord(5, at(25, 6))),
    session_plan=SessionPlanRecord(at(27, 12), "17:45", 7, at(26, 12)),
    sessions_held=(at(20, 12), at(27, 12)),
    wellbeing=WellbeingData(
        Offers(every_two_weeks=True, before_session=False, offered_at=at(21, 14)),
        (Score((4, 4, 4, 4, 4), at(21, 15)), Score((0, 1, 2, 3, 5), at(25, 6, 30))),
    ),
)


# What `between import` stores of RICH: admission is this installation's, never the file's.
IMPORTED = replace(RICH, person=replace(RICH.person, admitted=False))


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "between.sqlite3")
    await migrate(database)
    yield database
    await database.close()


async def load(db: Database, user_id: int = 1001) -> PersonData | None:
    async with db.read() as conn:
        return await store.load(conn, user_id)


def settings_for(path: Path) -> Settings:
    return Settings(token=None, db_path=path)


# --- the schema: nothing personal can be left out ----------------------------------------------

# Every column of every table, and where it goes. A migration that adds a table or a column fails
# this test until the export (bot/store/export.py, docs/export-format.md) and /delete cover it.
KNOWN_SCHEMA = {
    # awaiting and awaiting_since are conversation state: not exported.
    "people": {"user_id", "language_code", "zone", "awaiting", "created_at", "updated_at",
               "paused_until", "paused_indefinitely", "active", "practice_due", "admitted",
               "awaiting_since", "mood_with_prompts"},
    "reminders": {"id", "user_id", "at", "days", "next_due", "created_at"},
    # passed_over: the prompts "Another question" replaced, for choosing the next: not exported.
    "deliveries": {"id", "user_id", "reminder_id", "kind", "due_at", "prompt_id", "state",
                   "message_id", "created_at", "sent_at", "passed_over"},
    "entries": {"id", "user_id", "chat_id", "message_id", "delivery_id", "prompt_id", "kind", "text",
                "first_text", "file_id", "written_at", "edited_at", "bring", "discussed_at"},
    # chat_id and message_id only make a mood idempotent in one bot's chat: not exported.
    "moods": {"id", "user_id", "score", "logged_at", "chat_id", "message_id"},
    "session_plans": {"user_id", "next_at", "local_time", "repeat_days", "recap_due", "updated_at"},
    "sessions_held": {"id", "user_id", "happened_at"},
    # WHO-5 check-ins; run names a check-in while it is taken (a replay stores it once): not exported.
    "wellbeing_scores": {"id", "user_id", "run", "answers", "raw", "taken_at"},
    "wellbeing_offers": {"user_id", "every_two_weeks", "before_session", "offered_at"},
    # What Between waits for from the person right now: not exported (a moved database starts
    # waiting for nothing); erased with them.
    "conversations": {"user_id", "waiting_for", "about", "delivery_id", "opened_at", "expires_at",
                      "refused"},
    # The safety plan and the one offer to make one (export version 2, docs/safety-plan.md).
    "safety_plan_steps": {"user_id", "step", "text", "last_message_id", "updated_at"},
    "safety_plan_offers": {"user_id", "crisis_at", "offered_at"},
    # Not exported; /delete erases a person's rows by chat id (their private chat's id is theirs).
    "inbox": {"update_id", "chat_id", "payload", "state", "attempts", "received_at", "done_at"},
    # Operator data: nothing about a person beyond a count of uses.
    "invites": {"code", "max_uses", "uses", "expires_at", "created_at"},
    # Practice between sessions (migrations/0012_practice.sql).
    "practices": {"id", "user_id", "text", "entry_id", "delivery_id", "state", "created_at", "closed_at"},
    "experiments": {
        "id", "user_id", "try_text", "expect_text", "sure", "check_at", "asked_at", "learned", "created_at",
    },
    "practice_questions": {
        "delivery_id", "user_id", "prompt_id", "kind", "practice_id", "experiment_id", "outcome",
        "outcome_at",
    },
}  # fmt: skip


async def test_every_table_and_column_is_known_to_export_and_delete(db):
    async with db.read() as conn:
        async with conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            tables = {row[0] for row in await cur.fetchall()}
        schema = {}
        cascades = set()
        for table in tables:
            async with conn.execute(f"PRAGMA table_info({table})") as cur:
                schema[table] = {row["name"] for row in await cur.fetchall()}
            async with conn.execute(f"PRAGMA foreign_key_list({table})") as cur:
                for row in await cur.fetchall():
                    if row["table"] == "people":
                        assert row["on_delete"] == "CASCADE", f"{table} would outlive its person"
                        cascades.add(table)
    assert schema == KNOWN_SCHEMA, "the schema changed: cover it in export, import and /delete"
    assert cascades == set(store.PERSONAL_TABLES)


# --- the store and the document -------------------------------------------------------------------


async def test_store_writes_and_reads_a_person_without_row_ids(db):
    async with db.transaction() as conn:
        await store.insert(conn, 1001, RICH, NOW)
    assert await load(db) == RICH
    assert await load(db, 1002) is None


async def test_the_document_reads_back_as_the_same_data():
    document = json.loads(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))
    assert export.from_document(document) == (1001, RICH)
    # A retired prompt keeps its id; its wording is simply unknown now.
    assert document["entries"][2]["prompt"] == {
        "id": "retired-prompt-07", "text": None, "theme": None, "theme_title": None,
    }  # fmt: skip
    assert document["deliveries"][0]["reminder"] == "r2"


async def test_import_into_another_database_exports_identically(db, tmp_path):
    async with db.transaction() as conn:
        await store.insert(conn, 1001, RICH, NOW)
    first = await export.export_files(db, Renderer(), CATALOGUE, 1001, NOW)
    assert first is not None
    other = await Database.open(tmp_path / "other.sqlite3")
    try:
        await migrate(other)
        user_id, data = export.parse(first.json)
        await export.import_person(other, user_id, data, NOW)
        second = await export.export_files(other, Renderer(), CATALOGUE, 1001, NOW)
    finally:
        await other.close()
    assert second == first


async def test_import_rearms_reminders_from_now_in_the_persons_zone(db):
    await export.import_person(db, 1001, RICH, NOW)
    async with db.read() as conn:
        armed = await reminders.for_person(conn, 1001)
    zone = zone_from_name("Asia/Kathmandu")
    assert [r.next_due for r in armed] == [
        next_due(NOW, time(7, 45), frozenset({0, 1, 2, 3, 4}), zone),
        next_due(NOW, time(20, 30), frozenset({5, 6}), zone),
    ]


async def test_import_refuses_a_person_the_database_knows_and_changes_nothing(db):
    await export.import_person(db, 1001, RICH, NOW)
    before = await load(db)
    other = PersonData(person=RICH.person, moods=(MoodRecord(1, NOW),))
    with pytest.raises(AlreadyHasData):
        await export.import_person(db, 1001, other, NOW)
    assert await load(db) == before


def _document() -> dict:
    return json.loads(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))


def _set(path, value):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value
        return document

    return change


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_set(["format"], "something-else"), "not a Between export"),
        (_set(["version"], 3), "version 3"),
        (_set(["version"], 1), "practice: not a field of this version"),
        (_set(["version"], True), "version True"),
        (_set(["version"], KeyError), "version None"),
        (_set(["person", "zone"], "Mars/Olympus"), "person.zone"),
        (_set(["person", "created_at"], "2026-11-31T00:00:00Z"), "person.created_at: not a real date"),
        (_set(["person", "admitted"], 1), "person.admitted: expected true or false"),
        (_set(["person", "shoe_size"], 44), "person.shoe_size: not a field"),
        (_set(["entries", 0, "written_at"], KeyError), "entries[0].written_at: missing"),
        (_set(["entries", 0, "delivery"], "d99"), "entries[0].delivery: refers to nothing"),
        (_set(["entries", 3, "kind"], "poem"), "entries[3].kind"),
        (_set(["entries", 4, "bring"], "yes"), "entries[4].bring"),
        (_set(["deliveries", 1, "ref"], "d1"), "deliveries[1].ref: used twice"),
        (_set(["deliveries", 0, "state"], "lost"), "deliveries[0].state"),
        (_set(["reminders", 0, "at"], "25:99"), "reminders[0].at"),
        (_set(["reminders", 0, "days"], ["mon", "mon"]), "reminders[0].days"),
        (lambda d: _set(["reminders", 1], d["reminders"][0] | {"ref": "r2"})(d), "same time and days"),
        (_set(["moods", 0, "score"], 6), "moods[0].score"),
        (_set(["session_plan", "repeat_days"], 3), "session_plan.repeat_days"),
        (_set(["sessions_held"], {}), "sessions_held: expected a list"),
        (_set(["user_id"], -5), "user_id"),
    ],
)
def test_a_document_that_is_not_exactly_what_this_version_writes_is_refused(change, reason):
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(change(_document()))
    assert reason in str(refused.value)


def test_refusals_never_echo_what_the_person_wrote():
    document = _document()
    document["entries"][0]["text"] = {"private": "my secret words"}
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(document)
    assert "secret" not in str(refused.value) and "entries[0].text" in str(refused.value)
    with pytest.raises(ExportFormatError) as refused:
        export.parse(b'{"format": "between-export", "version": 1, "my secret words"')
    assert "secret" not in str(refused.value)


# --- the command line --------------------------------------------------------------------------


async def test_run_import_refuses_with_one_line_and_exit_1(db, tmp_path):
    source = tmp_path / "export.json"
    path = Path(db.path)
    settings = settings_for(path)

    source.write_bytes(b"not json at all")
    err = io.StringIO()
    assert await run_import(settings, source, out=io.StringIO(), err=err) == 1
    assert err.getvalue().count("\n") == 1 and "not valid JSON" in err.getvalue()

    document = _document()
    document["version"] = 7
    source.write_text(json.dumps(document))
    err = io.StringIO()
    assert await run_import(settings, source, out=io.StringIO(), err=err) == 1
    assert "version 7" in err.getvalue() and err.getvalue().count("\n") == 1
    assert await load(db) is None

    err = io.StringIO()
    assert await run_import(settings, tmp_path / "missing.json", out=io.StringIO(), err=err) == 1
    assert "cannot read" in err.getvalue()


async def test_run_import_for_another_user_id_and_never_over_existing_data(db, tmp_path):
    source = tmp_path / "export.json"
    source.write_bytes(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))
    settings = settings_for(Path(db.path))
    out = io.StringIO()
    assert await run_import(settings, source, user_id=2002, out=out, err=io.StringIO()) == 0
    assert "imported user 2002" in out.getvalue() and "5 entries" in out.getvalue()
    assert await load(db, 1001) is None
    assert await load(db, 2002) == IMPORTED

    err = io.StringIO()
    assert await run_import(settings, source, user_id=2002, out=io.StringIO(), err=err) == 1
    assert "already has data for user 2002" in err.getvalue()
    assert await load(db, 2002) == IMPORTED


def test_between_import_on_the_command_line(tmp_path):
    source = tmp_path / "between-export-2026-12-01.json"
    source.write_bytes(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))
    target = tmp_path / "fresh.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BETWEEN_", "TELEGRAM_"))}
    env["BETWEEN_DB"] = str(target)
    command = [sys.executable, "-m", "bot", "import", str(source)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "imported user 1001" in done.stdout
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0 and "already has data" in again.stderr


# --- the file to read ------------------------------------------------------------------------------


def test_markdown_reads_by_day_in_the_persons_zone():
    text = export.render_markdown(Renderer(), RICH, CATALOGUE, NOW)
    prompt = CATALOGUE.get(SOME_PROMPT)
    assert prompt is not None
    # 2026-11-21 15:00 UTC is 20:45 in Kathmandu (UTC+05:45).
    assert "### Saturday 21 November 2026\n\n**20:30** · Question: *" + prompt.text in text
    assert "**20:45** · Your answer to *" + prompt.text in text
    # Made inert as in the recap's file: it reads exactly as written, never as formatting.
    assert "> kinder \\<b\\>to\\</b\\> myself \\&amp; 😊" in text
    assert "First version, before you edited it on 21 November 2026, 21:45:\n\n> kinder to me" in text
    assert "📌 Flagged to bring to a session; marked as talked about on 27 November 2026, 17:45" in text
    assert "as a voice note\n\n_(no words with it; the voice note itself stays" in text
    assert "a question that is no longer in the list (id `retired-prompt-07`)" in text
    assert "(skipped)" in text
    assert "> a caption\n> over two lines" in text
    assert "**17:45** · Therapy session" in text
    assert "Next session: Friday 27 November 2026, 17:45, weekly" in text
    assert "- 07:45, Mon–Fri\n  - 20:30, weekends" in text
    assert "Mood: 2 (low)" in text
    assert "2 questions that were planned but not sent" in text


def test_markdown_without_a_zone_uses_utc_and_says_so():
    data = PersonData(
        person=RICH.person.__class__(**{**RICH.person.__dict__, "zone": None, "paused_indefinitely": True}),
        moods=(MoodRecord(3, at(21, 23, 30)),),
    )
    text = export.render_markdown(Renderer(), data, CATALOGUE, NOW)
    assert "not set (times below are in UTC)" in text
    assert "### Saturday 21 November 2026\n\n**23:30** · Mood: 3 (okay)" in text
    assert "Paused until you say /resume" in text


# --- erasing -----------------------------------------------------------------------------------------


async def test_erase_takes_the_person_and_their_inbox_rows_and_nothing_else(db):
    await export.import_person(db, 1001, RICH, NOW)
    await export.import_person(db, 1002, RICH, NOW)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO inbox (update_id, chat_id, payload, received_at) VALUES"
            " (1, 1001, '{\"text\": \"pending words\"}', 'x'), (2, 1002, '{}', 'x')"
        )
        assert await store.erase(conn, 1001) is True
        assert await store.erase(conn, 1001) is False
    assert await load(db, 1001) is None and await load(db, 1002) == RICH
    async with db.read() as conn:
        for table in store.PERSONAL_TABLES:
            async with conn.execute(f"SELECT count(*) FROM {table} WHERE user_id = 1001") as cur:
                assert (await cur.fetchone())[0] == 0, table
        async with conn.execute("SELECT chat_id FROM inbox") as cur:
            assert [row[0] for row in await cur.fetchall()] == [1002]


# --- what an import takes from a file, and what it refuses ---------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        # An unpadded year (999-...) was stored, and no later read of the table could parse it.
        (_set(["moods", 0, "logged_at"], "0999-01-01T00:00:00Z"), "moods[0].logged_at: outside 1970 to 2199"),
        (_set(["person", "created_at"], "1969-12-31T23:59:59Z"), "person.created_at: outside"),
        # Near the end of what a datetime holds, the zone arithmetic overflowed.
        (_set(["session_plan", "next_at"], "9999-12-31T23:00:00Z"), "session_plan.next_at: outside"),
        (_set(["person", "paused_until"], "2200-01-01T00:00:00Z"), "person.paused_until: outside"),
        (_set(["exported_at"], "0001-01-01T00:00:00Z"), "exported_at: outside"),
        (_set(["user_id"], 2**63), "user_id"),
        (_set(["deliveries", 0, "ref"], "d\x001"), "deliveries[0].ref: contains a NUL"),
        (
            _set(["entries", 0, "text"], "half a pair \ud83d"),
            "entries[0].text: contains an invalid character",
        ),
        (_set(["person", "two\nlines"], 1), "person.two\\nlines: not a field"),
        (_set(["version"], "my secret words"), "version is not a number"),
        (_set(["person", ""], 1), 'person."": not a field'),
    ],
)
def test_instants_out_of_range_and_values_sqlite_cannot_keep_are_refused(change, reason):
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(change(_document()))
    assert reason in str(refused.value)
    assert "\n" not in str(refused.value) and "secret" not in str(refused.value)


def test_the_edges_of_the_range_are_read():
    document = _document()
    document["person"]["created_at"] = "1970-01-01T00:00:00Z"
    document["person"]["paused_until"] = "2199-12-31T23:59:59Z"
    _, data = export.from_document(document)
    assert data.person.created_at == datetime(1970, 1, 1, tzinfo=UTC)
    assert data.person.paused_until == datetime(2199, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nests"),
        (b'{"format": "between-export", "version": 1' + b"1" * 5000 + b"}", "number far too long"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
async def test_a_file_json_itself_cannot_read_is_one_line_and_writes_nothing(tmp_path, raw, reason):
    source = tmp_path / "export.json"
    source.write_bytes(raw)
    target = tmp_path / "between.sqlite3"
    err = io.StringIO()
    assert await run_import(settings_for(target), source, out=io.StringIO(), err=err) == 1
    assert err.getvalue().count("\n") == 1 and reason in err.getvalue()
    assert not target.exists(), "a refused import must not even create the database"


async def test_a_refused_import_writes_nothing(db, tmp_path):
    document = _document()
    document["moods"][1]["logged_at"] = "0999-01-01T00:00:00Z"  # the last thing read
    source = tmp_path / "export.json"
    source.write_text(json.dumps(document))
    err = io.StringIO()
    assert await run_import(settings_for(Path(db.path)), source, out=io.StringIO(), err=err) == 1
    assert err.getvalue() == (
        f"between: {source}: moods[1].logged_at: outside 1970 to 2199, not a time this Between keeps;"
        " nothing was imported\n"
    )
    assert await load(db) is None


async def test_admission_comes_from_this_installation_never_from_the_file(db, tmp_path):
    from bot.services.access import Access, check
    from bot.store import invites

    assert RICH.person.admitted  # the file says: admitted by an invite where it came from
    source = tmp_path / "export.json"
    source.write_bytes(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))
    settings = Settings(token=None, db_path=Path(db.path), invite_only=True)
    out = io.StringIO()
    assert await run_import(settings, source, out=out, err=io.StringIO()) == 0
    assert "once they open an invite link" in out.getvalue()
    # Not let in; their data is here, so they may take it or erase it, and nothing else.
    assert await check(db, settings, 1001, "de", None, NOW) is Access.ENDED
    async with db.transaction() as conn:
        await invites.add(conn, "code-for-1001", 1, None, NOW)
    assert await check(db, settings, 1001, "de", "code-for-1001", NOW) is Access.ALLOWED
    listed = Settings(token=None, db_path=Path(db.path), allowed_users=frozenset({2002}))
    source.write_bytes(export.dump(export.to_document(2002, RICH, CATALOGUE, NOW)))
    out = io.StringIO()
    assert await run_import(listed, source, out=out, err=io.StringIO()) == 0
    assert "once" not in out.getvalue()
    assert await check(db, listed, 2002, "de", None, NOW) is Access.ALLOWED


async def test_erase_by_a_press_keeps_that_press_alone_holding_nothing_but_the_persons_id(db):
    await export.import_person(db, 1001, RICH, NOW)
    await export.import_person(db, 1002, RICH, NOW)
    replay = {"update_id": 13, "callback_query": {"id": "q", "data": "delc:1001:nonce"}}
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO inbox (update_id, chat_id, payload, state, received_at) VALUES"
            " (11, 1001, '{\"text\": \"failed words\"}', 'failed', 'x'),"
            " (12, 1001, NULL, 'done', 'x'),"
            ' (13, 1001, \'{"callback_query": {"from": {"first_name": "Alex"}}}\', \'pending\', \'x\'),'
            " (14, 1001, '{\"text\": \"written after\"}', 'pending', 'x'),"
            " (15, 1002, '{\"text\": \"someone else\"}', 'pending', 'x')"
        )
        assert await store.erase(conn, 1001, confirmed_by=(13, replay), now=NOW) is True
        for update_id, user_id, expected in ((13, 1001, True), (14, 1001, False), (13, 1002, False)):
            assert await store.erased_by(conn, user_id, update_id) is expected
    assert await load(db, 1001) is None and await load(db, 1002) == RICH
    async with db.read() as conn:
        async with conn.execute("SELECT update_id, chat_id, state, payload FROM inbox ORDER BY 1") as cur:
            rows = [tuple(row) for row in await cur.fetchall()]
    # Earlier updates: their ids stay (Telegram sending one again is recognised), nothing else.
    assert rows[:2] == [(11, None, "done", None), (12, None, "done", None)]
    # The press: to be handled again after a crash, with the person's id and nothing else of theirs.
    assert rows[2][:3] == (13, None, "pending")
    assert json.loads(rows[2][3]) == {**replay, store.ERASE_MARK: 1001}
    # Later updates are new, and someone else's are theirs.
    assert rows[3:] == [
        (14, 1001, "pending", '{"text": "written after"}'),
        (15, 1002, "pending", '{"text": "someone else"}'),
    ]
    async with db.transaction() as conn:  # handled: the intake marks it done, which drops the payload
        await conn.execute("UPDATE inbox SET state = 'done', payload = NULL WHERE update_id = 13")
        assert await store.erased_by(conn, 1001, 13) is False
