"""The WHO-5 check-in in any order: presses of current, earlier and left check-ins' buttons, the same
press twice, typed answers, words typed in the middle, commands and /wellbeing again, against a
small reference model. After every step the stored scores must be exactly the model's: one per
check-in whose fifth statement was answered, with its five answers, never one for a check-in left
half-way, never two for one."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from bot.app import running
from bot.clock import FakeClock
from bot.localapi import BotMessage, LocalBotAPI
from tests.conftest import START, TOKEN, Harness, make_settings

USER = 1001
_COUNTER = re.compile(r"(\d) of 5")


@dataclass
class Model:
    run: str | None = None  # the check-in under way
    answers: list[int] = field(default_factory=list)
    refused: int = 0
    stored: list[tuple[int, ...]] = field(default_factory=list)

    def started(self, run: str) -> None:
        self.run, self.answers, self.refused = run, [], 0

    def answered(self, run: str, index: int, value: int) -> None:
        if run != self.run or index != len(self.answers):
            return  # a left check-in, or a statement answered already: nothing changes
        self.answers.append(value)
        self.refused = 0
        if len(self.answers) == 5:
            self.stored.append(tuple(self.answers))
            self.run, self.answers = None, []

    def unreadable(self) -> None:
        # Kept as a note; the check-in keeps waiting however many there are (its buttons are
        # still under the statement), unlike other asks, which close after the second.
        if self.run is not None:
            self.refused += 1


@dataclass(frozen=True)
class Item:
    run: str
    index: int
    data: dict[int, str]  # answer value -> button data


class WellbeingMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.model = Model()
        self.items: list[tuple[int, Item]] = []  # (message id, item), every one the bot sent

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return self.loop.run_until_complete(coroutine)

    @initialize()
    def start(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.clock = FakeClock(START)
        self.api = LocalBotAPI(TOKEN, clock=lambda: self.clock.now().timestamp()).__enter__()
        self.api.add_user(USER, "Alex", "en")
        context = running(make_settings(self.api, Path(self.folder.name) / "between.sqlite3"), self.clock)
        runtime = self.run(context.__aenter__())
        self.context = context
        self.stop = asyncio.Event()
        self.polling = self.loop.create_task(runtime.poll(self.stop))
        self.harness = Harness(self.api, runtime, self.clock)
        self.alex = self.harness.person(USER)
        self.run(self.alex.onboard("Europe/Berlin"))

    def teardown(self) -> None:
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
        """Statements the bot sent, with the data of their six buttons."""
        for message in new:
            found = _COUNTER.search(message.visible or "")
            if found and message.buttons:
                data = {int(d.rsplit(":", 1)[1]): d for _, d in message.buttons if d}
                run = next(iter(data.values())).split(":")[2]
                self.items.append((message.message_id, Item(run, int(found.group(1)) - 1, data)))

    def _say(self, text: str) -> None:
        self._saw(self.run(self.alex.says(text)))

    @rule(values=st.lists(st.integers(min_value=0, max_value=5), max_size=5))
    def wellbeing(self, values: list[int]) -> None:
        """/wellbeing, and the newest statement's buttons pressed for some of the statements."""
        self._say("/wellbeing")
        self.model.started(self.items[-1][1].run)
        for value in values:
            message_id, item = self.items[-1]
            self._saw(self.run(self.alex.presses_data(message_id, item.data[value])))
            self.model.answered(item.run, item.index, value)

    @rule(
        which=st.sampled_from(["newest", "same check-in", "any"]),
        back=st.integers(min_value=0, max_value=8),
        value=st.integers(min_value=0, max_value=5),
    )
    def press(self, which: str, back: int, value: int) -> None:
        """A button: the newest statement's, one of the same check-in answered before (a second
        press, an old message), or any statement ever sent (a check-in left or completed)."""
        if not self.items:
            return
        newest = self.items[-1][1].run
        pool = {
            "newest": self.items[-1:],
            "same check-in": [entry for entry in self.items if entry[1].run == newest],
            "any": self.items,
        }[which]
        message_id, item = pool[-1 - back % len(pool)]
        self._saw(self.run(self.alex.presses_data(message_id, item.data[value])))
        self.model.answered(item.run, item.index, value)

    @rule(value=st.integers(min_value=0, max_value=5))
    def types_a_digit(self, value: int) -> None:
        run, index = self.model.run, len(self.model.answers)
        self._say(str(value))
        if run is not None:
            self.model.answered(run, index, value)

    @rule()
    def types_words(self) -> None:
        self._say("not sure what to say")
        self.model.unreadable()

    @rule()
    def another_command(self) -> None:
        self._say("/help")
        self.model.run, self.model.answers = None, []

    @invariant()
    def scores_are_the_models(self) -> None:
        if not hasattr(self, "harness"):
            return

        async def stored() -> list[tuple[int, ...]]:
            async with self.harness.runtime.db.read() as conn:
                rows = await conn.execute_fetchall(
                    "SELECT answers FROM wellbeing_scores WHERE user_id = ? ORDER BY id", (USER,)
                )
            return [tuple(int(c) for c in row[0]) for row in rows]

        assert self.run(stored()) == self.model.stored

    @invariant()
    def the_check_in_under_way_is_the_models(self) -> None:
        """Where the check-in stands (services/wellbeing.py): which one, and the answers so far."""
        if not hasattr(self, "harness"):
            return

        async def waiting() -> str | None:
            async with self.harness.runtime.db.read() as conn:
                rows = await conn.execute_fetchall(
                    "SELECT about FROM conversations WHERE user_id = ? AND waiting_for = 'wellbeing'",
                    (USER,),
                )
            return next((row[0] for row in rows), None)

        model = self.model
        expected = None if model.run is None else f"{model.run}:{''.join(map(str, model.answers))}"
        assert self.run(waiting()) == expected


WellbeingMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("BETWEEN_MODEL_EXAMPLES", "15")),
    stateful_step_count=int(os.environ.get("BETWEEN_MODEL_STEPS", "25")),
    deadline=None,
    derandomize=not os.environ.get("BETWEEN_MODEL_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow],
)
TestWellbeingModel = WellbeingMachine.TestCase
