"""``between chat``: the terminal as the Telegram app, against the in-process Bot API stand-in."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.chat import TTY_LINE_LIMIT, Typed, chat, format_text, parse_line, save_document
from bot.config import Secret, Settings
from bot.localapi import UploadedFile, parse_html
from bot.views.menu import MENU

FAKE_TOKEN = "123456789:real-looking-token-never-used"
# Every command the bot has or is getting: none may mean something to the terminal client.
BOT_COMMANDS = {
    *MENU,
    *"start help prompt remind pause resume timezone mood session recap bring export delete".split(),
    *"settings practice experiment wellbeing safetyplan language".split(),
}


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


class TerminalKeyboard(Keyboard):
    """A terminal's keyboard read without line editing: its canonical mode may cut long lines."""

    def isatty(self) -> bool:
        return True


class Terminal(io.StringIO):
    """Stdout that says it is a TTY, so bold comes out as ANSI."""

    def isatty(self) -> bool:
        return True


async def shows(out: io.StringIO, expected: str, timeout: float = 10.0, *, after: int = 0) -> str:  # noqa: ASYNC109
    """Wait until ``expected`` is printed (after position ``after``); returns everything printed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while expected not in out.getvalue()[after:]:
        assert loop.time() < deadline, f"{expected!r} never shown; output:\n{out.getvalue()}"
        await asyncio.sleep(0.01)
    return out.getvalue()


def button(out: io.StringIO, label: str) -> str:
    """What presses the newest button shown with ``label`` (e.g. "#5.4")."""
    found = re.findall(rf"(#\d+\.\d+) \[{re.escape(label)}\]", out.getvalue())
    assert found, f"no button {label!r} shown; output:\n{out.getvalue()}"
    return found[-1]


def message_of(address: str) -> int:
    """The message number in a button's address: 5 for "#5.4"."""
    return int(address[1:].split(".")[0])


def last_sent(out: io.StringIO) -> int:
    """The number the person's newest message got on screen."""
    return int(re.findall(r"↑ \[(\d+)\]", out.getvalue())[-1])


async def sent_after(out: io.StringIO, mark: int) -> int:
    """The number the person's next message gets on screen after position ``mark``."""
    await shows(out, "↑ [", after=mark)
    return last_sent(out)


def numbered(out: io.StringIO, first_words: str) -> int:
    """The number of the newest bot message that starts with ``first_words``."""
    found = re.findall(
        rf"^\[(\d+)\](?: ↳ \[\d+\])?(?: \(edited\))? {re.escape(first_words)}", out.getvalue(), re.M
    )
    assert found, f"no message starting {first_words!r}; output:\n{out.getvalue()}"
    return int(found[-1])


