"""How sure someone is, read in the five languages; words that are not a number are refused."""

from __future__ import annotations

import pytest

from bot.errors import BadInput
from bot.parsing.percent import read_percent


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("70", 70), ("70%", 70), (" 70 % ", 70), ("０７０", 70), ("0", 0), ("100%", 100),
        ("70 percent", 70), ("about 70", 70), ("half", 50), ("fifty-fifty", 50),
        ("70 Prozent", 70), ("etwa 70 %", 70), ("halb", 50),
        ("70 por ciento", 70), ("la mitad", 50),
        ("70 pour cent", 70), ("environ 70", 70), ("moitié", 50),
        ("70 процентов", 70), ("около 70", 70), ("половина", 50),
    ],
)  # fmt: skip
def test_how_sure_is_read(text, value):
    assert read_percent(text) == value


@pytest.mark.parametrize("text", ["very", "pretty sure", "", "seventy-ish", "7o", "-5", "0.7", "ziemlich"])
def test_words_that_are_not_a_number_get_a_kind_line(text):
    with pytest.raises(BadInput) as refused:
        read_percent(text)
    assert refused.value.code == "sure_unread"


@pytest.mark.parametrize("text", ["150%", "101", "1000 percent"])
def test_more_than_100_is_out_of_range(text):
    with pytest.raises(BadInput) as refused:
        read_percent(text)
    assert refused.value.code == "sure_out_of_range"
