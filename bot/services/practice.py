"""Practice between sessions: what a person wants to practise comes back to them, and small
experiments close their loop (docs/practice.md).

- An **intention** is the answer to the question asked right after a session (theme
  ``practice``), or ``/practice TEXT``: it becomes an open *practice*, in the person's words.
- While a practice is open, later questions come back to it (theme ``practice-checkin``): the
  first no later than the second question after it was set, then about one question in three,
  never two in a row. Answers to such a question are filed under its practice (the question's
  delivery knows which practice it asked about); "Didn't get to it" is an answer too.
- An **experiment** (``/experiment``): what the person will try, what they expect, how sure they
  are; then one question (theme ``experiment-outcome``) once its time has come asks what
  happened, and a reply asks what they learned. Asked at most once: nothing nags.

Functions taking a connection join the caller's transaction (a question chosen with its claim);
the others are one transaction per action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import aiosqlite

from bot.errors import BadInput
from bot.parsing.percent import read_percent
from bot.prompts import EXPERIMENT_OUTCOME, PRACTICE, PRACTICE_CHECKIN, Catalogue
from bot.schedule import ALL_DAYS, local_instant, next_due
from bot.services import conversation
from bot.services.conversation import Ask
from bot.store import deliveries, people
from bot.store import practice as store
from bot.store.db import Database
from bot.store.entries import Entry
from bot.store.practice import Experiment, Practice
from bot.timezones import zone_from_name

# After the last question that came back to a practice, this many questions go by before the
# next one: about one question in three.
CHECKIN_GAP = 2
# How many of a person's latest questions the cadence looks at.
LOOKBACK = 50
# What a practice or an experiment's step may hold (a sentence or a few; a long answer stays a
# note in the journal).
MAX_TEXT = 300
MAX_EXPERIMENT_TEXT = 1000
# How much of a practice a question quotes.
QUOTE = 160
# When "tonight" and "tomorrow" are, on the person's clock.
EVENING = time(20, 0)
TOMORROW = time(18, 0)
DEFAULT_CHECK = timedelta(days=1)
WHEN_CHOICES = ("tonight", "tomorrow", "next")
SURE_CHOICES = (10, 30, 50, 70, 90)
_PLACEHOLDER = re.compile(r"\{(practice|try|expect)\}")


# --- which question comes next ------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """A question that should come back to a practice ('checkin') or an experiment ('outcome')."""

    kind: str
    practice_id: int | None = None
    experiment_id: int | None = None

    @property
    def theme(self) -> str:
        return PRACTICE_CHECKIN if self.kind == "checkin" else EXPERIMENT_OUTCOME


async def due(conn: aiosqlite.Connection, user_id: int, now: datetime) -> Due | None:
    """Whether the next question should come back to a practice or an experiment, and which.

    An experiment whose time has come goes first (the person chose when), unless the question
    before asked about an experiment. A practice is never come back to right after another such
    question: then a practice not come back to yet once a question went by since it was set;
    then, when :data:`CHECKIN_GAP` questions went by since the last one came back, the practice
    come back to least recently.
    """
    if not await store.anything_open(conn, user_id, now):
        return None  # most people, most of the time: one indexed look
    recent = await store.recent_questions(conn, user_id, LOOKBACK)
    last = recent[0].kind if recent else None
    if last != "outcome":
        experiment = await store.due_experiment(conn, user_id, now)
        if experiment is not None:
            return Due("outcome", experiment_id=experiment.id)
    if last is not None:
        return None
    practices = await store.open_practices(conn, user_id)
    if not practices:
        return None
    for practice in practices:
        after = [r for r in recent if r.sent_at > practice.created_at]
        if after and not any(r.practice_id == practice.id for r in after):
            return Due("checkin", practice_id=practice.id)
    since = next((i for i, r in enumerate(recent) if r.kind is not None), len(recent))
    if since < CHECKIN_GAP:
        return None

    def last_time(practice: Practice) -> int:
        position = next((i for i, r in enumerate(recent) if r.practice_id == practice.id), len(recent))
        return -position  # further back in the list: longer ago

    return Due("checkin", practice_id=min(practices, key=lambda p: (last_time(p), p.id)).id)


async def record(
    conn: aiosqlite.Connection, user_id: int, delivery_id: int, prompt_id: str, what: Due, now: datetime
) -> None:
    """The question ``delivery_id`` comes back to ``what`` (in the transaction that made it); an
    experiment's question is asked this once."""
    await store.link(
        conn, user_id, delivery_id, prompt_id, practice_id=what.practice_id, experiment_id=what.experiment_id
    )
    if what.experiment_id is not None:
        await store.set_experiment(conn, user_id, what.experiment_id, "asked_at", now)


