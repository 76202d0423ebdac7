"""The safety plan in the export (version 2; docs/export-format.md, "safety_plan"): the JSON
member written and read back, and what the Markdown file shows of it.

The plan is private: it is in the person's own export, never in the recap meant for a therapist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.store.safety_plan import Offer, PlanRecord, Step

KEY = "safety_plan"
STEP_KEYS = {
    1: "warning_signs",
    2: "coping_on_my_own",
    3: "people_and_places",
    4: "people_to_ask",
    5: "professionals",
    6: "safer_surroundings",
    7: "reasons_for_living",
}
_STEP_BY_KEY = {key: step for step, key in STEP_KEYS.items()}


def to_object(plan: PlanRecord | None) -> dict[str, Any] | None:
    """The ``safety_plan`` member: null when the person has none and was never offered one."""
    if plan is None:
        return None
    return {
        "steps": [
            {"step": STEP_KEYS[s.step], "text": s.text, "updated_at": _instant(s.updated_at)}
            for s in plan.steps
        ],
        "offer": {
            "crisis_at": _instant(plan.offer.crisis_at),
            "offered_at": _instant(plan.offer.offered_at),
        }
        if plan.offer is not None
        else None,
    }


def from_object(top: Any) -> PlanRecord | None:
    """Read the ``safety_plan`` member of a document (``top``: the document being checked, as
    json_format reads it). Raises ExportFormatError naming the field, never its value."""
    plan = top.optional_object(KEY)
    if plan is None:
        return None
    plan.only("steps", "offer")
    steps: list[Step] = []
    for item in plan.objects("steps"):
        item.only("step", "text", "updated_at")
        step = _STEP_BY_KEY[item.choice("step", frozenset(_STEP_BY_KEY))]
        if any(s.step == step for s in steps):
            from bot.services.export.json_format import ExportFormatError

            raise ExportFormatError(f"{item.where}.step: listed twice")
        steps.append(Step(step, item.text("text"), item.instant("updated_at")))
    offer = None
    offer_object = plan.optional_object("offer")
    if offer_object is not None:
        offer_object.only("crisis_at", "offered_at")
        offer = Offer(offer_object.instant("crisis_at"), offer_object.optional_instant("offered_at"))
    steps.sort(key=lambda s: s.step)
    return PlanRecord(tuple(steps), offer) if steps or offer else None


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None


def markdown(plan: PlanRecord | None) -> list[dict[str, Any]]:
    """What the Markdown file shows: each step written, in plan order (``step``, ``text``)."""
    return [{"step": s.step, "text": s.text} for s in plan.steps] if plan is not None else []
