"""``between chat``: the terminal as the Telegram app, against the in-process Bot API stand-in."""

from __future__ import annotations

import asyncio
import io
import os
import queue
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.chat import chat, format_text, save_document
from bot.config import Secret, Settings
from bot.localapi import UploadedFile, parse_html

FAKE_TOKEN = "123456789:real-looking-token-never-used"


class Keyboard:
    """Stdin for chat(): readline blocks until the test types a line (or closes it, EOF)."""

    def __init__(self) -> None:
        self._lines: queue.Queue[str] = queue.Queue()

    def type(self, line: str) -> None:
        self._lines.put(line + "\n")

    def close(self) -> None:
        self._lines.put("")

    def readline(self) -> str:
        return self._lines.get(timeout=30)


class Terminal(io.StringIO):
    """Stdout that says it is a TTY, so bold comes out as ANSI."""

    def isatty(self) -> bool:
        return True


async def shows(out: io.StringIO, expected: str, timeout: float = 10.0) -> str:  # noqa: ASYNC109
    """Wait until ``expected`` is printed; returns everything printed so far."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while expected not in out.getvalue():
        assert loop.time() < deadline, f"{expected!r} never shown; output:\n{out.getvalue()}"
        await asyncio.sleep(0.01)
    return out.getvalue()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.chdir(tmp_path)  # where files the bot sends would be saved
    # A real-looking token, an unreachable API and an access list: chat must use none of them.
    return Settings(
        token=Secret(FAKE_TOKEN),
        api_url="http://127.0.0.1:9/bot",
        db_path=tmp_path / "j.db",
        allowed_users=frozenset({999}),
        invite_only=True,
    )


async def test_onboarding_in_the_terminal_numbers_press_buttons_and_eof_leaves(settings):
    keyboard, out = Keyboard(), io.StringIO()
    session = asyncio.create_task(chat(settings, stdin=keyboard, stdout=out, user_id=7, first_name="Sam"))
    try:
        assert "/start" in await shows(out, "/quit")
        keyboard.type("/start")
        greeting = await shows(out, "not a crisis service")
        assert "Hi Sam, I'm Between." in greeting  # the HTML rendered: no tags, no ANSI on a pipe
        assert "<b>" not in greeting and "\033[" not in greeting
        keyboard.type("Berlin")
        await shows(out, "[1] 20:00  [2] 21:00  [3] Another time  [4] Not now")
        assert "your time zone is Berlin" in out.getvalue()
        keyboard.type("4")
        await shows(out, "Alright. Whenever you like")
        keyboard.type("slept badly, but the walk helped")
        await shows(out, "  ✍")  # the bot's reaction: kept as a note
    finally:
        keyboard.close()
        status = await asyncio.wait_for(session, 20)
    assert status == 0
    assert FAKE_TOKEN not in out.getvalue()
    with sqlite3.connect(settings.db_path) as conn:
        assert conn.execute("SELECT zone FROM people WHERE user_id = 7").fetchone() == ("Europe/Berlin",)
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (1,)

    # Coming back later: the journal is still there, and new messages are not mistaken for old.
    keyboard, out = Keyboard(), io.StringIO()
    session = asyncio.create_task(chat(settings, stdin=keyboard, stdout=out, user_id=7, first_name="Sam"))
    try:
        keyboard.type("/start")
        assert "Berlin" in await shows(out, "Welcome back")
        keyboard.type("a calmer day")
        await shows(out, "  ✍")
        keyboard.type("/prompt")
        await shows(out, "[1] Later  [2] Another question  [3] Skip")
        keyboard.type("2")  # another question: the same message, edited, its choices shown again
        assert (await shows(out, "(edited) ")).count("[1] Later  [2] Another question  [3] Skip") == 2
        keyboard.type("3")
        await shows(out, "(Skipped. That's fine.)")  # the little notice over the chat
    finally:
        keyboard.close()
        assert await asyncio.wait_for(session, 20) == 0
    with sqlite3.connect(settings.db_path) as conn:
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (2,)


async def test_a_number_without_such_a_choice_is_sent_as_text_and_quit_leaves(settings):
    keyboard, out = Keyboard(), Terminal()
    session = asyncio.create_task(chat(settings, stdin=keyboard, stdout=out))
    try:
        keyboard.type("/start")
        assert "\033[1mBetween\033[22m" in await shows(out, "not a crisis service")
        keyboard.type("9")  # no choices on screen: it is an answer, not a press
        await shows(out, "I don't know a time zone called “9”")
        keyboard.type("/quit")
        assert await asyncio.wait_for(session, 20) == 0
    finally:
        keyboard.close()
        if not session.done():
            session.cancel()


def test_format_text_shows_links_and_styles_only_on_a_tty():
    formatted = parse_html('<b>Hi</b> 🙂 <i>see</i> <a href="https://example.org/x">this</a> &amp; more')
    plain = format_text(formatted.text, formatted.entities, tty=False)
    assert plain == "Hi 🙂 see this (https://example.org/x) & more"
    styled = format_text(formatted.text, formatted.entities, tty=True)
    assert styled == "\033[1mHi\033[22m 🙂 \033[3msee\033[23m this (https://example.org/x) & more"
    bare = parse_html('<a href="https://example.org">https://example.org</a>')
    assert format_text(bare.text, bare.entities, tty=False) == "https://example.org"


def test_save_document_never_overwrites_and_never_leaves_the_directory(tmp_path):
    document = UploadedFile("../journal.md", b"# my notes\n")
    assert save_document(document, tmp_path) == "[file: journal.md, 11 bytes — saved to ./journal.md]"
    assert (tmp_path / "journal.md").read_bytes() == b"# my notes\n"
    again = UploadedFile("journal.md", b"other")
    assert save_document(again, tmp_path) == "[file: journal.md, 5 bytes]"
    assert (tmp_path / "journal.md").read_bytes() == b"# my notes\n"
    assert not (tmp_path.parent / "journal.md").exists()


def test_python_m_bot_chat_with_piped_input(tmp_path):
    env = {
        **os.environ,
        "BETWEEN_DB": str(tmp_path / "between.sqlite3"),
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/start\n/quit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**env, "PYTHONIOENCODING": "utf-8"},
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "not a crisis service" in done.stdout
    assert FAKE_TOKEN not in done.stdout + done.stderr
    assert (tmp_path / "between.sqlite3").exists()
