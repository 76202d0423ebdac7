"""/language: a button for each language Between speaks, each named in itself."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import available, language_name
from bot.render import Renderer
from bot.views.buttons import Action, keyboard, pack


def language_choices(renderer: Renderer, owner: int) -> tuple[str, InlineKeyboardMarkup]:
    """The question and its buttons, the language spoken now marked."""
    rows = [
        [(renderer.label("language_choice", name=language_name(code), current=code == renderer.language),
          pack(Action.LANGUAGE, owner, code))]
        for code in available()
    ]  # fmt: skip
    return renderer.line("language_ask"), keyboard(rows)
