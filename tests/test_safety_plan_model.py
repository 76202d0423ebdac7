"""The safety plan tried against a small reference model (docs/safety-plan.md).

Hypothesis drives the real Application through the local Bot API with random sequences of
/safetyplan, messages (short, long, with crisis words), the step buttons old and new (Skip, Done
with this step, Done, Keep it as it is), the edit buttons, erasing (confirmed or not, from old
confirmations too), a command in the middle and the clock moving past the ask's window. After
every step the plan and the journal in the database must be exactly what the model says: every
word in the step it was written for, or kept as a note; never both, never lost. Crisis words go
into the warning signs (step 1) only; at any other step they are a note and the step stays open.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from bot.app import running
from bot.clock import FakeClock
from bot.localapi import BotMessage, LocalBotAPI
from tests.conftest import START, TOKEN, Harness, make_settings

USER = 1001
ASK_WINDOW = timedelta(minutes=30)
MOVES = (timedelta(minutes=10), timedelta(minutes=31), timedelta(hours=9))
ERASE, YES, NO = "Erase my plan", "Yes, erase it", "No, keep it"
STEP_BUTTONS = ("Skip this step", "Done with this step ▸", "Done ✓", "Keep it as it is")


@dataclass
class Model:
    plan: dict[int, str] = field(default_factory=dict)
    mode: str | None = None  # "make", "edit" (next message replaces) or "edit+"; None: no step asked
    step: int = 0
    until: datetime | None = None
    notes: list[str] = field(default_factory=list)

    def asks(self, mode: str, step: int, now: datetime) -> None:
        self.mode, self.step, self.until = mode, step, now + ASK_WINDOW

    def message(self, text: str, now: datetime, *, crisis: bool = False) -> None:
        if self.mode is None or self.until is None or now >= self.until:
            self.notes.append(text)
            return
        if crisis and self.step != 1:
            # Crisis words go into the warning signs only; elsewhere they are a note, and the
            # step stays open as it was (its window is not renewed).
            self.notes.append(text)
            return
        if self.mode == "edit" or self.step not in self.plan:
            self.plan[self.step] = text
        else:
            self.plan[self.step] += "\n" + text
        self.asks("edit+" if self.mode == "edit" else self.mode, self.step, now)

    def moves_on(self, step: int) -> bool:
        """A step button for ``step``: whether it acts."""
        if self.mode is None or self.step != step:
            return False
        if self.mode != "make" or step == 7:
            self.mode = None
        else:
            self.mode, self.step = "make", step + 1
            # Asked anew: its window starts at the press (set by the caller).
        return True


class PlanMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()
        self.model = Model()
        self.counter = 0
        self.step_buttons: list[tuple[BotMessage, int]] = []  # every step button shown, and its step
        self.view: BotMessage | None = None  # the last whole plan shown (its buttons)
        self.confirms: list[tuple[BotMessage, dict[int, str]]] = []  # erase confirmations, and the plan then

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
        for message in new:
            labels = [label for label, _ in message.buttons]
            if ERASE in labels:
                self.view = message
            for label, data in message.buttons:
                if label in STEP_BUTTONS:
                    self.step_buttons.append((message, int(str(data).rsplit(":", 1)[1])))
            if YES in labels:
                self.confirms.append((message, dict(self.model.plan)))

    def _say(self, text: str, *, crisis: bool = False) -> list[BotMessage]:
        if text.startswith("/"):
            self.model.mode = None
        else:
            self.model.message(text, self.clock.now(), crisis=crisis)
        new = self.run(self.alex.says(text))
        self._saw(new)
        return new

    def _press(self, message: BotMessage, label: str) -> list[BotMessage]:
        new = self.run(self.alex.presses(message, label))
        self._saw(new)
        return new

    # --- what a person does ---------------------------------------------------------------

    @rule()
    def opens_the_plan(self) -> None:
        had_plan = bool(self.model.plan)
        self._say("/safetyplan")
        if not had_plan:
            self.model.asks("make", 1, self.clock.now())

    @rule(kind=st.sampled_from(["short", "long", "crisis"]))
    def writes(self, kind: str) -> None:
        self.counter += 1
        text = {
            "short": f"w{self.counter}",
            "long": f"w{self.counter} " + "walk & <breathe> " * 30,
            "crisis": f"w{self.counter} when I think I want to die",
        }[kind]
        self._say(text, crisis=kind == "crisis")

    @rule()
    def a_command(self) -> None:
        self._say("/mood 3")

    @rule(which=st.integers(min_value=0))
    @precondition(lambda self: self.step_buttons)
    def presses_a_step_button(self, which: int) -> None:
        """Any step button still shown (a person can press only what they see; a pressed one
        goes away, others from earlier messages stay)."""
        live = {m.message_id: m for m in self.alex.messages()}
        shown = [(m, step) for m, step in self.step_buttons if live[m.message_id].buttons]
        if not shown:
            return
        message, step = shown[which % len(shown)]
        acts = self.model.moves_on(step)
        if acts and self.model.mode is not None:
            self.model.until = self.clock.now() + ASK_WINDOW
        new = self._press(message, next(label for label, _ in message.buttons if label in STEP_BUTTONS))
        assert bool(new) == acts
        if acts and self.model.mode is None and not self.model.plan:
            assert "no plan to keep" in new[-1].visible

    @rule(step=st.integers(min_value=1, max_value=7))
    @precondition(lambda self: self.view is not None)
    def presses_edit(self, step: int) -> None:
        assert self.view is not None
        label = [label for label, _ in self.view.buttons][step - 1]
        acts = bool(self.model.plan)
        new = self._press(self.view, label)
        assert bool(new) == acts
        if acts:
            self.model.asks("edit", step, self.clock.now())

    @rule(which=st.integers(min_value=0))
    @precondition(lambda self: self.model.plan)
    def opens_the_plan_to_edit_a_written_step(self, which: int) -> None:
        """/safetyplan, then the button of a step that has words (the path that replaces them)."""
        self._say("/safetyplan")
        written = sorted(self.model.plan)
        self.presses_edit(written[which % len(written)])

    @rule()
    @precondition(lambda self: self.view is not None)
    def asks_to_erase(self) -> None:
        assert self.view is not None
        self._press(self.view, ERASE)

    @rule(which=st.integers(min_value=0), yes=st.booleans())
    @precondition(lambda self: self.confirms)
    def answers_an_erase_confirmation(self, which: int, yes: bool) -> None:
        message, plan_then = self.confirms[which % len(self.confirms)]
        if not any(label == (YES if yes else NO) for label, _ in message.buttons):
            return
        current = next(m for m in self.alex.messages() if m.message_id == message.message_id)
        if not current.buttons:  # answered before: its buttons are gone
            return
        self._press(message, YES if yes else NO)
        if yes and plan_then == self.model.plan and self.model.plan:
            self.model.plan = {}
            self.model.mode = None

    @rule(move=st.sampled_from(MOVES))
    def time_passes(self, move: timedelta) -> None:
        self.clock.advance(seconds=move.total_seconds())

    # --- what must hold after every step --------------------------------------------------

    @invariant()
    def the_plan_and_the_journal_are_what_the_model_says(self) -> None:
        if not hasattr(self, "harness"):
            return
        plan, notes = self.run(self._stored())
        assert plan == self.model.plan
        assert notes == self.model.notes

    async def _stored(self) -> tuple[dict[int, str], list[str]]:
        async with self.harness.runtime.db.read() as conn:
            async with conn.execute(
                "SELECT step, text FROM safety_plan_steps WHERE user_id = ?", (USER,)
            ) as cur:
                plan = {row[0]: row[1] for row in await cur.fetchall()}
            async with conn.execute("SELECT text FROM entries WHERE user_id = ? ORDER BY id", (USER,)) as cur:
                notes = [row[0] for row in await cur.fetchall()]
        return plan, notes


PlanMachine.TestCase.settings = settings(
    max_examples=int(os.environ.get("BETWEEN_MODEL_EXAMPLES", "12")),
    stateful_step_count=int(os.environ.get("BETWEEN_MODEL_STEPS", "25")),
    deadline=None,
    derandomize=not os.environ.get("BETWEEN_MODEL_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow],
)
TestSafetyPlanModel = PlanMachine.TestCase
