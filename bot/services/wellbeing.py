"""The WHO-5 wellbeing check-in: five items, one at a time; a score only when all five are answered.

Where the check-in stands is the person's conversation state (services/conversation.py): the ask
:attr:`Ask.WELLBEING`, whose ``about`` is ``run:answers`` (which check-in, and the answers given
so far). Each answer is one transaction that reads that state, checks the answer is for the item
the check-in is at, and either moves it on or, at the fifth, writes the score and closes the ask.
So a second press of a button, a button of an earlier item, or a button of a check-in that was
left (a command, a new question, /wellbeing again) changes nothing; and a person who stops
half-way has no score stored. The offer (every 14 days at a reminder, the day before a session)
is claimed by the dispatcher with one conditional statement (:func:`claim_offer`).

Nothing here diagnoses: a low or falling score gets one line suggesting it might be worth
bringing to the next session, and nothing else (no crisis resources, no labels).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import aiosqlite

from bot.errors import BadInput
from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import conversations, people, sessions
from bot.store import wellbeing as store
from bot.store.db import Database
from bot.store.wellbeing import Offers, Score
from bot.timezones import zone_from_name
from bot.who5 import ANSWERS, ITEMS, WORDINGS, percentage, wording

# Offered again this long after the last offer or score (a little under 14 days, so the reminder
# on the fourteenth day is the one that carries it, whatever the daylight saving did meanwhile).
OFFER_EVERY = timedelta(days=14) - timedelta(hours=12)
# The day before a session it is offered unless it was offered or taken this recently.
BEFORE_SESSION_QUIET = timedelta(days=3)
# What a score is talked about against: 50 or below, or 10 points or more below the one before.
LOW = 50
DROP = 10
# The recap shows the trend over its window and this long before it.
RECAP_MONTHS = timedelta(days=183)


@dataclass(frozen=True)
class Step:
    """The check-in is at item ``index`` (0-4) of ``run``."""

    run: str
    index: int


@dataclass(frozen=True)
class Result:
    """A completed check-in: its score (0-100), the one before it if any, and whether it is
    worth a line about bringing it to the next session."""

    run: str
    score: int
    previous: int | None

    @property
    def worth_bringing(self) -> bool:
        return self.score <= LOW or (self.previous is not None and self.previous - self.score >= DROP)


class Stale(Enum):
    """Why an answer changed nothing."""

    DONE = "done"  # that check-in is complete already (a second press, an old button)
    MOVED_ON = "moved_on"  # that item was answered already
    LEFT = "left"  # the check-in was left (a command, a new question, another /wellbeing)


def _run_id(now: datetime) -> str:
    """A new check-in's name: when it started, and a few random digits (two started in the same
    instant are still two)."""
    return format(int(now.timestamp() * 1000), "x") + secrets.token_hex(3)


def _about(run: str, answers: str) -> str:
    return f"{run}:{answers}"


def _parse_about(about: str | None) -> tuple[str, str] | None:
    if not about or ":" not in about:
        return None
    run, _, answers = about.partition(":")
    if not run or len(answers) >= ITEMS or any(c not in "012345" for c in answers):
        return None
    return run, answers


async def start(db: Database, user_id: int, language_code: str | None, now: datetime) -> Step:
    """/wellbeing or Start under an offer: a new check-in at its first item (any other that was
    under way is left, with nothing stored)."""
    run = _run_id(now)
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, language_code, now)
        await conversation.ask_in(conn, user_id, Ask.WELLBEING, now, about=_about(run, ""))
    return Step(run, 0)


async def current(db: Database, user_id: int) -> Step | None:
    """The item the person's check-in is at (for a typed answer), None if none is under way."""
    parsed = _parse_about(await conversation.ask_about(db, user_id, Ask.WELLBEING))
    return Step(parsed[0], len(parsed[1])) if parsed else None


async def answer(db: Database, user_id: int, step: Step, value: int, now: datetime) -> Step | Result | Stale:
    """An answer (0-5) to item ``step.index`` of ``step.run``: the next step, the result after
    the fifth, or why it changed nothing. One transaction."""
    if value not in ANSWERS:
        raise BadInput("wellbeing_answer")
    async with db.transaction() as conn:
        waiting = await conversations.get(conn, user_id)
        parsed = _parse_about(waiting.about) if waiting and waiting.waiting_for == Ask.WELLBEING else None
        if parsed is None or parsed[0] != step.run:
            done = await store.by_run(conn, user_id, step.run) is not None
            return Stale.DONE if done else Stale.LEFT
        run, answers = parsed
        if len(answers) != step.index:
            return Stale.MOVED_ON
        answers += str(value)
        if len(answers) < ITEMS:
            await conversation.ask_in(conn, user_id, Ask.WELLBEING, now, about=_about(run, answers))
            return Step(run, len(answers))
        values = tuple(int(c) for c in answers)
        await store.add(conn, user_id, run, values, now)
        await conversation.replied(conn, user_id, Ask.WELLBEING)
        earlier = await store.latest(conn, user_id, before=run)
    previous = percentage(earlier[0].raw) if earlier else None
    return Result(run, percentage(sum(values)), previous)


