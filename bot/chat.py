"""``between chat``: try Between in a terminal, no Telegram account needed.

The local Bot API stand-in (bot/localapi/) runs in-process and the real bot talks to it over
HTTP exactly as it would talk to Telegram; this module plays the Telegram app: what the person
types becomes their message, what the bot sends is printed. The journal is the ordinary database
file, so a person can come back to it later (or move to Telegram with ``between run``).

Every message gets a number as it appears, the person's own too, and only an explicit form acts
on one (see :func:`parse_line`): ``#3.2`` presses the second button under message 3 (buttons
count from the top left, row by row, as they are shown), ``>3 words`` replies to message 3.
Anything else, a bare number included, is sent as it was typed. The client's own commands start
with a colon, which no bot command does: ``:edit``, ``:photo``, ``:voice``, ``:file``,
``:sticker``, ``:help``, ``:quit``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any, TextIO

from bot.app import running
from bot.config import Secret, Settings
from bot.localapi import MAX_CAPTION, MAX_TEXT, BotMessage, LocalBotAPI, UploadedFile

QUIT = frozenset({"/quit", "/exit", ":quit", ":exit"})
# The stand-ins the client can send, by the command that sends them.
_STAND_INS = {"photo": "a photo", "voice": "a voice note", "file": "a file", "sticker": "a sticker"}
MEDIA = tuple(_STAND_INS)
HANDLED_TIMEOUT = 15.0  # seconds to wait for the bot to finish with one message
# A terminal in its ordinary (canonical) mode keeps this many bytes of a line and drops the rest
# without a word (Linux; 1,023 on macOS). Reading key by key with GNU readline avoids it.
TTY_LINE_LIMIT = 4095
HELP = (
    "Messages are numbered as they appear, like [3]. Press a button with #3.2 (message 3, button 2);"
    " reply to a message with >3 your words (or >3 /bring).\n"
    "This client's own commands: :edit new words (your last message)  :photo [caption]"
    "  :voice  :file  :sticker  :help  :quit (or /quit, Ctrl-D)\n"
    "A terminal can't show pictures, play or record sound, send real photos, voice notes or files"
    " (:photo, :voice and :file send stand-ins), react to messages, or delete them."
)
# ANSI on/off pairs; the "off" codes end only their own style, so nesting stays right.
_STYLES = {"bold": ("\033[1m", "\033[22m"), "italic": ("\033[3m", "\033[23m")}
_PRESS = re.compile(r"#(\d+)\.(\d+)")
_REPLY = re.compile(r">(\d+)(?:\s+(.*))?", re.DOTALL)


def format_text(visible: str, entities: Iterable[Mapping[str, Any]], *, tty: bool) -> str:
    """What the person sees, for a terminal: links as "text (url)", bold/italic in ANSI on a TTY.

    Entity offsets count UTF-16 code units, as Telegram's do.
    """
    index: list[int] = []  # UTF-16 offset -> index into ``visible``
    for i, char in enumerate(visible):
        index.extend([i] * (2 if ord(char) > 0xFFFF else 1))
    index.append(len(visible))
    inserts: list[tuple[int, int, str]] = []  # (position, closings first, text)
    for entity in entities:
        start = index[min(entity["offset"], len(index) - 1)]
        end = index[min(entity["offset"] + entity["length"], len(index) - 1)]
        url = entity.get("url")
        if entity["type"] == "text_link" and url and visible[start:end] != url:
            inserts.append((end, 0, f" ({url})"))
        elif tty and entity["type"] in _STYLES:
            on, off = _STYLES[entity["type"]]
            inserts += [(start, 1, on), (end, 0, off)]
    parts: list[str] = []
    last = 0
    for position, _, text in sorted(inserts, key=lambda item: item[:2]):
        parts += [visible[last:position], text]
        last = position
    parts.append(visible[last:])
    return "".join(parts)


def save_document(document: UploadedFile, directory: Path) -> str:
    """Save a file the bot sent into ``directory``, never over another file: a second recap the
    same day becomes ``between-recap-2026-11-27 (2).md``.

    Returns the line to show: name, size, and where it went, or why it could not be saved.
    """
    name = Path(document.filename).name or "between-file"  # never a path the bot chose
    size = len(document.data)
    stem, suffix = Path(name).stem, Path(name).suffix
    for number in range(1, 100):
        candidate = name if number == 1 else f"{stem} ({number}){suffix}"
        try:
            with (directory / candidate).open("xb") as fh:
                fh.write(document.data)
        except FileExistsError:
            continue
        except OSError as error:  # not writable here: say so rather than pretend
            return f"[file: {name}, {size} bytes — not saved: {error.strerror or 'cannot write here'}]"
        return f"[file: {name}, {size} bytes — saved to ./{candidate}]"
    return f"[file: {name}, {size} bytes — not saved: 99 files of that name are here already]"


@dataclasses.dataclass(frozen=True)
class Typed:
    """What one typed line asks for."""

    kind: str  # "text", "press", "edit", one of MEDIA, "help", "quit", or "hint" (say ``text``)
    text: str = ""  # the words: a message, a caption, a new wording, a sticker's emoji, a hint
    message: int | None = None  # a message's number on screen: to press under, or to reply to
    button: int | None = None


def parse_line(typed: str) -> Typed:
    """What a typed line (stripped) asks for. Only an explicit form presses or replies."""
    if typed.lower() in QUIT:
        return Typed("quit")
    if press := _PRESS.fullmatch(typed):
        return Typed("press", message=int(press[1]), button=int(press[2]))
    if re.fullmatch(r"#\d+", typed):
        n = typed[1:]
        return Typed("hint", f"To press a button, name its message too: #3.{n} is button {n} under [3].")
    if reply := _REPLY.fullmatch(typed):
        words = (reply[2] or "").strip()
        inner = _client_command(words) or Typed("text", words)
        if not words or inner.kind not in ("text", *MEDIA):
            return Typed("hint", f"Write the reply after the number: >{reply[1]} your words (or :photo).")
        return dataclasses.replace(inner, message=int(reply[1]))
    return _client_command(typed) or Typed("text", typed)


def _client_command(typed: str) -> Typed | None:
    command = re.match(r":(\S+)\s*(.*)", typed, re.DOTALL)
    kind = command[1].lower() if command else ""
    if command is None or kind not in ("edit", "help", *MEDIA):
        return None
    words = command[2].strip()
    if kind == "edit" and not words:
        return Typed("hint", "Write the new wording after it: :edit new words")
    return Typed(kind, words)


class _Screen:
    """Prints what is new or changed in the chat since the last look, every message numbered."""

    def __init__(self, api: LocalBotAPI, user_id: int, out: TextIO) -> None:
        self.api, self.user_id, self.out = api, user_id, out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.numbers: dict[int, int] = {}  # message id -> its number on screen
        self.ids: dict[int, int] = {}  # number on screen -> message id
        # Bot message id -> (visible text, buttons) as printed: what a number like #3.2 means.
        self.shown: dict[int, tuple[str | None, list[list[tuple[str, str | None]]]]] = {}
        self.mine: dict[int, tuple[str, ...]] = {}  # the person's message id -> reactions shown
        self.last_text: int | None = None  # the person's newest text message: what :edit changes
        self.seen = -1  # api.changes at the last look

    def say(self, text: str) -> None:
        try:
            self.out.write(text + "\n")
        except UnicodeEncodeError:  # a console that cannot show emoji still shows the words
            encoding = getattr(self.out, "encoding", None) or "ascii"
            self.out.write(text.encode(encoding, "replace").decode(encoding) + "\n")
        self.out.flush()

    def number(self, message_id: int) -> int:
        """The message's number on screen, given the first time it is asked for."""
        if message_id not in self.numbers:
            self.numbers[message_id] = len(self.numbers) + 1
            self.ids[self.numbers[message_id]] = message_id
        return self.numbers[message_id]

    def refresh(self) -> None:
        """Print every new or edited bot message, changed buttons, deletions and new reactions."""
        self.seen = self.api.changes
        messages = self.api.bot_messages(self.user_id)
        present = {message.message_id for message in messages}
        for gone in [message_id for message_id in self.shown if message_id not in present]:
            del self.shown[gone]
            self.say(f"  ([{self.numbers[gone]}] was deleted)")
        for message in messages:
            before = self.shown.get(message.message_id)
            if before is None or before[0] != message.visible:
                self.show(message, edited=before is not None)
            elif before[1] != message.rows:
                self.shown[message.message_id] = (message.visible, message.rows)
                under = f"under [{self.numbers[message.message_id]}]"
                self.say(f"  (the buttons {under} now:)" if message.rows else f"  (no buttons {under} now)")
                self.show_buttons(message)
        for message_id, shown in list(self.mine.items()):
            reactions = tuple(self.api.reactions(self.user_id, message_id))
            if reactions != shown:
                self.mine[message_id] = reactions
                if reactions:
                    self.say(f"  [{self.numbers[message_id]}] " + " ".join(reactions))

    def show(self, message: BotMessage, *, edited: bool) -> None:
        self.shown[message.message_id] = (message.visible, message.rows)
        text = format_text(message.visible or "", message.entities, tty=self.tty).rstrip()
        if message.document is not None:
            text = "\n".join(filter(None, [text, save_document(message.document, Path.cwd())]))
        elif message.photo is not None:
            text = "\n".join(filter(None, [text, f"[picture, {len(message.photo)} bytes]"]))
        head = f"[{self.number(message.message_id)}]"
        if message.reply_to in self.numbers:
            head += f" ↳ [{self.numbers[message.reply_to]}]"
        self.say(f"\n{head}{' (edited)' if edited else ''} {text}")
        self.show_buttons(message)

    def show_buttons(self, message: BotMessage) -> None:
        """One line per row of buttons, as Telegram lays them out, each with what presses it."""
        n, count = self.numbers[message.message_id], 0
        for row in message.rows:
            cells = []
            for label, _ in row:
                count += 1
                cells.append(f"#{n}.{count} [{label}]")
            self.say("  " + "  ".join(cells))

    def press(self, number: int, button: int) -> tuple[int, str, str] | str:
        """(message id, callback data, label) of button ``button`` under message ``number``, or
        why there is no such button. Only what was printed counts: buttons that changed since
        are shown first, and the person chooses again."""
        message_id = self.ids.get(number)
        message = next((m for m in self.api.bot_messages(self.user_id) if m.message_id == message_id), None)
        if message is None:
            return f"There is no message [{number}] from Between."
        if self.shown.get(message.message_id, (None, None))[1] != message.rows:
            self.refresh()
            return f"The buttons under [{number}] have just changed: see above."
        buttons = message.buttons
        if not buttons:
            return f"There are no buttons under [{number}]."
        if not 1 <= button <= len(buttons):
            return f"The buttons under [{number}] are #{number}.1 to #{number}.{len(buttons)}."
        label, data = buttons[button - 1]
        if data is None:
            return f"“{label}” is a link button; this terminal can't open it."
        return message.message_id, data, label

    def sent(self, message_id: int, what: str = "") -> None:
        """Number the person's new message, say so, and watch it for the bot's reaction."""
        self.say(f"  ↑ [{self.number(message_id)}]" + (f" {what}" if what else ""))
        self.mine[message_id] = ()
        for old in list(self.mine)[:-50]:  # only the newest few can still get a reaction
            del self.mine[old]