async def snoozed(conn: aiosqlite.Connection, delivery_id: int, snooze_id: int) -> None:
    """A question put off with Later comes back to the same practice or experiment."""
    await store.copy_link(conn, delivery_id, snooze_id)


def quote(text: str, limit: int = QUOTE) -> str:
    """A practice as a question quotes it: on one line, cut at a word when long."""
    words = " ".join(text.split())
    if len(words) <= limit:
        return words
    return words[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


def fill(text: str, words: dict[str, str]) -> str:
    """A catalogue question with the person's words in its placeholders (one pass: words that
    look like a placeholder stay as written). The template escapes the result."""
    return _PLACEHOLDER.sub(lambda m: words.get(m.group(1), m.group(0)), text)


async def words_for(
    db: Database, user_id: int, delivery_id: int, prompt_id: str | None
) -> dict[str, str] | None:
    """The person's words a question quotes, if it comes back to a practice or an experiment."""
    async with db.read() as conn:
        return await words_in(conn, user_id, delivery_id, prompt_id)


async def words_in(
    conn: aiosqlite.Connection, user_id: int, delivery_id: int, prompt_id: str | None
) -> dict[str, str] | None:
    asked = await store.asked(conn, user_id, delivery_id)
    if asked is None or asked.prompt_id != prompt_id:
        return None
    if asked.practice_id is not None:
        practice = await store.practice(conn, user_id, asked.practice_id)
        return {"practice": quote(practice.text)} if practice else None
    assert asked.experiment_id is not None
    experiment = await store.experiment(conn, user_id, asked.experiment_id)
    if experiment is None:
        return None
    return {"try": quote(experiment.try_text or ""), "expect": quote(experiment.expect_text or "")}


# --- answers ---------------------------------------------------------------------------------


async def answer_kept(
    db: Database, catalogue: Catalogue, user_id: int, entry: Entry, *, first: bool, now: datetime
) -> str | None:
    """A message answering a question was kept: what it means for practice.

    'intention': it set a practice (the first text answering an intention question does);
    'checkin': it is filed under the practice its question came back to; 'outcome': what
    happened in an experiment (the first one asks what the person learned); None: nothing
    to do with practice. Safe to call again for the same message (a redelivery).
    """
    if entry.delivery_id is None or entry.prompt_id is None:
        return None
    prompt = catalogue.get(entry.prompt_id)
    if prompt is None or prompt.theme not in (PRACTICE, PRACTICE_CHECKIN, EXPERIMENT_OUTCOME):
        return None  # an ordinary answer: nothing to look up
    async with db.transaction() as conn:
        if prompt.theme == PRACTICE:
            if not entry.text or not entry.text.strip():
                return None
            made = await store.add_practice(
                conn, user_id, entry.text.strip(), now, entry_id=entry.id, delivery_id=entry.delivery_id
            )
            if made is not None:
                return "intention"
            # A later message answering the same question: part of the same practice.
            joined = await store.join_practice(conn, user_id, entry.delivery_id, entry.text.strip())
            return "checkin" if joined else None
        asked = await store.asked(conn, user_id, entry.delivery_id)
        if asked is None or asked.prompt_id != entry.prompt_id:
            return None
        if asked.kind == "checkin":
            return "checkin"
        assert asked.experiment_id is not None
        experiment = await store.experiment(conn, user_id, asked.experiment_id)
        if first and experiment is not None and experiment.learned is None:
            await conversation.ask_in(conn, user_id, Ask.EXPERIMENT_LEARNED, now, about=str(experiment.id))
        return "outcome"


async def not_yet(db: Database, user_id: int, delivery_id: int, now: datetime) -> bool:
    """ "Didn't get to it" under a question that came back: a kind, valid answer, kept as that.
    False if the question is not one that came back (or is too old to answer)."""
    async with db.transaction() as conn:
        delivery = await deliveries.get(conn, user_id, delivery_id)
        asked = await store.asked(conn, user_id, delivery_id)
        if delivery is None or asked is None or asked.prompt_id != delivery.prompt_id or asked.outcome:
            return False
        if delivery.sent_at is None or now - delivery.sent_at > timedelta(hours=24):
            return False
        await store.set_outcome(conn, user_id, delivery_id, "not_yet", now)
        await conversation.close_question(conn, user_id, delivery_id)
    return True


# --- /practice --------------------------------------------------------------------------------


def _practice_text(text: str) -> str:
    words = text.strip()
    if not words:
        raise BadInput("practice_empty")
    if len(words) > MAX_TEXT:
        raise BadInput("practice_too_long", limit=MAX_TEXT)
    return words


async def add(db: Database, user_id: int, text: str, now: datetime, *, answered: bool = False) -> Practice:
    """/practice TEXT, or the reply after "+ Add one": a new open practice."""
    words = _practice_text(text)
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, None, now)
        if answered:
            await conversation.replied(conn, user_id, Ask.PRACTICE_TEXT)
        practice_id = await store.add_practice(conn, user_id, words, now)
        assert practice_id is not None
        made = await store.practice(conn, user_id, practice_id)
    assert made is not None
    return made


