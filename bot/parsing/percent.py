"""How sure someone is, 0 to 100 percent: ``70``, ``70%``, ``70 %``, ``70 percent``,
``70 Prozent``, ``70 por ciento``, ``70 pour cent``, ``70 процентов``, and a few words for the
middle and the ends (``half``, ``halb``, ``la mitad``, ``moitié``, ``половина``).

Words like "very" or "not really" are not a number: they are refused with a kind line that says
what would work, and nothing changes. So are numbers outside 0-100 (``150%``).
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import BadInput

CODES: dict[str, tuple[str, ...]] = {
    "sure_unread": ("text",),
    "sure_out_of_range": ("text",),
}

_PERCENT_WORDS = (
    "%", "percent", "per cent", "pct", "prozent", "por ciento", "porciento", "pour cent",
    "pourcent", "pourcents", "процент", "процента", "процентов", "проц",
)  # fmt: skip
_NUMBER = re.compile(r"(?:about|around|ca\.?|etwa|unos|unas|environ|около|примерно|~)?\s*(\d{1,4})")
_WORDS = {
    "half": 50, "fifty-fifty": 50, "fifty fifty": 50, "50/50": 50,
    "halb": 50, "die hälfte": 50, "hälfte": 50, "halbe-halbe": 50,
    "la mitad": 50, "mitad": 50, "medio": 50,
    "moitié": 50, "la moitié": 50, "moitie": 50, "cinquante-cinquante": 50,
    "половина": 50, "наполовину": 50, "пополам": 50,
    "zero": 0, "null": 0, "cero": 0, "zéro": 0, "ноль": 0,
    "hundred": 100, "one hundred": 100, "hundert": 100, "cien": 100, "cent": 100, "сто": 100,
}  # fmt: skip


def read_percent(text: str) -> int:
    """The whole percent 0-100 in ``text``; raises BadInput ``sure_unread`` or
    ``sure_out_of_range`` (the person's words are echoed only in the kind line)."""
    shown = text.strip()[:40]
    normal = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    for word in sorted(_PERCENT_WORDS, key=len, reverse=True):
        normal = normal.replace(word, " ")
    normal = " ".join(normal.replace(",", " ").rstrip(".!").split())
    if normal in _WORDS:
        return _WORDS[normal]
    match = _NUMBER.fullmatch(normal)
    if match is None:
        raise BadInput("sure_unread", text=shown)
    value = int(match.group(1))
    if value > 100:
        raise BadInput("sure_out_of_range", text=shown)
    return value
