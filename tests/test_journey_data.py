"""Journey 6, your data: /export hands everything back as files, /delete erases it for good, and
nobody can reach another person's data through either."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.importer import run_import
from bot.prompts import load_catalogue
from bot.render import Renderer
from bot.services import export
from bot.store.db import Database
from tests.conftest import make_settings
from tests.test_journey_reminders import onboarded, prompts_in

# Unusual enough to be found nowhere else in the database file, with non-ASCII bytes in it.
CANARY = "ZebraCanary-Ωmega-🦓-7f3a9c"


async def count(harness, table, user_id=1001, column="user_id"):
    async with harness.runtime.db.read() as conn:
        async with conn.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", (user_id,)) as cur:
            return (await cur.fetchone())[0]


async def write_a_week(harness, person):
    """A prompt answered (and edited), a free note, a /bring item, a mood: a little of everything."""
    await person.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(person)
    harness.clock.advance(minutes=5)
    update = harness.api.send_message(
        person.user_id, "I said no to my boss <3 & felt shaky", reply_to=prompt.message_id
    )
    await harness.processed(update["update_id"])
    harness.clock.advance(minutes=3)
    await person.edits(update["message"]["message_id"], "I said no to my boss <3 & felt steady")
    harness.clock.advance(hours=14)
    await person.says("A free note 😊 with\na second line")
    await person.says("/bring how to say no at work")
    await person.says("/mood 4")
    return prompt


def files_of(person):
    return {doc.filename: doc.data for doc in person.api.documents(person.user_id)}


async def test_export_sends_a_file_to_read_and_a_file_to_move(harness):
    alex = await onboarded(harness)
    await write_a_week(harness, alex)
    new = await alex.says("/export")
    assert [m.kind for m in new] == ["document", "document"]
    files = files_of(alex)
    # Named by the date in the person's zone (Berlin: already 24 November), nothing they wrote.
    assert sorted(files) == ["between-export-2026-11-24.json", "between-export-2026-11-24.md"]

    document = json.loads(files["between-export-2026-11-24.json"])
    assert (document["format"], document["version"], document["user_id"]) == ("between-export", 2, 1001)
    assert document["person"]["zone"] == "Europe/Berlin"
    assert document["reminders"] == [
        {
            "ref": "r1",
            "at": "20:00",
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "created_at": "2026-11-23T08:00:00Z",
        }
    ]
    (delivery,) = document["deliveries"]
    assert delivery["reminder"] == "r1" and delivery["state"] == "sent"
    assert delivery["sent_at"] == "2026-11-23T19:00:00Z"
    answer, note, bring = document["entries"]
    assert answer["text"] == "I said no to my boss <3 & felt steady"
    assert answer["first_text"] == "I said no to my boss <3 & felt shaky"
    assert answer["edited_at"] == "2026-11-23T19:08:00Z"
    assert answer["delivery"] == "d1"
    assert answer["prompt"] == delivery["prompt"]
    assert answer["prompt"]["text"] and answer["prompt"]["theme_title"]
    assert note["text"] == "A free note 😊 with\na second line" and note["prompt"] is None
    assert bring["kind"] == "bring" and bring["bring"] is True and bring["discussed_at"] is None
    assert document["moods"] == [{"score": 4, "logged_at": "2026-11-24T09:08:00Z"}]
    assert document["session_plan"] is None and document["sessions_held"] == []
    assert not _internal_ids(document)

    markdown = files["between-export-2026-11-24.md"].decode()
    assert "### Monday 23 November 2026" in markdown and "### Tuesday 24 November 2026" in markdown
    assert "**20:05** · Your answer to *" + answer["prompt"]["text"] in markdown
    # Made inert as in the recap's file: it reads as written, never as formatting.
    assert "> I said no to my boss \\<3 \\& felt steady" in markdown
    assert "> I said no to my boss \\<3 \\& felt shaky" in markdown  # the first version, marked as such
    assert "> A free note 😊 with\n> a second line" in markdown
    assert "Mood: 4 (good)" in markdown
    assert "20:00, every day" in markdown


def _internal_ids(value, path=""):
    """Keys that look like database row ids (only a prompt's id, which is public, may appear)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key.endswith("id") and key not in ("user_id", "file_id") and not path.endswith("prompt"):
                found.append(f"{path}.{key}")
            found += _internal_ids(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            found += _internal_ids(item, path)
    return found


async def test_export_with_nothing_written_is_one_warm_line_and_no_files(harness):
    sam = harness.person(1002)
    reply = await sam.says_one("/export")
    assert "nothing to export" in reply.visible
    await sam.onboard()  # a zone alone is not worth two files
    reply = await sam.says_one("/export")
    assert "nothing to export" in reply.visible
    assert harness.api.documents(1002) == []


async def test_export_then_import_elsewhere_exports_the_same(harness, tmp_path):
    alex = await onboarded(harness)
    await write_a_week(harness, alex)
    await alex.says("/pause 3d")
    await alex.says("/export")
    files = files_of(alex)
    (json_name,) = [name for name in files if name.endswith(".json")]
    source = tmp_path / json_name
    source.write_bytes(files[json_name])

    later = FakeClock(datetime(2027, 2, 1, 12, 0, tzinfo=UTC))
    target = tmp_path / "elsewhere.sqlite3"
    settings = make_settings(harness.api, target)
    assert await run_import(settings, source, clock=later) == 0

    db = await Database.open(target)
    try:
        again = await export.export_files(db, Renderer(), load_catalogue(), 1001, later.now())
    finally:
        await db.close()
    assert again is not None
    first, second = json.loads(files[json_name]), json.loads(again.json)
    assert first.pop("exported_at") != second.pop("exported_at")
    assert first == second
    (md_name,) = [name for name in files if name.endswith(".md")]
    assert _without_export_line(files[md_name]) == _without_export_line(again.markdown)


def _without_export_line(markdown: bytes) -> list[str]:
    return [line for line in markdown.decode().splitlines() if not line.startswith("Exported on")]


async def test_export_holds_only_the_persons_own_words(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    await alex.says("alex's private thought")
    await sam.says("sam's private thought")
    await sam.says("/export")
    await alex.says("/export")
    sam_files = b"".join(files_of(sam).values())
    alex_files = b"".join(files_of(alex).values())
    assert b"sam's private thought" in sam_files and b"alex's" not in sam_files
    assert b"alex's private thought" in alex_files and b"sam's" not in alex_files


async def confirmation(person):
    (ask,) = await person.says("/delete")
    assert [label for label, _ in ask.buttons] == ["Yes, erase everything", "Cancel, keep everything"]
    return ask


async def test_delete_erases_every_trace_from_the_file_and_its_wal(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    await sam.says("sam keeps this")
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    update = harness.api.send_message(1001, f"first {CANARY} draft")
    await harness.processed(update["update_id"])
    await alex.edits(update["message"]["message_id"], f"second {CANARY} version")
    # Long enough (in bytes) to spill onto overflow pages, with the canary on one of them too.
    await alex.says(f"another {CANARY} note " + "🦓" * 3900 + CANARY)
    await alex.says(f"/bring {CANARY} to talk about")
    await alex.says("/bring", reply_to=update["message"]["message_id"])
    await alex.says("/mood 2")
    db_path = Path(harness.runtime.db.path)
    assert _holds_canary(db_path), "the test must see the words before they are erased"

    ask = await confirmation(alex)
    assert "can't be undone" in ask.visible and "Backups" in ask.visible
    (done,) = await alex.presses(ask, "Yes, erase everything")
    assert "erased" in done.visible and "\n" not in done.visible.strip()
    assert done.buttons == [] and alex.messages()[-2].buttons == []  # the confirm buttons went away

    assert not _holds_canary(db_path)
    for table in ("people", "entries", "moods", "reminders", "deliveries", "session_plans", "sessions_held"):
        assert await count(harness, table) == 0, table
    assert await count(harness, "inbox", column="chat_id") == 0
    # Someone else's words are untouched.
    assert await count(harness, "entries", 1002) == 1 and await count(harness, "people", 1002) == 1


def _holds_canary(db_path: Path) -> bool:
    # The words as SQLite stores them (UTF-8), and the ASCII part alone in case of any escaping.
    needles = (CANARY.encode("utf-8"), b"ZebraCanary", "Ωmega-🦓".encode())
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        if path.exists():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                return True
    return False


async def test_a_newer_delete_makes_the_older_confirm_stale(harness):
    alex = await onboarded(harness)
    await alex.says("keep me")
    first = await confirmation(alex)
    second = await confirmation(alex)
    assert await alex.presses(first, "Yes, erase everything") == []
    assert "no longer valid" in alex.toast()
    assert await count(harness, "entries") == 1
    await alex.presses(second, "Yes, erase everything")
    assert await count(harness, "people") == 0


async def test_pressing_confirm_twice_erases_once_and_the_second_press_changes_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("keep me")
    ask = await confirmation(alex)
    data = ask.button_data("Yes, erase everything")
    await alex.presses(ask, "Yes, erase everything")
    assert await count(harness, "people") == 0
    assert await alex.presses_data(ask.message_id, data) == []
    assert "no longer valid" in alex.toast()
    assert await count(harness, "people") == 0  # not re-created by the press either


async def test_a_confirm_pressed_after_ten_minutes_changes_nothing(harness):
    alex = await onboarded(harness)
    await alex.says("keep me")
    ask = await confirmation(alex)
    harness.clock.advance(minutes=10, seconds=1)
    assert await alex.presses(ask, "Yes, erase everything") == []
    assert "no longer valid" in alex.toast()
    assert await count(harness, "entries") == 1


async def test_cancel_changes_nothing_and_retires_the_confirm(harness):
    alex = await onboarded(harness)
    await alex.says("keep me")
    (asked,) = await alex.says("/remind")  # waiting for a time after "+ Add a time"
    await alex.presses(asked, "+ Add a time")
    ask = await confirmation(alex)
    confirm = ask.button_data("Yes, erase everything")
    (cancelled,) = await alex.presses(ask, "Cancel, keep everything")
    assert "Nothing was erased" in cancelled.visible
    await alex.presses_data(ask.message_id, confirm)
    assert "no longer valid" in alex.toast()
    assert await count(harness, "entries") == 1
    # A command starts something else (docs/conversation.md): the question asked before /delete
    # is over, so "21:15" is a note now, and no reminder is made from it.
    await alex.says("21:15")
    assert await count(harness, "reminders") == 0 and await count(harness, "entries") == 2


async def test_delete_for_someone_who_never_wrote_is_a_warm_line(harness):
    kim = harness.person(1003)
    reply = await kim.says_one("/delete")
    assert "nothing to erase" in reply.visible and reply.buttons == []
    assert await count(harness, "people", 1003) == 0


async def test_nobody_can_erase_someone_else(harness):
    alex = await onboarded(harness, 1001)
    sam = await onboarded(harness, 1002)
    await alex.says("alex keeps this")
    await sam.says("sam keeps this")
    ask = await confirmation(alex)
    alex_confirm = ask.button_data("Yes, erase everything")
    nonce = alex_confirm.rsplit(":", 1)[1]
    any_of_sams = sam.last().message_id

    # Alex's own confirm data, pressed by Sam: not Sam's button.
    assert await sam.presses_data(any_of_sams, alex_confirm) == []
    assert "isn't yours" in sam.toast()
    # Alex's nonce under Sam's own id: Sam has no such confirmation waiting.
    assert await sam.presses_data(any_of_sams, f"delc:1002:{nonce}") == []
    assert "no longer valid" in sam.toast()
    # Cancel forged the same way withdraws nothing of Alex's.
    await sam.presses_data(any_of_sams, alex_confirm.replace("delc", "delx"))
    assert "isn't yours" in sam.toast()
    assert await count(harness, "entries", 1001) == 1 and await count(harness, "entries", 1002) == 1

    # Alex's confirmation still works for Alex.
    await alex.presses(ask, "Yes, erase everything")
    assert await count(harness, "people", 1001) == 0 and await count(harness, "entries", 1002) == 1


async def test_after_delete_export_has_nothing_and_start_begins_afresh(harness):
    alex = await onboarded(harness)
    await alex.says("soon gone")
    await alex.presses(await confirmation(alex), "Yes, erase everything")
    reply = await alex.says_one("/export")
    assert "nothing to export" in reply.visible
    await alex.says("/start")
    async with harness.runtime.db.read() as conn:
        async with conn.execute("SELECT zone FROM people WHERE user_id = 1001") as cur:
            assert (await cur.fetchone())[0] is None
