"""The WHO-5 check-ins in the export document (version 2), and version 1 documents read as before."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bot.services import export
from bot.services.export import ExportFormatError, json_format
from bot.store.wellbeing import WellbeingData
from tests.test_export import CATALOGUE, NOW, RICH


def _document() -> dict:
    return json.loads(export.dump(export.to_document(1001, RICH, CATALOGUE, NOW)))


def test_the_wellbeing_object_says_the_offers_and_every_score_with_its_answers():
    document = _document()
    assert document["version"] == 2
    assert document["wellbeing"] == {
        "every_two_weeks": True,
        "before_session": False,
        "offered_at": "2026-11-21T14:00:00Z",
        "scores": [
            {"taken_at": "2026-11-21T15:00:00Z", "answers": [4, 4, 4, 4, 4], "score": 80},
            {"taken_at": "2026-11-25T06:30:00Z", "answers": [0, 1, 2, 3, 5], "score": 44},
        ],
    }


def test_a_version_1_document_is_read_as_before_with_no_check_ins():
    document = {key: value for key, value in _document().items() if key not in json_format.ADDED_IN_VERSION_2}
    document["version"] = 1
    user_id, data = export.from_document(document)
    assert user_id == 1001 and data == replace(RICH, wellbeing=WellbeingData())


def test_a_version_1_document_cannot_carry_check_ins():
    others = set(json_format.ADDED_IN_VERSION_2) - {"wellbeing"}
    document = {key: value for key, value in _document().items() if key not in others}
    document["version"] = 1
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(document)
    assert "wellbeing" in str(refused.value)


def test_a_version_2_document_names_its_check_ins_even_when_there_are_none():
    document = _document()
    del document["wellbeing"]
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(document)
    assert "wellbeing: missing" in str(refused.value)
    empty = json.loads(
        export.dump(export.to_document(1001, replace(RICH, wellbeing=WellbeingData()), CATALOGUE, NOW))
    )
    assert empty["wellbeing"]["scores"] == []
    assert export.from_document(empty)[1].wellbeing == WellbeingData()


@pytest.mark.parametrize(
    ("answers", "score", "reason"),
    [
        ([4, 4, 4, 4], 64, "wellbeing.scores[0].answers"),
        ([4, 4, 4, 4, 6], 88, "wellbeing.scores[0].answers"),
        ([4, 4, 4, 4, True], 68, "wellbeing.scores[0].answers"),
        ([4, 4, 4, 4, 4], 81, "wellbeing.scores[0].score"),
    ],
)
def test_answers_and_scores_that_do_not_add_up_are_refused(answers, score, reason):
    document = _document()
    document["wellbeing"]["scores"][0] |= {"answers": answers, "score": score}
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(document)
    assert reason in str(refused.value)
