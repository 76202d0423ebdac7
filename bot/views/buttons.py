"""Every inline button Between draws: one table of actions, and the data each button carries.

Callback data is ``action:owner:arg...`` (at most 64 bytes, as Telegram requires). The owner is
checked against whoever pressed the button (``bot/handlers/common.py``), so forged or forwarded
buttons change nothing. The handler patterns are made from :class:`Action`, so a button whose
action has no handler cannot be drawn and a typo cannot fall through to the stale-button answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_DATA_BYTES = 64


class Action(StrEnum):
    """What a button does. The value is the short code carried in the button's data."""

    # Getting started (bot/handlers/onboarding.py) and /settings (bot/handlers/settings.py).
    ZONE = "tz"
    ZONE_NONE_OF_THESE = "tz?"
    SETTINGS = "set"
    # Reminders and pausing (bot/handlers/reminders.py, bot/handlers/pause.py).
    REMINDER_REMOVE = "rm"
    REMINDER_ADD = "rmadd"
    REMINDER_DEFAULT = "rmdef"
    REMINDER_NOT_NOW = "rmno"
    PAUSE = "pause"
    # Under a prompt (bot/handlers/prompt_buttons.py).
    LATER = "later"
    ANOTHER = "another"
    SKIP = "skip"
    SNOOZE = "snz"
    # Answering and mood (bot/handlers/answering.py, bot/handlers/mood.py).
    BRING = "bring"
    MOOD = "mood"
    # Sessions and the recap (bot/handlers/sessions.py, bot/handlers/recap.py).
    SESSION_MOVE = "ssmv"
    SESSION_SKIP = "ssskip"
    SESSION_STOP = "ssstop"
    RECAP_DISCUSSED = "rcd"
    RECAP_DISCUSSED_ALL = "rcda"
    RECAP_FILE = "rcf"
    RECAP_TOGGLE = "rco"
    RECAP_SEND = "rcs"
    # Your data (bot/handlers/data_rights.py).
    DELETE_CONFIRM = "delc"
    DELETE_CANCEL = "delx"
    # The language Between speaks (bot/handlers/language.py).
    LANGUAGE = "lang"
    # Practice between sessions and small experiments (bot/handlers/practice.py).
    PRACTICE_DONE = "prd"
    PRACTICE_LET_GO = "prg"
    PRACTICE_ADD = "pra"
    PRACTICE_NOT_YET = "prn"
    EXPERIMENT_SURE = "exs"
    EXPERIMENT_WHEN = "exw"
    # The safety plan (bot/handlers/safety_plan.py).
    SAFETY_PLAN_NEXT = "spn"  # done with (or skip) a step
    SAFETY_PLAN_EDIT = "spe"
    SAFETY_PLAN_ERASE = "spx"
    SAFETY_PLAN_ERASE_CONFIRM = "spxy"
    SAFETY_PLAN_ERASE_CANCEL = "spxn"
    SAFETY_PLAN_MAKE = "spmk"  # the later offer: make one
    SAFETY_PLAN_NOT_NOW = "spno"
    # The WHO-5 check-in (bot/handlers/wellbeing.py): an answer, Start / Not now under an offer,
    # and Bring to session under a result.
    WELLBEING = "wb"
    WELLBEING_START = "wbgo"
    WELLBEING_NOT_NOW = "wbno"
    WELLBEING_BRING = "wbbr"


_BY_CODE = {action.value: action for action in Action}


@dataclass(frozen=True)
class Press:
    """A decoded button press."""

    action: Action
    owner: int
    args: tuple[str, ...]

    def number(self, index: int = 0) -> int | None:
        """Argument ``index`` as a non-negative number; None when missing or not plain digits."""
        if len(self.args) <= index:
            return None
        return int(self.args[index]) if _is_number(self.args[index]) else None


def _is_number(text: str) -> bool:
    # str.isdigit() accepts "²" and other digits int() refuses: forged data must not crash.
    return text.isascii() and text.isdigit()


def pack(action: Action, owner: int, *args: object) -> str:
    """Encode a button's data; raises ValueError if Telegram would refuse it."""
    data = ":".join([action.value, str(owner), *map(str, args)])
    if len(data.encode()) > MAX_DATA_BYTES:
        raise ValueError(f"button data for {action.name} is over {MAX_DATA_BYTES} bytes")
    return data


def unpack(data: str | None) -> Press | None:
    """Decode button data; None for anything that is not ours or is malformed."""
    if not data:
        return None
    code, _, rest = data.partition(":")
    owner, _, tail = rest.partition(":")
    action = _BY_CODE.get(code)
    if action is None or not _is_number(owner.removeprefix("-")):
        return None
    return Press(action, int(owner), tuple(tail.split(":")) if tail else ())


def is_action(data: object, *actions: Action) -> bool:
    """Whether a button's data belongs to one of ``actions`` (for editing a keyboard)."""
    press = unpack(data if isinstance(data, str) else None)
    return press is not None and press.action in actions


def pattern(*actions: Action) -> re.Pattern[str]:
    """The callback-data pattern a handler for ``actions`` registers with."""
    return re.compile("^(" + "|".join(re.escape(action.value) for action in actions) + "):")


def keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, data) pairs."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def instant_code(instant: datetime) -> str:
    """An instant as short button data (Unix seconds in base 36)."""
    number = int(instant.timestamp())
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def instant_from_code(code: str) -> datetime | None:
    """The instant :func:`instant_code` wrote; None for anything malformed."""
    try:
        return datetime.fromtimestamp(int(code, 36), UTC)
    except (ValueError, OverflowError, OSError):
        return None
