"""Telegram's limits, and the records the stand-in shares with its callers.

The numbers are Telegram's: message and caption length, button data, callback query lifetime,
the delete window, flood limits. The records are what crosses the stand-in's edge:
:class:`ApiError` (an error answer in Telegram's words), :class:`UploadedFile`, :class:`Call` and
:class:`Failure` (what the bot asked, and what was refused) and :class:`BotMessage` (a bot message
as it stands in the chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
CALLBACK_QUERY_LIFETIME = 15 * 60  # seconds, by the injected clock
DELETE_WINDOW = 48 * 3600
GLOBAL_SENDS_PER_SECOND = 30
GROUP_SENDS_PER_MINUTE = 20


class ApiError(Exception):
    """An error answer: HTTP status ``status`` and Telegram's ``description``."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class UploadedFile:
    """A file as it travels: its name, its bytes and its content type."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Call:
    """One accepted API call: the canonical method name and its decoded parameters."""

    method: str
    params: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    """One call answered with an error (by validation, an injected fault or a flood limit)."""

    method: str
    error_code: int
    description: str


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one message the bot sent, as it currently stands in the chat.

    ``text`` is what the bot sent (with its HTML tags; the caption for a document or photo),
    ``visible`` what the person sees after entity parsing. ``reply_markup`` is the markup as sent.
    """

    chat_id: int
    message_id: int
    date: int
    kind: str  # "text", "document" or "photo"
    text: str | None
    visible: str | None
    parse_mode: str | None
    entities: tuple[dict[str, Any], ...]
    reply_markup: dict[str, Any] | None
    reactions: tuple[str, ...]
    document: UploadedFile | None
    photo: bytes | None
    reply_to: int | None
    edit_date: int | None

    @property
    def rows(self) -> list[list[tuple[str, str | None]]]:
        """The inline keyboard as shown: rows top to bottom, each button (label, callback_data)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text", ""), b.get("callback_data")) for b in row] for row in rows]

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Every inline button as (label, callback_data), row by row."""
        return [button for row in self.rows for button in row]

    def button_data(self, label: str) -> str:
        """The callback_data of the inline button labelled exactly ``label``."""
        for text, data in self.buttons:
            if text == label and data is not None:
                return data
        labels = [text for text, _ in self.buttons]
        raise KeyError(f"no button {label!r} under message {self.message_id}; buttons: {labels}")
