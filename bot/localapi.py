"""A local stand-in for the Telegram Bot API server.

The real python-telegram-bot ``Bot`` talks to it over HTTP exactly as it talks to Telegram
(point ``base_url`` / ``base_file_url`` at :attr:`LocalBotAPI.base_url` /
:attr:`LocalBotAPI.base_file_url`), while a test -- or the terminal client of ``between chat``
-- plays the person through plain method calls (:meth:`LocalBotAPI.send_message`,
:meth:`LocalBotAPI.press_button`, ...).

It rejects what Telegram rejects, with Telegram's wording, so that a mistake shows up here and not
in production: every call is checked against the Bot API 10.0 schema shipped in ``telegram_spec/``
(unknown method, unknown or missing field, wrong type), HTML is parsed the way Telegram's server
parses it, and the length limits, button data limits, blocked users and flood limits answer as
Telegram does. Anything the schema knows but the stand-in does not implement fails loudly.

Standard library only. The HTTP server runs in a background thread; all state sits behind one
``threading.Condition`` so the person's side may be driven from any thread. Nothing here logs
message text.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import functools
import itertools
import json
import logging
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

__all__ = [
    "ApiError",
    "BotMessage",
    "Call",
    "Failure",
    "FormattedText",
    "HtmlParseError",
    "LocalBotAPI",
    "UploadedFile",
    "allowed_reactions",
    "decode_request",
    "parse_html",
    "validate_params",
]

_LOG = logging.getLogger(__name__)

SPEC_PATH = Path(__file__).parent / "telegram_spec" / "bot-api-10.0.json"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER = 200
CALLBACK_QUERY_LIFETIME = 15 * 60  # seconds, by the injected clock
DELETE_WINDOW = 48 * 3600
GLOBAL_SENDS_PER_SECOND = 30
GROUP_SENDS_PER_MINUTE = 20
MAX_BODY = 64 * 1024 * 1024

_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_COMMAND_SCOPES = frozenset(
    "default all_private_chats all_group_chats all_chat_administrators chat chat_administrators "
    "chat_member".split()
)
# Telegram's default when allowed_updates is empty or never given.
_DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


# --------------------------------------------------------------------------------------------
# The schema (loaded lazily, once)
# --------------------------------------------------------------------------------------------

_spec_lock = threading.Lock()


@functools.cache
def _spec() -> dict[str, Any]:
    with _spec_lock, SPEC_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@functools.cache
def _method_names() -> dict[str, str]:
    """Lower-case name -> canonical name: Telegram matches method names case-insensitively."""
    return {name.lower(): name for name in _spec()["methods"]}


@functools.cache
def _method_fields(method: str) -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in _spec()["methods"][method].get("fields", [])}


@functools.cache
def allowed_reactions() -> frozenset[str]:
    """The emoji a bot may react with, read from the schema's description of ReactionTypeEmoji."""
    fields = _spec()["types"]["ReactionTypeEmoji"]["fields"]
    description = next(f["description"] for f in fields if f["name"] == "emoji")
    return frozenset(re.findall(r'"([^"]+)"', description))


