"""Crash safety: Between, killed with SIGKILL at any moment, loses no message and keeps none twice.

The real bot runs as a subprocess (``python -m bot run``) against the local Bot API stand-in
served from this process, so a kill hits what it would hit in production: the process dies with
whatever it had in flight -- a long poll, an answer half read, a transaction, a reaction on its way.
What must hold afterwards (bot/intake.py): every update went through the inbox and was handled to
its end, every message is stored exactly once under its (chat, message), the inbox keeps no
payload of a handled update, and no message was acknowledged twice.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.localapi import LocalBotAPI

TOKEN = "123456789:TEST-token-for-crashes"
PEOPLE = (2001, 2002, 2003, 2004, 2005)
NOT_ONBOARDED = 2005  # writes before choosing a zone: kept as notes, the bot asks for the zone
NOTES_EACH = 20
START_TIMEOUT = 15.0  # seconds for a fresh process to reach its first getUpdates (2 busy cores)
SETTLE_TIMEOUT = 20.0
STREAM_TIMEOUT = 40.0
LAUNCHER = Path(__file__).with_name("crash_bot.py")


class Gate:
    """Holds requests at the stand-in's door while closed, letting them through one by one."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._closed = False
        self._arrived = 0  # requests held so far, in all
        self._passes = 0

    def enter(self) -> None:
        """Called by the request's thread: return at once if open, else wait for a pass."""
        with self._cond:
            if not self._closed:
                return
            self._arrived += 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._passes > 0 or not self._closed, timeout=30)
            self._passes = max(0, self._passes - 1)

    def close(self) -> None:
        """Hold every request from now on."""
        with self._cond:
            self._closed = True

    def open(self) -> None:
        """Let everything through, held requests included."""
        with self._cond:
            self._closed = False
            self._cond.notify_all()

    def let_one_through(self) -> None:
        """Release one held request."""
        with self._cond:
            self._passes += 1
            self._cond.notify_all()

    def wait_arrivals(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` requests in all were held; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._arrived >= count, timeout=timeout)


class RecordingAPI(LocalBotAPI):
    """The stand-in, also recording what every getUpdates answered, and able to hold reactions.

    Both happen at the HTTP entry point, outside the stand-in's lock, so a held request keeps
    nothing else waiting. A getUpdates answer is recorded when it is ready to be written back:
    if the bot dies just then, it counts as delivered though the bot never read it, as on Telegram.
    """

    def __init__(self, token: str) -> None:
        super().__init__(token)
        self._lock = threading.Lock()
        self._answers: list[list[int]] = []
        self.reactions = Gate()
        self.watch: frozenset[int] = frozenset()
        self.watch_delivered = threading.Event()  # a getUpdates answer held a watched id

    def _handle_http(
        self,
        target: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] | None = None,
    ) -> tuple[int, str, bytes]:
        method = urlsplit(target).path.rsplit("/", 1)[-1].lower()
        if method == "setmessagereaction":
            self.reactions.enter()
        status, mime, payload = super()._handle_http(target, content_type, body, client_gone)
        if method == "getupdates" and status == 200:
            ids = [update["update_id"] for update in json.loads(payload)["result"]]
            with self._lock:
                self._answers.append(ids)
            if self.watch.intersection(ids):
                self.watch_delivered.set()
        return status, mime, payload

    def answers(self) -> list[list[int]]:
        """The update ids of every getUpdates answer so far, in order."""
        with self._lock:
            return [list(ids) for ids in self._answers]

    def redeliveries(self) -> int:
        """How many times an update was sent again after a first delivery."""
        counts = Counter(i for ids in self.answers() for i in ids)
        return sum(n - 1 for n in counts.values())

    def reaction_calls(self) -> Counter[tuple[int, int]]:
        """How many times the bot reacted to each (chat_id, message_id)."""
        return Counter(
            (call.params["chat_id"], call.params["message_id"]) for call in self.calls("setMessageReaction")
        )


@dataclass
class Bot:
    """The real bot as a subprocess, started, killed and restarted by the test."""

    api: RecordingAPI
    db_path: Path
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    exit_codes: list[int] = field(default_factory=list)
    _polls_before: int = 0

    def start(self) -> None:
        """Start `between run` and wait until it polls (left-over updates are being handled)."""
        self.launch()
        wait_until(self.polling, START_TIMEOUT, "the bot to start polling", self)

    def launch(self) -> None:
        """Start `between run` without waiting for it."""
        assert self.process is None, "the previous process is still running"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BETWEEN_", "TELEGRAM_"))}
        env.update(
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.api.base_url,
            BETWEEN_DB=str(self.db_path),
            PTB_TIMEDELTA="1",
        )
        self._polls_before = len(self.api.calls("getUpdates"))
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts + 1}\n".encode())
            log.flush()
            # crash_bot.py becomes `python -m bot run` (same pid), bound to die with this process.
            self.process = subprocess.Popen(
                [sys.executable, str(LAUNCHER), str(os.getpid())],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.starts += 1

    def polling(self) -> bool:
        """Whether the current process has asked for updates (after queueing what its inbox held)."""
        return self.process is not None and len(self.api.calls("getUpdates")) > self._polls_before

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed, nothing is closed."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.exit_codes.append(self.process.wait(timeout=10))
        self.process = None

    def stop(self, timeout: float) -> int | None:
        """SIGTERM, as a service manager stops it; the exit code, or None if it did not exit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self.exit_codes.append(code)
        self.process = None
        return code

    def check_alive(self) -> None:
        """Fail at once, with the bot's log, if the bot died on its own."""
        if self.process is not None and self.process.poll() is not None:
            pytest.fail(f"the bot exited by itself with {self.process.returncode}\n{self.log()}")

    def log(self) -> str:
        """Everything the bot printed (never message text: Between does not log it)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def cleanup(self) -> None:
        """Leave no process behind, whatever happened."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, bot: Bot) -> Any:
    """Poll ``predicate`` until truthy; fail with the bot's log after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        bot.check_alive()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {what}\n{bot.log()}")
        time.sleep(0.005)


def shows_bot_log(test: Callable[..., None]) -> Callable[..., None]:
    """A failing assertion also shows what the bot printed (kept in a file, shown only then)."""

    @functools.wraps(test)
    def run(bot: Bot, *args: Any, **kwargs: Any) -> None:
        try:
            test(bot, *args, **kwargs)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- the bot's output:\n{bot.log()}") from None

    return run


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection: it can neither change the file nor checkpoint the bot's WAL."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        yield conn
    finally:
        conn.close()


def inbox_states(db_path: Path, update_ids: list[int]) -> dict[int, str]:
    """The inbox state of each of these updates that the inbox holds; "stored" for a pending
    message already in entries (handled, its done mark not yet written)."""
    if not update_ids:
        return {}
    marks = ",".join("?" * len(update_ids))
    with reading(db_path) as conn:
        rows = conn.execute(
            "SELECT inbox.update_id,"
            " CASE WHEN inbox.state != 'done' AND entries.id IS NOT NULL THEN 'stored'"
            " ELSE inbox.state END"
            " FROM inbox LEFT JOIN entries"
            " ON entries.chat_id = json_extract(inbox.payload, '$.message.chat.id')"
            " AND entries.message_id = json_extract(inbox.payload, '$.message.message_id')"
            f" WHERE inbox.update_id IN ({marks})",
            update_ids,
        ).fetchall()
    return dict(rows)


def unfinished(db_path: Path) -> int:
    """Inbox rows not handled yet (pending or parked as failed)."""
    if not db_path.exists():
        return 0
    with reading(db_path) as conn:
        return conn.execute("SELECT count(*) FROM inbox WHERE state != 'done'").fetchone()[0]


def note(person: int, n: int) -> str:
    """A note with a unique marker, HTML-special characters and an emoji, too long to be taken
    for the answer to a question the bot asked."""
    return f"note-{person}-{n:02d} <3 & ✍ slept badly, still went for the walk we talked about"


def sent(api: LocalBotAPI, person: int, text: str) -> dict[str, Any]:
    """The person writes ``text``; the message as the bot will see it, with its update id."""
    update = api.send_message(person, text)
    message = update["message"]
    return {"update_id": update["update_id"], "key": (message["chat"]["id"], message["message_id"])}


def handled(bot: Bot, update_id: int) -> None:
    """Wait until the bot confirmed ``update_id``: Telegram is told of an update once it is
    handled, unless that would hold polling back (bot/intake.py, step 4)."""
    wait_until(lambda: bot.api.confirmed_offset > update_id, SETTLE_TIMEOUT, f"update {update_id}", bot)


def onboard(bot: Bot, person: int) -> list[int]:
    """/start, a zone, and "Not now" to the reminder offer; returns the update ids it took."""
    api = bot.api
    ids = []
    for text in ("/start", "Europe/Berlin"):
        ids.append(sent(api, person, text)["update_id"])
        handled(bot, ids[-1])
    offer = api.last_bot_message(person)
    assert offer is not None
    update = api.press_button(person, offer.message_id, offer.button_data("Not now"))
    ids.append(update["update_id"])
    handled(bot, ids[-1])
    return ids


def settle(bot: Bot, last_update_id: int) -> None:
    """Let the bot run until Telegram was told of every update and the inbox has nothing left."""
    wait_until(
        lambda: bot.api.confirmed_offset > last_update_id and unfinished(bot.db_path) == 0,
        SETTLE_TIMEOUT,
        "every update to be confirmed and handled",
        bot,
    )


def assert_clean_stop(bot: Bot) -> None:
    """SIGTERM ends the bot promptly with exit code 0."""
    code = bot.stop(timeout=5)
    assert code == 0, f"SIGTERM: exit code {code}, expected a clean 0\n{bot.log()}"


def assert_exactly_once(bot: Bot, expected: dict[tuple[int, int], str], all_update_ids: list[int]) -> None:
    """Every message stored once under its own (chat, message), every update done, no payloads."""
    with reading(bot.db_path) as conn:
        texts = Counter(t for (t,) in conn.execute("SELECT text FROM entries"))
        keys = Counter(conn.execute("SELECT chat_id, message_id FROM entries").fetchall())
        stored = {
            (chat, message): text
            for chat, message, text in conn.execute("SELECT chat_id, message_id, text FROM entries")
        }
        inbox = dict(conn.execute("SELECT update_id, state FROM inbox").fetchall())
        done_payloads = conn.execute(
            "SELECT count(*) FROM inbox WHERE state = 'done' AND payload IS NOT NULL"
        ).fetchone()[0]
    missing = sorted(set(expected.values()) - set(texts))
    assert not missing, f"{len(missing)} message(s) lost, e.g. {missing[:3]}"
    twice = {text: n for text, n in texts.items() if n > 1}
    assert not twice, f"stored more than once: {twice}"
    assert sum(texts.values()) == len(expected), "entries hold something nobody wrote"
    assert all(n == 1 for n in keys.values()), [k for k, n in keys.items() if n > 1]
    assert stored == expected, "a message is stored under another (chat, message) or altered"
    assert set(inbox) == set(all_update_ids), "an update bypassed the inbox"
    left = {i: state for i, state in inbox.items() if state != "done"}
    assert not left, f"unfinished inbox rows: {left}"
    assert done_payloads == 0, "a handled update kept its payload (what a person wrote)"
    # Every note is acknowledged, even one whose reaction a kill interrupted: a replay sets the
    # same reaction again (which changes nothing for the person if the first one arrived).
    unacknowledged = [key for key in expected if bot.api.reaction_calls()[key] < 1]
    assert not unacknowledged, f"stored but never acknowledged: {unacknowledged}"


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[Bot]:
    with RecordingAPI(TOKEN) as api:
        for person in PEOPLE:
            api.add_user(person, f"P{person}")
        runner = Bot(api, tmp_path / "between.sqlite3", tmp_path / "bot.log")
        try:
            yield runner
        finally:
            runner.cleanup()


@dataclass
class KillReport:
    """Where one SIGKILL landed, judged from the outside once the process was dead: how many
    updates Telegram had sent that it was not yet told about, by what the bot had done with them."""

    uncommitted: int  # answered by getUpdates, not in the inbox
    unhandled: int  # in the inbox, pending, not stored yet
    unmarked: int  # pending, but the message is stored: handled, its done mark not yet written
    unconfirmed: int  # done, Telegram not yet told

    @property
    def mid_batch(self) -> bool:
        """The bot died with updates it had been sent and not finished."""
        return bool(self.uncommitted or self.unhandled or self.unmarked)


def kill_and_inspect(bot: Bot) -> KillReport:
    """SIGKILL the bot, then see what it left between the stand-in and the inbox."""
    bot.kill()
    confirmed = bot.api.confirmed_offset
    in_flight = sorted({i for ids in bot.api.answers() for i in ids if i >= confirmed})
    states = Counter(inbox_states(bot.db_path, in_flight).get(i, "absent") for i in in_flight)
    return KillReport(
        uncommitted=states["absent"],
        unhandled=states["pending"] + states["failed"],
        unmarked=states["stored"],
        unconfirmed=states["done"],
    )


@pytest.mark.parametrize("seed", [11, 23, 47])
@shows_bot_log
def test_random_sigkills_lose_nothing_and_store_nothing_twice(bot: Bot, seed: int) -> None:
    rng = random.Random(seed)
    api = bot.api
    bot.start()
    update_ids: list[int] = []
    for person in PEOPLE:
        if person != NOT_ONBOARDED:
            update_ids += onboard(bot, person)

    # 5 people x 20 notes, interleaved at random, each person's own notes in order.
    order = [p for p in PEOPLE for _ in range(NOTES_EACH)]
    rng.shuffle(order)
    written = Counter[int]()
    messages = []
    for person in order:
        messages.append((person, note(person, written[person])))
        written[person] += 1
    bursts = []
    while messages:
        size = rng.randint(1, 6)
        bursts.append(messages[:size])
        messages = messages[size:]

    # The stream never waits for the bot: what is written while it is down queues up at Telegram.
    # A kill is armed a few bursts after the bot (re)started polling and lands 0-300 ms later.
    expected: dict[tuple[int, int], str] = {}
    reports: list[KillReport] = []
    kills_left = rng.randint(3, 5)
    bursts_before_arming = rng.randint(0, 3)
    kill_at: float | None = None
    deadline = time.monotonic() + STREAM_TIMEOUT
    while bursts or kills_left:
        if time.monotonic() > deadline:
            pytest.fail(f"the stream did not end: {len(bursts)} bursts, {kills_left} kills left")
        if bursts:
            for person, text in bursts.pop(0):
                message = sent(api, person, text)
                expected[message["key"]] = text
                update_ids.append(message["update_id"])
            bursts_before_arming -= 1
        bot.check_alive()
        armable = bursts_before_arming <= 0 or not bursts
        if kill_at is None and kills_left and armable and bot.polling():
            kill_at = time.monotonic() + rng.uniform(0, 0.3)
        pause = rng.uniform(0, 0.06) if bursts else 0.01
        if kill_at is not None and time.monotonic() + pause >= kill_at:
            time.sleep(max(0.0, kill_at - time.monotonic()))
            reports.append(kill_and_inspect(bot))
            bot.launch()
            kills_left -= 1
            kill_at = None
            bursts_before_arming = rng.randint(0, 3)
        else:
            time.sleep(pause)

    wait_until(bot.polling, START_TIMEOUT, "the bot to start polling", bot)
    settle(bot, update_ids[-1])
    assert_clean_stop(bot)
    assert bot.exit_codes == [-signal.SIGKILL] * len(reports) + [0]
    assert_exactly_once(bot, expected, update_ids)
    reacted_again = sum(1 for key in expected if api.reaction_calls()[key] > 1)
    print(
        f"seed {seed}: {len(reports)} kills, {sum(r.mid_batch for r in reports)} mid-batch; "
        f"updates in flight at the kills: {sum(r.uncommitted for r in reports)} uncommitted, "
        f"{sum(r.unhandled for r in reports)} unhandled, {sum(r.unmarked for r in reports)} "
        f"handled but not marked done, {sum(r.unconfirmed for r in reports)} done but unconfirmed; "
        f"{api.redeliveries()} redelivered; {reacted_again} notes acknowledged again on a replay"
    )


def queue_batch(bot: Bot, person: int, count: int, first: int = 0) -> dict[int, tuple[tuple[int, int], str]]:
    """Queue notes ``first``, ``first + 1``, ... of a person at once; by update id."""
    batch = {}
    for n in range(first, first + count):
        text = note(person, n)
        message = sent(bot.api, person, text)
        batch[message["update_id"]] = (message["key"], text)
    return batch


@shows_bot_log
def test_kill_after_a_batch_was_delivered_before_it_was_committed(bot: Bot) -> None:
    """The batch reaches the bot, which cannot commit it: the test holds the write lock."""
    api = bot.api
    bot.start()
    onboarding = onboard(bot, 2001)

    lock = sqlite3.connect(bot.db_path, isolation_level=None, timeout=10)
    try:
        lock.execute("BEGIN IMMEDIATE")
        batch = queue_batch(bot, 2001, 8)
        api.watch = frozenset(batch)
        assert api.watch_delivered.wait(timeout=10), "the batch was never delivered"
        time.sleep(0.3)  # time to read the answer; the bot now waits for the lock to commit
        report = kill_and_inspect(bot)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    # The long poll may have answered with the first notes only; whatever came was not kept.
    assert report.uncommitted >= 1
    assert report.unhandled == report.unmarked == report.unconfirmed == 0
    assert api.confirmed_offset <= min(batch), "Telegram was told before the batch was committed"
    redelivered_before = api.redeliveries()

    bot.start()
    settle(bot, max(batch))
    assert_clean_stop(bot)
    assert api.redeliveries() - redelivered_before >= report.uncommitted
    expected = dict(batch.values())
    assert_exactly_once(bot, expected, [*onboarding, *batch])
    assert all(api.reaction_calls()[key] >= 1 for key in expected)


@shows_bot_log
def test_kill_in_the_middle_of_a_committed_batch(bot: Bot) -> None:
    """Killed while the first note of a committed batch waits for its acknowledgement: that
    note is stored, the others are not, none is marked done, and Telegram was told of none."""
    api = bot.api
    bot.start()
    onboarding = onboard(bot, 2003)

    # Hold the bot at a lead note: polling goes on meanwhile, so the whole batch is delivered and
    # committed while the lead note is still being handled. One person: their updates are
    # handled in order, so once the lead is through, the batch's first note is the one held.
    api.reactions.close()
    lead = queue_batch(bot, 2003, 1)
    try:
        assert api.reactions.wait_arrivals(1, timeout=10), "the lead note was not acknowledged"
        batch = queue_batch(bot, 2003, 8, first=1)
        wait_until(
            lambda: inbox_states(bot.db_path, list(batch)).keys() == set(batch),
            SETTLE_TIMEOUT,
            "the batch to be committed while the lead note is handled",
            bot,
        )
        api.reactions.let_one_through()
        assert api.reactions.wait_arrivals(2, timeout=10), "the batch was not acknowledged"
        report = kill_and_inspect(bot)
    finally:
        api.reactions.open()  # the held reaction lands, answered to a dead process
    # Done marks are written a few at a time, and when a queue runs dry: the lead note is
    # handled but still pending, so Telegram was told of none of them.
    assert api.confirmed_offset == min(lead), "Telegram was told of a note not marked done"
    assert report.uncommitted == 0, "the batch was not committed while the lead note was handled"
    assert report.unmarked == 2 and report.unhandled == len(batch) - 1
    first_key, first_text = batch[min(batch)]
    with reading(bot.db_path) as conn:
        stored = conn.execute("SELECT chat_id, message_id, text FROM entries").fetchall()
    (lead_key, lead_text) = lead[min(lead)]
    assert sorted(stored) == sorted([(*lead_key, lead_text), (*first_key, first_text)])

    bot.start()
    settle(bot, max(batch))
    assert_clean_stop(bot)
    assert api.redeliveries() >= len(batch)  # delivered with every getUpdates until confirmed
    expected = dict([*lead.values(), *batch.values()])
    assert_exactly_once(bot, expected, [*onboarding, *lead, *batch])
    # The lead and the first note were acknowledged before the kill; a replay only sets the
    # same reaction again.
    assert all(api.reaction_calls()[key] >= 1 for key in expected)
