"""Rendering: every kind answer exists for every code the parsers raise, and text is escaped."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.parsing import BAD_INPUT_CODES
from bot.render import Renderer

# Codes not listed in bot.parsing.BAD_INPUT_CODES, with their params.
OTHER_CODES = {
    "zone_empty": ("text",),
    "zone_unknown": ("text",),
    "zone_abbreviation": ("text",),
    "offset_out_of_range": ("text",),
    "zone_first": (),
    "too_many_reminders": ("limit", "have"),
    "bring_empty": (),
    "bring_not_kept": (),
    "mood_invalid": ("text",),
    "session_time_expected": (),
    "time_no_zone": ("text",),
}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("code", sorted({**BAD_INPUT_CODES, **OTHER_CODES}))
def test_every_bad_input_code_has_one_kind_line(renderer, code):
    params = {**BAD_INPUT_CODES, **OTHER_CODES}[code]
    text = renderer.bad_input(BadInput(code, **{name: "<b>x&y</b>" for name in params}))
    assert text and "\n" not in text
    assert "<b>x&y</b>" not in text  # what a person typed is escaped, never markup


def test_user_text_in_templates_is_escaped(renderer):
    html = renderer.render("prompt.j2", prompt={"text": "a<b & <3"}, with_mood=False)
    assert "a&lt;b &amp; &lt;3" in html


def test_missing_values_are_errors_not_gaps(renderer):
    with pytest.raises(Exception, match="undefined"):
        renderer.render("prompt.j2")