async def ask_for_one(db: Database, user_id: int, now: datetime) -> None:
    """ "+ Add one": the next message is the practice."""
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, None, now)
        await conversation.ask_in(conn, user_id, Ask.PRACTICE_TEXT, now)


async def open_ones(db: Database, user_id: int) -> list[Practice]:
    async with db.read() as conn:
        return await store.open_practices(conn, user_id)


async def close(db: Database, user_id: int, practice_id: int, state: str, now: datetime) -> bool:
    """Mark done ("done") or let go ("let_go"); False if it was not open."""
    assert state in ("done", "let_go")
    async with db.transaction() as conn:
        return await store.close_practice(conn, user_id, practice_id, state, now)


# --- /experiment ------------------------------------------------------------------------------


def _experiment_text(text: str) -> str:
    words = text.strip()
    if not words:
        raise BadInput("practice_empty")
    if len(words) > MAX_EXPERIMENT_TEXT:
        raise BadInput("practice_too_long", limit=MAX_EXPERIMENT_TEXT)
    return words


async def start_experiment(db: Database, user_id: int, text: str, now: datetime) -> tuple[Ask, int]:
    """/experiment [what I will try]: returns what is asked next, about which experiment.

    An experiment still waiting for how sure the person is (half-made: a command came in the
    middle) is never duplicated: ``/experiment`` alone continues it where it stopped, and
    ``/experiment TEXT`` makes TEXT what they will try in it, asking again what they expect.
    """
    words = _experiment_text(text) if text.strip() else None
    async with db.transaction() as conn:
        await people.ensure(conn, user_id, None, now)
        half = next((e for e in reversed(await store.all_experiments(conn, user_id)) if e.sure is None), None)
        if half is not None and words is None:
            if half.try_text is None:
                following = Ask.EXPERIMENT_TRY
            elif half.expect_text is None:
                following = Ask.EXPERIMENT_EXPECT
            else:
                following = Ask.EXPERIMENT_SURE
            await conversation.ask_in(conn, user_id, following, now, about=str(half.id))
            return following, half.id
        if half is not None:
            experiment_id = half.id
            await store.set_experiment(conn, user_id, experiment_id, "expect_text", None)
        else:
            experiment_id = await store.add_experiment(conn, user_id, now)
        following = Ask.EXPERIMENT_TRY
        if words is not None:
            await store.set_experiment(conn, user_id, experiment_id, "try_text", words)
            following = Ask.EXPERIMENT_EXPECT
        await conversation.ask_in(conn, user_id, following, now, about=str(experiment_id))
    return following, experiment_id


