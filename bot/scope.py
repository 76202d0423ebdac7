"""Which update the current task is handling, for what may be kept for the length of one update.

The intake (bot/intake.py) sets :data:`current_update` to a fresh token around each try of each
update, in the task that handles it. Outside an update (the dispatcher, the command line, tests
calling a service) it is None, and nothing is kept.
"""

from __future__ import annotations

from contextvars import ContextVar

# A token per try of an update: compared by identity, never looked into.
current_update: ContextVar[object | None] = ContextVar("between_current_update", default=None)
