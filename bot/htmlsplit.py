"""Splitting long Telegram HTML into messages Telegram accepts.

Telegram refuses a message over 4096 characters and refuses broken HTML, and recaps and exports
can be longer than that. :func:`split_html` cuts rendered HTML into parts that are each valid on
their own: never inside a tag, an entity (``&amp;``) or a character with its combining marks or
emoji joiners; a tag open at a cut is closed at the end of one part and re-opened, with the same
attributes, at the start of the next.

Lengths are measured on the raw HTML. Telegram counts the text after parsing entities, which is
never longer, so a part that fits here fits there.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

__all__ = ["TELEGRAM_LIMIT", "split_html", "visible_length", "visible_text"]

TELEGRAM_LIMIT = 4096

_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z_:][-\w:.]*(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*>"
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
# The only named entities Telegram decodes; any other stays as written.
_NAMED = {"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": '"'}

# Characters that never combine with a neighbour (all below U+0300), except the markup
# starters and CR, which may pair with LF.
_SIMPLE_RUN = re.compile("[^<&\r\u0300-\U0010ffff]+")

_TEXT, _OPEN, _CLOSE = 0, 1, 2
_ZWJ = "\u200d"
# No real character with its marks is longer (the longest emoji sequences have about ten code
# points); capping keeps a pile of combining marks from making a piece no part can hold.
_MAX_CLUSTER = 16
# Where to prefer a cut, best first: between entries (blank line), lines, words, anywhere.
_BLANK_LINE, _LINE, _WORD, _ANYWHERE = 3, 2, 1, 0


class _Atom(NamedTuple):
    """The smallest piece a cut may not enter: a tag, an entity or a character cluster."""

    raw: str
    kind: int
    name: str = ""  # tag name, lower case (tags only)
    visible: str = ""  # the text Telegram shows (text only)
    blank: bool = False  # text that is only whitespace


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram HTML into parts of at most ``limit`` characters, each valid on its own.

    Cuts go between entries (a blank line) if possible, else between lines, else between words,
    else between characters. Parts are stripped of surrounding whitespace and never empty;
    blank input gives ``[]``. Raises ValueError if ``limit`` cannot hold even one character
    together with the tags that must be re-opened around it.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    atoms = _atoms(html)
    parts: list[str] = []
    stack: tuple[_Atom, ...] = ()  # tags open where the next part starts
    start = 0
    while True:
        start, stack = _skip_to_text(atoms, start, stack)
        if start >= len(atoms):
            return parts
        end, stack_at_end = _next_cut(atoms, start, stack, limit)
        body = "".join(atom.raw for atom in atoms[start : _trim_blank(atoms, start, end)])
        if _has_visible(atoms, start, end):
            parts.append(_open_tags(stack) + body + _close_tags(stack_at_end))
        start, stack = end, stack_at_end


def visible_text(html: str) -> str:
    """The text Telegram shows for ``html``: tags removed, supported entities decoded."""
    return "".join(atom.visible for atom in _atoms(html))


def visible_length(html: str) -> int:
    """How many characters Telegram counts for ``html`` (the length of :func:`visible_text`)."""
    return len(visible_text(html))


# --- choosing a cut --------------------------------------------------------------------------


def _next_cut(
    atoms: list[_Atom], start: int, stack: tuple[_Atom, ...], limit: int
) -> tuple[int, tuple[_Atom, ...]]:
    """Where the part starting at ``start`` ends, and the tags open there.

    Walks forward while the part (re-opened tags + text without trailing whitespace + closing
    tags) still fits; that size never shrinks as the walk goes on, so the first overflow ends
    the search. Among the cuts that fit, the best kind wins, the latest of that kind breaks ties.
    """
    open_now = stack
    closing = len(_close_tags(open_now))
    size = len(_open_tags(open_now))
    trailing_blank = 0  # raw length of whitespace not counted yet: a cut there strips it
    # Whitespace since the last visible character (tags do not interrupt a blank line).
    newlines, breakable = 0, False
    visible = False
    last_solid = _TEXT  # kind of the last atom that is not whitespace
    best: dict[int, tuple[int, tuple[_Atom, ...]]] = {}
    for index in range(start, len(atoms) + 1):
        if size + closing > limit:
            break
        if index == len(atoms):
            return index, open_now  # the rest fits
        # A cut right after an opening tag would leave an empty element behind; one right after
        # "text\n\n</i>" would keep the blank inside the element, while the same cut before
        # "</i>" costs no more and strips it.
        if visible and last_solid != _OPEN and not (breakable and atoms[index - 1].kind == _CLOSE):
            kind = _ANYWHERE
            if breakable:
                kind = _BLANK_LINE if newlines >= 2 else _LINE if newlines else _WORD
            best[kind] = (index, open_now)
        atom = atoms[index]
        if atom.blank:
            trailing_blank += len(atom.raw)
            newlines += atom.visible.count("\n")
            breakable = breakable or any(c in " \t\n" for c in atom.visible)
            continue
        size += trailing_blank + len(atom.raw)
        trailing_blank = 0
        last_solid = atom.kind
        if atom.kind == _TEXT:
            visible = True
            newlines, breakable = 0, False
            continue
        open_now = open_now + (atom,) if atom.kind == _OPEN else _closed(open_now, atom.name)
        closing = len(_close_tags(open_now))
    if not best:
        raise ValueError("limit too small for the markup around the text")
    return best[max(best)]


def _closed(open_now: tuple[_Atom, ...], name: str) -> tuple[_Atom, ...]:
    """The open tags after closing ``name`` (and anything left open inside it)."""
    for depth in range(len(open_now) - 1, -1, -1):
        if open_now[depth].name == name:
            return open_now[:depth]
    # A closing tag with no opening one: the input is broken already; keep it as written.
    return open_now


def _open_tags(stack: tuple[_Atom, ...]) -> str:
    return "".join(tag.raw for tag in stack)


def _close_tags(stack: tuple[_Atom, ...]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _skip_to_text(atoms: list[_Atom], index: int, stack: tuple[_Atom, ...]) -> tuple[int, tuple[_Atom, ...]]:
    """Skip the whitespace and the closing tags a part would start with.

    The previous part already closed every open tag, so a closing tag here only means the
    element ended at the cut: it leaves the tags to re-open instead of making an empty element.
    """
    while index < len(atoms):
        atom = atoms[index]
        if atom.blank:
            index += 1
        elif atom.kind == _CLOSE and any(tag.name == atom.name for tag in stack):
            stack = _closed(stack, atom.name)
            index += 1
        else:
            break
    return index, stack


def _trim_blank(atoms: list[_Atom], start: int, end: int) -> int:
    while end > start and atoms[end - 1].blank:
        end -= 1
    return end


def _has_visible(atoms: list[_Atom], start: int, end: int) -> bool:
    return any(a.kind == _TEXT and not a.blank for a in atoms[start:end])


# --- reading the HTML ------------------------------------------------------------------------


def _atoms(html: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    index, length = 0, len(html)
    while index < length:
        char = html[index]
        if char == "<":
            tag = _TAG.match(html, index)
            if tag:
                kind = _CLOSE if tag.group(1) else _OPEN
                atoms.append(_Atom(tag.group(0), kind, name=tag.group(2).lower()))
                index = tag.end()
                continue
        elif char == "&":
            entity = _ENTITY.match(html, index)
            if entity:
                raw = entity.group(0)
                shown = _decode(raw)
                atoms.append(_Atom(raw, _TEXT, visible=shown, blank=shown.isspace()))
                index = entity.end()
                continue
        else:
            # Fast path: in a run of characters below U+0300 every character but the last stands
            # alone (nothing there combines or joins), so only the last needs _cluster_end.
            run = _SIMPLE_RUN.match(html, index)
            if run and run.end() - index > 1:
                atoms.extend(map(_text_atom, html[index : run.end() - 1]))
                index = run.end() - 1
        end = _cluster_end(html, index)
        atoms.append(_text_atom(html[index:end]))
        index = end
    return atoms


@lru_cache(maxsize=4096)
def _text_atom(piece: str) -> _Atom:
    # Shared atoms for repeated characters: splitting a long recap creates far fewer objects.
    return _Atom(piece, _TEXT, visible=piece, blank=piece.isspace())


def _decode(entity: str) -> str:
    if entity in _NAMED:
        return _NAMED[entity]
    if entity.startswith("&#"):
        digits = entity[2:-1]
        code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
        if 0 < code <= 0x10FFFF:
            return chr(code)
    return entity


def _cluster_end(text: str, index: int) -> int:
    """End of the character at ``index`` with what belongs to it: combining marks, variation
    selectors, skin tones, emoji tag characters, ZWJ sequences, flag pairs, CR LF."""
    length = len(text)
    first = text[index]
    end = index + 1
    if first == "\r" and text.startswith("\n", end):
        return end + 1
    if first.isspace():  # whitespace stays its own piece, so cuts can strip it cleanly
        return end
    if _is_regional_indicator(first) and end < length and _is_regional_indicator(text[end]):
        end += 1
    while end < length and end - index < _MAX_CLUSTER:
        char = text[end]
        if char == _ZWJ:
            end += 1
            # The joiner glues the next character on, unless markup comes in between.
            glued = text[end] if end < length and end - index < _MAX_CLUSTER else "<"
            if glued not in "<&" and not glued.isspace():
                end += 1
        elif _extends(char):
            end += 1
        else:
            break
    return end


def _extends(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) in ("Mn", "Me", "Mc")
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (subdivision flags)
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