# --------------------------------------------------------------------------------------------
# Errors and public records
# --------------------------------------------------------------------------------------------


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
    def buttons(self) -> list[tuple[str, str | None]]:
        """Every inline button as (label, callback_data), row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [(b.get("text", ""), b.get("callback_data")) for row in rows for b in row]

    def button_data(self, label: str) -> str:
        """The callback_data of the inline button labelled exactly ``label``."""
        for text, data in self.buttons:
            if text == label and data is not None:
                return data
        labels = [text for text, _ in self.buttons]
        raise KeyError(f"no button {label!r} under message {self.message_id}; buttons: {labels}")


# --------------------------------------------------------------------------------------------
# Telegram HTML: parsed the way Telegram's server (tdlib's parse_html) parses it
# --------------------------------------------------------------------------------------------


class HtmlParseError(Exception):
    """HTML Telegram refuses; the message is worded as Telegram words it."""


@dataclass(frozen=True)
class FormattedText:
    """Visible text and its Bot API MessageEntity dicts (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[dict[str, Any], ...] = ()


_HTML_TAGS = frozenset(
    "a b strong i em s strike del u ins tg-spoiler tg-emoji tg-time span pre code blockquote".split()
)
_SIMPLE_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
# Telegram orders entities that share a span by these (tdlib's MessageEntity::get_type_priority).
_ENTITY_PRIORITY = {
    "blockquote": 0,
    "expandable_blockquote": 0,
    "pre": 11,
    "code": 20,
    "text_link": 49,
    "bold": 90,
    "italic": 91,
    "underline": 92,
    "strikethrough": 93,
    "spoiler": 94,
    "custom_emoji": 99,
}
# tdlib's is_space() also counts the C string terminator: running off the end acts like a space.
_SPACE = frozenset(b" \t\r\n\v\f\0")
_ALPHA = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGIT = frozenset(b"0123456789")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_NAME_TOKEN = _ALPHA | _DIGIT | frozenset(b".-")
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def _decode_html_entity(raw: bytes, pos: int) -> tuple[int, int] | None:
    """Decode ``&...`` at ``pos``: (code point, position after it), or None if it stays text."""

    def at(i: int) -> int:
        return raw[i] if i < len(raw) else 0

    end = pos + 1
    if at(end) == ord("#"):
        end += 1
        hexadecimal = at(end) == ord("x")
        if hexadecimal:
            end += 1
        digits = _HEX if hexadecimal else _DIGIT
        start = end
        while at(end) in digits and end - pos < 12:  # longer than 10 bytes is refused anyway
            end += 1
        if end == start or end - pos >= 10:
            return None
        code = int(raw[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None
    else:
        while at(end) in _ALPHA:
            end += 1
        named = _NAMED_ENTITIES.get(raw[pos + 1 : end])
        if named is None:
            return None  # &laquo; and friends are kept as they are
        code = ord(named)
    if at(end) == ord(";"):
        end += 1
    return code, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int
    attributes: dict[str, str]


class _HtmlParser:
    def __init__(self, source: str) -> None:
        self.raw = source.encode("utf-8")
        self.out = bytearray()
        self.utf16 = 0
        self.stack: list[_OpenTag] = []
        self.entities: list[dict[str, Any]] = []
        self.bad_surrogate = False

    def at(self, i: int) -> int:
        return self.raw[i] if i < len(self.raw) else 0

    def parse(self) -> FormattedText:
        i = 0
        raw = self.raw
        while i < len(raw):
            c = raw[i]
            if c == ord("&"):
                decoded = _decode_html_entity(raw, i)
                if decoded is not None:
                    code, i = decoded
                    self.utf16 += 2 if code > 0xFFFF else 1
                    if 0xD800 <= code <= 0xDFFF:
                        self.bad_surrogate = True
                    else:
                        self.out += chr(code).encode("utf-8")
                    continue
            if c != ord("<"):
                if c & 0xC0 != 0x80:  # first byte of a character
                    self.utf16 += 2 if c >= 0xF0 else 1
                self.out.append(c)
                i += 1
                continue
            if self.at(i + 1) == ord("/"):
                i = self._end_tag(i)
            else:
                i = self._start_tag(i)
        if self.stack:
            raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        if self.bad_surrogate:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        entities = sorted(
            self.entities, key=lambda e: (e["offset"], -e["length"], _ENTITY_PRIORITY.get(e["type"], 50))
        )
        for entity in entities:
            entity.pop("_language", None)
        return FormattedText(self.out.decode("utf-8"), tuple(entities))

    def _start_tag(self, begin: int) -> int:
        at = self.at
        i = begin + 1
        while at(i) not in _SPACE and at(i) != ord(">"):
            i += 1
        if at(i) == 0:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
        name = self.raw[begin + 1 : i].decode("utf-8", "replace").lower()
        if name not in _HTML_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {begin}')
        argument = ""
        attributes: dict[str, str] = {}
        while at(i) != ord(">"):
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) == ord(">"):
                break
            if at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
            attribute_begin = i
            while at(i) not in _SPACE and at(i) not in (ord("="), ord(">")):
                i += 1
            attribute = self.raw[attribute_begin:i].decode("utf-8", "replace")
            if not attribute:
                raise HtmlParseError(f'Empty attribute name in the tag "{name}" at byte offset {begin}')
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) != ord("="):
                # An attribute without a value: only <blockquote expandable> means something.
                if name == "blockquote" and attribute == "expandable":
                    argument = "1"
                continue
            i += 1
            while at(i) != 0 and at(i) in _SPACE:
                i += 1
            if at(i) == 0:
                raise HtmlParseError(f'Unclosed start tag "{name}" at byte offset {begin}')
            if at(i) not in (ord('"'), ord("'")):
                token_begin = i
                while at(i) in _NAME_TOKEN:
                    i += 1
                value = self.raw[token_begin:i].decode("ascii").lower()
                if at(i) not in _SPACE and at(i) != ord(">"):
                    raise HtmlParseError(f"Unexpected end of name token at byte offset {token_begin}")
            else:
                quote = at(i)
                i += 1
                value_bytes = bytearray()
                while at(i) != quote and at(i) != 0:
                    if at(i) == ord("&"):
                        decoded = _decode_html_entity(self.raw, i)
                        if decoded is not None:
                            code, i = decoded
                            if not 0xD800 <= code <= 0xDFFF:
                                value_bytes += chr(code).encode("utf-8")
                            continue
                    value_bytes.append(at(i))
                    i += 1
                if at(i) == quote:
                    i += 1
                value = value_bytes.decode("utf-8", "replace")
            if at(i) == 0:
                raise HtmlParseError(f"Unclosed start tag at byte offset {begin}")
            attributes[attribute] = value
            if name == "a" and attribute == "href":
                argument = value
            elif name == "code" and attribute == "class" and value.startswith("language-"):
                argument = value[len("language-") :]
            elif name == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[len("tg-") :]
            elif name == "tg-emoji" and attribute == "emoji-id":
                argument = value
            elif name == "blockquote" and attribute == "expandable":
                argument = "1"
        if name == "span" and argument != "spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_OpenTag(name, argument, self.utf16, len(self.out), attributes))
        return i + 1

    def _end_tag(self, begin: int) -> int:
        at = self.at
        if not self.stack:
            raise HtmlParseError(f"Unexpected end tag at byte offset {begin}")
        i = begin + 1
        while at(i) not in _SPACE and at(i) != ord(">"):
            i += 1
        end_name = self.raw[begin + 2 : i].decode("utf-8", "replace").lower()
        while at(i) != 0 and at(i) in _SPACE:
            i += 1
        if at(i) != ord(">"):
            raise HtmlParseError(f"Unclosed end tag at byte offset {begin}")
        tag = self.stack[-1]
        if end_name and end_name != tag.name:
            raise HtmlParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{tag.name}>", found "</{end_name}>"'
            )
        if self.utf16 > tag.utf16_offset:
            self._add_entity(tag)
        self.stack.pop()
        return i + 1

    def _add_entity(self, tag: _OpenTag) -> None:
        offset, length = tag.utf16_offset, self.utf16 - tag.utf16_offset
        entity: dict[str, Any] = {"offset": offset, "length": length}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and (last["offset"], last["length"]) == (offset, length)
        if tag.name in _SIMPLE_ENTITY:
            entity["type"] = _SIMPLE_ENTITY[tag.name]
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise HtmlParseError("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=tag.argument)
        elif tag.name == "tg-time":
            unix = tag.attributes.get("unix", "")
            if not unix.isdigit():
                return  # nothing to show a date for: the text stays plain
            entity.update(type="date_time", unix_time=int(unix))
            if tag.attributes.get("format"):
                entity["date_time_format"] = tag.attributes["format"]
        elif tag.name == "a":
            url = tag.argument or self.out[tag.out_pos :].decode("utf-8", "replace")
            if not url.strip():
                return
            entity.update(type="text_link", url=url)
        elif tag.name == "pre":
            if same_span and last is not None and last["type"] == "code" and last.get("_language"):
                last.update(type="pre", language=last.pop("_language"))
                return
            entity["type"] = "pre"
        elif tag.name == "code":
            if same_span and last is not None and last["type"] == "pre" and tag.argument:
                last["language"] = tag.argument
                return
            entity["type"] = "code"
            if tag.argument:
                entity["_language"] = tag.argument
        else:  # blockquote
            entity["type"] = "expandable_blockquote" if tag.argument else "blockquote"
        self.entities.append(entity)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML as Telegram's server does; raise :class:`HtmlParseError` otherwise.

    Only ``<`` can fail (unsupported tag, unclosed or unmatched tag); a bare ``&`` or ``>`` is
    text; ``&lt; &gt; &amp; &quot;`` and numeric references are decoded (the ``;`` is optional).
    """
    return _HtmlParser(source).parse()


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _trim(formatted: FormattedText) -> FormattedText:
    """Trim the text as Telegram does before sending (tdlib's fix_formatted_text).

    Trailing whitespace goes; leading spaces and newlines go too, but only up to the first entity.
    """
    text = formatted.text.rstrip(" \t\r\n\v\f")
    limit = _utf16_len(text)
    entities = [
        {**e, "length": min(e["length"], limit - e["offset"])}
        for e in formatted.entities
        if e["offset"] < limit
    ]
    first_entity = min((e["offset"] for e in entities), default=len(text))
    lead = 0
    while lead < len(text) and lead < first_entity and text[lead] in " \n":
        lead += 1  # ASCII only, so characters and UTF-16 units agree
    if lead:
        text = text[lead:]
        entities = [{**e, "offset": e["offset"] - lead} for e in entities]
    return FormattedText(text, tuple(entities))


# --------------------------------------------------------------------------------------------
# Request decoding and schema checks
# --------------------------------------------------------------------------------------------


def _utf8_text(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad("strings must be encoded in UTF-8") from None


def _header_text(value: str) -> str:
    """Undo the email parser's surrogate escapes: clients put raw UTF-8 in form-data headers."""
    try:
        return value.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return value


def decode_request(
    content_type: str, body: bytes, query: str
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Split a request into its fields and its uploaded files, as Telegram accepts them.

    Query strings, ``application/x-www-form-urlencoded`` and ``multipart/form-data`` give text
    values (python-telegram-bot JSON-encodes everything that is not a string);
    ``application/json`` gives typed values.
    """
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    if not body:
        return params, files
    mime = content_type.partition(";")[0].strip().lower()
    if mime == "application/json":
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise _bad("can't parse JSON encoded request") from None
        if not isinstance(data, dict):
            raise _bad("JSON request body must be an object")
        params.update(data)
    elif mime in ("application/x-www-form-urlencoded", ""):
        text = _utf8_text(body)
        try:
            params.update(parse_qsl(text, keep_blank_values=True, errors="strict"))
        except UnicodeDecodeError:
            raise _bad("strings must be encoded in UTF-8") from None
    elif mime == "multipart/form-data":
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", "replace")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        if not message.is_multipart():
            raise _bad("can't parse multipart/form-data request")
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not isinstance(name, str):
                continue
            name = _header_text(name)
            payload = part.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = UploadedFile(_header_text(filename), data, part.get_content_type())
            else:
                params[name] = _utf8_text(data)
    else:
        raise _bad(f"unsupported content type {mime}")
    return params, files


_INTEGER = re.compile(r"[+-]?\d{1,19}")
_NO_MATCH = object()


def _coerce_one(value: Any, type_name: str) -> Any:
    """``value`` as ``type_name`` (a schema type), or _NO_MATCH."""
    if type_name.startswith("Array of "):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return _NO_MATCH
        if not isinstance(value, list):
            return _NO_MATCH
        inner = type_name[len("Array of ") :]
        items = [_coerce_one(item, inner) for item in value]
        return _NO_MATCH if any(item is _NO_MATCH for item in items) else items
    if type_name == "Integer":
        if isinstance(value, bool):
            return _NO_MATCH
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        return _NO_MATCH
    if type_name == "Float":
        if isinstance(value, bool):
            return _NO_MATCH
        if isinstance(value, int | float):
            return float(value)
        try:
            return float(value) if isinstance(value, str) else _NO_MATCH
        except ValueError:
            return _NO_MATCH
    if type_name == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        return _NO_MATCH
    if type_name == "String":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)  # Telegram reads a JSON number where a string is expected
        return _NO_MATCH
    if type_name == "InputFile":
        return value if isinstance(value, UploadedFile) else _NO_MATCH
    # Any other name is an object type (InlineKeyboardMarkup, ReplyParameters, ...).
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return _NO_MATCH
    return value if isinstance(value, dict) else _NO_MATCH


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= ch <= "\udfff" for ch in value)
    if isinstance(value, list):
        return any(_has_surrogates(v) for v in value)
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    return False


def validate_params(method: str, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    """Check ``raw`` against the schema of ``method`` and coerce every value to its type.

    Unknown fields are refused (Telegram ignores them; the stand-in is strict on purpose so that a
    misspelt parameter is caught), missing required ones too.
    """
    fields = _method_fields(method)
    raw = dict(raw)
    for name, value in list(raw.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.pop(value[len("attach://") :], None)
            if attached is not None:
                raw[name] = attached
    for name, upload in files.items():
        raw[name] = upload
    params: dict[str, Any] = {}
    for name, value in raw.items():
        spec = fields.get(name)
        if spec is None:
            raise _bad(f"unknown parameter {name}")
        if _has_surrogates(value):
            raise _bad("strings must be encoded in UTF-8")
        for type_name in spec["types"]:
            coerced = _coerce_one(value, type_name)
            if coerced is not _NO_MATCH:
                params[name] = coerced
                break
        else:
            raise _bad(f'field "{name}" must be of type {" or ".join(spec["types"])}')
    for name, spec in fields.items():
        if spec["required"] and name not in params:
            raise _bad(f"{name} is required")
    return params


# --------------------------------------------------------------------------------------------
# State records (internal)
# --------------------------------------------------------------------------------------------


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


_FAULT_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_IMPLEMENTATIONS: dict[str, str] = {}


def _implements(method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a LocalBotAPI method as the implementation of Bot API ``method``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _IMPLEMENTATIONS[method] = func.__name__
        return func

    return register


# --------------------------------------------------------------------------------------------
# The stand-in
# --------------------------------------------------------------------------------------------


class LocalBotAPI:
    """A Bot API server on 127.0.0.1 for one bot, with the person's side as method calls.

    Use as a context manager (or call :meth:`start` / :meth:`stop`). Every public method is
    thread-safe. ``clock`` gives "now" in Unix seconds for message dates, callback query age,
    the 48 h delete window and the flood windows, so tests can move time; long polling waits in
    real time.
    """

    def __init__(
        self,
        token: str = "123456:TEST-token",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limits: bool = False,
        clock: Callable[[], float] = time.time,
        bot_name: str = "Between",
        bot_username: str = "between_local_bot",
        first_id: int = 1,
    ) -> None:
        self.token = token
        self.flood_limits = flood_limits
        self._host, self._port = host, port
        self._clock = clock
        bot_id = token.partition(":")[0]
        self._bot_user = {
            "id": int(bot_id) if bot_id.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self._cond = threading.Condition()
        self._request_context = threading.local()  # per handler thread: the current connection
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
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

    # ---- lifecycle ----------------------------------------------------------------------------

    def start(self) -> LocalBotAPI:
        """Bind the port and serve in a background thread."""
        if self._server is not None:
            raise RuntimeError("already started")
        _spec()  # load the schema now rather than inside the first request
        self._server = _Server((self._host, self._port), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="localapi-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake long polls, close every connection, join the threads."""
        server = self._server
        if server is None:
            return
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        server.join_handlers(timeout=5)
        self._server = None

    def __enter__(self) -> LocalBotAPI:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound TCP port."""
        if self._server is None:
            raise RuntimeError("not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For python-telegram-bot's ``base_url`` (it appends the token)."""
        return f"http://{self._host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For python-telegram-bot's ``base_file_url`` (it appends the token)."""
        return f"http://{self._host}:{self.port}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User dict."""
        return dict(self._bot_user)

    # ---- HTTP entry point (called from handler threads) ------------------------------------

    def _handle_http(
        self,
        target: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        self._request_context.client_gone = client_gone
        parts = urlsplit(target)
        path = unquote(parts.path)
        if path.startswith("/file/bot"):
            return self._download(path[len("/file/bot") :])
        if not path.startswith("/bot"):
            return _json_error(ApiError(404, "Not Found"))
        token, _, method = path[len("/bot") :].partition("/")
        if token != self.token:
            return _json_error(ApiError(401, "Unauthorized"))
        canonical = _method_names().get(method.lower()) if method else None
        if canonical is None:
            missing = ApiError(404, "Not Found: method not found")
            self._record_failure(method, missing)
            return _json_error(missing)
        try:
            raw, files = decode_request(content_type, body, parts.query)
            params = validate_params(canonical, raw, files)
        except ApiError as exc:
            self._record_failure(canonical, exc)
            return _json_error(exc)
        try:
            result = self._dispatch(canonical, params)
        except ApiError as exc:
            return _json_error(exc)
        except Exception:  # a bug here must answer, not kill the connection thread
            _LOG.exception("local Bot API stand-in failed in %s", canonical)
            exc = ApiError(500, "Internal Server Error")
            self._record_failure(canonical, exc)
            return _json_error(exc)
        payload = json.dumps({"ok": True, "result": result}, ensure_ascii=False)
        return 200, "application/json", payload.encode("utf-8")

    def _download(self, rest: str) -> tuple[int, str, bytes]:
        token, _, file_path = rest.partition("/")
        with self._cond:
            found = next((f for f in self._files.values() if f.file_path == file_path), None)
        if token != self.token or found is None or found.data is None:
            return _json_error(ApiError(404, "Not Found"))
        return 200, found.mime_type or "application/octet-stream", found.data

    def _dispatch(self, method: str, params: dict[str, Any]) -> Any:
        with self._cond:
            self._calls.append(Call(method, params))
            try:
                implementation = _IMPLEMENTATIONS.get(method)
                if implementation is None:
                    raise _bad("method not supported by the local stand-in")
                fault = self._take_fault(method)
                if fault is not None:
                    parameters = {"retry_after": fault.retry_after} if fault.retry_after else None
                    raise ApiError(fault.status, fault.description, parameters)
                result = getattr(self, implementation)(params)
            except ApiError as exc:
                self._record_failure(method, exc)
                raise
            self._changes += 1
            self._cond.notify_all()
            return result

    def _record_failure(self, method: str, exc: ApiError) -> None:
        with self._cond:
            self._failures.append(Failure(method, exc.status, exc.description))

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method.lower())
        return queue.popleft() if queue else None

    # ---- faults ---------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        retry_after: int | None = None,
        times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with an error.

        429 carries ``parameters.retry_after`` (default 1) and Telegram's "Too Many Requests:
        retry after N" description.
        """
        if status == 429:
            retry_after = max(1, int(retry_after or 1))
            description = description or f"Too Many Requests: retry after {retry_after}"
        text = description or _FAULT_DESCRIPTIONS.get(status, f"Error {status}")
        with self._cond:
            queue = self._faults.setdefault(method.lower(), deque())
            queue.extend(_Fault(status, text, retry_after) for _ in range(times))

    def block(self, user_id: int, *, notify: bool = False) -> dict[str, Any] | None:
        """The person blocks the bot: sends to their chat answer 403 from now on.

        With ``notify`` a ``my_chat_member`` update (status "kicked") is queued and returned.
        """
        with self._cond:
            self._user(user_id).blocked = True
            return self._member_update(user_id, "member", "kicked") if notify else None

    def unblock(self, user_id: int, *, notify: bool = False) -> dict[str, Any] | None:
        """The person unblocks the bot (a deactivated account stays deactivated)."""
        with self._cond:
            self._user(user_id).blocked = False
            return self._member_update(user_id, "kicked", "member") if notify else None

    def deactivate(self, user_id: int) -> None:
        """The person deletes their account: sends answer 403 "user is deactivated"."""
        with self._cond:
            self._user(user_id).deactivated = True

    # ---- the person's side ------------------------------------------------------------------

    def add_user(self, user_id: int, first_name: str = "Alex", language_code: str = "en") -> dict[str, Any]:
        """Register a person (and their private chat with the bot); returns their User dict."""
        with self._cond:
            user = self._users.get(user_id)
            if user is None:
                user = self._users[user_id] = _User(user_id, first_name, language_code)
            else:
                user.first_name, user.language_code = first_name, language_code
            chat = self._chats.setdefault(
                user_id, _Chat(user_id, "private", first_name, user_id, next_message_id=self._first_id)
            )
            chat.title = first_name
            return user.as_dict()

    def send_message(
        self,
        user_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """The person writes ``text``; returns the queued Update.

        A leading ``/command`` gets a bot_command entity as Telegram gives it. Group chats need
        ``chat_id`` and ``chat_type`` "group" or "supergroup".
        """
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        if len(text) > MAX_TEXT:
            raise ValueError("Telegram clients split messages longer than 4096 characters")
        content: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}
            ]
        with self._cond:
            chat = self._person_chat(user_id, chat_id, chat_type)
            return self._person_posts(user_id, chat, content, "text", reply_to)

    def edit_message(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The person edits one of their messages; returns the queued ``edited_message`` Update."""
        with self._cond:
            chat = self._chats.get(chat_id if chat_id is not None else user_id)
            message = chat.messages.get(message_id) if chat else None
            if message is None or message.from_bot or message.sender["id"] != user_id:
                raise LookupError(f"user {user_id} has no message {message_id} to edit")
            message.content = {"text": text}
            message.raw = message.visible = text
            message.edit_date = int(self._clock())
            return self._queue({"edited_message": self._message_dict(message)})

    def send_sticker(self, user_id: int, *, emoji: str = "🙂", chat_id: int | None = None) -> dict[str, Any]:
        """The person sends a sticker; returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("sticker", b"RIFF-sticker", "image/webp", None)
            sticker = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": len(file.data or b""),
            }
            return self._person_posts(user_id, chat, {"sticker": sticker}, "sticker", None)

    def send_voice(
        self,
        user_id: int,
        *,
        duration: int = 4,
        content: bytes = b"OggS-voice",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a voice note; returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("voice", content, "audio/ogg", None)
            voice = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": len(content),
            }
            return self._person_posts(user_id, chat, _with_caption({"voice": voice}, caption), "voice", None)

    def send_photo(
        self,
        user_id: int,
        *,
        content: bytes = b"\xff\xd8photo",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a photo; returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("photo", content, "image/jpeg", None)
            photo = _photo_sizes(file, len(content))
            return self._person_posts(user_id, chat, _with_caption({"photo": photo}, caption), "photo", None)

    def send_document(
        self,
        user_id: int,
        *,
        filename: str = "notes.txt",
        content: bytes = b"notes",
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat_id: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a file; returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("document", content, mime_type, filename)
            document = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": len(content),
            }
            return self._person_posts(
                user_id, chat, _with_caption({"document": document}, caption), "document", None
            )

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        check: bool = True,
    ) -> dict[str, Any]:
        """The person presses the inline button carrying ``data`` under bot message ``message_id``.

        Returns the queued ``callback_query`` Update (its query id is fresh). With ``check`` the
        button must be there, as a person can only press what they see.
        """
        with self._cond:
            user = self._user(user_id)
            chat = self._chats.get(chat_id if chat_id is not None else user_id)
            message = chat.messages.get(message_id) if chat else None
            if message is None or message.deleted or not message.from_bot:
                raise LookupError(f"no bot message {message_id} in that chat")
            if check:
                rows = (message.reply_markup or {}).get("inline_keyboard") or []
                if not any(b.get("callback_data") == data for row in rows for b in row):
                    raise LookupError(f"message {message_id} has no button with that data")
            query_id = str(4_000_000_000_000 + next(self._callback_counter))
            self._callbacks[query_id] = _CallbackQuery(query_id, self._clock())
            query = {
                "id": query_id,
                "from": user.as_dict(),
                "message": self._message_dict(message),
                "chat_instance": str(-(abs(message.chat.id) * 2654435761 % 2**62)),
                "data": data,
            }
            return self._queue({"callback_query": query})

    def queue_update(self, update: dict[str, Any], *, keep_id: bool = False) -> dict[str, Any]:
        """Queue a raw Update dict (e.g. one returned earlier, to deliver a duplicate).

        It gets a fresh update_id unless ``keep_id`` (an id below the confirmed offset is then
        dropped by the next getUpdates, as Telegram would never send it again).
        """
        with self._cond:
            body = {k: v for k, v in update.items() if k != "update_id"}
            if keep_id and "update_id" in update:
                queued = json.loads(json.dumps({"update_id": update["update_id"], **body}))
                self._pending.append(queued)
                self._pending.sort(key=lambda u: u["update_id"])
                self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
                self._cond.notify_all()
                return json.loads(json.dumps(queued))
            return self._queue(json.loads(json.dumps(body)))

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered a callback query (text, show_alert, url), or None if it did not."""
        with self._cond:
            record = self._callbacks.get(query_id)
            return dict(record.answer) if record and record.answer is not None else None

    # ---- the reading side -------------------------------------------------------------------

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

    # ---- helpers (call with the lock held) -------------------------------------------------------

    def _user(self, user_id: int) -> _User:
        if user_id not in self._users:
            self.add_user(user_id)
        return self._users[user_id]

    def _person_chat(self, user_id: int, chat_id: int | None, chat_type: str) -> _Chat:
        self._user(user_id)
        if chat_id is None or chat_id == user_id:
            if chat_type != "private":
                raise ValueError("a group message needs a chat_id")
            return self._chats[user_id]
        if chat_type not in ("group", "supergroup"):
            raise ValueError("a chat_id other than the user's own needs chat_type group")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(
                chat_id, chat_type, f"Group {abs(chat_id)}", None, next_message_id=self._first_id
            )
        return chat

    def _person_posts(
        self, user_id: int, chat: _Chat, content: dict[str, Any], kind: str, reply_to: int | None
    ) -> dict[str, Any]:
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None or target.deleted:
                raise LookupError(f"no message {reply_to} to reply to in that chat")
        message = _Message(
            chat=chat,
            message_id=self._next_message_id(chat),
            from_bot=False,
            sender=self._users[user_id].as_dict(),
            date=int(self._clock()),
            content=content,
            kind=kind,
            raw=content.get("text"),
            visible=content.get("text"),
            reply_to=reply_to,
        )
        chat.messages[message.message_id] = message
        return self._queue({"message": self._message_dict(message)})

    def _member_update(self, user_id: int, old: str, new: str) -> dict[str, Any]:
        user = self._users[user_id]
        chat = self._chats[user_id]
        member = {
            "chat": self._chat_dict(chat),
            "from": user.as_dict(),
            "date": int(self._clock()),
            "old_chat_member": {"status": old, "user": dict(self._bot_user)},
            "new_chat_member": {"status": new, "user": dict(self._bot_user)},
        }
        if new == "kicked":
            member["new_chat_member"]["until_date"] = 0
        if old == "kicked":
            member["old_chat_member"]["until_date"] = 0
        return self._queue({"my_chat_member": member})

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

    def _throttle(self, chat: _Chat) -> None:
        """Telegram's flood limits, checked by every call that sends or edits a message."""
        if not self.flood_limits:
            return
        now = self._clock()
        sends = self._global_sends
        while sends and sends[0] <= now - 1.0:
            sends.popleft()
        wait = None
        if len(sends) >= GLOBAL_SENDS_PER_SECOND:
            wait = sends[0] + 1.0 - now
        if chat.is_group:
            group = self._group_sends.setdefault(chat.id, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= GROUP_SENDS_PER_MINUTE:
                wait = max(wait or 0.0, group[0] + 60.0 - now)
        if wait is not None:
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    def _count_send(self, chat: _Chat) -> None:
        now = self._clock()
        self._global_sends.append(now)
        if chat.is_group:
            self._group_sends.setdefault(chat.id, deque()).append(now)
        chat.send_times.append(now)

    def _format(
        self, text: str, parse_mode: str | None, entities: list[Any] | None, *, caption: bool
    ) -> FormattedText:
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                formatted = parse_html(text)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        elif mode in ("", "markdown", "markdownv2"):
            # Markdown is accepted but not parsed here: the visible text is the raw text.
            given = tuple(e for e in entities or () if isinstance(e, dict))
            formatted = FormattedText(text, given if not mode else ())
        else:
            raise _bad("unsupported parse_mode")
        formatted = _trim(formatted)
        if caption:
            if len(formatted.text) > MAX_CAPTION:
                raise _bad("message caption is too long")
        elif not formatted.text:
            raise _bad("message text is empty")
        elif len(formatted.text) > MAX_TEXT:
            raise _bad("message is too long")
        return formatted

    def _check_markup(self, markup: dict[str, Any] | None, *, inline_only: bool) -> dict[str, Any] | None:
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
            buttons = [b for row in rows for b in row]
            if len(buttons) > MAX_INLINE_BUTTONS:
                raise _bad("too many inline keyboard buttons")
            for button in buttons:
                _check_inline_button(button)
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for button in (b for row in rows for b in row):
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise _bad("keyboard button text must be non-empty")
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat: _Chat, reply: dict[str, Any] | None) -> int | None:
        if not reply:
            return None
        message_id = reply.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad('field "message_id" of the ReplyParameters must be an Integer')
        other_chat = reply.get("chat_id")
        if other_chat is not None and other_chat != chat.id:
            raise _bad("replies to other chats are not supported by the local stand-in")
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return message_id

    def _find_message(self, chat: _Chat, message_id: int | None, missing: str) -> _Message:
        message = chat.messages.get(message_id) if message_id is not None else None
        if message is None or message.deleted:
            raise _bad(missing)
        return message

    def _input_file(self, value: UploadedFile | str, kind: str, mime_type: str) -> tuple[_File, UploadedFile]:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            file = self._new_file(kind, value.data, value.content_type or mime_type, value.filename)
            return file, value
        known = self._files.get(value)
        if known is not None:
            name = known.filename or Path(known.file_path).name
            return known, UploadedFile(name, known.data or b"", known.mime_type or mime_type)
        if value.startswith(("http://", "https://")):
            name = Path(urlsplit(value).path).name or "file"
            return self._new_file(kind, None, mime_type, name), UploadedFile(name, b"", mime_type)
        raise _bad("wrong file identifier/HTTP URL specified")

    def _post_bot_message(
        self,
        chat: _Chat,
        params: dict[str, Any],
        kind: str,
        content: dict[str, Any],
        formatted: FormattedText,
        raw: str | None,
        markup: dict[str, Any] | None,
        reply_to: int | None,
        **extra: Any,
    ) -> dict[str, Any]:
        message = _Message(
            chat=chat,
            message_id=self._next_message_id(chat),
            from_bot=True,
            sender=dict(self._bot_user),
            date=int(self._clock()),
            content=content,
            kind=kind,
            raw=raw,
            parse_mode=params.get("parse_mode"),
            visible=formatted.text if raw is not None else None,
            entities=formatted.entities,
            reply_markup=markup,
            reply_to=reply_to,
            **extra,
        )
        chat.messages[message.message_id] = message
        self._count_send(chat)
        return self._message_dict(message)

    # ---- method implementations -----------------------------------------------------------------

    @_implements("getMe")
    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @_implements("logOut")
    @_implements("close")
    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    @_implements("getUpdates")
    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        limit = params.get("limit", 100)
        limit = limit if 1 <= limit <= 100 else 100
        timeout = min(max(params.get("timeout", 0), 0), 50)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:
            forgotten = self._pending[:offset]
            self._pending = self._pending[offset:]
            if forgotten:
                self._confirmed_offset = max(self._confirmed_offset, forgotten[-1]["update_id"] + 1)
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()
        client_gone = getattr(self._request_context, "client_gone", None) or (lambda: False)
        deadline = time.monotonic() + timeout
        while True:
            batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closed:
                return batch
            # Wake now and then to notice a client that gave up (e.g. a stopping Updater): like
            # Telegram, the stand-in then drops the request instead of answering into the void.
            self._cond.wait(min(remaining, 0.1))
            if client_gone():
                return []
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                )

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        kept = []
        for update in self._pending:
            kind = next((k for k in update if k != "update_id"), "")
            if self._allowed_updates is None:
                allowed = kind not in _DEFAULT_UPDATE_TYPES_EXCLUDED
            else:
                allowed = kind in self._allowed_updates
            if allowed:
                kept.append(update)
        # Updates of a type the bot did not ask for are never generated, so they are dropped.
        self._pending = kept
        return json.loads(json.dumps(kept[:limit]))

    @_implements("setWebhook")
    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if url == "":
            self._webhook = None
            return True
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if parts.port not in (None, 80, 88, 443, 8443):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {k: v for k, v in params.items() if k != "certificate"}
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        return True

    @_implements("deleteWebhook")
    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            if self._pending:
                self._confirmed_offset = max(self._confirmed_offset, self._pending[-1]["update_id"] + 1)
            self._pending.clear()
        return True

    @_implements("getWebhookInfo")
    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self._webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook and "max_connections" in self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    @_implements("sendMessage")
    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        formatted = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._throttle(chat)
        content: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = list(formatted.entities)
        return self._post_bot_message(
            chat, params, "text", content, formatted, params["text"], markup, reply_to
        )

    @_implements("sendDocument")
    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "document")

    @_implements("sendPhoto")
    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "photo")

    def _send_media(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        caption = params.get("caption")
        formatted = FormattedText("")
        if caption is not None:
            formatted = self._format(
                caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
            )
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._throttle(chat)
        mime = "image/jpeg" if kind == "photo" else "application/octet-stream"
        file, upload = self._input_file(params[kind], kind, mime)
        content: dict[str, Any]
        if kind == "photo":
            content = {"photo": _photo_sizes(file, len(upload.data))}
            extra: dict[str, Any] = {"photo": upload.data}
        else:
            content = {
                "document": {
                    "file_id": file.file_id,
                    "file_unique_id": file.unique_id,
                    "file_name": upload.filename,
                    "mime_type": upload.content_type,
                    "file_size": len(upload.data),
                }
            }
            extra = {"document": upload}
        if formatted.text:
            content["caption"] = formatted.text
            if formatted.entities:
                content["caption_entities"] = list(formatted.entities)
        return self._post_bot_message(
            chat, params, kind, content, formatted, caption, markup, reply_to, **extra
        )

    @_implements("editMessageText")
    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._edit_target(params)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        formatted = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if (formatted.text, formatted.entities, markup) == (
            message.visible,
            message.entities,
            message.reply_markup,
        ):
            raise _not_modified()
        self._throttle(chat)
        message.raw = params["text"]
        message.visible = formatted.text
        message.entities = formatted.entities
        message.parse_mode = params.get("parse_mode")
        message.content = {"text": formatted.text}
        if formatted.entities:
            message.content["entities"] = list(formatted.entities)
        # Leaving reply_markup out of an edit removes the inline keyboard, as on Telegram.
        message.reply_markup = markup
        return self._edited(chat, message)

    @_implements("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._edit_target(params)
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup or (not markup and not message.reply_markup):
            raise _not_modified()
        self._throttle(chat)
        message.reply_markup = markup
        return self._edited(chat, message)

    def _edit_target(self, params: dict[str, Any]) -> tuple[_Chat, _Message]:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by the local stand-in")
        if "chat_id" not in params or "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to edit not found")
        if not message.from_bot:
            raise _bad("message can't be edited")
        return chat, message

    def _edited(self, chat: _Chat, message: _Message) -> dict[str, Any]:
        message.edit_date = int(self._clock())
        self._count_send(chat)
        return self._message_dict(message)

    @_implements("deleteMessage")
    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to delete not found")
        if self._clock() - message.date > DELETE_WINDOW:
            raise _bad("message can't be deleted for everyone")
        message.deleted = True
        return True

    @_implements("answerCallbackQuery")
    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        record = self._callbacks.get(params["callback_query_id"])
        if record is None or record.answered or self._clock() - record.created > CALLBACK_QUERY_LIFETIME:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text", "")
        if len(text) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.get("show_alert", False),
            "url": params.get("url"),
        }
        return True

    @_implements("setMessageReaction")
    def _set_message_reaction(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to react not found")
        emoji: list[str] = []
        for reaction in params.get("reaction") or []:
            if reaction.get("type") != "emoji" or reaction.get("emoji") not in allowed_reactions():
                raise _bad("REACTION_INVALID")
            emoji.append(reaction["emoji"])
        if len(emoji) > 1:
            raise _bad("REACTIONS_TOO_MANY")  # bots are not premium: one reaction per message
        message.reactions = emoji
        return True

    @_implements("sendChatAction")
    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._resolve_chat(params["chat_id"])
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    @_implements("setMyCommands")
    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    @_implements("getMyCommands")
    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    @_implements("deleteMyCommands")
    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and scope.get("type") not in _COMMAND_SCOPES:
            raise _bad("unsupported bot command scope type")
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(scope, language)

    @_implements("setMyDescription")
    def _set_my_description(self, params: dict[str, Any]) -> bool:
        return self._set_text_setting(params, "description", 512)

    @_implements("setMyShortDescription")
    def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        return self._set_text_setting(params, "short_description", 120)

    def _set_text_setting(self, params: dict[str, Any], name: str, limit: int) -> bool:
        value = params.get(name, "")
        if len(value) > limit:
            raise _bad(f"{name} is too long")
        self._descriptions[f"{name}:{params.get('language_code', '')}"] = value
        return True

    @_implements("getMyDescription")
    def _get_my_description(self, params: dict[str, Any]) -> dict[str, str]:
        key = f"description:{params.get('language_code', '')}"
        return {"description": self._descriptions.get(key, "")}

    @_implements("getMyShortDescription")
    def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, str]:
        key = f"short_description:{params.get('language_code', '')}"
        return {"short_description": self._descriptions.get(key, "")}

    @_implements("getFile")
    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file = self._files.get(params["file_id"])
        if file is None:
            raise _bad("invalid file_id")
        result: dict[str, Any] = {"file_id": file.file_id, "file_unique_id": file.unique_id}
        if file.data is not None:
            result.update(file_size=len(file.data), file_path=file.file_path)
        return result


