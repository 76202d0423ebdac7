"""What becomes of a due prompt when a wake-up finds it: one rule, decided from plain facts.

A wake-up of the dispatcher (bot/dispatch.py) meets three kinds of due prompts: claims an earlier
wake-up could not send (leftovers), reminders whose due instant has come, and snoozed prompts
("Later") whose time has come. Each is held, missed, skipped or claimed by the rule here. Nothing
here reads a clock or the database: the dispatcher gathers the facts, and writes what is decided
in the same transaction.
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta


class Outcome(enum.Enum):
    """What to do with one due prompt. The values of the last three are delivery states."""

    HOLD = "held"  # the person cannot be prompted now (no zone, inactive, paused, no access)
    MISSED = "missed"  # due longer ago than the grace window: recorded, never sent
    SKIPPED = "skipped"  # the person already has a prompt from this wake-up: one each
    CLAIMED = "claimed"  # to be sent now


def claim_outcome(
    due_at: datetime,
    now: datetime,
    *,
    grace: timedelta,
    on_hold: bool = False,
    served: bool = False,
) -> Outcome:
    """Decide what becomes of a prompt due at ``due_at``, found by a wake-up at ``now``.

    ``on_hold``: the person cannot be prompted now (no zone, inactive, paused, or may no longer
    use the bot). ``served``: the person already has a prompt from this wake-up (claimed or
    being sent). In this order: a
    prompt on hold is held however late it is; one due more than ``grace`` before ``now`` is
    missed (a prompt due exactly ``grace`` ago still goes); one for a person already served is
    skipped, so several due at once become one prompt; anything else is claimed.
    """
    if on_hold:
        return Outcome.HOLD
    if now - due_at > grace:
        return Outcome.MISSED
    if served:
        return Outcome.SKIPPED
    return Outcome.CLAIMED
