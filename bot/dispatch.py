"""The outbox: claim due reminders in the database, send them, record what happened.

The database is the source of truth, not the scheduler's memory. Each reminder row carries its
next due instant (UTC, indexed). A wake-up (``tick``) does, in one transaction per batch:

- for every reminder with ``next_due <= now``: find the latest due instant not after now
  (several missed ones coalesce into that one), insert a delivery row for it — UNIQUE per
  reminder and due instant, so it can happen only once — and advance ``next_due``. A due instant
  within the grace window is claimed to be sent; an older one is recorded as ``missed`` and never
  sent (no prompt at 4 a.m. after a long outage). Several claims for one person in one wake-up
  become one prompt. That rule, for every kind of due prompt, is :mod:`bot.claiming`.
- snoozed prompts ("Later") whose time has come are claimed the same way.

Then, outside the transaction, each claimed delivery is sent and its Telegram message id
recorded. If the process dies between claim and send, the next wake-up finds the row still
``claimed`` and sends it if it is still within the grace window. (If it dies after Telegram
accepted the message but before the id was recorded, that one prompt can come twice: the only
window where "at most once" yields to "never lost".)

No per-person scheduler job exists: one timer wakes the dispatcher at the earliest due instant
(at most a minute away), so memory and start-up time stay flat as people are added.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta, tzinfo
from typing import Any

from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application

from bot.claiming import Outcome, claim_outcome
from bot.clock import Clock
from bot.config import Settings
from bot.prompts import Catalogue, Situation
from bot.render import Renderer
from bot.schedule import next_due
from bot.services import practice, wellbeing
from bot.services import recap as recap_service
from bot.services import sessions as session_rules
from bot.services.access import may_use
from bot.services.prompting import choose_question, mark_sent, situation_for
from bot.services.reminders import fire_after, rearm
from bot.store import deliveries, people, reminders, sessions
from bot.store.db import Database
from bot.store.deliveries import Delivery
from bot.store.people import Person
from bot.timezones import zone_from_name
from bot.views.practice import question_message
from bot.views.recap import send_recap
from bot.views.wellbeing import offer_message

log = logging.getLogger(__name__)

BATCH = 500  # rows handled per transaction: keeps write transactions short
# Due reminders claimed per transaction. Small, so the first prompts leave at once while the
# next batch is claimed alongside the sending.
CLAIM_BATCH = 100
SEND_CONCURRENCY = 16  # sends in flight; the rate limiter keeps them within Telegram's limits
MAX_WAIT = timedelta(seconds=60)  # longest sleep, so an outside change is seen within a minute
COALESCE_LOOKBACK = timedelta(days=8)  # beyond a week every weekday has been seen


@dataclass
class TickReport:
    """What one wake-up did (for tests, benchmarks and the log)."""

    sent: int = 0
    missed: int = 0
    coalesced: int = 0
    held: int = 0
    failed: int = 0
    resumed: int = 0
    recaps: int = 0
    retry_later: int = 0
    delivery_ids: list[int] = field(default_factory=list)

    def tally(self, outcome: Outcome) -> None:
        """Count a due prompt that is not sent: missed, or skipped as one of several at once."""
        if outcome is Outcome.MISSED:
            self.missed += 1
        elif outcome is Outcome.SKIPPED:
            self.coalesced += 1


class Dispatcher:
    """Wakes up, claims what is due, sends it. One per process."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        db: Database,
        clock: Clock,
        renderer: Renderer,
        catalogue: Catalogue,
        *,
        grace: timedelta,
        recap_lead: timedelta,
        settings: Settings | None = None,
    ) -> None:
        self.application = application
        self.db = db
        self.clock = clock
        self.renderer = renderer
        self.catalogue = catalogue
        self.grace = grace
        self.recap_lead = recap_lead
        self._settings = settings
        self._lock = asyncio.Lock()

    def may_use(self, user_id: int, *, admitted: bool) -> bool:
        """Whether the person may still use the bot: someone taken off the allowed list gets no
        prompt and no recap (bot/services/access.py). The settings are the Application's unless
        given."""
        settings = self._settings
        if settings is None and self.application is not None:
            resources = self.application.bot_data.get("resources")
            settings = resources.settings if resources is not None else None
        return settings is None or may_use(settings, user_id, admitted=admitted)

    def _held(self, person: Person | None, now: datetime) -> bool:
        """Whether no prompt may go to this person now (see claiming.Outcome.HOLD)."""
        return (
            person is None
            or not person.active
            or person.paused(now)
            or not self.may_use(person.user_id, admitted=person.admitted)
        )

    async def tick(self) -> TickReport:
        """Do everything that is due now. Safe to call at any time, any number of times."""
        async with self._lock:
            report = TickReport()
            now = self.clock.now()
            await self._resume_ended_pauses(now, report)
            await self._sessions(now, report)
            served: set[int] = set()  # people with a prompt this tick: one each
            batch, more = await self._claim(now, report, served, leftovers=True)
            while batch or more:
                # Claim the next batch while this one is on its way: claiming waits on the
                # database, sending on Telegram and the rate limiter.
                sending = asyncio.create_task(self._send_all(batch, now, report))
                try:
                    batch, more = await self._claim(now, report, served) if more else ([], False)
                finally:
                    await sending
            if report.sent or report.missed or report.failed:
                log.info(
                    "dispatch: %d sent, %d missed, %d coalesced, %d failed",
                    report.sent,
                    report.missed,
                    report.coalesced,
                    report.failed,
                )
            return report

    async def next_wake(self) -> datetime:
        """When the next tick should run: the earliest due instant, at most MAX_WAIT away."""
        now = self.clock.now()
        async with self.db.read() as conn:
            candidates = [
                await reminders.earliest_due(conn),
                await deliveries.earliest_snooze(conn),
                await sessions.earliest_event(conn),
                *[p.paused_until for p in await people.pauses_ended(conn, now + MAX_WAIT, 1)],
            ]
        soonest = min([c for c in candidates if c is not None], default=now + MAX_WAIT)
        return min(max(soonest, now), now + MAX_WAIT)

    async def _claim(
        self, now: datetime, report: TickReport, served: set[int], *, leftovers: bool = False
    ) -> tuple[list[Delivery], bool]:
        """Claim due reminders and snoozes, and choose their prompts, in one transaction.

        Returns what is to be sent (one per person) and whether more reminders may be due.
        ``leftovers`` also takes up claims an earlier wake-up could not send (a crash, a network
        fault): only at the start of a tick, when none of this tick's own claims is on its way.
        """
        to_send: dict[int, Delivery] = {}  # one per person

        def outcome_for(due_at: datetime, user_id: int, *, on_hold: bool = False) -> Outcome:
            has_prompt = user_id in to_send or user_id in served
            return claim_outcome(due_at, now, grace=self.grace, on_hold=on_hold, served=has_prompt)

        async with self.db.transaction() as conn:
            for leftover in await deliveries.claimed(conn, BATCH) if leftovers else ():
                person = await people.get(conn, leftover.user_id)
                on_hold = self._held(person, now)
                outcome = outcome_for(leftover.due_at, leftover.user_id, on_hold=on_hold)
                if outcome is Outcome.CLAIMED:
                    to_send[leftover.user_id] = leftover
                elif outcome is Outcome.HOLD:
                    # Not sent to someone who cannot be prompted now, nor kept for later.
                    await deliveries.mark(conn, leftover.id, "skipped")
                    report.held += 1
                else:
                    await deliveries.mark(conn, leftover.id, outcome.value)
                    report.tally(outcome)
            due = await reminders.due(conn, now, CLAIM_BATCH)
            for item in due:
                reminder = item.reminder
                assert reminder.next_due is not None
                on_hold = (
                    item.zone is None
                    or not item.active
                    or item.paused(now)
                    or not self.may_use(reminder.user_id, admitted=item.admitted)
                )
                # A reminder on hold is held however late it is, so neither its zone nor its latest
                # due instant (the one missed ones coalesce into) is worked out. It moves on to its
                # next due instant (or waits for a change), and records nothing: for someone whose
                # access ended, nothing piles up, and if they are let in again their reminders
                # go on from then.
                zone = None if on_hold or item.zone is None else zone_from_name(item.zone)
                latest = reminder.next_due
                if zone is not None:
                    latest = self._latest_due(reminder.next_due, reminder.at, reminder.days, zone, now)
                outcome = outcome_for(latest, reminder.user_id, on_hold=on_hold)
                if outcome is Outcome.HOLD:
                    await reminders.set_next_due(conn, reminder.id, fire_after(item, reminder, now))
                    report.held += 1
                    continue
                assert zone is not None  # only a reminder on hold has none
                await reminders.set_next_due(
                    conn, reminder.id, next_due(now, reminder.at, reminder.days, zone)
                )
                # The prompt is chosen now and written with the claim: sending then only talks
                # to Telegram.
                situation, prompt, coming_back = Situation.ORDINARY, None, None
                if outcome is Outcome.CLAIMED:
                    situation = await situation_for(conn, self.catalogue, reminder.user_id, now)
                    prompt, coming_back = await choose_question(
                        conn, self.catalogue, reminder.user_id, now, situation
                    )
                delivery = await deliveries.claim(
                    conn,
                    user_id=reminder.user_id,
                    reminder_id=reminder.id,
                    due_at=latest,
                    state=outcome.value,
                    now=now,
                    prompt_id=prompt.id if prompt else None,
                )
                if delivery is None:
                    continue  # this due instant was handled before (a restart mid-tick)
                if coming_back is not None and prompt is not None:
                    await practice.record(conn, reminder.user_id, delivery.id, prompt.id, coming_back, now)
                if situation is Situation.AFTER_SESSION:
                    await sessions.clear_practice_due(conn, reminder.user_id)
                if outcome is Outcome.CLAIMED:
                    to_send[reminder.user_id] = delivery
                else:
                    report.tally(outcome)
            for snooze in await deliveries.due_snoozes(conn, now, BATCH):
                on_hold = self._held(await people.get(conn, snooze.user_id), now)
                outcome = outcome_for(snooze.due_at, snooze.user_id, on_hold=on_hold)
                if outcome is Outcome.HOLD:
                    # Dropped: a snooze is not kept until the person can be prompted again.
                    await deliveries.mark(conn, snooze.id, "skipped")
                elif outcome is Outcome.CLAIMED:
                    await deliveries.mark(conn, snooze.id, "claimed")
                    to_send[snooze.user_id] = snooze
                else:
                    await deliveries.mark(conn, snooze.id, outcome.value)
                    report.tally(outcome)
            # A leftover whose prompt is unknown (or was removed from the catalogue since) gets
            # one here; a snooze keeps the prompt it had.
            for user_id, delivery in to_send.items():
                if delivery.prompt_id is None or self.catalogue.get(delivery.prompt_id) is None:
                    situation = await situation_for(conn, self.catalogue, user_id, now)
                    prompt, coming_back = await choose_question(conn, self.catalogue, user_id, now, situation)
                    await deliveries.set_prompt(conn, delivery.id, prompt.id)
                    if coming_back is not None:
                        await practice.record(conn, user_id, delivery.id, prompt.id, coming_back, now)
                    if situation is Situation.AFTER_SESSION:
                        await sessions.clear_practice_due(conn, user_id)
                    to_send[user_id] = replace(delivery, prompt_id=prompt.id)
        served.update(to_send)
        return list(to_send.values()), len(due) == CLAIM_BATCH

    @staticmethod
    def _latest_due(
        stored: datetime, at: time, days: frozenset[int], zone: tzinfo, now: datetime
    ) -> datetime:
        """The last instant not after ``now`` at which the reminder was due (coalescing)."""
        latest = stored
        instant = next_due(max(stored, now - COALESCE_LOOKBACK), at, days, zone)
        while instant <= now:
            latest = instant
            instant = next_due(instant, at, days, zone)
        return latest

    async def _send_all(self, batch: list[Delivery], now: datetime, report: TickReport) -> None:
        gate = asyncio.Semaphore(SEND_CONCURRENCY)
        # Everyone in the batch in one read (their language, the mood setting), not one each.
        async with self.db.read() as conn:
            everyone = await people.get_many(conn, sorted({d.user_id for d in batch}))

        async def one(delivery: Delivery) -> None:
            async with gate:
                await self._send(delivery, now, report, everyone.get(delivery.user_id))

        # Every send finishes before the tick does, even when one fails unexpectedly: a send
        # still in flight after the tick would look like a leftover to the next one.
        outcomes = await asyncio.gather(*(one(d) for d in batch), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _send(
        self, delivery: Delivery, now: datetime, report: TickReport, person: Person | None
    ) -> None:
        """Send one claimed prompt to ``person`` (as read for the batch); a failure here never
        delays anyone else."""
        user_id = delivery.user_id
        assert delivery.prompt_id is not None  # chosen when claimed
        async with self.db.read() as conn:
            words = await practice.words_in(conn, user_id, delivery.id, delivery.prompt_id)
        renderer = self.renderer.speaking(person.language_code if person else None)
        prompt = self.catalogue.speaking(renderer.language).get(delivery.prompt_id)
        assert prompt is not None
        with_mood = bool(person and person.mood_with_prompts)
        text, markup = question_message(
            renderer, prompt, user_id, delivery.id, with_mood=with_mood, words=words
        )
        try:
            message = await self.application.bot.send_message(
                user_id, text, parse_mode="HTML", reply_markup=markup
            )
        except (Forbidden, BadRequest) as error:
            # Blocked, deactivated, or the chat is gone: stop reminding until they write again.
            if isinstance(error, BadRequest) and "chat not found" not in error.message.lower():
                log.error("delivery %d: Telegram refused the prompt: %s", delivery.id, error.message)
            else:
                log.info("delivery %d: person unreachable; reminders held", delivery.id)
                async with self.db.transaction() as conn:
                    await people.set_active(conn, user_id, False, now)
                    await rearm(conn, user_id, now)
            async with self.db.transaction() as conn:
                await deliveries.mark(conn, delivery.id, "failed")
            report.failed += 1
            return
        except (NetworkError, RetryAfter) as error:
            # Left 'claimed': the next wake-up tries again while it is within the grace window.
            log.warning("delivery %d: %s; will retry", delivery.id, type(error).__name__)
            report.retry_later += 1
            return
        except TelegramError as error:  # anything else Telegram says: this prompt fails alone
            log.error("delivery %d: %s", delivery.id, type(error).__name__)
            async with self.db.transaction() as conn:
                await deliveries.mark(conn, delivery.id, "failed")
            report.failed += 1
            return
        # Sent: it is the person's open question now (services/conversation.py).
        await mark_sent(self.db, delivery.user_id, delivery.id, message.message_id, self.clock.now())
        report.sent += 1
        report.delivery_ids.append(delivery.id)
        if delivery.kind == "prompt":  # at the person's reminder time, not a snooze coming back
            await self._offer_wellbeing(user_id, renderer, now)

    async def _offer_wellbeing(self, user_id: int, renderer: Renderer, now: datetime) -> None:
        """After a reminder's prompt, the WHO-5 check-in for someone who turned its offer on
        (services/wellbeing.py claims it, at most once per stretch, never while paused)."""
        async with self.db.transaction() as conn:
            offer = await wellbeing.claim_offer(conn, user_id, now)
        if offer is None:
            return
        text, markup = offer_message(renderer, user_id)
        try:
            await self.application.bot.send_message(user_id, text, parse_mode="HTML", reply_markup=markup)
        except (Forbidden, BadRequest) as error:
            log.info("wellbeing offer not sent: %s", type(error).__name__)
        except (NetworkError, RetryAfter) as error:
            # A passing fault: the offer is put back, so a later reminder may carry it.
            log.info("wellbeing offer delayed: %s", type(error).__name__)
            await wellbeing.offer_not_sent(self.db, offer)
        except TelegramError as error:
            log.info("wellbeing offer not sent: %s", type(error).__name__)

    async def _sessions(self, now: datetime, report: TickReport) -> None:
        """Sessions whose time came are held (the next prompt asks what to practise); recaps due
        before a session go out, each at most once, never while paused."""
        async with self.db.transaction() as conn:
            await session_rules.sessions_passed(conn, now, lead=self.recap_lead)
            due = await sessions.recaps_due(conn, now, BATCH)
            for plan in due:
                await sessions.clear_recap_due(conn, plan.user_id)  # claimed: never twice
        for plan in due:
            assert plan.recap_due is not None
            async with self.db.read() as conn:
                person = await people.get(conn, plan.user_id)
            if person is None or self._held(person, now):
                continue  # paused, unreachable, or may no longer use the bot
            if now - plan.recap_due > self.grace or plan.next_at <= now:
                continue  # too late to help (after downtime): the person can still ask /recap
            renderer = self.renderer.speaking(person.language_code)
            catalogue = self.catalogue.speaking(renderer.language)
            async with self.db.transaction() as conn:
                zone = await recap_service.zone_of(conn, plan.user_id)
                result = await recap_service.build(
                    conn, catalogue, plan.user_id, now, zone, None, lead=self.recap_lead
                )
            try:
                await send_recap(self.application.bot, plan.user_id, renderer, result)
            except (Forbidden, BadRequest) as error:
                log.warning("recap for %d not sent: %s", plan.user_id, type(error).__name__)
                continue
            except (NetworkError, RetryAfter) as error:
                # A passing fault: put the claim back, so the next wake-up tries again.
                log.warning("recap for %d delayed: %s", plan.user_id, type(error).__name__)
                async with self.db.transaction() as conn:
                    await sessions.restore_recap_due(conn, plan.user_id, plan.recap_due)
                continue
            report.recaps += 1

    async def _resume_ended_pauses(self, now: datetime, report: TickReport) -> None:
        async with self.db.transaction() as conn:
            ended = await people.pauses_ended(conn, now, BATCH)
            for person in ended:
                await people.clear_pause(conn, person.user_id, now)
                # From the pause's end, not from now: a reminder due at that very instant (the
                # wake-up is timed for it, and may come a moment late) is the first to go.
                await rearm(conn, person.user_id, now, since=person.paused_until)
        for person in ended:
            report.resumed += 1
            if not person.active or not self.may_use(person.user_id, admitted=person.admitted):
                continue
            try:
                await self.application.bot.send_message(
                    person.user_id,
                    self.renderer.speaking(person.language_code).line("pause_over"),
                    parse_mode="HTML",
                )
            except (Forbidden, BadRequest, NetworkError) as error:
                log.info("could not tell %d their pause ended: %s", person.user_id, type(error).__name__)


class DispatchTimer:
    """One APScheduler job (through PTB's JobQueue) that wakes the dispatcher when due.

    The job is re-armed after every tick for the earliest due instant (at most a minute away),
    and :meth:`wake` re-arms it at once after a person changed their schedule.
    """

    def __init__(self, dispatcher: Dispatcher, job_queue: Any) -> None:
        self.dispatcher = dispatcher
        self.job_queue = job_queue
        self._job: Any = None
        self._pending: asyncio.Task[None] | None = None

    async def arm(self) -> None:
        """Schedule the next tick at the earliest due instant."""
        when = await self.dispatcher.next_wake()
        if self._job is not None:
            self._job.schedule_removal()
        self._job = self.job_queue.run_once(self._fire, when=when, name="dispatch")

    def wake(self) -> None:
        """Re-arm soon (called from handlers; never blocks them)."""
        if self._pending is None or self._pending.done():
            self._pending = asyncio.get_running_loop().create_task(self.arm())

    async def _fire(self, _context: Any) -> None:
        self._job = None
        try:
            await self.dispatcher.tick()
        finally:
            await self.arm()

    def cancel(self) -> None:
        """Stop waking (at shutdown)."""
        if self._job is not None:
            self._job.schedule_removal()
            self._job = None
