"""The claim rule on its own: what becomes of a due prompt, from plain facts (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.claiming import Outcome, claim_outcome

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GRACE = timedelta(hours=2)
ON_TIME = timedelta(minutes=5)  # how long before NOW a prompt on time was due
LATE = timedelta(days=3)  # ... and one after a long outage


def outcome(late_by: timedelta, **facts: bool) -> Outcome:
    """The outcome for a prompt due ``late_by`` before NOW, with the default grace window."""
    return claim_outcome(NOW - late_by, NOW, grace=GRACE, **facts)


@pytest.mark.parametrize(
    ("late_by", "on_hold", "served", "expected"),
    [
        (ON_TIME, False, False, Outcome.CLAIMED),
        (ON_TIME, False, True, Outcome.SKIPPED),  # one prompt per person per wake-up
        (ON_TIME, True, False, Outcome.HOLD),
        (ON_TIME, True, True, Outcome.HOLD),
        (LATE, False, False, Outcome.MISSED),
        (LATE, False, True, Outcome.MISSED),  # recorded as missed, not as one of several
        (LATE, True, False, Outcome.HOLD),  # held however late
        (LATE, True, True, Outcome.HOLD),
    ],
)
def test_every_combination_of_facts(late_by, on_hold, served, expected):
    assert outcome(late_by, on_hold=on_hold, served=served) is expected


def test_without_hold_or_service_the_facts_default_to_a_prompt_that_goes():
    assert claim_outcome(NOW, NOW, grace=GRACE) is Outcome.CLAIMED


def test_a_prompt_due_exactly_the_grace_window_ago_still_goes():
    assert outcome(GRACE) is Outcome.CLAIMED
    assert outcome(GRACE + timedelta(seconds=1)) is Outcome.MISSED


def test_the_grace_window_is_the_one_given():
    due = NOW - timedelta(minutes=30)
    assert claim_outcome(due, NOW, grace=timedelta(minutes=30)) is Outcome.CLAIMED
    assert claim_outcome(due, NOW, grace=timedelta(minutes=29)) is Outcome.MISSED
    assert claim_outcome(NOW, NOW, grace=timedelta(0)) is Outcome.CLAIMED


def test_a_due_instant_after_now_is_not_late():
    assert outcome(-ON_TIME) is Outcome.CLAIMED


def test_instants_compare_as_instants_whatever_their_zone():
    ten_in_berlin = datetime(2026, 11, 23, 10, 0, tzinfo=timezone(timedelta(hours=1)))  # 09:00 UTC
    assert claim_outcome(ten_in_berlin, NOW, grace=timedelta(0)) is Outcome.CLAIMED


@pytest.mark.parametrize(
    ("written", "state"),
    [(Outcome.MISSED, "missed"), (Outcome.SKIPPED, "skipped"), (Outcome.CLAIMED, "claimed")],
)
def test_the_outcomes_written_to_a_delivery_are_its_states(written, state):
    assert written.value == state