def read_answer(text: str, language: str) -> int:
    """A typed answer: a digit 0-5, or an answer's words in the person's language or English."""
    cleaned = " ".join(text.strip().casefold().split()).rstrip(".!")
    if cleaned.isdecimal() and len(cleaned) == 1 and int(cleaned) in ANSWERS:
        return int(cleaned)
    for words in (wording(language), WORDINGS["en"]):
        for value, label in enumerate(words.answers):
            if cleaned == label.casefold():
                return value
    raise BadInput("wellbeing_answer")


async def result_of(db: Database, user_id: int, run: str) -> Result | None:
    """A completed check-in's result (for the Bring to session button), None if not stored."""
    async with db.read() as conn:
        score = await store.by_run(conn, user_id, run)
        if score is None:
            return None
        earlier = await store.latest(conn, user_id, before=run, until=score.taken_at)
    return Result(run, percentage(score.raw), percentage(earlier[0].raw) if earlier else None)


# --- /settings --------------------------------------------------------------------------------


async def offers(db: Database, user_id: int) -> Offers:
    """Whether the check-in is offered to the person."""
    async with db.read() as conn:
        return await store.offers(conn, user_id)


async def toggle(db: Database, user_id: int, which: str, language_code: str | None, now: datetime) -> Offers:
    """Turn one offer on or off (``every`` 14 days, ``session`` the day before a session)."""
    if which not in ("every", "session"):
        raise BadInput("wellbeing_setting")
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, language_code, now)
        current_offers = await store.offers(conn, user_id)
        every = current_offers.every_two_weeks ^ (which == "every")
        before = current_offers.before_session ^ (which == "session")
        await store.set_offers(conn, user_id, every_two_weeks=every, before_session=before)
        return await store.offers(conn, user_id)


# --- the offer, claimed by the dispatcher -----------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An offer claimed for a person: ``previous`` is the offer time it replaced."""

    user_id: int
    previous: datetime | None


async def claim_offer(conn: aiosqlite.Connection, user_id: int, now: datetime) -> Offer | None:
    """Whether to offer the check-in with the reminder going to this person now, decided and
    recorded in the caller's transaction (at most once per stretch, whoever else wakes up).

    None for no offer. Never for someone paused, unreachable or who did not turn the offer on.
    """
    settings = await store.offers(conn, user_id)
    if not (settings.every_two_weeks or settings.before_session):
        return None
    person = await people.get(conn, user_id)
    if person is None or not person.active or person.paused(now):
        return None
    if settings.every_two_weeks and await store.claim_offer(
        conn, user_id, now, last_before=now - OFFER_EVERY
    ):
        return Offer(user_id, settings.offered_at)
    if (
        settings.before_session
        and await _day_before_session(conn, user_id, now)
        and await store.claim_offer(conn, user_id, now, last_before=now - BEFORE_SESSION_QUIET)
    ):
        return Offer(user_id, settings.offered_at)
    return None


async def _day_before_session(conn: aiosqlite.Connection, user_id: int, now: datetime) -> bool:
    _practice, zone_name, next_session = await sessions.standing(conn, user_id)
    if next_session is None or zone_name is None:
        return False
    zone = zone_from_name(zone_name)
    return next_session.astimezone(zone).date() == now.astimezone(zone).date() + timedelta(days=1)


async def offer_not_sent(db: Database, offer: Offer) -> None:
    """The offer could not be sent (a passing fault): it may come with a later reminder."""
    async with db.transaction() as conn:
        await store.restore_offer(conn, offer.user_id, offer.previous)


# --- the recap ----------------------------------------------------------------------------------


async def for_recap(conn: aiosqlite.Connection, user_id: int, start: datetime, end: datetime) -> list[Score]:
    """Scores for a recap of [start, end]: those in it and those of the months before it."""
    return await store.between(conn, user_id, min(start, end - RECAP_MONTHS), end)


def recap_view(scores: list[Score], start: datetime) -> dict[str, object] | None:
    """What the recap templates show: the latest score, the one before it, the scores in the
    window and over the months before, as numbers (0-100). None without any score."""
    if not scores:
        return None
    values = [percentage(s.raw) for s in scores]
    in_window = [percentage(s.raw) for s in scores if s.taken_at >= start]
    return {
        "latest": values[-1],
        "previous": values[-2] if len(values) > 1 else None,
        "window": in_window,
        "months": values,
        "low": min(values),
        "high": max(values),
        "count": len(values),
        "worth_bringing": Result("", values[-1], values[-2] if len(values) > 1 else None).worth_bringing,
    }