def rows(db: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


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


class Session:
    """One ``between chat`` in this event loop: type lines, read the screen."""

    def __init__(self, settings: Settings, out: io.StringIO | None = None, keyboard: Keyboard | None = None):
        self.keyboard = keyboard or Keyboard()
        self.out = out or io.StringIO()
        self.task = asyncio.create_task(chat(settings, stdin=self.keyboard, stdout=self.out, user_id=7))

    async def says(self, line: str, expected: str) -> str:
        """Type ``line`` and wait until ``expected`` is printed after it."""
        mark = len(self.out.getvalue())
        self.keyboard.type(line)
        return await shows(self.out, expected, after=mark)

    async def sends(self, line: str) -> int:
        """Type ``line`` as a message; returns the number it gets on screen."""
        mark = len(self.out.getvalue())
        self.keyboard.type(line)
        return await sent_after(self.out, mark)

    async def onboard(self) -> None:
        await self.says("/start", "not a crisis service")
        await self.says("Berlin", "[Not now]")
        await self.says(button(self.out, "Not now"), "Alright. Whenever you like")

    async def leave(self) -> int:
        self.keyboard.close()
        return await asyncio.wait_for(self.task, 20)


async def test_onboarding_in_the_terminal_buttons_pressed_by_address_and_eof_leaves(settings):
    keyboard, out = Keyboard(), io.StringIO()
    session = asyncio.create_task(chat(settings, stdin=keyboard, stdout=out, user_id=7, first_name="Sam"))
    try:
        assert "/start" in await shows(out, "/quit")
        keyboard.type("/start")
        greeting = await shows(out, "not a crisis service")
        assert "Hi Sam, I'm Between." in greeting  # the HTML rendered: no tags, no ANSI on a pipe
        assert "<b>" not in greeting and "\033[" not in greeting
        keyboard.type("Berlin")
        await shows(out, "[Not now]")
        # One line per row, as Telegram lays them out, numbered from the top left.
        offer = numbered(out, "Would you like a question")
        await shows(out, f"  #{offer}.1 [20:00]  #{offer}.2 [21:00]\n  #{offer}.3 [Another time]  #{offer}.4")
        assert "your time zone is Berlin" in out.getvalue()
        keyboard.type(f"#{offer}.4")
        await shows(out, "Alright. Whenever you like")
        assert "↑ pressed “Not now”" in out.getvalue()
        mark = len(out.getvalue())
        keyboard.type("slept badly, but the walk helped")
        note = await sent_after(out, mark)
        await shows(out, f"  [{note}] ✍")  # the bot's reaction on that message: kept as a note
    finally:
        keyboard.close()
        status = await asyncio.wait_for(session, 20)
    assert status == 0
    assert FAKE_TOKEN not in out.getvalue()
    assert rows(settings.db_path, "SELECT zone FROM people WHERE user_id = 7") == [("Europe/Berlin",)]
    assert rows(settings.db_path, "SELECT count(*) FROM entries") == [(1,)]

    # Coming back later: the journal is still there, and new messages are not mistaken for old.
    again = Session(settings)
    try:
        assert "Berlin" in await again.says("/start", "Welcome back")
        await again.says("a calmer day", "] ✍")
        await again.says("/prompt", "[Skip]")
        prompt = message_of(button(again.out, "Skip"))
        assert (
            f"  #{prompt}.1 [Later]  #{prompt}.2 [Another question]  #{prompt}.3 [Skip]"
            in again.out.getvalue()
        )
        # Another question: the same message, edited, and its buttons shown again under it.
        shown = await again.says(f"#{prompt}.2", f"[{prompt}] (edited) ")
        assert shown.count(f"#{prompt}.1 [Later]  #{prompt}.2 [Another question]  #{prompt}.3 [Skip]") == 2
        await again.says(f"#{prompt}.3", "(Skipped. That's fine.)")  # the little notice over the chat
    finally:
        assert await again.leave() == 0
    assert rows(settings.db_path, "SELECT count(*) FROM entries") == [(2,)]


async def test_a_bare_number_is_text_never_a_press(settings):
    session = Session(settings, out=Terminal())
    try:
        assert "\033[1mBetween\033[22m" in await session.says("/start", "not a crisis service")
        await session.says("9", "I don't know a time zone called “9”")  # no buttons: an answer
        await session.says("Berlin", "[Not now]")
        offer = button(session.out, "20:00")
        # With the reminder offer on screen "1" is still words: kept as a note, no reminder set.
        await shows(session.out, f"  [{await session.sends('1')}] ✍")
        assert "↑ pressed" not in session.out.getvalue()
        assert rows(settings.db_path, "SELECT text FROM entries") == [("9",), ("1",)]
        assert rows(settings.db_path, "SELECT count(*) FROM reminders") == [(0,)]
        await session.says("#1", "#3.1 is button 1 under [3]. Nothing was sent.")
        await session.says("3.2", "] ✍")  # a number with a point is words too
        await session.says("#99.1", "(There is no message [99] from Between.)")
        await session.says(offer.replace(".1", ".7"), f"are {offer} to {offer[:-1]}4.)")
        assert rows(settings.db_path, "SELECT text FROM entries") == [("9",), ("1",), ("3.2",)]
        await session.says(offer, "Done. I'll send a question at 20:00")
        assert rows(settings.db_path, "SELECT count(*) FROM reminders") == [(1,)]
        session.keyboard.type("/quit")
        assert await asyncio.wait_for(session.task, 20) == 0
    finally:
        session.keyboard.close()
        if not session.task.done():
            session.task.cancel()


async def test_the_mood_scale_is_numbered_as_shown_and_a_used_keyboard_stays_dead(settings):
    session = Session(settings)
    try:
        await session.onboard()
        await session.says("/prompt", "[Skip]")
        prompt = message_of(button(session.out, "Skip"))
        await session.says("/mood", "[1 · very low]")
        scale = numbered(session.out, "How are you feeling")
        # Top to bottom as Telegram shows them, one per row: "4 · good" is the second.
        labels = ["5 · very good", "4 · good", "3 · okay", "2 · low", "1 · very low"]
        lines = "\n".join(f"  #{scale}.{n} [{label}]" for n, label in enumerate(labels, 1))
        assert lines in session.out.getvalue()
        await session.says(f"#{scale}.2", "Noted: good.")
        await shows(session.out, f"(no buttons under [{scale}] now)")
        assert rows(settings.db_path, "SELECT score FROM moods") == [(4,)]
        # The scale is gone; pressing it again does nothing, and no older keyboard takes its place.
        await session.says(f"#{scale}.2", f"(There are no buttons under [{scale}].)")
        await session.says("3", "✍")  # a note (/mood closed the question), not its third button
        assert "Skipped" not in session.out.getvalue()
        assert rows(settings.db_path, "SELECT score FROM moods") == [(4,)]
        assert rows(settings.db_path, "SELECT state FROM deliveries") == [("sent",)]
        # The question's own buttons are still there, pressed only by naming them.
        await session.says(f"#{prompt}.3", "(Skipped. That's fine.)")
    finally:
        assert await session.leave() == 0


async def test_reply_edit_and_stand_ins_for_a_photo_a_voice_note_a_file_and_a_sticker(settings):
    session = Session(settings)
    try:
        await session.onboard()
        await session.says("slept badly", "] ✍")
        note = last_sent(session.out)
        # /bring as a reply flags that message for the next session.
        await session.says(f">{note} /bring", f"↑ [{note + 1}] replying to [{note}]")
        await shows(session.out, "Flagged to bring to your next session.")
        assert rows(settings.db_path, "SELECT text, bring FROM entries") == [("slept badly", 1)]

        await session.says("/prompt", "[Skip]")
        prompt = message_of(button(session.out, "Skip"))
        await session.says(f">{prompt} a short walk", "Kept ✍")
        answer = last_sent(session.out)
        assert f"↑ [{answer}] replying to [{prompt}]" in session.out.getvalue()
        await session.says(":edit a short walk by the river", f"↑ [{answer}] edited")
        # Words under a photo join the answer like any words (a quiet ✍); a bare photo gets
        # the hint that a line about it helps find it later.
        await session.says(":photo the river", "✍")
        assert re.search(r"↑ \[\d+\] a photo \(a stand-in\)", session.out.getvalue())
        await session.says(":photo", "I've kept your photo.")
        await session.says(f">{prompt} :voice", "I've kept your voice note.")
        await session.says(":file", "I've kept your file")
        await session.says(":sticker 🌊", "a sticker (a stand-in)")
        # What cannot be done is said, and nothing is sent.
        await session.says(">99 hello", "(There is no message [99] here to reply to. Nothing was sent.)")
        await session.says(f">{prompt}", f"after the number: >{prompt} your words")
        await session.says(":edit", "Write the new wording after it: :edit new words")
        await session.says(
            ":photo " + "x" * 1025, "a Telegram caption holds at most 1,024. Nothing was sent."
        )
        await session.says(":help", "Press a button with #3.2")
    finally:
        assert await session.leave() == 0
    kept = rows(
        settings.db_path, "SELECT kind, text, first_text, delivery_id IS NOT NULL FROM entries ORDER BY id"
    )
    assert kept[1] == ("text", "a short walk by the river", "a short walk", 1)
    assert [kind for kind, *_ in kept] == ["text", "text", "photo", "photo", "voice", "document", "sticker"]
    assert kept[2][1] == "the river" and kept[3][1] is None and kept[5][1] is None


async def test_an_edit_before_anything_was_sent_is_refused(settings):
    session = Session(settings)
    try:
        await session.says(":edit new words", "You have sent no text here yet")
    finally:
        assert await session.leave() == 0


def test_client_commands_never_take_a_bot_command_or_an_answer():
    for name in BOT_COMMANDS:
        assert parse_line(f"/{name}") == Typed("text", f"/{name}")
        assert parse_line(f"/{name} 4") == Typed("text", f"/{name} 4")
    for words in ["4", "3.2", "10", ":)", ":-(", "#grateful", "# 2", "> 3 of them", "2 > 1", "::edit x"]:
        assert parse_line(words) == Typed("text", words), words
    assert parse_line("#3.2") == Typed("press", message=3, button=2)
    assert parse_line("#3").kind == "hint"
    assert parse_line(">3 /bring") == Typed("text", "/bring", message=3)
    assert parse_line(">12 :photo the sea") == Typed("photo", "the sea", message=12)
    assert parse_line(">3 line one\nline two") == Typed("text", "line one\nline two", message=3)
    assert parse_line(">3 :edit x").kind == parse_line(">3").kind == parse_line(">3 ").kind == "hint"
    assert parse_line(">3 #2.1") == Typed("text", "#2.1", message=3)  # after >3 comes a message
    assert parse_line(":EDIT new words") == Typed("edit", "new words")
    assert parse_line(":voice") == Typed("voice")
    assert [parse_line(q).kind for q in ("/quit", "/exit", ":quit", ":exit", "/QUIT")] == ["quit"] * 5


async def test_a_long_paste_is_sent_whole_up_to_4096_characters_and_refused_beyond(settings):
    session = Session(settings)
    whole = ("the river was calm and I kept thinking about what she said " * 80)[:4095] + "."
    try:
        await session.onboard()
        await session.says(whole, "] ✍")
        await session.says(whole + "!", "(That is 4,097 characters; a Telegram message holds at most 4,096.")
        await shows(session.out, "Nothing was sent.)")
        await session.says(":edit " + whole + "!", "at most 4,096. Nothing was sent.)")
    finally:
        assert await session.leave() == 0
    assert rows(settings.db_path, "SELECT length(text) FROM entries") == [(4096,)]


async def test_a_line_a_terminal_may_have_cut_is_not_sent(settings):
    # Without readline the terminal's canonical mode keeps 4,095 bytes of a line, silently.
    session = Session(settings, keyboard=TerminalKeyboard())
    try:
        await session.onboard()
        await session.says(
            "é" * 2000 + "a" * (TTY_LINE_LIMIT - 4000), "limit of 4,095 bytes, so its end was cut off"
        )
        await session.says("a" * 2000, "] ✍")
    finally:
        assert await session.leave() == 0
    assert rows(settings.db_path, "SELECT length(text) FROM entries") == [(2000,)]


def test_the_banner_says_what_the_terminal_cannot_do_and_the_client_commands(settings):
    async def banner() -> str:
        session = Session(settings)
        await shows(session.out, "Type /start to begin.")
        assert await session.leave() == 0
        return session.out.getvalue()

    lines = asyncio.run(banner()).splitlines()
    cannot = [line for line in lines if "can't" in line]
    assert len(cannot) == 1 and all(w in cannot[0] for w in ("pictures", "sound", "photos", "voice notes"))
    commands = next(line for line in lines if ":edit" in line)
    assert all(c in commands for c in (":photo", ":voice", ":help", ":quit", "/quit", "Ctrl-D"))
    assert any("#3.2" in line and ">3" in line for line in lines)


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
    assert save_document(again, tmp_path) == "[file: journal.md, 5 bytes — saved to ./journal (2).md]"
    assert (tmp_path / "journal.md").read_bytes() == b"# my notes\n"
    assert (tmp_path / "journal (2).md").read_bytes() == b"other"
    assert not (tmp_path.parent / "journal.md").exists()
    (tmp_path / "locked").mkdir(mode=0o500)
    if os.geteuid() != 0:  # root writes anywhere
        assert "not saved" in save_document(again, tmp_path / "locked")


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "BETWEEN_DB": str(tmp_path / "between.sqlite3"),
        "TELEGRAM_BOT_TOKEN": FAKE_TOKEN,
        "TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        "PYTHONIOENCODING": "utf-8",
    }


