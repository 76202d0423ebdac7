"""The Markdown export: a person's data as one file to read, settings first, then day by day.

Shown in the person's own time zone; prompts are described as the JSON document describes them.
It is for reading only: the JSON file is the one that can be imported again.

The days are made one at a time while the template is written out (:func:`write_markdown`), so
a journal of any length is never whole in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.errors import BadInput
from bot.prompts import Catalogue
from bot.render import Renderer
from bot.services.export import practice as practice_file
from bot.services.export import safety_plan as safety_plan_export
from bot.services.export import wellbeing as wellbeing_export
from bot.services.export.json_format import exported_prompt
from bot.services.recap import markdown_escape
from bot.store.export import (
    DeliveryRecord,
    EntryRecord,
    MoodRecord,
    PersonData,
    PersonRecord,
    ReminderRecord,
    SessionPlanRecord,
)
from bot.store.practice_export import PracticeData
from bot.store.safety_plan import PlanRecord
from bot.store.wellbeing import WellbeingData
from bot.timezones import zone_from_name

TEMPLATE = "export.md.j2"


def render_markdown(renderer: Renderer, data: PersonData, catalogue: Catalogue, now: datetime) -> str:
    """The readable file: settings first, then everything by day in the person's zone."""
    context = markdown_context(
        data.person,
        catalogue,
        now,
        reminders=data.reminders,
        session_plan=data.session_plan,
        safety_plan=data.safety_plan,
        unsent=sum(d.sent_at is None for d in data.deliveries),
        # Only questions that reached the person, by when; the JSON file lists the others too.
        items=lambda: (
            sorted((d for d in data.deliveries if d.sent_at is not None), key=_sent_at),
            data.entries,
            data.moods,
            data.sessions_held,
        ),
        wellbeing=data.wellbeing,
    )
    add_practice(context, data.practice, data.entries, data.deliveries)
    return renderer.render(TEMPLATE, **context)


def add_practice(
    context: dict[str, Any],
    practice: PracticeData,
    entries: Iterable[EntryRecord],
    deliveries: Iterable[DeliveryRecord] = (),
) -> None:
    """Put "What I practised" into a context from :func:`markdown_context`, and the words the
    questions that came back quoted into its days (``deliveries``: all, in export order)."""
    zone = context["zone_info"]
    context["practised"] = practice_file.markdown_section(
        practice, entries, lambda at: _local(at, zone), markdown_escape
    )
    if practice.questions:
        context["days"].quoted = practice_file.Quoted(practice, deliveries, markdown_escape)


def write_markdown(out: Callable[[str], object], renderer: Renderer, context: dict[str, Any]) -> None:
    """Write the file to ``out`` as the template makes it, exactly ``render(...) + "\\n"`` (the
    whitespace around it stripped as :meth:`Renderer.render` strips it)."""
    started = False
    pending = ""  # trailing whitespace, written only if something follows it
    for chunk in renderer.env.get_template(TEMPLATE).generate(**context):
        if not started:
            chunk = chunk.lstrip()
            started = bool(chunk)
        text = pending + chunk
        kept = text.rstrip()
        if kept:
            out(kept)
        pending = text[len(kept) :]
    out("\n")


Items = Callable[
    [],
    tuple[Iterable[DeliveryRecord], Iterable[EntryRecord], Iterable[MoodRecord], Iterable[datetime]],
]


def markdown_context(
    person: PersonRecord,
    catalogue: Catalogue,
    now: datetime,
    *,
    reminders: Iterable[ReminderRecord],
    session_plan: SessionPlanRecord | None,
    unsent: int,
    items: Items,
    safety_plan: PlanRecord | None = None,
    wellbeing: WellbeingData | None = None,
) -> dict[str, Any]:
    """What export.md.j2 is rendered with. ``items`` gives the questions that reached the person
    (by when they were sent), the entries, the moods and the sessions held, each in time order,
    afresh at each call."""
    zone = person_zone(person.zone)
    days = _Days(items, catalogue, zone)
    plan = session_plan
    return {
        "exported": _local(now, zone),
        "zone": person.zone,
        "paused_until": _local(person.paused_until, zone),
        "paused_indefinitely": person.paused_indefinitely,
        "reminders": [{"at": r.at, "days": sorted(r.days)} for r in reminders],
        "plan": {"next": _local(plan.next_at, zone), "repeat_days": plan.repeat_days} if plan else None,
        "days": days,  # made as the template reads them
        "unsent": unsent,
        "zone_info": zone,
        "practised": [],  # "What I practised" (bot/services/export/practice.py), set by the caller
        "safety_plan": safety_plan_export.markdown(safety_plan),
        "wellbeing": wellbeing_export.markdown_view(wellbeing or WellbeingData(), zone, _local),
    }


