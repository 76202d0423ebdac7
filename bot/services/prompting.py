"""The rules of a question: choosing the next one for a person, asking now, and what the
buttons under it do (Later, Another question, Skip)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import aiosqlite

from bot.prompts import SESSION_QUESTIONS, Asked, Catalogue, Prompt, Situation, choose_prompt
from bot.schedule import ALL_DAYS, next_due
from bot.services import conversation, practice
from bot.store import deliveries, people, sessions
from bot.store.db import Database
from bot.store.deliveries import Delivery
from bot.timezones import zone_from_name

# How much history the chooser sees: enough to rotate themes fairly (it never repeats within 14).
HISTORY = timedelta(days=60)
# "The day before a session": the session is on the next local date. The question about what
# to bring is asked once in this stretch.
QUESTIONS_LOOKBACK = timedelta(hours=36)
SNOOZE = timedelta(hours=1)
SNOOZE_LONG = timedelta(hours=3)
MORNING = time(9, 0)
# Buttons under a prompt older than this no longer act: a week-old "Later" surprises more than
# it helps.
BUTTON_LIFETIME = timedelta(hours=24)


async def situation_for(
    conn: aiosqlite.Connection, catalogue: Catalogue, user_id: int, now: datetime
) -> Situation:
    """Where the person stands relative to their sessions, for the next reminder's prompt.

    Right after a session (``practice_due``): ask what they want to practise. The day before
    one: ask once what they are bringing. Otherwise an ordinary prompt.
    """
    practice_due, zone_name, next_session = await sessions.standing(conn, user_id)
    if practice_due:
        return Situation.AFTER_SESSION
    if next_session is None or zone_name is None:
        return Situation.ORDINARY
    zone = zone_from_name(zone_name)
    if next_session.astimezone(zone).date() != now.astimezone(zone).date() + timedelta(days=1):
        return Situation.ORDINARY
    recent = await deliveries.recent_prompts(conn, user_id, now - QUESTIONS_LOOKBACK)
    asked = {catalogue.get(prompt_id).theme for prompt_id, _ in recent if catalogue.get(prompt_id)}  # type: ignore[union-attr]
    return Situation.ORDINARY if SESSION_QUESTIONS in asked else Situation.DAY_BEFORE_SESSION


async def choose_for(
    conn: aiosqlite.Connection,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    *,
    exclude: tuple[str, ...] = (),
    situation: Situation = Situation.ORDINARY,
) -> Prompt:
    """The next prompt for this person, from what they were asked recently."""
    history = []
    for prompt_id, sent_at in await deliveries.recent_prompts(conn, user_id, now - HISTORY):
        prompt = catalogue.get(prompt_id)
        if prompt is not None:  # an operator may have removed it since
            history.append(Asked(prompt.id, prompt.theme, sent_at))
    return choose_prompt(
        catalogue, history=history, now=now, seed=user_id, situation=situation, exclude=exclude
    )


_COMING_BACK = {"checkin": Situation.PRACTICE_CHECKIN, "outcome": Situation.EXPERIMENT_OUTCOME}


async def choose_question(
    conn: aiosqlite.Connection,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    situation: Situation = Situation.ORDINARY,
) -> tuple[Prompt, practice.Due | None]:
    """The next question, and the practice or experiment it comes back to (services/practice.py):
    right after a session the intention question; else, when one is due, a question that comes
    back to a practice or an experiment; else ``situation``'s. Record the second with
    :func:`practice.record` once the delivery exists, in the same transaction."""
    coming_back = None
    if situation is not Situation.AFTER_SESSION:
        coming_back = await practice.due(conn, user_id, now)
        if coming_back is not None:
            situation = _COMING_BACK[coming_back.kind]
    prompt = await choose_for(conn, catalogue, user_id, now, situation=situation)
    if coming_back is not None and prompt.theme != coming_back.theme:
        coming_back = None  # an operator's catalogue without those questions: an ordinary one
    return prompt, coming_back


@dataclass(frozen=True)
class Question:
    """A prompt about to be sent: which, under which delivery, with the mood scale or not, and
    the person's words it quotes when it comes back to a practice or an experiment."""

    prompt: Prompt
    delivery_id: int
    with_mood: bool
    words: dict[str, str] | None = None


