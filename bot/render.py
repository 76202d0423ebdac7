"""Every text a person reads is rendered here, from Jinja templates in ``bot/templates``.

- ``*.j2`` templates are Telegram HTML and autoescaped: whatever a person wrote (``<3``, ``a<b``)
  can never break a message.
- ``*.txt.j2`` and ``*.md.j2`` are plain text and Markdown (button labels, exported files).
- One-line answers are macros: ``lines.j2`` (ordinary replies), ``bad_input.j2`` (a kind answer
  to input we cannot use, one macro per :class:`~bot.errors.BadInput` code) and
  ``labels.txt.j2`` (button labels). Keeping them together lets tone be reviewed in one place.

StrictUndefined makes a missing value an error in tests instead of an empty gap in a message.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from bot.errors import BadInput
from bot.htmlsplit import split_html
from bot.mood import MOOD_WORDS
from bot.package_data import templates_dir

TELEGRAM_LIMIT = 4096


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".txt.j2", ".md.j2"))


class Renderer:
    """The Jinja environment and the small helpers built on it."""

    def __init__(self, folder: Path | None = None) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder or templates_dir())),
            autoescape=_autoescape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self.env.globals["MOOD_WORDS"] = MOOD_WORDS

    def render(self, name: str, /, **data: Any) -> str:
        """Render template ``name`` (e.g. ``"start.j2"``), stripped of surrounding whitespace."""
        return self.env.get_template(name).render(**data).strip()

    def parts(self, name: str, /, **data: Any) -> list[str]:
        """Render a Telegram HTML template and split it into messages Telegram accepts."""
        return split_html(self.render(name, **data), TELEGRAM_LIMIT)

    def line(self, key: str, /, **data: Any) -> str:
        """One short reply from ``lines.j2`` (Telegram HTML)."""
        return self._macro(self._lines, key, data)

    def label(self, key: str, /, **data: Any) -> str:
        """A button label from ``labels.txt.j2`` (plain text)."""
        return self._macro(self._labels, key, data)

    def bad_input(self, error: BadInput) -> str:
        """The kind one-line answer for input we cannot use."""
        return self._macro(self._bad_input, error.code, error.params)

    @cached_property
    def _lines(self) -> Any:
        return self.env.get_template("lines.j2").module

    @cached_property
    def _labels(self) -> Any:
        return self.env.get_template("labels.txt.j2").module

    @cached_property
    def _bad_input(self) -> Any:
        return self.env.get_template("bad_input.j2").module

    @staticmethod
    def _macro(module: Any, key: str, data: dict[str, Any]) -> str:
        macro = getattr(module, key, None)
        if macro is None:
            raise KeyError(f"no template text named {key!r}")
        return str(macro(**data)).strip()
