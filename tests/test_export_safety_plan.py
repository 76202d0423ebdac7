"""The safety plan in the export (version 2): written, read back, imported; version 1 documents
read exactly as before; a plan member that is not exactly what this version writes is refused."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.render import Renderer
from bot.services import export
from bot.services.export import ExportFormatError, json_format
from bot.store import export as store
from bot.store.db import Database
from bot.store.export import PersonData
from bot.store.migrate import migrate
from bot.store.safety_plan import Offer, PlanRecord, Step
from bot.store.wellbeing import WellbeingData
from tests.test_export import CATALOGUE, NOW, RICH

EARLIER = datetime(2026, 11, 20, 21, 15, tzinfo=UTC)
PLAN = PlanRecord(
    steps=(
        Step(1, "I stop answering messages\nI can't sleep", EARLIER),
        Step(4, "Sam: +49 151 2345678 <3 & co", EARLIER),
        Step(7, "my niece", NOW),
    ),
    offer=Offer(crisis_at=EARLIER, offered_at=NOW),
)
WITH_PLAN = replace(RICH, safety_plan=PLAN)


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "between.sqlite3")
    await migrate(database)
    yield database
    await database.close()


def document(data=WITH_PLAN) -> dict:
    return json.loads(export.dump(export.to_document(1001, data, CATALOGUE, NOW)))


def test_the_plan_is_written_with_named_steps_and_reads_back():
    written = document()
    assert written["version"] == 2
    assert written["safety_plan"] == {
        "steps": [
            {"step": "warning_signs", "text": "I stop answering messages\nI can't sleep",
             "updated_at": "2026-11-20T21:15:00Z"},
            {"step": "people_to_ask", "text": "Sam: +49 151 2345678 <3 & co",
             "updated_at": "2026-11-20T21:15:00Z"},
            {"step": "reasons_for_living", "text": "my niece", "updated_at": "2026-12-01T09:30:00Z"},
        ],
        "offer": {"crisis_at": "2026-11-20T21:15:00Z", "offered_at": "2026-12-01T09:30:00Z"},
    }  # fmt: skip
    assert export.from_document(written) == (1001, WITH_PLAN)
    assert document(RICH)["safety_plan"] is None


def test_a_version_1_document_reads_exactly_as_before():
    old = {key: value for key, value in document(RICH).items() if key not in json_format.ADDED_IN_VERSION_2}
    old["version"] = 1
    assert export.from_document(old) == (1001, replace(RICH, wellbeing=WellbeingData()))  # a version 2 member


async def test_a_plan_imported_into_another_database_exports_identically(db, tmp_path):
    async with db.transaction() as conn:
        await store.insert(conn, 1001, WITH_PLAN, NOW)
    first = await export.export_files(db, Renderer(), CATALOGUE, 1001, NOW)
    assert first is not None
    assert b"## My safety plan" in first.markdown and b"> Sam: +49 151 2345678 <3 & co" in first.markdown
    other = await Database.open(tmp_path / "other.sqlite3")
    try:
        await migrate(other)
        user_id, data = export.parse(first.json)
        assert data.safety_plan == PLAN
        await export.import_person(other, user_id, data, NOW)
        second = await export.export_files(other, Renderer(), CATALOGUE, 1001, NOW)
    finally:
        await other.close()
    assert second == first


def test_a_plan_alone_is_worth_exporting():
    alone = PersonData(person=RICH.person)
    assert alone.empty
    assert not replace(alone, safety_plan=PLAN).empty


def _steps(index, **values):  # type: ignore[no-untyped-def]
    return lambda d: d["safety_plan"]["steps"][index].update(values)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_steps(0, step="fears"), "safety_plan.steps[0].step"),
        (_steps(1, step="warning_signs"), "safety_plan.steps[1].step: listed twice"),
        (_steps(0, text=""), "safety_plan.steps[0].text"),
        (lambda d: d["safety_plan"]["steps"][0].pop("updated_at"), "steps[0].updated_at: missing"),
        (lambda d: d["safety_plan"].update(notes="x"), "safety_plan.notes: not a field"),
        (lambda d: d["safety_plan"]["offer"].update(crisis_at=None), "safety_plan.offer.crisis_at"),
        (lambda d: d.pop("safety_plan"), "safety_plan: missing"),
    ],
)
def test_a_plan_that_is_not_exactly_what_this_version_writes_is_refused(change, reason):
    written = document()
    change(written)
    with pytest.raises(ExportFormatError) as refused:
        export.from_document(written)
    assert reason in str(refused.value)
    assert "Sam" not in str(refused.value)  # never the person's words
