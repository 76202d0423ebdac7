"""Practice between sessions as the person sees it: a question that comes back to their words,
the list of what they are practising, and an experiment's buttons."""

from __future__ import annotations

from dataclasses import replace

from telegram import InlineKeyboardMarkup

from bot.prompts import Prompt
from bot.render import Renderer
from bot.services.practice import SURE_CHOICES, WHEN_CHOICES, fill
from bot.store.practice import Practice
from bot.views.buttons import Action, keyboard, pack
from bot.views.prompt import prompt_message


def question_message(
    renderer: Renderer,
    prompt: Prompt,
    owner: int,
    delivery_id: int,
    *,
    with_mood: bool = False,
    words: dict[str, str] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A prompt message; one that comes back to a practice or an experiment quotes the person's
    words (escaped by the template like any text) and offers "Didn't get to it"."""
    if words is None:
        return prompt_message(renderer, prompt, owner, delivery_id, with_mood=with_mood)
    text, markup = prompt_message(
        renderer, replace(prompt, text=fill(prompt.text, words)), owner, delivery_id, with_mood=with_mood
    )
    rows = [[(b.text, str(b.callback_data)) for b in row] for row in markup.inline_keyboard]
    rows.insert(1, [(renderer.label("practice_not_yet"), pack(Action.PRACTICE_NOT_YET, owner, delivery_id))])
    return text, keyboard(rows)


def practice_list(
    renderer: Renderer, owner: int, practices: list[Practice]
) -> tuple[str, InlineKeyboardMarkup]:
    """/practice: what the person is practising, each with Done and Let it go, and + Add one."""
    text = renderer.render("practice.j2", practices=practices)
    rows = [
        [
            (renderer.label("practice_done", number=n), pack(Action.PRACTICE_DONE, owner, p.id)),
            (renderer.label("practice_let_go", number=n), pack(Action.PRACTICE_LET_GO, owner, p.id)),
        ]
        for n, p in enumerate(practices, 1)
    ]
    rows.append([(renderer.label("practice_add"), pack(Action.PRACTICE_ADD, owner))])
    return text, keyboard(rows)


def sure_buttons(renderer: Renderer, owner: int, experiment_id: int) -> InlineKeyboardMarkup:
    """How sure, in a tap (a typed number works too)."""
    return keyboard(
        [
            [
                (renderer.label("percent", value=v), pack(Action.EXPERIMENT_SURE, owner, experiment_id, v))
                for v in SURE_CHOICES
            ]
        ]
    )


def when_buttons(renderer: Renderer, owner: int, experiment_id: int) -> InlineKeyboardMarkup:
    """When to ask how it went; without a tap, the next day."""
    return keyboard(
        [
            [
                (
                    renderer.label(f"experiment_when_{choice}"),
                    pack(Action.EXPERIMENT_WHEN, owner, experiment_id, choice),
                )
                for choice in WHEN_CHOICES
            ]
        ]
    )
