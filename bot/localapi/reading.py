"""The reading side of the stand-in: what tests and ``between chat`` observe.

The calls the bot made and those refused, the bot's messages as they stand, reactions, documents,
pending updates, the webhook and commands the bot set, send rates; and the waits, blocking and
async, for something to happen.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from bot.localapi.records import BotMessage, Call, Failure, UploadedFile
from bot.localapi.state import _Message, _scope_key, _World


class _ReadingSide(_World):
    """The reading side of :class:`LocalBotAPI`."""

    def calls(self, method: str | None = None) -> list[Call]:
        """Every accepted call in order, optionally only those of ``method`` (any case)."""
        with self._cond:
            if method is None:
                return list(self._calls)
            return [c for c in self._calls if c.method.lower() == method.lower()]

    def failures(self, method: str | None = None) -> list[Failure]:
        """Every call answered with an error, optionally only those of ``method``."""
        with self._cond:
            if method is None:
                return list(self._failures)
            return [f for f in self._failures if f.method.lower() == method.lower()]

    def bot_messages(self, chat_id: int) -> list[BotMessage]:
        """The bot's messages in a chat as they stand now (deleted ones left out), oldest first."""
        with self._cond:
            chat = self._chats.get(chat_id)
            if chat is None:
                return []
            return [_snapshot(m) for m in chat.messages.values() if m.from_bot and not m.deleted]

    def last_bot_message(self, chat_id: int) -> BotMessage | None:
        """The newest bot message in a chat, or None."""
        messages = self.bot_messages(chat_id)
        return messages[-1] if messages else None

    def reactions(self, chat_id: int, message_id: int) -> list[str]:
        """The emoji the bot currently has on a message (the person's or its own)."""
        with self._cond:
            chat = self._chats.get(chat_id)
            message = chat.messages.get(message_id) if chat else None
            return list(message.reactions) if message else []

    def documents(self, chat_id: int) -> list[UploadedFile]:
        """Every document the bot sent to a chat, oldest first."""
        return [m.document for m in self.bot_messages(chat_id) if m.document is not None]

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by getUpdates (delivered or not), oldest first."""
        with self._cond:
            return json.loads(json.dumps(self._pending))

    @property
    def confirmed_offset(self) -> int:
        """Every update with a smaller update_id has been confirmed by getUpdates."""
        with self._cond:
            return self._confirmed_offset

    @property
    def webhook(self) -> dict[str, Any] | None:
        """What setWebhook recorded (url, secret_token, ...), or None."""
        with self._cond:
            return dict(self._webhook) if self._webhook else None

    def commands(
        self, *, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, str]]:
        """The command list setMyCommands stored for a scope and language."""
        with self._cond:
            return [dict(c) for c in self._commands.get(_scope_key(scope, language_code), [])]

    def peak_send_rate(self, chat_id: int, window: float = 1.0) -> int:
        """The most messages sent or edited in one chat within any ``window`` seconds."""
        with self._cond:
            chat = self._chats.get(chat_id)
            times = sorted(chat.send_times) if chat else []
        peak, start = 0, 0
        for end, now in enumerate(times):
            while now - times[start] >= window:
                start += 1
            peak = max(peak, end - start + 1)
        return peak

    @property
    def changes(self) -> int:
        """A counter bumped by every successful call (for :meth:`wait_for_change`)."""
        with self._cond:
            return self._changes

    def wait_for_change(self, after: int, timeout: float) -> int:
        """Block until :attr:`changes` exceeds ``after`` or ``timeout`` passes; returns it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._changes <= after and not self._closed:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return self._changes

    # ---- waiting (for tests running in an event loop) --------------------------------------

    # The waits take ``timeout=`` (not asyncio.timeout) so a failing test names what it awaited.
    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        what: str | None = None,
    ) -> Any:
        """Poll ``predicate`` until it returns something truthy, and return that.

        Raises AssertionError after ``timeout`` seconds, naming what was awaited and the last
        calls and failures seen.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if loop.time() >= deadline:
                label = what or getattr(predicate, "__name__", repr(predicate))
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {label}; {self._describe_recent()}"
                )
            await asyncio.sleep(0.005)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        *,
        count: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
        after_message_id: int | None = None,
    ) -> BotMessage:
        """Wait for a bot message in a chat and return the newest.

        With ``after_message_id`` only messages with a larger id count; with ``count`` at least
        that many must be there.
        """
        needed = count or 1

        def newest() -> BotMessage | None:
            messages = [
                m
                for m in self.bot_messages(chat_id)
                if after_message_id is None or m.message_id > after_message_id
            ]
            return messages[-1] if len(messages) >= needed else None

        what = f"{needed} bot message(s) in chat {chat_id}"
        if after_message_id is not None:
            what += f" after message {after_message_id}"
        result: BotMessage = await self.wait_for(newest, timeout, what=what)
        return result

    async def wait_confirmed(self, update_id: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until getUpdates has confirmed the update ``update_id``."""
        await self.wait_for(
            lambda: self.confirmed_offset > update_id,
            timeout,
            what=f"getUpdates to confirm update {update_id}",
        )

    def _describe_recent(self) -> str:
        with self._cond:
            recent = [c.method for c in self._calls[-12:]]
            failures = [f"{f.method}: {f.description}" for f in self._failures[-5:]]
            pending = len(self._pending)
        return f"last calls {recent}; last failures {failures}; {pending} update(s) unconfirmed"


def _snapshot(message: _Message) -> BotMessage:
    return BotMessage(
        chat_id=message.chat.id,
        message_id=message.message_id,
        date=message.date,
        kind=message.kind,
        text=message.raw,
        visible=message.visible,
        parse_mode=message.parse_mode,
        entities=tuple(dict(e) for e in message.entities),
        reply_markup=json.loads(json.dumps(message.reply_markup)) if message.reply_markup else None,
        reactions=tuple(message.reactions),
        document=message.document,
        photo=message.photo,
        reply_to=message.reply_to,
        edit_date=message.edit_date,
    )
