"""Telegram HTML, parsed the way Telegram's server (tdlib's parse_html) parses it.

:func:`parse_html` gives the visible text and its MessageEntity dicts, or raises
:class:`HtmlParseError` worded as Telegram words it; :func:`_trim` then trims the result as
Telegram does before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