class _Lines:
    """The person's lines, read in a thread of their own and queued in order.

    On a terminal the lines are read with GNU readline (``input()`` uses it once imported): key
    by key, so a line may be longer than the 4,095 bytes a terminal's canonical mode keeps, and
    one read follows another at once, so a paste arriving while the bot works is not cut either.
    A terminal without readline may cut a long line: :attr:`limit` says where. A thread, not
    asyncio.to_thread: a read still waiting for the keyboard must not hold up the exit.
    """

    def __init__(self, stream: TextIO) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue()
        terminal = _isatty(stream)
        self.editing = stream is sys.stdin and terminal and _isatty(sys.stdout) and _with_readline()
        self.limit = TTY_LINE_LIMIT if terminal and not self.editing and os.name == "posix" else None
        self._read = _input_line if self.editing else stream.readline
        self._saved = _terminal_mode(stream) if self.editing else None
        self._stream = stream
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            while True:
                try:
                    line = self._read()
                except Exception:  # closed underneath us (or gone): the same as the end of input
                    line = ""
                try:
                    loop.call_soon_threadsafe(self.queue.put_nowait, line)
                except RuntimeError:  # the loop is already gone
                    return
                if not line or line.strip().lower() in QUIT:
                    return

        self._thread = threading.Thread(target=run, name="between-chat-input", daemon=True)
        self._thread.start()

    def close(self, out: TextIO) -> None:
        """Leave the terminal as it was if a read is still waiting (readline changes its mode)."""
        if self._saved is None or self._thread is None or not self._thread.is_alive():
            return
        import termios

        with suppress(termios.error, OSError, ValueError):
            termios.tcsetattr(self._stream.fileno(), termios.TCSADRAIN, self._saved)
            out.write("\033[?2004l\n")  # readline's bracketed paste mode off; a fresh line
            out.flush()