class _Days:
    """The template's ``days``, made one day at a time as the template loops over them.

    Within one minute a session comes first, then the question, what was written, and the mood:
    the four streams are merged by time, and at the same instant in that order.
    """

    def __init__(self, items: Items, catalogue: Catalogue, zone: tzinfo) -> None:
        self._items = items
        self._catalogue = catalogue
        self._zone = zone
        self._any: bool | None = None
        # The person's words quoted by questions that came back (set by add_practice).
        self.quoted = practice_file.Quoted(PracticeData(), (), markdown_escape)

    def __bool__(self) -> bool:  # the template asks whether there is anything at all
        if self._any is None:
            self._any = next(self._merged(), None) is not None
        return self._any

    def __iter__(self) -> Iterator[dict[str, Any]]:
        day: dict[str, Any] | None = None
        for instant, item in self._merged():
            local = _local(instant, self._zone)
            assert local is not None
            if day is None or day["date"]["iso"] != local["iso"]:
                if day is not None:
                    yield day
                day = {"date": local, "items": []}
            day["items"].append(item | {"time": local["time"]})
        if day is not None:
            yield day

    def _merged(self) -> Iterator[tuple[datetime, dict[str, Any]]]:
        sent, entries, moods, held = self._items()
        catalogue, zone, quoted = self._catalogue, self._zone, self.quoted
        streams: list[Iterator[tuple[datetime, dict[str, Any]]]] = [
            ((h, {"type": "session"}) for h in held),
            (
                (
                    _sent_at(d),
                    {
                        "type": "question",
                        "prompt": quoted.for_question(exported_prompt(catalogue, d.prompt_id), _sent_at(d)),
                        "skipped": d.state == "skipped",
                    },
                )
                for d in sent
            ),
            (
                (
                    e.written_at,
                    {
                        "type": "entry",
                        "kind": e.kind,
                        # Made inert as the recap's file makes them: read as written.
                        "text": markdown_escape(e.text) if e.text is not None else None,
                        "first_text": markdown_escape(e.first_text) if e.first_text is not None else None,
                        "edited": _local(e.edited_at, zone),
                        "prompt": quoted.for_answer(exported_prompt(catalogue, e.prompt_id), e.delivery),
                        "bring": e.bring,
                        "discussed": _local(e.discussed_at, zone),
                    },
                )
                for e in entries
            ),
            ((m.logged_at, {"type": "mood", "score": m.score}) for m in moods),
        ]
        # Equal instants come out in the order of the streams above (heapq.merge is stable).
        return heapq.merge(*streams, key=lambda pair: pair[0])


def _sent_at(delivery: DeliveryRecord) -> datetime:
    assert delivery.sent_at is not None
    return delivery.sent_at


def person_zone(name: str | None) -> tzinfo:
    """The zone the files are shown in: the person's, or UTC when they have none (or it is gone)."""
    if name is None:
        return UTC
    try:
        return zone_from_name(name)
    except BadInput:  # a zone tzdata dropped since: show UTC rather than fail the export
        return UTC


def _local(instant: datetime | None, zone: tzinfo) -> dict[str, Any] | None:
    """An instant as the person's wall clock reads it, in parts the template words."""
    if instant is None:
        return None
    local = instant.astimezone(zone)
    return {
        "iso": local.date().isoformat(),
        "weekday": local.weekday(),
        "day": local.day,
        "month": local.month,
        "year": local.year,
        "time": local.strftime("%H:%M"),
    }
