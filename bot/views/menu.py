"""The commands people see, in order: the Telegram command menu and /help both come from here."""

from __future__ import annotations

from collections.abc import Iterable

from telegram import BotCommand

from bot.render import Renderer

# Each name has a description in templates/labels.txt.j2 (cmd_NAME) and, unless it is told
# about in another command's line, a line in templates/help.j2 (help_NAME).
MENU = (
    "start", "help", "prompt", "remind", "pause", "resume", "timezone", "mood", "wellbeing",
    "session", "recap", "bring", "practice", "experiment", "safetyplan", "export", "delete", "settings",
    "language",
)  # fmt: skip


def menu_commands(renderer: Renderer, names: Iterable[str] = MENU) -> list[BotCommand]:
    """The command menu (setMyCommands) in the renderer's language."""
    return [BotCommand(name, renderer.label(f"cmd_{name}")) for name in names]
