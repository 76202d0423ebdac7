"""``between chat``: try Between in a terminal, no Telegram account needed.

The local Bot API stand-in (bot/localapi/) runs in-process and the real bot talks to it over
HTTP exactly as it would talk to Telegram; this module plays the Telegram app: what the person
types becomes their message, what the bot sends is printed. The journal is the ordinary database
file, so a person can come back to it later (or move to Telegram with ``between run``).
"""

from __future__ import annotations

import asyncio
import dataclasses
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
from bot.localapi import MAX_TEXT, BotMessage, LocalBotAPI, UploadedFile

QUIT = frozenset({"/quit", "/exit"})
HANDLED_TIMEOUT = 15.0  # seconds to wait for the bot to finish with one message
# ANSI on/off pairs; the "off" codes end only their own style, so nesting stays right.
_STYLES = {"bold": ("\033[1m", "\033[22m"), "italic": ("\033[3m", "\033[23m")}


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
    """Save a file the bot sent into ``directory`` unless that would overwrite something.

    Returns the line to show: name, size, and where it went if it was saved.
    """
    name = Path(document.filename).name or "between-file"  # never a path the bot chose
    size = len(document.data)
    try:
        with (directory / name).open("xb") as fh:
            fh.write(document.data)
    except OSError:  # already there (or not writable): showing the size is enough
        return f"[file: {name}, {size} bytes]"
    return f"[file: {name}, {size} bytes — saved to ./{name}]"


class _Screen:
    """Prints what is new or changed in the chat since the last look; remembers the choices."""

    def __init__(self, api: LocalBotAPI, user_id: int, out: TextIO) -> None:
        self.api, self.user_id, self.out = api, user_id, out
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.shown: dict[int, str | None] = {}  # bot message id -> visible text printed
        self.mine: dict[int, tuple[str, ...]] = {}  # the person's message id -> reactions shown
        self.choices: BotMessage | None = None  # the newest message with buttons
        self.seen = -1  # api.changes at the last look

    def say(self, text: str) -> None:
        try:
            self.out.write(text + "\n")
        except UnicodeEncodeError:  # a console that cannot show emoji still shows the words
            encoding = getattr(self.out, "encoding", None) or "ascii"
            self.out.write(text.encode(encoding, "replace").decode(encoding) + "\n")
        self.out.flush()

    def refresh(self) -> None:
        """Print every new or edited bot message, new reactions, and the current choices."""
        self.seen = self.api.changes
        messages = self.api.bot_messages(self.user_id)
        printed: set[int] = set()
        for message in messages:
            known = message.message_id in self.shown
            if not known or self.shown[message.message_id] != message.visible:
                self.show(message, edited=known)
                printed.add(message.message_id)
        for message_id, shown in list(self.mine.items()):
            reactions = tuple(self.api.reactions(self.user_id, message_id))
            if reactions != shown:
                self.mine[message_id] = reactions
                if reactions:
                    self.say("  " + " ".join(reactions))
        newest = next((m for m in reversed(messages) if m.buttons), None)
        # Choices go right under their message, so again when that message was just re-printed.
        if _choice_key(newest) != _choice_key(self.choices) or (
            newest is not None and newest.message_id in printed
        ):
            self.choices = newest
            if newest is not None:
                self.say("  ".join(f"[{n}] {label}" for n, (label, _) in enumerate(newest.buttons, 1)))

    def show(self, message: BotMessage, *, edited: bool) -> None:
        self.shown[message.message_id] = message.visible
        text = format_text(message.visible or "", message.entities, tty=self.tty).rstrip()
        if message.document is not None:
            text = "\n".join(filter(None, [text, save_document(message.document, Path.cwd())]))
        elif message.photo is not None:
            text = "\n".join(filter(None, [text, f"[picture, {len(message.photo)} bytes]"]))
        self.say("\n" + ("(edited) " if edited else "") + text)

    def button(self, typed: str) -> tuple[int, str] | None:
        """(message id, callback data) when ``typed`` is the number of a current choice."""
        if self.choices is None or not typed.isdigit():
            return None
        buttons = self.choices.buttons
        n = int(typed)
        if 1 <= n <= len(buttons) and buttons[n - 1][1] is not None:
            return self.choices.message_id, str(buttons[n - 1][1])
        return None

    def sent(self, message_id: int) -> None:
        """Watch the person's message for the bot's reaction (only the last few can still get one)."""
        self.mine[message_id] = ()
        for old in list(self.mine)[:-20]:
            del self.mine[old]


def _choice_key(message: BotMessage | None) -> tuple[int, list[tuple[str, str | None]]] | None:
    return (message.message_id, message.buttons) if message is not None else None


async def _read_line(stream: TextIO) -> str:
    """One line from ``stream`` without blocking the event loop ("" at the end of input).

    A daemon thread per line, not asyncio.to_thread: a read still waiting for the keyboard must
    not hold up the interpreter's exit.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(line: str) -> None:
        if not future.done():
            future.set_result(line)

    def read() -> None:
        try:
            line = stream.readline()
        except (OSError, ValueError):  # closed underneath us: the same as the end of input
            line = ""
        with suppress(RuntimeError):  # the loop is already gone
            loop.call_soon_threadsafe(deliver, line)

    threading.Thread(target=read, name="between-chat-input", daemon=True).start()
    return await future


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
    Returns the exit status (0 after /quit, /exit or the end of input).
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
            f"Your journal is kept in {settings.db_path}.\n"
            "Type /start to begin; /quit or Ctrl-D to leave. "
            "When a message offers choices like [1] [2], type the number to pick one."
        )
        async with running(local) as runtime:
            await runtime.start_timer()
            stop = asyncio.Event()
            polling = asyncio.create_task(runtime.poll(stop))
            watching = asyncio.create_task(_watch(screen))
            try:
                await _converse(api, screen, stdin, user_id, polling)
                screen.refresh()
            finally:
                stop.set()
                watching.cancel()
                await asyncio.gather(watching, return_exceptions=True)
                await polling
    finally:
        api.stop()
    return 0


async def _converse(
    api: LocalBotAPI, screen: _Screen, stdin: TextIO, user_id: int, polling: asyncio.Task[None]
) -> None:
    """Read lines until /quit, /exit or the end of input; each becomes a message or a press."""
    while True:
        reading = asyncio.ensure_future(_read_line(stdin))
        await asyncio.wait({reading, polling}, return_when=asyncio.FIRST_COMPLETED)
        if not reading.done():  # polling ended by itself: nothing would answer any more
            reading.cancel()
            return
        line = reading.result()
        typed = line.strip()
        if not line or typed.lower() in QUIT:
            return
        if not typed:
            continue
        press = screen.button(typed)
        if press is not None:
            try:
                update = api.press_button(user_id, *press)
            except LookupError:  # the message went away meanwhile
                screen.say("  (that choice is no longer there)")
                continue
        else:
            # Telegram apps split what is too long for one message; so does this one.
            for start in range(0, len(typed), MAX_TEXT):
                update = api.send_message(user_id, typed[start : start + MAX_TEXT])
                screen.sent(update["message"]["message_id"])
        # Wait for the answer before reading on, as a person would: a number typed next then
        # refers to the choices on screen, and piped input stays in step with the bot.
        await _handled(api, update["update_id"])
        if press is not None:
            answer = api.callback_answer(update["callback_query"]["id"]) or {}
            if answer.get("text"):  # the little notice Telegram shows over the chat
                screen.say(f"  ({answer['text']})")
        screen.refresh()
