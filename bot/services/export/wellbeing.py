"""The WHO-5 check-ins in the export: the top-level ``wellbeing`` object of the JSON document
(format version 2, docs/export-format.md) and the section of the Markdown file.

Read strictly, like the rest of the document: anything that is not exactly what this writes is
refused with a reason that names the field. A version 1 document has no ``wellbeing``: it is
read as nobody having taken a check-in or turned its offers on.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.store.wellbeing import Offers, Score, WellbeingData
from bot.who5 import ANSWERS, ITEMS, percentage

KEY = "wellbeing"
_INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime(_INSTANT_FORMAT) if value is not None else None


def to_json(data: WellbeingData) -> dict[str, Any]:
    """The ``wellbeing`` object: the offer settings, and every score with its five answers."""
    return {
        "every_two_weeks": data.offers.every_two_weeks,
        "before_session": data.offers.before_session,
        "offered_at": _instant(data.offers.offered_at),
        "scores": [
            {"taken_at": _instant(s.taken_at), "answers": list(s.answers), "score": percentage(s.raw)}
            for s in data.scores
        ],
    }


def from_json(top: Any, version: int) -> WellbeingData:
    """Read the ``wellbeing`` object of a parsed document (``top``: the document's checked
    object, see json_format._Object). Raises ExportFormatError."""
    from bot.services.export.json_format import ExportFormatError

    item = top.optional_object(KEY) if version >= 2 else None
    if item is None:
        return WellbeingData()
    item.only("every_two_weeks", "before_session", "offered_at", "scores")
    offers = Offers(
        every_two_weeks=item.boolean("every_two_weeks"),
        before_session=item.boolean("before_session"),
        offered_at=item.optional_instant("offered_at"),
    )
    scores = []
    for s in item.objects("scores"):
        s.only("taken_at", "answers", "score")
        answers = s.value("answers")
        if (
            not isinstance(answers, list)
            or len(answers) != ITEMS
            or any(isinstance(a, bool) or not isinstance(a, int) or a not in ANSWERS for a in answers)
        ):
            raise ExportFormatError(f"{s.where}.answers: expected five answers from 0 to 5")
        if s.integer("score") != percentage(sum(answers)):
            raise ExportFormatError(f"{s.where}.score: must be the answers' sum times four")
        scores.append(Score(tuple(answers), s.instant("taken_at")))
    return WellbeingData(offers, tuple(scores))


def markdown_view(data: WellbeingData, zone: tzinfo, local: Any) -> dict[str, Any] | None:
    """What export.md.j2 shows of the check-ins (``local`` words an instant in the person's
    zone); None when there is nothing to show."""
    if data.empty:
        return None
    return {
        "every_two_weeks": data.offers.every_two_weeks,
        "before_session": data.offers.before_session,
        "scores": [
            {"when": local(s.taken_at, zone), "score": percentage(s.raw), "answers": list(s.answers)}
            for s in data.scores
        ],
    }
