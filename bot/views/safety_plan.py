"""The safety plan as messages: a step asked, the whole plan with its buttons, the erase
confirmation, the later offer, and the crisis reply that brings the plan first.

Every text is in ``templates/safety_plan.j2`` (HTML; the person's words are escaped there) and
its buttons in ``templates/safety_plan_labels.txt.j2``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup
from telegram import InlineKeyboardMarkup

from bot.htmlsplit import split_html
from bot.render import TELEGRAM_LIMIT, Renderer
from bot.safety import Resource
from bot.views.buttons import Action, keyboard, pack

Message = tuple[str, InlineKeyboardMarkup | None]
# The shortest a step's words are cut to in a crisis reply, so each still says something.
SHORTEST_CUT = 80
# The longest a step's words are in a crisis reply: a long list of things to do must not push the
# people to call out of sight; the whole plan is one command away.
CRISIS_STEP_MAX = 600
ELLIPSIS = "…"


def _macro(renderer: Renderer, template: str, key: str, data: dict[str, Any]) -> str:
    module = renderer.env.get_template(template).module
    return str(getattr(module, key)(**data)).strip()


def say(renderer: Renderer, key: str, /, **data: Any) -> str:
    """One text of the safety plan (Telegram HTML)."""
    return _macro(renderer, "safety_plan.j2", key, data)


def label(renderer: Renderer, key: str, /, **data: Any) -> str:
    """A button label of the safety plan (plain text)."""
    return _macro(renderer, "safety_plan_labels.txt.j2", key, data)


def ask_step(renderer: Renderer, owner: int, step: int, *, intro: bool = False) -> Message:
    """A step asked while making the plan, with Skip (the first one after a short intro)."""
    text = say(renderer, "ask", step=step)
    if intro:
        text = say(renderer, "intro") + "\n\n" + text
    return text, keyboard([[(label(renderer, "skip"), pack(Action.SAFETY_PLAN_NEXT, owner, step))]])


def ask_edit(renderer: Renderer, owner: int, step: int, current: str | None) -> list[Message]:
    """Editing a step: what it says now, and Keep it as it is."""
    parts = split_html(say(renderer, "ask_edit", step=step, text=current or ""), TELEGRAM_LIMIT)
    markup = keyboard([[(label(renderer, "keep"), pack(Action.SAFETY_PLAN_NEXT, owner, step))]])
    return [(part, markup if last else None) for last, part in _last(parts)]


def step_kept(renderer: Renderer, owner: int, step: int, *, finishing: bool) -> Message:
    """After each message of a step: kept, and the button that goes on (Done on the last step,
    or when editing)."""
    name = "finish" if finishing else "next"
    return say(renderer, "step_kept"), keyboard(
        [[(label(renderer, name), pack(Action.SAFETY_PLAN_NEXT, owner, step))]]
    )


def whole_plan(renderer: Renderer, owner: int, steps: dict[int, str], *, before: str = "") -> list[Message]:
    """The whole plan, split to fit, with a button to edit each step and one to erase it all
    under the last part."""
    text = say(renderer, "whole", plan=steps)
    if before:
        text = before + "\n\n" + text
    edits = [
        (label(renderer, "edit", step=step), pack(Action.SAFETY_PLAN_EDIT, owner, step))
        for step in range(1, 8)
    ]
    rows = [edits[i : i + 2] for i in range(0, len(edits), 2)]
    rows.append([(label(renderer, "erase"), pack(Action.SAFETY_PLAN_ERASE, owner))])
    parts = split_html(text, TELEGRAM_LIMIT)
    return [(part, keyboard(rows) if last else None) for last, part in _last(parts)]


def erase_confirm(renderer: Renderer, owner: int, version: str) -> Message:
    return say(renderer, "erase_ask"), keyboard(
        [
            [
                (label(renderer, "erase_yes"), pack(Action.SAFETY_PLAN_ERASE_CONFIRM, owner, version)),
                (label(renderer, "erase_no"), pack(Action.SAFETY_PLAN_ERASE_CANCEL, owner)),
            ]
        ]
    )


def offer(renderer: Renderer, owner: int) -> Message:
    """The one calm offer to make a plan, some time after a crisis reply."""
    return say(renderer, "offer"), keyboard(
        [
            [
                (label(renderer, "make"), pack(Action.SAFETY_PLAN_MAKE, owner)),
                (label(renderer, "not_now"), pack(Action.SAFETY_PLAN_NOT_NOW, owner)),
            ]
        ]
    )


def crisis_reply(
    renderer: Renderer, resources: list[Resource], steps: Sequence[tuple[int, str]]
) -> list[str]:
    """The crisis reply: without a plan exactly as always (crisis.j2); with one, the person's own
    plan first, then the resources, in one message when both fit, else the plan (cut to one
    message) and the resources in the message right after it."""
    if not steps:
        return [renderer.render("crisis.j2", resources=resources)]
    resources_alone = renderer.render("crisis.j2", resources=resources, opening=False)
    opening = say(renderer, "crisis_opening")
    room = TELEGRAM_LIMIT - len(opening) - len(resources_alone) - 4
    if room >= len(say(renderer, "in_crisis", steps=[], cut=True)) + SHORTEST_CUT * len(steps):
        plan = _fitted(renderer, steps, room)
        return [renderer.render("crisis.j2", resources=resources, plan=Markup(plan))]
    plan = _fitted(renderer, steps, TELEGRAM_LIMIT - len(opening) - 2)
    return [opening + "\n\n" + plan, resources_alone]


def _fitted(renderer: Renderer, steps: Sequence[tuple[int, str]], room: int) -> str:
    """The plan block for a crisis reply in at most ``room`` characters: the longest step's words
    are cut (with …) until it fits."""
    texts = [_cut(text, CRISIS_STEP_MAX) for _, text in steps]
    cut = any(len(text) > CRISIS_STEP_MAX for _, text in steps)
    while True:
        block = say(
            renderer, "in_crisis", steps=list(zip([s for s, _ in steps], texts, strict=True)), cut=cut
        )
        over = len(block) - room
        if over <= 0:
            return block
        longest = max(range(len(texts)), key=lambda i: len(texts[i]))
        keep = len(texts[longest].removesuffix(ELLIPSIS)) - max(over, 16)
        if keep < SHORTEST_CUT:
            if all(len(t) <= SHORTEST_CUT + 1 for t in texts):
                return split_html(block, room)[0] if room > 0 else ""
            keep = SHORTEST_CUT
        texts[longest] = texts[longest].removesuffix(ELLIPSIS)[:keep].rstrip() + ELLIPSIS
        cut = True


def _cut(text: str, longest: int) -> str:
    return text if len(text) <= longest else text[:longest].rstrip() + ELLIPSIS


def _last(parts: list[str]) -> list[tuple[bool, str]]:
    return [(index == len(parts) - 1, part) for index, part in enumerate(parts)]