def test_python_m_bot_chat_with_piped_input(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat"],
        input="/start\n/quit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "not a crisis service" in done.stdout
    assert FAKE_TOKEN not in done.stdout + done.stderr
    assert (tmp_path / "between.sqlite3").exists()


class _Pty:
    """``between chat`` on a pseudo-terminal, as a person at a real terminal runs it."""

    def __init__(self, tmp_path: Path) -> None:
        self.master, slave = os.openpty()
        env = {**_env(tmp_path), "TERM": "xterm", "INPUTRC": os.devnull}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=tmp_path,
            # A shell starts background jobs with Ctrl-C ignored, and children inherit that;
            # a person's terminal never does, so the test must not depend on how it was started.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        os.close(slave)
        self.output = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait(self, condition, what: str, timeout: float = 30.0) -> None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"{what}; output:\n{self.output.decode('utf-8', 'replace')}"
            time.sleep(0.02)

    def shows(self, text: str) -> None:
        self.wait(lambda: text.encode() in self.output, f"{text!r} never shown")

    def canonical(self) -> bool:
        import termios

        return bool(termios.tcgetattr(self.master)[3] & termios.ICANON)

    def type(self, data: str) -> None:
        os.write(self.master, data.encode())


@pytest.mark.skipif(
    not hasattr(os, "openpty") or importlib.util.find_spec("readline") is None,
    reason="needs a pseudo-terminal and GNU readline",
)
def test_at_a_real_terminal_a_long_or_multiline_paste_arrives_whole(tmp_path):
    pty = _Pty(tmp_path)
    try:
        pty.shows("Type /start to begin.")
        # Reading key by key, not a line at a time: the terminal's 4,095-byte line limit is off.
        pty.wait(lambda: not pty.canonical(), "the terminal stayed in canonical mode")
        pty.type("/start\r")
        pty.shows("not a crisis service")
        pty.type("Berlin\r")
        pty.shows("[Not now]")
        whole = ("я помню реку " * 400)[:4096]  # 7,000 bytes or so: far over the terminal's limit
        pty.type(whole + "\r")
        pty.shows("] ✍")
        pty.type(whole + "!\r")
        pty.shows("(That is 4,097 characters")
        # A paste (the terminal brackets it) is one message, line breaks and all, as in Telegram.
        pty.type("\033[200~first line\nsecond line\033[201~\r")
        pty.wait(lambda: pty.output.count("✍".encode()) == 2, "the paste was not kept as one note")
        pty.type(":quit\r")
        assert pty.process.wait(timeout=30) == 0
        assert pty.canonical()  # the terminal is left as it was found
    finally:
        if pty.process.poll() is None:
            pty.process.kill()
        os.close(pty.master)
    texts = rows(tmp_path / "between.sqlite3", "SELECT text FROM entries ORDER BY id")
    assert texts == [(whole,), ("first line\nsecond line",)]


@pytest.mark.skipif(
    not hasattr(os, "openpty") or importlib.util.find_spec("readline") is None,
    reason="needs a pseudo-terminal and GNU readline",
)
def test_at_a_real_terminal_ctrl_c_leaves_the_terminal_as_it_was(tmp_path):
    pty = _Pty(tmp_path)
    try:
        pty.shows("Type /start to begin.")
        pty.wait(lambda: not pty.canonical(), "the terminal stayed in canonical mode")
        pty.type("half a thought")
        pty.process.send_signal(signal.SIGINT)  # what Ctrl-C has the terminal send
        assert pty.process.wait(timeout=30) == 130
        assert pty.canonical()
        # Bracketed paste off again, and the shell's prompt on a fresh line.
        pty.wait(lambda: pty.output.endswith(b"half a thought\033[?2004l\r\n"), "the terminal was not reset")
    finally:
        if pty.process.poll() is None:
            pty.process.kill()
        os.close(pty.master)
