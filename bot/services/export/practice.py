"""The export document's "practice" key (version 2; docs/export-format.md): practices,
experiments, and the questions that came back to them. Written and read here; json_format.py
calls :func:`document` and :func:`read`. A version 1 document has no such key: nothing to read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.store.export import DeliveryRecord, EntryRecord
from bot.store.practice_export import ExperimentRecord, PracticeData, PracticeRecord, QuestionRecord

if TYPE_CHECKING:
    from bot.services.export.json_format import _Object

KEY = "practice"
STATES = frozenset({"open", "done", "let_go"})
KINDS = frozenset({"checkin", "outcome"})
OUTCOMES = frozenset({"not_yet"})
_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime(_FORMAT) if value is not None else None


def _ref(prefix: str, position: int | None) -> str | None:
    return f"{prefix}{position + 1}" if position is not None else None


def document(data: PracticeData) -> dict[str, Any]:
    """The value of the "practice" key."""
    return {
        "practices": [
            {
                "ref": _ref("p", n),
                "text": p.text,
                "state": p.state,
                "created_at": _instant(p.created_at),
                "closed_at": _instant(p.closed_at),
                "asked_by": _ref("d", p.asked_by),
            }
            for n, p in enumerate(data.practices)
        ],
        "experiments": [
            {
                "ref": _ref("x", n),
                "try": e.try_text,
                "expect": e.expect_text,
                "sure": e.sure,
                "check_at": _instant(e.check_at),
                "asked_at": _instant(e.asked_at),
                "learned": e.learned,
                "created_at": _instant(e.created_at),
            }
            for n, e in enumerate(data.experiments)
        ],
        "questions": [
            {
                "delivery": _ref("d", q.delivery),
                "prompt": q.prompt_id,
                "kind": q.kind,
                "practice": _ref("p", q.practice),
                "experiment": _ref("x", q.experiment),
                "outcome": q.outcome,
                "outcome_at": _instant(q.outcome_at),
            }
            for q in data.questions
        ],
    }


def read(top: _Object, delivery_refs: dict[str, int]) -> PracticeData:
    """The "practice" key of a document, checked (absent: nothing); raises ExportFormatError."""
    from bot.services.export.json_format import ExportFormatError

    section = top.optional_object(KEY)
    if section is None:
        return PracticeData()
    section.only("practices", "experiments", "questions")
    practice_refs: dict[str, int] = {}
    practices = []
    for n, p in enumerate(section.objects("practices")):
        p.only("ref", "text", "state", "created_at", "closed_at", "asked_by")
        practice_refs[p.text("ref", limit=32)] = n
        practices.append(
            PracticeRecord(
                text=p.text("text"),
                state=p.choice("state", STATES),
                created_at=p.instant("created_at"),
                closed_at=p.optional_instant("closed_at"),
                asked_by=p.reference("asked_by", delivery_refs),
            )
        )
    if len({p.asked_by for p in practices if p.asked_by is not None}) != sum(
        p.asked_by is not None for p in practices
    ):
        raise ExportFormatError("practice.practices: one question asked for two practices")
    experiment_refs: dict[str, int] = {}
    experiments = []
    for n, e in enumerate(section.objects("experiments")):
        e.only("ref", "try", "expect", "sure", "check_at", "asked_at", "learned", "created_at")
        experiment_refs[e.text("ref", limit=32)] = n
        sure = None if e.value("sure") is None else e.integer("sure")
        if sure is not None and not 0 <= sure <= 100:
            raise ExportFormatError(f"{e.where}.sure: must be 0 to 100")
        experiments.append(
            ExperimentRecord(
                try_text=e.optional_text("try"),
                expect_text=e.optional_text("expect"),
                sure=sure,
                check_at=e.optional_instant("check_at"),
                asked_at=e.optional_instant("asked_at"),
                learned=e.optional_text("learned"),
                created_at=e.instant("created_at"),
            )
        )
    questions = []
    for q in section.objects("questions"):
        q.only("delivery", "prompt", "kind", "practice", "experiment", "outcome", "outcome_at")
        delivery = q.reference("delivery", delivery_refs)
        kind = q.choice("kind", KINDS)
        practice = q.reference("practice", practice_refs)
        experiment = q.reference("experiment", experiment_refs)
        if (
            delivery is None
            or (kind == "checkin") != (practice is not None)
            or (kind == "outcome") != (experiment is not None)
        ):
            raise ExportFormatError(f"{q.where}: a check-in names a practice, an outcome an experiment")
        questions.append(
            QuestionRecord(
                delivery=delivery,
                prompt_id=q.text("prompt", limit=40),
                kind=kind,
                practice=practice,
                experiment=experiment,
                outcome=None if q.value("outcome") is None else q.choice("outcome", OUTCOMES),
                outcome_at=q.optional_instant("outcome_at"),
            )
        )
    if len({q.delivery for q in questions}) != len(questions):
        raise ExportFormatError("practice.questions: one question listed twice")
    return PracticeData(tuple(practices), tuple(experiments), tuple(questions))


# --- the readable file ----------------------------------------------------------------------------


def markdown_section(
    data: PracticeData,
    entries: Iterable[EntryRecord],
    local: Callable[[datetime | None], Any],
    escape: Callable[[str], str] = lambda text: text,
) -> list[dict[str, Any]]:
    """ "What I practised" for the .md file: each practice with what came back to it, each
    experiment as prediction, what happened, what was learned (``local`` dates an instant,
    ``escape`` makes stored words inert in the file's format)."""
    if not data:
        return []
    wanted = {q.delivery for q in data.questions}
    answers: dict[int, list[tuple[datetime, str]]] = {}
    for entry in entries:
        if entry.delivery in wanted and entry.text:
            answers.setdefault(entry.delivery, []).append((entry.written_at, escape(entry.text)))
    questions = {q.delivery: q for q in data.questions}
    shown: list[dict[str, Any]] = []
    for n, p in enumerate(data.practices):
        steps = []
        for delivery, q in questions.items():
            if q.practice != n:
                continue
            said = answers.get(delivery, [])
            if q.outcome == "not_yet":
                steps.append((q.outcome_at, {"date": local(q.outcome_at), "texts": [], "not_yet": True}))
            elif said:
                steps.append(
                    (said[0][0], {"date": local(said[0][0]), "texts": [t for _, t in said], "not_yet": False})
                )
        shown.append(
            {
                "kind": "practice",
                "at": p.created_at,
                "date": local(p.created_at),
                "text": escape(p.text),
                "state": p.state,
                "closed": local(p.closed_at),
                "steps": [step for _, step in sorted(steps, key=lambda s: s[0] or p.created_at)],
            }
        )
    for n, e in enumerate(data.experiments):
        if not e.try_text:
            continue
        outcome = next((question for question in data.questions if question.experiment == n), None)
        said = answers.get(outcome.delivery, []) if outcome else []
        shown.append(
            {
                "kind": "experiment",
                "at": e.created_at,
                "date": local(e.created_at),
                "text": escape(e.try_text),
                "expect": escape(e.expect_text) if e.expect_text else None,
                "sure": e.sure,
                "happened": [t for _, t in said],
                "not_yet": bool(outcome and outcome.outcome == "not_yet"),
                "learned": escape(e.learned) if e.learned else None,
            }
        )
    return sorted(shown, key=lambda item: item["at"])


_PLACEHOLDER = re.compile(r"\{(practice|try|expect)\}")


class Quoted:
    """The person's words each question that came back to a practice or an experiment quoted,
    for the day-by-day file: by the question's position (for answers) and by its prompt and
    when it was sent (for the question itself). ``deliveries``: all of them, in export order."""

    def __init__(
        self, data: PracticeData, deliveries: Iterable[DeliveryRecord], escape: Callable[[str], str]
    ) -> None:
        self._by_position: dict[int, tuple[str, dict[str, str]]] = {}
        self._by_sent: dict[tuple[str, datetime], dict[str, str]] = {}
        if not data.questions:
            return
        asked = {q.delivery: q for q in data.questions}
        for position, delivery in enumerate(deliveries):
            question = asked.get(position)
            if question is None:
                continue
            words = _quoted(data, question, escape)
            self._by_position[position] = (question.prompt_id, words)
            if delivery.sent_at is not None:
                self._by_sent[(question.prompt_id, delivery.sent_at)] = words

    def for_question(self, prompt: dict[str, Any] | None, sent_at: datetime) -> dict[str, Any] | None:
        words = self._by_sent.get((prompt["id"], sent_at), {}) if prompt else {}
        return shown_prompt(prompt, words)

    def for_answer(self, prompt: dict[str, Any] | None, position: int | None) -> dict[str, Any] | None:
        found = self._by_position.get(position) if position is not None else None
        words = found[1] if found and prompt and found[0] == prompt["id"] else {}
        return shown_prompt(prompt, words)


def _quoted(data: PracticeData, question: QuestionRecord, escape: Callable[[str], str]) -> dict[str, str]:
    def one_line(text: str | None) -> str:
        return escape(" ".join((text or "").split())) or "…"

    if question.practice is not None and question.practice < len(data.practices):
        return {"practice": one_line(data.practices[question.practice].text)}
    if question.experiment is not None and question.experiment < len(data.experiments):
        experiment = data.experiments[question.experiment]
        return {"try": one_line(experiment.try_text), "expect": one_line(experiment.expect_text)}
    return {}


def shown_prompt(prompt: dict[str, Any] | None, words: dict[str, str] | None = None) -> dict[str, Any] | None:
    """A question as the day-by-day file shows it: a question that came back to a practice or an
    experiment quoted the person's words (``words``, already made inert); "…" where unknown."""
    if prompt is None or not prompt.get("text"):
        return prompt
    found = words or {}
    return prompt | {"text": _PLACEHOLDER.sub(lambda m: found.get(m.group(1), "…"), prompt["text"])}
