"""Crash safety of /delete: Between, killed with SIGKILL right after the erasing committed, tells
the person "erased" once it runs again, and nothing they wrote is kept or comes back.

Same harness as tests/test_crash.py: the real bot as a subprocess against the local Bot API
stand-in, which here can hold the bot's answer to a button press at its door. That answer is the
first thing the bot sends once the erasing has committed, so holding it and killing the bot lands
the kill right after the commit, before the person has heard anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.test_crash import (
    SETTLE_TIMEOUT,
    TOKEN,
    Bot,
    Gate,
    RecordingAPI,
    assert_clean_stop,
    handled,
    onboard,
    reading,
    sent,
    settle,
    shows_bot_log,
    wait_until,
)

ALEX, SAM = 2001, 2002
MARKER = "ErasedWords-7c1e-Ωmega"


class HoldingAnswers(RecordingAPI):
    """The crash tests' stand-in, also able to hold answers to button presses."""

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self.answers = Gate()

    def _handle_http(
        self,
        target: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        if urlsplit(target).path.rsplit("/", 1)[-1].lower() == "answercallbackquery":
            self.answers.enter()
        return super()._handle_http(target, content_type, body, client_gone)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    with HoldingAnswers(TOKEN) as api:
        for person in (ALEX, SAM):
            api.add_user(person, f"P{person}")
        runner = Bot(api, tmp_path / "between.sqlite3", tmp_path / "bot.log")
        try:
            yield runner
        finally:
            runner.cleanup()


def copies(db_path: Path) -> int:
    """How often the marker is in the raw bytes of the database file and its WAL."""
    needle = MARKER.encode()
    files = (db_path, db_path.with_name(db_path.name + "-wal"))
    return sum(path.read_bytes().count(needle) for path in files if path.exists())


def said(bot: Bot, person: int, words: str) -> list[str]:
    return [m.visible for m in bot.api.bot_messages(person) if words in m.visible]


@shows_bot_log
def test_kill_right_after_the_erase_committed_still_tells_the_person(bot: Bot) -> None:
    api = bot.api
    assert isinstance(api, HoldingAnswers)
    bot.start()
    onboard(bot, ALEX)
    onboard(bot, SAM)
    for n in range(5):
        handled(bot, sent(api, ALEX, f"note {n} {MARKER} <3 & still here")["update_id"])
    handled(bot, sent(api, SAM, "sam keeps this")["update_id"])
    asked = sent(api, ALEX, "/delete")["update_id"]
    handled(bot, asked)
    ask = api.last_bot_message(ALEX)
    assert ask is not None and copies(bot.db_path) > 0

    api.answers.close()
    press = api.press_button(ALEX, ask.message_id, ask.button_data("Yes, erase everything"))
    assert api.answers.wait_arrivals(1, timeout=10), "the press was never answered"
    bot.kill()  # the erasing committed; the person has heard nothing
    api.answers.open()  # the held answer lands, answered to a dead process

    with reading(bot.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM people WHERE user_id = ?", (ALEX,)).fetchone()[0] == 0
        kept = conn.execute("SELECT update_id, chat_id, state, payload FROM inbox WHERE payload IS NOT NULL")
        rows = kept.fetchall()
    # One row holds a payload: the press, to be handled again, with nothing of Alex's in it.
    assert [(update_id, chat, state) for update_id, chat, state, _ in rows] == [
        (press["update_id"], None, "pending")
    ]
    assert MARKER not in rows[0][3] and f"P{ALEX}" not in rows[0][3]
    assert not said(bot, ALEX, "erased")

    bot.start()  # Telegram sends the unconfirmed press again too; the inbox knows it
    wait_until(lambda: said(bot, ALEX, "erased"), SETTLE_TIMEOUT, "the person to hear it is erased", bot)
    assert copies(bot.db_path) == 0, "told erased while the words were still in the files"
    settle(bot, press["update_id"])
    assert_clean_stop(bot)

    assert len(said(bot, ALEX, "erased")) == 1
    assert not said(bot, ALEX, "went wrong") and not said(bot, ALEX, "no longer valid")
    with reading(bot.db_path) as conn:
        inbox = conn.execute("SELECT state, payload, chat_id FROM inbox").fetchall()
        for table in ("people", "entries", "moods", "reminders", "deliveries", "conversations"):
            left = conn.execute(f"SELECT count(*) FROM {table} WHERE user_id = ?", (ALEX,)).fetchone()[0]
            assert left == 0, f"{table} holds Alex again"
        assert conn.execute("SELECT count(*) FROM entries WHERE user_id = ?", (SAM,)).fetchone()[0] == 1
    assert all(state == "done" and payload is None for state, payload, _ in inbox), "an update waits or fails"
    assert all(chat != ALEX for _, _, chat in inbox)
    assert copies(bot.db_path) == 0
