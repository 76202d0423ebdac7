"""The in-memory world of one stand-in: people, chats, messages, files, updates.

The records (:class:`_User`, :class:`_Chat`, :class:`_Message`, :class:`_File`,
:class:`_CallbackQuery`, :class:`_Fault`) and :class:`_World`, which holds all of them behind one
``threading.Condition`` together with the update queue, the call log and the bot's settings, and
offers the helpers both sides share: queueing an update, numbering messages, storing files,
rendering chats and messages as Bot API dicts, finding a chat or a message the bot names.
:class:`LocalBotAPI` is a :class:`_World` with the person's side, the reading side and the method
implementations mixed in.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.localapi.records import ApiError, Call, Failure, UploadedFile, _bad


@dataclass
class _User:
    id: int
    first_name: str
    language_code: str
    blocked: bool = False
    deactivated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": self.language_code,
        }


@dataclass
class _Chat:
    id: int
    type: str
    title: str
    user_id: int | None  # the person, for a private chat
    next_message_id: int = 1
    messages: dict[int, _Message] = field(default_factory=dict)
    send_times: list[float] = field(default_factory=list)

    @property
    def is_group(self) -> bool:
        return self.type in ("group", "supergroup")


@dataclass
class _Message:
    chat: _Chat
    message_id: int
    from_bot: bool
    sender: dict[str, Any]
    date: int
    content: dict[str, Any]  # Telegram's content fields: text/entities, document, caption...
    kind: str = "text"
    raw: str | None = None
    parse_mode: str | None = None
    visible: str | None = None
    entities: tuple[dict[str, Any], ...] = ()
    reply_markup: dict[str, Any] | None = None
    reply_to: int | None = None
    reactions: list[str] = field(default_factory=list)
    document: UploadedFile | None = None
    photo: bytes | None = None
    edit_date: int | None = None
    deleted: bool = False


@dataclass
class _File:
    file_id: str
    unique_id: str
    file_path: str
    data: bytes | None
    filename: str | None = None
    mime_type: str | None = None


@dataclass
class _CallbackQuery:
    id: str
    created: float
    answered: bool = False
    answer: dict[str, Any] | None = None


@dataclass
class _Fault:
    status: int
    description: str
    retry_after: int | None


class _World:
    """The state of one stand-in and the helpers that read and change it.

    What changes is guarded by ``_cond``; the helpers below expect it held.
    """

    def __init__(
        self,
        *,
        flood_limits: bool,
        clock: Callable[[], float],
        bot_user: dict[str, Any],
        first_id: int,
    ) -> None:
        self.flood_limits = flood_limits
        self._clock = clock
        self._bot_user = bot_user
        self._cond = threading.Condition()
        self._request_context = threading.local()  # per handler thread: the current connection
        self._closed = False

        self._users: dict[int, _User] = {}
        self._chats: dict[int, _Chat] = {}
        self._files: dict[str, _File] = {}
        self._file_counter = itertools.count(1)
        self._callbacks: dict[str, _CallbackQuery] = {}
        self._callback_counter = itertools.count(1)

        self._pending: list[dict[str, Any]] = []
        # Where update and message ids start. A stand-in serving a journal from an earlier run
        # (`between chat`) starts above the ids that run used, as Telegram's ids only grow.
        self._first_id = first_id
        self._next_update_id = first_id
        self._confirmed_offset = 0
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self._webhook: dict[str, Any] | None = None

        self._calls: list[Call] = []
        self._failures: list[Failure] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._global_sends: deque[float] = deque()
        self._group_sends: dict[int, deque[float]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._descriptions: dict[str, str] = {}
        self._changes = 0

    def _queue(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **body}
        self._next_update_id += 1
        self._pending.append(update)
        self._cond.notify_all()
        return json.loads(json.dumps(update))

    @staticmethod
    def _next_message_id(chat: _Chat) -> int:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        return message_id

    def _new_file(self, kind: str, data: bytes | None, mime_type: str | None, filename: str | None) -> _File:
        n = next(self._file_counter)
        suffix = (
            Path(filename).suffix
            if filename
            else {"photo": ".jpg", "voice": ".oga", "sticker": ".webp"}.get(kind, "")
        )
        file = _File(
            file_id=f"AgAC{kind[:3].upper()}{n:08d}localBotAPI",
            unique_id=f"AQAD{n:08d}",
            file_path=f"{kind}s/file_{n}{suffix}",
            data=data,
            filename=filename,
            mime_type=mime_type,
        )
        self._files[file.file_id] = file
        return file

    def _chat_dict(self, chat: _Chat) -> dict[str, Any]:
        if chat.type == "private":
            return {"id": chat.id, "type": "private", "first_name": chat.title}
        return {"id": chat.id, "type": chat.type, "title": chat.title}

    def _message_dict(self, message: _Message, *, nested: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "from": dict(message.sender),
            "chat": self._chat_dict(message.chat),
            "date": message.date,
        }
        if message.edit_date is not None:
            result["edit_date"] = message.edit_date
        if message.reply_to is not None and not nested:
            target = message.chat.messages.get(message.reply_to)
            if target is not None and not target.deleted:
                result["reply_to_message"] = self._message_dict(target, nested=True)
        result.update(json.loads(json.dumps(message.content)))
        markup = message.reply_markup
        if markup and "inline_keyboard" in markup:
            result["reply_markup"] = json.loads(json.dumps(markup))
        return result

    def _resolve_chat(self, chat_id: int | str | None) -> _Chat:
        chat = self._chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise _bad("chat not found")
        if chat.type == "private" and chat.user_id is not None:
            user = self._users[chat.user_id]
            if user.deactivated:
                raise ApiError(403, "Forbidden: user is deactivated")
            if user.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _find_message(self, chat: _Chat, message_id: int | None, missing: str) -> _Message:
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise _bad(missing)
        return message


def _scope_key(scope: dict[str, Any] | None, language_code: str) -> tuple[str, str]:
    scope = scope or {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def _photo_sizes(file: _File, size: int) -> list[dict[str, Any]]:
    # Telegram returns several sizes; the stand-in does not decode images, so two nominal ones.
    return [
        {
            "file_id": f"{file.file_id}s",
            "file_unique_id": f"{file.unique_id}s",
            "width": 90,
            "height": 90,
            "file_size": min(size, 1024),
        },
        {
            "file_id": file.file_id,
            "file_unique_id": file.unique_id,
            "width": 800,
            "height": 800,
            "file_size": size,
        },
    ]
