"""Inline buttons whose data names the person they belong to.

Callback data is ``action:owner:arg...`` (at most 64 bytes, as Telegram requires). The owner is
checked against whoever pressed the button, so forged or forwarded buttons change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_DATA_BYTES = 64


@dataclass(frozen=True)
class Press:
    """A decoded button press."""

    action: str
    owner: int
    args: tuple[str, ...]


def pack(action: str, owner: int, *args: object) -> str:
    """Encode a button's data; raises ValueError if Telegram would refuse it."""
    data = ":".join([action, str(owner), *map(str, args)])
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"button data for {action!r} is over {MAX_DATA_BYTES} bytes")
    return data


def unpack(data: str | None) -> Press | None:
    """Decode button data; None for anything that is not ours or is malformed."""
    if not data:
        return None
    action, _, rest = data.partition(":")
    owner, _, tail = rest.partition(":")
    if not action or not owner.lstrip("-").isdigit():
        return None
    return Press(action, int(owner), tuple(tail.split(":")) if tail else ())


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, data) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
