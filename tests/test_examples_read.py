"""Every command example Between shows a person, in every language, is one Between reads in that
language: a German speaker told to try <i>/session Di 17:00 wöchentlich</i> gets a session, not
"I can't read that"."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.parsing.pause import parse_pause_args
from bot.parsing.recap import parse_recap_window
from bot.parsing.remind import means_off, parse_remind_args
from bot.parsing.session import parse_session_args

TODAY = date(2026, 11, 23)


def _examples(language: str) -> set[str]:
    with open(i18n.catalogue_path(language), "rb") as file:
        catalogue = read_po(file)
    shown = set()
    for message in catalogue:
        if message.id and isinstance(message.string, str):
            shown.update(re.findall(r"<i>(/(?:remind|pause|recap|session)\b[^<%]*)</i>", message.string))
    return shown


def _reads(example: str, language: str) -> bool:
    command, *args = example.split()
    if command == "/remind":
        return means_off(args, language) or bool(parse_remind_args(args, language=language))
    if command == "/pause":
        return parse_pause_args(args, today=TODAY, language=language) is not None
    if command == "/recap":
        return parse_recap_window(args, today=TODAY, language=language) is not None
    spec = parse_session_args(args, local_now=datetime(2026, 11, 23, 9, 0), language=language)
    return spec.action in ("set", "done", "skip", "stop")


@pytest.mark.parametrize("language", [code for code in i18n.available() if code != "en"])
def test_every_command_example_is_read_in_its_language(language):
    examples = _examples(language)
    assert len(examples) >= 10, "the catalogue shows command examples"
    unread = sorted(example for example in examples if not _reads(example, language))
    assert unread == []
    english_words = re.compile(r"\b(until|since|done|off|weekly|once|mon|tue|thu|dec)\b|\d(pm|d|w)\b")
    assert sorted(example for example in examples if english_words.search(example)) == []
