"""Every text a person reads is rendered here, from Jinja templates in ``bot/templates``.

- ``*.j2`` templates are Telegram HTML and autoescaped: whatever a person wrote (``<3``, ``a<b``)
  can never break a message.
- ``*.txt.j2`` and ``*.md.j2`` are plain text and Markdown (button labels, exported files).
- One-line answers are macros: ``lines.j2`` (ordinary replies), ``bad_input.j2`` (a kind answer
  to input we cannot use, one macro per :class:`~bot.errors.BadInput` code) and
  ``labels.txt.j2`` (button labels). Keeping them together lets tone be reviewed in one place.

Every text is written in English inside ``_("...")`` (``ngettext`` for plurals) and said in the
person's language (bot/i18n.py): a Renderer speaks one language, and :meth:`Renderer.speaking`
gives the one for a person's language code. Dates go through ``format_day`` with a CLDR pattern
that is itself a message, so each language words its dates its own way.

StrictUndefined makes a missing value an error in tests instead of an empty gap in a message.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2

from bot import i18n
from bot.errors import BadInput
from bot.htmlsplit import split_html
from bot.mood import MOOD_WORDS
from bot.package_data import templates_dir

TELEGRAM_LIMIT = 4096


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".txt.j2", ".md.j2"))


class Renderer:
    """The Jinja environment for one language, and the small helpers built on it.

    ``Renderer()`` speaks English; ``Renderer(language="de")`` German. The language a renderer is
    built with is also the default for :meth:`speaking` (the operator's default language).
    """

    def __init__(self, folder: Path | None = None, *, language: str = i18n.SOURCE_LANGUAGE) -> None:
        if language not in i18n.available():
            raise ValueError(f"no catalogue for the language {language!r}")
        self.folder = folder
        self.language = language
        self.default = language
        self._family: dict[str, Renderer] = {language: self}
        translations = i18n.translations(language)
        self.gettext = translations.gettext
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(folder or templates_dir())),
            autoescape=_autoescape,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            extensions=["jinja2.ext.i18n"],
        )
        self.env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        self.env.globals.update(
            MOOD_WORDS=self.mood_words,
            LANGUAGE=language,
            LANGUAGE_NAME=i18n.language_name(language),
            LANGUAGES=[i18n.language_name(code) for code in i18n.available()],
            DAY_NAMES=i18n.short_day_names(language),
            format_day=self.format_day,
            translated=self.gettext,
        )
        self.env.filters["num"] = self.number
        self.env.filters["city"] = self.city

    def speaking(self, code: str | None) -> Renderer:
        """The renderer for a language code (``de-AT`` -> German); an unknown or missing code
        gets this renderer's default language. Renderers are built once and shared."""
        language = i18n.resolve(code, self.default)
        renderer = self._family.get(language)
        if renderer is None:
            renderer = Renderer(self.folder, language=language)
            renderer.default = self.default
            renderer._family = self._family
            self._family[language] = renderer
        return renderer

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

    # --- words that come from Babel rather than the templates ---------------------------------

    @cached_property
    def mood_words(self) -> dict[int, str]:
        """The mood scale's words (bot/mood.py) in this language."""
        return {score: self.gettext(word) for score, word in MOOD_WORDS.items()}

    def format_day(self, value: Any, pattern: str) -> str:
        """A local date in a CLDR pattern, with this language's weekday and month names."""
        return i18n.format_day(value, pattern, self.language)

    def number(self, value: int | float) -> str:
        return i18n.format_number(value, self.language)

    def city(self, zone: Any) -> str:
        """A zone's city (a ZoneInfoView) as this language names it."""
        return i18n.city(zone.name, zone.city, self.language)

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
