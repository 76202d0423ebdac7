"""What a message means, tried against a small reference model of the rules (docs/conversation.md).

Hypothesis drives the real Application through the local Bot API with random sequences of
reminders firing, /prompt, answers, Telegram replies to old questions, Skip / Later / Another
question, commands that ask for something, asked-for replies (readable and not), notes, edits and
clock moves past the windows. After every step the journal in the database must be exactly what
the model says: each kept message under the question the rules name, no asked-for reply ever a
note, nothing written lost.

CI runs a fixed seed and a bounded number of examples. For a longer local run:
``BETWEEN_MODEL_RANDOM=1 BETWEEN_MODEL_EXAMPLES=300 BETWEEN_MODEL_STEPS=60 pytest
tests/test_conversation_model.py`` (see docs/conversation.md for what such a run found).
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bot.app import running
from bot.clock import FakeClock
from bot.errors import BadInput
from bot.localapi import BotMessage, LocalBotAPI
from bot.parsing import parse_remind_args, parse_session_args, parse_zone_answer
from tests.conftest import START, TOKEN, Harness, make_settings

ANSWER_WINDOW = timedelta(hours=12)
ASK_WINDOW = timedelta(minutes=30)
USER = 1001
BERLIN = ZoneInfo("Europe/Berlin")
# Replies that each ask can read. Anything the model sends otherwise is a word no parser reads
# (a letter before the digits: never a time, a date or a place).
READABLE = {"zone": ("Lisbon", "Berlin"), "remind_time": ("21:15",), "session_time": ("thu 17:00",)}
STEPS = (timedelta(minutes=5), timedelta(minutes=29), timedelta(minutes=31), timedelta(hours=3),
         timedelta(hours=11), timedelta(hours=13))  # fmt: skip


@dataclass
class Model:
    """The rules, written as simply as they can be said."""

    open_question: int | None = None  # the prompt's message id
    open_until: datetime | None = None
    ask: str | None = None
    ask_until: datetime | None = None
    refused: int = 0
    prompts: list[int] = field(default_factory=list)
    # message id -> (text, the prompt message it answers or None)
    journal: dict[int, tuple[str, int | None]] = field(default_factory=dict)
    asked_replies: set[int] = field(default_factory=set)
    # Practice: the practice each prompt message quotes as it stands now (None: it quotes none),
    # and the practice each kept message is filed under (the one its question quoted then).
    quotes: dict[int, str | None] = field(default_factory=dict)
    filed: dict[int, str | None] = field(default_factory=dict)

    def command(self) -> None:
        self.open_question = self.ask = None

    def asks(self, what: str, now: datetime) -> None:
        self.open_question, self.ask, self.ask_until, self.refused = None, what, now + ASK_WINDOW, 0

    def prompt_sent(self, message_id: int, now: datetime) -> None:
        self.prompts.append(message_id)
        self.open_question, self.open_until, self.ask = message_id, now + ANSWER_WINDOW, None

    def message(self, message_id: int, text: str, now: datetime, reply_to: int | None) -> None:
        short = len(text) <= 60 and len(text.split()) <= 6
        if self.ask and self.ask_until and now < self.ask_until and short and reply_to is None:
            reading = _reads_as(self.ask, text, now)
            if reading is not None:
                self.asked_replies.add(message_id)
                if reading == "asks again":  # a clock time: zones offered, the question stays
                    self.asks(self.ask, now)
                else:
                    self.ask = None
                return
            self.refused += 1
            self.journal[message_id] = (text, None)
            if self.refused >= 2:
                self.ask = None
            return
        if reply_to in self.prompts:
            self.journal[message_id] = (text, reply_to)
        elif self.open_question and self.open_until and now < self.open_until:
            self.journal[message_id] = (text, self.open_question)
        else:
            self.journal[message_id] = (text, None)
        question = self.journal[message_id][1]
        self.filed[message_id] = self.quotes.get(question) if question is not None else None


def _reads_as(ask: str, text: str, now: datetime) -> str | None:
    """Whether the parser for ``ask`` can read ``text`` (the parsers are not what is tested
    here; which message reaches them is): "done", "asks again", or None for unreadable."""
    try:
        if ask == "zone":
            guess = parse_zone_answer(text, now=now)
            return "done" if guess.zone else "asks again"
        if ask == "remind_time":
            parse_remind_args(text.split())
        else:
            spec = parse_session_args(text.split(), local_now=now.astimezone(BERLIN))
            if spec.action != "set":
                return None
    except BadInput:
        return None
    return "done"


def _quoted(message: BotMessage) -> str | None:
    """The practice a question quotes (in «»), None for an ordinary question."""
    match = re.search("«(.*?)»", message.visible or "")
    return match.group(1) if match else None


class ConversationMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.model = Model()
        self.counter = 0
        self.live_buttons: set[int] = set()  # prompts whose Later/Another/Skip still act

    # --- running the real bot -------------------------------------------------------------

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    @initialize()
    def start(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock(START)
        self.api = LocalBotAPI(TOKEN, clock=lambda: self.clock.now().timestamp()).__enter__()
        self.api.add_user(USER, "Alex", "en")
        settings_ = make_settings(self.api, Path(self.folder.name) / "between.sqlite3")
        context = running(settings_, self.clock)
        runtime = self.run(context.__aenter__())
        self.context = context
        self.stop = asyncio.Event()
        self.polling = self.loop.create_task(runtime.poll(self.stop))
        self.harness = Harness(self.api, runtime, self.clock)
        self.alex = self.harness.person(USER)
        self.run(self.alex.onboard("Europe/Berlin"))
        self.run(self.alex.says("/remind 20:00"))
        self.run(self.alex.says("/practice say no once"))  # later questions come back to it
        self._saw(self._say("/prompt"))

    def teardown(self) -> None:
        # Undo only what start() got to (it may have failed part-way).
        if hasattr(self, "polling"):
            self.stop.set()
            self.run(self.polling)
        if hasattr(self, "context"):
            self.run(self.context.__aexit__(None, None, None))
        if hasattr(self, "api"):
            self.api.__exit__(None, None, None)
        if hasattr(self, "folder"):
            self.folder.cleanup()
        self.loop.close()

    def _saw(self, new: list[BotMessage]) -> None:
        """Prompts the bot sent: each is the open question from now on."""
        for message in new:
            if any(label == "Skip" for label, _ in message.buttons):
                self.model.prompt_sent(message.message_id, self.clock.now())
                self.model.quotes[message.message_id] = _quoted(message)
                self.live_buttons.add(message.message_id)

    def _text(self, long: bool = False) -> str:
        self.counter += 1
        words = [f"w{self.counter}"] + ["more"] * (8 if long else 1)
        return " ".join(words)

    def _say(self, text: str, reply_to: int | None = None) -> list[BotMessage]:
        update = self.api.send_message(USER, text, reply_to=reply_to)
        message_id = update["message"]["message_id"]
        if text.startswith("/"):
            self.model.command()
        else:
            self.model.message(message_id, text, self.clock.now(), reply_to)
        before = {m.message_id for m in self.alex.messages()}
        self.run(self.harness.processed(update["update_id"]))
        return [m for m in self.alex.messages() if m.message_id not in before]

    # --- what a person does ---------------------------------------------------------------

    @rule()
    def prompt_now(self) -> None:
        self._saw(self._say("/prompt"))

    @rule(step=st.sampled_from(STEPS))
    def time_passes(self, step: timedelta) -> None:
        self.clock.advance(seconds=step.total_seconds())
        before = {m.message_id for m in self.alex.messages()}
        self.run(self.harness.tick())
        self._saw([m for m in self.alex.messages() if m.message_id not in before])

    @rule(long=st.booleans(), looks_like_a_reply=st.booleans(), data=st.data())
    def writes(self, long: bool, looks_like_a_reply: bool, data: st.DataObject) -> None:
        """A note; sometimes one that would read as a reply (a city, a time) if one were asked."""
        if looks_like_a_reply:
            self._say(data.draw(st.sampled_from([text for texts in READABLE.values() for text in texts])))
        else:
            self._say(self._text(long))

    @rule(which=st.integers(min_value=0))
    @precondition(lambda self: self.model.prompts)
    def replies_to_a_question(self, which: int) -> None:
        prompt = self.model.prompts[which % len(self.model.prompts)]
        self._say(self._text(), reply_to=prompt)

    @rule()
    def sets_a_practice(self) -> None:
        """/practice TEXT: later questions come back to it, quoting it."""
        self._say(f"/practice {self._text()} practice")

    @rule(label=st.sampled_from(["Skip", "Later", "Another question", "Didn't get to it"]))
    @precondition(lambda self: self.model.open_question in self.live_buttons)
    def presses_under_the_question(self, label: str) -> None:
        prompt = self.model.open_question
        assert prompt is not None
        message = next(m for m in self.alex.messages() if m.message_id == prompt)
        if label not in [text for text, _ in message.buttons]:
            return
        sent_at = self.model.open_until - ANSWER_WINDOW  # type: ignore[operator]
        new = self.run(self.alex.presses(message, label))
        if self.clock.now() - sent_at > timedelta(hours=24):
            return  # a day-old button no longer acts
        if label != "Another question":
            self.live_buttons.discard(prompt)
            self.model.open_question = None
        else:  # the same message, another question: it may quote no practice any more
            shown = next(m for m in self.alex.messages() if m.message_id == prompt)
            self.model.quotes[prompt] = _quoted(shown)
        self._saw(new)

    @rule(what=st.sampled_from(["zone", "remind_time", "session_time", "help"]))
    def starts_a_command(self, what: str) -> None:
        """A command: /help asks nothing; the others ask for a reply."""
        if what == "help":
            self._say("/help")
            return
        if what == "zone":
            self._say("/timezone")
        elif what == "remind_time":
            (listing,) = self._say("/remind")
            self.run(self.alex.presses(listing, "+ Add a time"))
        else:
            (shown,) = self._say("/session")
            if any(label == "Move" for label, _ in shown.buttons):
                self.run(self.alex.presses(shown, "Move"))
        self.model.asks(what, self.clock.now())

    @rule(data=st.data())
    @precondition(lambda self: self.model.ask is not None)
    def answers_what_was_asked(self, data: st.DataObject) -> None:
        assert self.model.ask is not None
        self._saw(self._say(data.draw(st.sampled_from(READABLE[self.model.ask]))))

    @rule(which=st.integers(min_value=0))
    @precondition(lambda self: self.model.journal)
    def edits_a_kept_message(self, which: int) -> None:
        ids = sorted(self.model.journal)
        message_id = ids[which % len(ids)]
        text = self._text() + " edited"
        _, question = self.model.journal[message_id]
        self.model.journal[message_id] = (text, question)
        update = self.api.edit_message(USER, message_id, text)
        self.run(self.harness.processed(update["update_id"]))

    # --- what must hold after every step --------------------------------------------------

    @invariant()
    def the_journal_is_what_the_rules_say(self) -> None:
        if not hasattr(self, "harness"):
            return
        kept = self.run(self._journal())
        assert kept == self.model.journal
        assert not (set(kept) & self.model.asked_replies), "an asked-for reply was kept as a note"
        filed = self.run(self._filed())
        assert filed == {k: v for k, v in self.model.filed.items() if v is not None}, (
            "an answer was filed under a practice other than the one its question quoted"
        )

    async def _filed(self) -> dict[int, str]:
        """Kept message -> the practice it is filed under (through the question it answers)."""
        async with self.harness.runtime.db.read() as conn:
            async with conn.execute(
                "SELECT e.message_id, p.text FROM entries AS e JOIN practice_questions AS q"
                " ON q.delivery_id = e.delivery_id AND q.prompt_id = e.prompt_id"
                " JOIN practices AS p ON p.id = q.practice_id WHERE e.user_id = ?",
                (USER,),
            ) as cur:
                return {row[0]: row[1] for row in await cur.fetchall()}

    async def _journal(self) -> dict[int, tuple[str, int | None]]:
        async with self.harness.runtime.db.read() as conn:
            async with conn.execute(
                "SELECT e.message_id, e.text, d.message_id AS prompt FROM entries AS e"
                " LEFT JOIN deliveries AS d ON d.id = e.delivery_id WHERE e.user_id = ?",
                (USER,),
            ) as cur:
                return {row["message_id"]: (row["text"], row["prompt"]) for row in await cur.fetchall()}


ConversationMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("BETWEEN_MODEL_EXAMPLES", "20")),
    stateful_step_count=int(os.environ.get("BETWEEN_MODEL_STEPS", "25")),
    deadline=None,
    derandomize=not os.environ.get("BETWEEN_MODEL_RANDOM"),  # a fixed seed unless asked
    suppress_health_check=[HealthCheck.too_slow],
)
TestConversationModel = ConversationMachine.TestCase
