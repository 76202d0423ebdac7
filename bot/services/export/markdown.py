"""The Markdown export: a person's data as one file to read, settings first, then day by day.

Shown in the person's own time zone; prompts are described as the JSON document describes them.
It is for reading only: the JSON file is the one that can be imported again.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.errors import BadInput
from bot.prompts import Catalogue
from bot.render import Renderer
from bot.services.export.json_format import exported_prompt
from bot.store.export import PersonData
from bot.timezones import zone_from_name

# Within one minute, show a session first, then the question, what was written, and the mood.
_ORDER = {"session": 0, "question": 1, "entry": 2, "mood": 3}


def render_markdown(renderer: Renderer, data: PersonData, catalogue: Catalogue, now: datetime) -> str:
    """The readable file: settings first, then everything by day in the person's zone."""
    zone = person_zone(data.person.zone)
    items: list[tuple[datetime, int, int, dict[str, Any]]] = []

    def add(instant: datetime, item: dict[str, Any]) -> None:
        items.append((instant, _ORDER[item["type"]], len(items), item))

    for delivery in data.deliveries:
        # Only questions that reached the person; the JSON file lists the others too.
        if delivery.sent_at is not None:
            add(
                delivery.sent_at,
                {
                    "type": "question",
                    "prompt": exported_prompt(catalogue, delivery.prompt_id),
                    "skipped": delivery.state == "skipped",
                },
            )
    for entry in data.entries:
        add(
            entry.written_at,
            {
                "type": "entry",
                "kind": entry.kind,
                "text": entry.text,
                "first_text": entry.first_text,
                "edited": _local(entry.edited_at, zone),
                "prompt": exported_prompt(catalogue, entry.prompt_id),
                "bring": entry.bring,
                "discussed": _local(entry.discussed_at, zone),
            },
        )
    for mood in data.moods:
        add(mood.logged_at, {"type": "mood", "score": mood.score})
    for held in data.sessions_held:
        add(held, {"type": "session"})

    days: list[dict[str, Any]] = []
    for instant, _, _, item in sorted(items, key=lambda t: t[:3]):
        local = _local(instant, zone)
        assert local is not None
        if not days or days[-1]["date"]["iso"] != local["iso"]:
            days.append({"date": local, "items": []})
        days[-1]["items"].append(item | {"time": local["time"]})

    person = data.person
    plan = data.session_plan
    return renderer.render(
        "export.md.j2",
        exported=_local(now, zone),
        zone=person.zone,
        paused_until=_local(person.paused_until, zone),
        paused_indefinitely=person.paused_indefinitely,
        reminders=[{"at": r.at, "days": sorted(r.days)} for r in data.reminders],
        plan={"next": _local(plan.next_at, zone), "repeat_days": plan.repeat_days} if plan else None,
        days=days,
        unsent=sum(d.sent_at is None for d in data.deliveries),
    )


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