async def ask_now(
    db: Database, catalogue: Catalogue, user_id: int, language_code: str | None, now: datetime
) -> Question:
    """/prompt: choose a question and record it as about to be sent. Right after a session it
    is the one about what to practise, as a reminder's would be."""
    async with db.transaction() as conn:
        person = await people.ensure(conn, user_id, language_code, now)
        practice_due, _, _ = await sessions.standing(conn, user_id)
        situation = Situation.AFTER_SESSION if practice_due else Situation.ORDINARY
        prompt, coming_back = await choose_question(conn, catalogue, user_id, now, situation)
        delivery_id = await deliveries.add_sent(
            conn, user_id=user_id, kind="on_demand", prompt_id=prompt.id, now=now
        )
        if practice_due:
            await sessions.clear_practice_due(conn, user_id)
        words = None
        if coming_back is not None:
            await practice.record(conn, user_id, delivery_id, prompt.id, coming_back, now)
            words = await practice.words_in(conn, user_id, delivery_id, prompt.id)
    return Question(prompt, delivery_id, person.mood_with_prompts, words)


async def mark_sent(db: Database, user_id: int, delivery_id: int, message_id: int, now: datetime) -> None:
    """Record the Telegram message that carried a question; it is the open question now."""
    async with db.transaction() as conn:
        await deliveries.mark_sent(conn, delivery_id, message_id, now)
        await conversation.question_sent(conn, user_id, delivery_id, now)


async def live_delivery(
    db: Database, user_id: int, delivery_id: int | None, now: datetime
) -> Delivery | None:
    """The question a button refers to, if it is the person's and its buttons still act."""
    if delivery_id is None:
        return None
    async with db.read() as conn:
        delivery = await deliveries.get(conn, user_id, delivery_id)
    if delivery is None or delivery.sent_at is None or now - delivery.sent_at > BUTTON_LIFETIME:
        return None
    return delivery if delivery.state in ("sent", "scheduled") else None


async def later(db: Database, delivery: Delivery, now: datetime) -> int:
    """Later: the question comes again in an hour; returns the snooze (to move it further)."""
    async with db.transaction() as conn:
        snooze_id = await deliveries.schedule_snooze(
            conn, user_id=delivery.user_id, prompt_id=delivery.prompt_id, due_at=now + SNOOZE, now=now
        )
        await deliveries.mark_skipped(conn, delivery.id)
        await conversation.close_question(conn, delivery.user_id, delivery.id)
        await practice.snoozed(conn, delivery.id, snooze_id)
    return snooze_id


async def snooze_longer(
    db: Database, user_id: int, snooze_id: int | None, choice: str, now: datetime
) -> bool:
    """After Later: 3 hours ("3h") or tomorrow morning ("am") instead; False if no longer possible."""
    if snooze_id is None or choice not in ("3h", "am"):
        return False
    async with db.transaction() as conn:
        snooze = await deliveries.get(conn, user_id, snooze_id)
        if snooze is None or snooze.state != "scheduled":
            return False
        person = await people.get(conn, user_id)
        zone = person.zone if person else None
        if choice == "3h" or zone is None:
            due_at = now + SNOOZE_LONG
        else:
            due_at = next_due(now + timedelta(hours=4), MORNING, ALL_DAYS, zone_from_name(zone))
        await deliveries.reschedule(conn, snooze.id, due_at)
    return True


async def another(db: Database, catalogue: Catalogue, delivery: Delivery, now: datetime) -> Question:
    """Another question, in place of this one (the same delivery): one not passed over on it yet,
    while there is one."""
    async with db.transaction() as conn:
        passed: tuple[str, ...] = ()
        if delivery.prompt_id:
            passed = await deliveries.pass_over(conn, delivery.id, delivery.prompt_id)
        prompt = await choose_for(conn, catalogue, delivery.user_id, now, exclude=passed)
        await deliveries.set_prompt(conn, delivery.id, prompt.id)
        person = await people.get(conn, delivery.user_id)
    return Question(prompt, delivery.id, bool(person and person.mood_with_prompts))


async def skip(db: Database, delivery: Delivery) -> None:
    """Skip: recorded, never nagged about. A plain message after it is a free note."""
    async with db.transaction() as conn:
        await deliveries.mark_skipped(conn, delivery.id)
        await conversation.close_question(conn, delivery.user_id, delivery.id)