# --------------------------------------------------------------------------------------------
# Small pure helpers
# --------------------------------------------------------------------------------------------


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text:
        raise _bad("can't parse inline keyboard button: Text must be non-empty")
    actions = set(button) - {"text", "icon_custom_emoji_id", "style"}
    if not actions:
        raise _bad("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")


def _not_modified() -> ApiError:
    return _bad(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )


def _scope_key(scope: dict[str, Any] | None, language_code: str) -> tuple[str, str]:
    scope = scope or {"type": "default"}
    return json.dumps(scope, sort_keys=True), language_code


def _with_caption(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    if caption:
        content["caption"] = caption
    return content


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


def _json_error(exc: ApiError) -> tuple[int, str, bytes]:
    body: dict[str, Any] = {"ok": False, "error_code": exc.status, "description": exc.description}
    if exc.parameters:
        body["parameters"] = exc.parameters
    return exc.status, "application/json", json.dumps(body, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _BodyTooLarge(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], api: LocalBotAPI
    ) -> None:
        self.api = api
        self._connections: dict[socket.socket, threading.Thread] = {}
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections[connection] = threading.current_thread()

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.pop(connection, None)

    def close_connections(self) -> None:
        """Shut every open keep-alive connection so that its handler thread ends."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def join_handlers(self, timeout: float) -> None:
        with self._connections_lock:
            threads = list(self._connections.values())
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that went away mid-answer (e.g. a cancelled long poll) is not an error.
        _LOG.debug("connection error in the local Bot API stand-in", exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, the client's delayed ACK
    # would hold every answer back by ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_POST(self) -> None:
        try:
            body = self._read_body()
        except _BodyTooLarge:
            self.close_connection = True
            self._reply(*_json_error(ApiError(413, "Request Entity Too Large")))
            return
        content_type = self.headers.get("Content-Type", "")
        status, mime, payload = self.server.api._handle_http(self.path, content_type, body, self._client_gone)
        self._reply(status, mime, payload)

    def _client_gone(self) -> bool:
        """True once the client closed its end (it gave up waiting for this answer)."""
        dont_wait = getattr(socket, "MSG_DONTWAIT", None)
        if dont_wait is None:  # no way to peek without blocking here: assume it is still there
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK | dont_wait) == b""
        except BlockingIOError:
            return False  # nothing to read: the client is still waiting
        except OSError:
            return True

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        # Request lines carry the bot token; the stand-in keeps quiet.
        return

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _BodyTooLarge
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise _BodyTooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _reply(self, status: int, mime: str, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True