async def experiment_reply(db: Database, user_id: int, ask: Ask, text: str, now: datetime) -> Experiment:
    """A reply to one of the experiment's questions; raises BadInput (nothing changes) when it
    cannot be read. Asks the next question in the same transaction."""
    about = await conversation.ask_about(db, user_id, ask)
    experiment_id = int(about) if about and about.isdigit() else None
    if ask == Ask.EXPERIMENT_SURE:
        value: object = read_percent(text)
    else:
        value = _experiment_text(text)
    field, following = {
        Ask.EXPERIMENT_TRY: ("try_text", Ask.EXPERIMENT_EXPECT),
        Ask.EXPERIMENT_EXPECT: ("expect_text", Ask.EXPERIMENT_SURE),
        Ask.EXPERIMENT_SURE: ("sure", None),
        Ask.EXPERIMENT_LEARNED: ("learned", None),
    }[ask]
    async with db.transaction() as conn:
        found = await store.experiment(conn, user_id, experiment_id) if experiment_id else None
        if found is None:
            raise BadInput("experiment_gone")
        await conversation.replied(conn, user_id, ask)
        await store.set_experiment(conn, user_id, found.id, field, value)
        if ask == Ask.EXPERIMENT_SURE and found.check_at is None:
            await store.set_experiment(conn, user_id, found.id, "check_at", now + DEFAULT_CHECK)
        if following is not None:
            await conversation.ask_in(conn, user_id, following, now, about=str(found.id))
        updated = await store.experiment(conn, user_id, found.id)
    assert updated is not None
    return updated


async def sure_button(
    db: Database, user_id: int, experiment_id: int, value: int, now: datetime
) -> Experiment | None:
    """A "how sure" button; None if the experiment is not waiting for it any more."""
    if not 0 <= value <= 100:
        return None
    async with db.transaction() as conn:
        found = await store.experiment(conn, user_id, experiment_id)
        if found is None or found.sure is not None or found.expect_text is None:
            return None
        await conversation.replied(conn, user_id, Ask.EXPERIMENT_SURE)
        await store.set_experiment(conn, user_id, experiment_id, "sure", value)
        await store.set_experiment(conn, user_id, experiment_id, "check_at", now + DEFAULT_CHECK)
        return await store.experiment(conn, user_id, experiment_id)


async def when_button(
    db: Database, user_id: int, experiment_id: int, choice: str, now: datetime
) -> datetime | None:
    """When to ask how it went: tonight, tomorrow, or with the next question. None if that
    question went already (or the choice is unknown)."""
    if choice not in WHEN_CHOICES:
        return None
    async with db.transaction() as conn:
        found = await store.experiment(conn, user_id, experiment_id)
        if found is None or found.asked_at is not None or found.sure is None:
            return None
        person = await people.get(conn, user_id)
        zone = zone_from_name(person.zone) if person and person.zone else None
        if choice == "next" or zone is None:
            at = now if choice == "next" else now + DEFAULT_CHECK
        elif choice == "tonight":
            evening = local_instant(now.astimezone(zone).date(), EVENING, zone)
            at = evening if evening > now + timedelta(minutes=30) else now + timedelta(hours=1)
        else:
            at = next_due(now + timedelta(hours=12), TOMORROW, ALL_DAYS, zone)
        await store.set_experiment(conn, user_id, experiment_id, "check_at", at)
    return at
