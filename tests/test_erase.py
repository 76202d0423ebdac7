"""Erase means erased: /delete tells the person "erased" only once their words are gone from the
database file and its WAL, however long another connection keeps reading, and even when the
process or Telegram failed between the erasing and the answer."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from pathlib import Path

import pytest

from bot.services import erase
from tests.test_journey_data import CANARY, confirmation, count
from tests.test_journey_reminders import onboarded

NEEDLES = (CANARY.encode("utf-8"), b"ZebraCanary", "Ωmega-🦓".encode())


def occurrences(db_path: Path) -> dict[str, int]:
    """How often the canary (or a recognisable piece of it) is in the raw bytes of each file."""
    found = {}
    for path in (db_path, db_path.with_name(db_path.name + "-wal")):
        data = path.read_bytes() if path.exists() else b""
        found[path.name] = sum(data.count(needle) for needle in NEEDLES)
    return found


async def write_canaries(person, notes=30):
    """Notes with the canary, some long enough to spill onto overflow pages."""
    for n in range(notes):
        filler = "🦓" * 1500 if n % 5 == 0 else ""
        await person.says(f"note {n} {CANARY} {filler}{CANARY}")


async def until(predicate, within=10.0, what="the condition"):
    """Wait until ``predicate()`` (which may be a coroutine function) is true."""
    deadline = time.monotonic() + within
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def acknowledged(harness, chat_id, update):
    """Whether the bot reacted to the message of ``update`` (how a kept note is acknowledged)."""
    message_id = update["message"]["message_id"]
    return any(
        call.params["chat_id"] == chat_id and call.params["message_id"] == message_id
        for call in harness.api.calls("setMessageReaction")
    )


def said(person, words):
    return [m for m in person.messages() if words in m.visible]


class Reader:
    """Another connection holding a read transaction, as a backup step or a sqlite3 shell does."""

    def __init__(self, db_path: Path) -> None:
        self.conn = sqlite3.connect(db_path, isolation_level=None)
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT count(*) FROM entries").fetchone()

    def let_go(self) -> None:
        self.conn.execute("COMMIT")
        self.conn.close()


async def test_a_reader_delays_erased_until_it_lets_go_then_not_one_copy_is_left(harness, monkeypatch):
    monkeypatch.setattr(erase, "NOTICE_AFTER", 0.3)
    alex = await onboarded(harness, 1001)
    await onboarded(harness, 1002)  # Sam, who writes meanwhile
    await write_canaries(alex)
    db_path = Path(harness.runtime.db.path)
    before = occurrences(db_path)
    assert sum(before.values()) > 0, "the test must see the words before they are erased"
    ask = await confirmation(alex)

    reader = Reader(db_path)
    try:
        pressed = time.monotonic()
        press = harness.api.press_button(1001, ask.message_id, ask.button_data("Yes, erase everything"))
        await until(lambda: said(alex, "Erasing"), what="the person to hear it is under way")
        told_erasing = time.monotonic() - pressed
        # The erasing committed: nothing about Alex can be read through Between any more ...
        assert await count(harness, "people") == 0
        # ... and someone else is answered as quickly as ever meanwhile.
        started = time.monotonic()
        note = harness.api.send_message(1002, "sam writes while alex's words wait for the reader")
        await until(lambda: acknowledged(harness, 1002, note), what="sam's note to be acknowledged")
        sam_took = time.monotonic() - started
        await asyncio.sleep(1.0)
        # But the words are still in the files while the reader holds them: no "erased" yet.
        assert not said(alex, "erased"), "told erased while the words were still in the file"
        assert sum(occurrences(db_path).values()) > 0
    finally:
        let_go = time.monotonic()
        reader.let_go()
    await until(lambda: said(alex, "erased"), what="erased, once the reader let go")
    told_erased = time.monotonic() - let_go
    await harness.processed(press["update_id"])
    (done,) = said(alex, "erased")
    assert said(alex, "Erasing") and alex.messages()[-1] == done

    assert occurrences(db_path) == {db_path.name: 0, db_path.name + "-wal": 0}
    assert await count(harness, "inbox", column="chat_id") == 0
    assert sam_took < 1.0
    print(
        f"words before: {before}; 'erasing' after {told_erasing:.2f} s; 'erased' {told_erased:.2f} s"
        f" after the reader let go; another person's note handled in {sam_took * 1000:.0f} ms meanwhile"
    )


async def test_a_reader_that_stays_is_explained_and_erased_is_said_once_it_goes(harness, monkeypatch):
    monkeypatch.setattr(erase, "NOTICE_AFTER", 0.2)
    monkeypatch.setattr(erase, "PATIENCE", 0.6)
    monkeypatch.setattr(erase, "RETRY_PATIENCE", 0.2)
    alex = await onboarded(harness, 1001)
    await write_canaries(alex, notes=3)
    db_path = Path(harness.runtime.db.path)
    ask = await confirmation(alex)

    reader = Reader(db_path)
    try:
        press = harness.api.press_button(1001, ask.message_id, ask.button_data("Yes, erase everything"))
        await until(lambda: said(alex, "another program"), what="the honest explanation")
        await asyncio.sleep(2.5)  # the intake tries again meanwhile (after 1 s, then 2 s)
        assert not said(alex, "erased")
        assert sum(occurrences(db_path).values()) > 0
    finally:
        reader.let_go()
    await until(lambda: said(alex, "erased"), within=10, what="erased, once the reader let go")
    await harness.processed(press["update_id"])
    texts = [m.visible for m in alex.messages()[-3:]]
    assert ["Erasing" in texts[0], "another program" in texts[1], "erased" in texts[2]] == [True] * 3
    assert len(said(alex, "erased")) == 1 and len(said(alex, "Erasing")) == 1  # no repeats
    assert not said(alex, "went wrong")
    assert sum(occurrences(db_path).values()) == 0
    assert await settled(harness)


async def test_an_answer_that_did_not_go_out_is_given_when_the_press_is_tried_again(harness):
    """Telegram failing the "erased" message leaves the press in the inbox: tried again, the same
    press says "erased" (its button press cannot be answered twice), and nothing fails."""
    alex = await onboarded(harness, 1001)
    await write_canaries(alex, notes=2)
    ask = await confirmation(alex)
    harness.api.fail_next("sendMessage", status=500)
    await alex.presses(ask, "Yes, erase everything")  # confirmed while it waits out the fault
    await until(lambda: said(alex, "erased"), what="erased, when the press is tried again")
    (done,) = said(alex, "erased")
    assert "Done" in done.visible
    assert not said(alex, "went wrong") and not said(alex, "no longer valid")
    assert harness.api.failures("sendMessage"), "the first answer must have failed"
    assert len(harness.api.calls("answerCallbackQuery")) >= 2  # the press was handled twice
    # The done mark follows the answer: then nothing is left in the inbox that holds anything.
    await until(lambda: settled(harness), within=5, what="the press to be marked done")
    assert await count(harness, "people") == 0 and await count(harness, "inbox", column="chat_id") == 0


async def settled(harness):
    """No inbox row is waiting or holding a payload."""
    async with harness.runtime.db.read() as conn:
        sql = "SELECT count(*) FROM inbox WHERE state != 'done' OR payload IS NOT NULL"
        async with conn.execute(sql) as cur:
            return (await cur.fetchone())[0] == 0


async def test_the_kept_press_holds_nothing_of_theirs_and_a_second_press_is_still_stale(harness, monkeypatch):
    """While the erasing waits for a reader, the one inbox row about the press holds only what
    handling it again needs; another press of the same button erases nothing and says so."""
    monkeypatch.setattr(erase, "NOTICE_AFTER", 0.1)
    alex = await onboarded(harness, 1001)
    await write_canaries(alex, notes=2)
    ask = await confirmation(alex)
    db_path = Path(harness.runtime.db.path)
    reader = Reader(db_path)
    try:
        press = harness.api.press_button(1001, ask.message_id, ask.button_data("Yes, erase everything"))
        await until(lambda: said(alex, "Erasing"), what="the erasing to be under way")
        async with harness.runtime.db.read() as conn:
            async with conn.execute("SELECT update_id, chat_id, state, payload FROM inbox") as cur:
                rows = await cur.fetchall()
    finally:
        reader.let_go()
    await harness.processed(press["update_id"])
    kept = {row[0]: row for row in rows if row[3] is not None}
    assert list(kept) == [press["update_id"]]
    _, chat, state, payload = kept[press["update_id"]]
    assert chat is None and state == "pending"
    assert (
        "Alex" not in payload
        and "ZebraCanary" not in payload
        and "erase" not in json.loads(payload)["callback_query"].get("message", {}).get("text", "")
    )
    assert all(row[1] is None for row in rows), "an inbox row still names the person's chat"

    assert await alex.presses_data(ask.message_id, ask.button_data("Yes, erase everything")) == []
    assert "no longer valid" in alex.toast()
    assert len(said(alex, "erased")) == 1
