"""The WHO-5 check-in as Telegram shows it: an item with its six answers, the result, the offer."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.render import Renderer
from bot.services.wellbeing import Result, Step
from bot.store.wellbeing import Offers
from bot.views.buttons import Action, keyboard, pack
from bot.who5 import ANSWERS, ITEMS, wording


def item_message(renderer: Renderer, owner: int, step: Step) -> tuple[str, InlineKeyboardMarkup]:
    """Item ``step.index`` with its six answers, "All of the time" on top, as on the form."""
    words = wording(renderer.language)
    rows = [
        [(words.answers[value], pack(Action.WELLBEING, owner, step.run, step.index, value))]
        for value in reversed(ANSWERS)
    ]
    return item_text(renderer, step.index), keyboard(rows)


def item_text(renderer: Renderer, index: int, chosen: int | None = None) -> str:
    """The item's text; with ``chosen``, the answer given under it (the buttons are gone)."""
    words = wording(renderer.language)
    return renderer.render(
        "wellbeing_item.j2",
        number=index + 1,
        total=ITEMS,
        first=index == 0,
        lead=words.lead,
        item=words.items[index],
        chosen=words.answers[chosen] if chosen is not None else None,
    )


def result_message(renderer: Renderer, owner: int, result: Result) -> tuple[str, InlineKeyboardMarkup | None]:
    """The score (0-100) with one plain sentence; when it is low or fell, one gentle line and the
    Bring to session button."""
    text = renderer.render(
        "wellbeing_result.j2",
        score=result.score,
        previous=result.previous,
        worth_bringing=result.worth_bringing,
    )
    if not result.worth_bringing:
        return text, None
    bring = pack(Action.WELLBEING_BRING, owner, result.run)
    return text, keyboard([[(renderer.label("bring_to_session"), bring)]])


def bring_text(renderer: Renderer, result: Result) -> str:
    """What is kept as the item to bring (plain text, in the person's language)."""
    return renderer.label("wellbeing_bring_item", score=result.score, previous=result.previous)


def offer_message(renderer: Renderer, owner: int) -> tuple[str, InlineKeyboardMarkup]:
    """The quiet offer: Start, or Not now."""
    rows = [
        [
            (renderer.label("wellbeing_start"), pack(Action.WELLBEING_START, owner)),
            (renderer.label("not_now"), pack(Action.WELLBEING_NOT_NOW, owner)),
        ]
    ]
    return renderer.line("wellbeing_offer"), keyboard(rows)


def settings_rows(renderer: Renderer, owner: int, offers: Offers) -> list[list[tuple[str, str]]]:
    """The two /settings buttons: every two weeks, and the day before a session."""
    return [
        [
            (
                renderer.label("settings_wellbeing", on=offers.every_two_weeks),
                pack(Action.SETTINGS, owner, "wb"),
            )
        ],
        [
            (
                renderer.label("settings_wellbeing_session", on=offers.before_session),
                pack(Action.SETTINGS, owner, "wbs"),
            )
        ],
    ]