def _isatty(stream: object) -> bool:
    with suppress(OSError, ValueError):
        return bool(getattr(stream, "isatty", lambda: False)())
    return False


def _with_readline() -> bool:
    try:
        import readline  # input() edits lines with it once imported
    except ImportError:
        return False
    # A paste arrives as one message, as in a Telegram app, line breaks and all.
    readline.parse_and_bind("set enable-bracketed-paste on")
    return True


def _terminal_mode(stream: TextIO) -> list[Any] | None:
    try:
        import termios

        return termios.tcgetattr(stream.fileno())
    except (ImportError, OSError, ValueError):
        return None


def _input_line() -> str:
    try:
        return input() + "\n"
    except EOFError:
        return ""


async def _handled(api: LocalBotAPI, update_id: int) -> None:
    """Wait until the bot has finished with an update: it confirms it only after handling it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HANDLED_TIMEOUT
    # The confirmation happens in the stand-in's server thread; there is no event to await.
    while api.confirmed_offset <= update_id and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


async def _watch(screen: _Screen) -> None:
    """Print whatever the bot does on its own (reminders by the wall clock), as it happens."""
    while True:
        await asyncio.to_thread(screen.api.wait_for_change, screen.seen, 0.25)
        screen.refresh()


async def chat(
    settings: Settings,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    user_id: int = 1,
    first_name: str = "You",
) -> int:
    """Run Between against an in-process Bot API stand-in, with this terminal as the chat.

    Uses the database in ``settings.db_path``; a real bot token in ``settings`` is never used.
    Returns the exit status (0 after :quit, /quit, /exit or the end of input).
    """
    stdin = stdin if stdin is not None else sys.stdin
    stdout = stdout if stdout is not None else sys.stdout
    # The stand-in's own throwaway token: a real one must never leave the settings it came in.
    # Ids start above any an earlier session used: the journal remembers them (the inbox would
    # take a reused update id for a redelivery). Milliseconds since the epoch only grow.
    api = LocalBotAPI(
        f"{1_000_000 + secrets.randbelow(10**6)}:local-{secrets.token_urlsafe(18)}",
        first_id=time.time_ns() // 1_000_000,
    )
    api.start()
    lines = _Lines(stdin)
    try:
        api.add_user(user_id, first_name)
        local = dataclasses.replace(
            settings,
            token=Secret(api.token),
            api_url=api.base_url,
            webhook_url=None,
            # The person at this keyboard is the only one there is: no access list applies.
            allowed_users=None,
            invite_only=False,
        )
        screen = _Screen(api, user_id, stdout)
        screen.say(
            "Between, right here in the terminal: no Telegram account needed.\n"
            f"Your journal is kept in {settings.db_path}.\n{HELP}\nType /start to begin."
        )
        async with running(local) as runtime:
            await runtime.start_timer()
            stop = asyncio.Event()
            polling = asyncio.create_task(runtime.poll(stop))
            watching = asyncio.create_task(_watch(screen))
            lines.start()
            try:
                await _converse(api, screen, lines, polling)
                screen.refresh()
            finally:
                stop.set()
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
                await polling
    finally:
        lines.close(stdout)
        api.stop()
    return 0


async def _converse(api: LocalBotAPI, screen: _Screen, lines: _Lines, polling: asyncio.Task[None]) -> None:
    """Take lines until :quit, /quit, /exit or the end of input; each becomes a message or a press."""
    while True:
        reading = asyncio.ensure_future(lines.queue.get())
        await asyncio.wait({reading, polling}, return_when=asyncio.FIRST_COMPLETED)
        if not reading.done():  # polling ended by itself: nothing would answer any more
            reading.cancel()
            return
        line = reading.result()
        if not line:
            return
        if lines.limit and len(line.rstrip("\r\n").encode("utf-8", "replace")) >= lines.limit:
            screen.say(
                f"  (That line reached this terminal's limit of {lines.limit:,} bytes, so its end"
                " was cut off. Nothing was sent.)"
            )
            continue
        if not line.strip():
            continue
        typed = parse_line(line.strip())
        if typed.kind == "quit":
            return
        update = _act(api, screen, typed)
        if update is None:
            continue
        # Wait for the answer before reading on, as a person would: what is typed next then
        # refers to what is on screen, and piped input stays in step with the bot.
        await _handled(api, update["update_id"])
        if "callback_query" in update:
            answer = api.callback_answer(update["callback_query"]["id"]) or {}
            if answer.get("text"):  # the little notice Telegram shows over the chat
                screen.say(f"  ({answer['text']})")
        screen.refresh()


def _act(api: LocalBotAPI, screen: _Screen, typed: Typed) -> dict[str, Any] | None:
    """Do what a typed line asks; returns the Update it queued, or None (the person was told)."""
    user_id = screen.user_id
    if typed.kind in ("help", "hint"):
        screen.say(HELP if typed.kind == "help" else f"  ({typed.text} Nothing was sent.)")
        return None
    if typed.kind == "press":
        assert typed.message is not None and typed.button is not None
        press = screen.press(typed.message, typed.button)
        if isinstance(press, str):
            screen.say(f"  ({press})")
            return None
        try:
            update = api.press_button(user_id, press[0], press[1])
        except LookupError:  # the message or its button went away meanwhile
            screen.say("  (That button is no longer there.)")
            return None
        screen.say(f"  ↑ pressed “{press[2]}”")
        return update
    limit = MAX_TEXT if typed.kind in ("text", "edit") else MAX_CAPTION
    if len(typed.text) > limit and typed.kind != "sticker":
        what = "message" if limit == MAX_TEXT else "caption"
        screen.say(
            f"  (That is {len(typed.text):,} characters; a Telegram {what} holds at most {limit:,}."
            " Nothing was sent.)"
        )
        return None
    if typed.kind == "edit":
        if screen.last_text is None:
            screen.say("  (You have sent no text here yet, so there is nothing to edit.)")
            return None
        update = api.edit_message(user_id, screen.last_text, typed.text)
        screen.say(f"  ↑ [{screen.number(screen.last_text)}] edited")
        return update
    reply_to = None if typed.message is None else screen.ids.get(typed.message, 0)
    caption = typed.text or None
    try:
        if typed.kind == "photo":
            update = api.send_photo(user_id, caption=caption, reply_to=reply_to)
        elif typed.kind == "voice":
            update = api.send_voice(user_id, caption=caption, reply_to=reply_to)
        elif typed.kind == "file":
            update = api.send_document(user_id, caption=caption, reply_to=reply_to)
        elif typed.kind == "sticker":
            update = api.send_sticker(user_id, emoji=typed.text or "🙂", reply_to=reply_to)
        else:
            update = api.send_message(user_id, typed.text, reply_to=reply_to)
    except LookupError:  # not a message on screen, or deleted since
        screen.say(f"  (There is no message [{typed.message}] here to reply to. Nothing was sent.)")
        return None
    message_id = update["message"]["message_id"]
    if typed.kind == "text":
        screen.last_text = message_id
    notes = [] if typed.kind == "text" else [f"{_STAND_INS[typed.kind]} (a stand-in)"]
    if reply_to is not None:
        notes.append(f"replying to [{typed.message}]")
    screen.sent(message_id, ", ".join(notes))
    return update
