"""The commands people see, in order: the Telegram command menu and /help both come from here."""

from __future__ import annotations

# Each name has a description in templates/labels.txt.j2 (cmd_NAME) and, unless it is told
# about in another command's line, a line in templates/help.j2 (help_NAME).
MENU = (
    "start", "help", "prompt", "remind", "pause", "resume", "timezone", "mood",
    "session", "recap", "bring", "export", "delete", "settings",
)  # fmt: skip
