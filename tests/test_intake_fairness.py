"""People never wait for each other: one person's updates are handled in order, different
people's independently, and polling goes on, in bounded memory, while someone's queue is busy."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

import bot.intake
from bot.intake import CHAT_QUEUE
from tests.intake_support import acknowledged, entry_texts, inbox_rows
from tests.test_journey_reminders import onboarded

FLOOD = 2000


async def test_a_flood_from_one_person_does_not_hold_up_another(harness: Any) -> None:
    api = harness.api
    await onboarded(harness, user_id=1001)
    await onboarded(harness, user_id=1002)
    flood = [api.send_message(1001, f"flood {n:04d}") for n in range(FLOOD)]
    sent = time.monotonic()
    note = api.send_message(1002, "a note behind two thousand of someone else's")
    await api.wait_for(lambda: acknowledged(api, note), timeout=10, what="the other person's note")
    latency = time.monotonic() - sent

    # The flood is far from done, and what is done of it was done in order.
    done = await entry_texts(harness, 1001)
    assert done == [f"flood {n:04d}" for n in range(len(done))]
    rows = await inbox_rows(harness)
    waiting = sum(1 for u in flood if rows.get(u["update_id"], ("absent",))[0] == "pending")
    queues = harness.runtime.intake._chats
    in_memory = len(queues[1001].queue) if 1001 in queues else 0
    print(
        f"{FLOOD} notes from one person queued ahead: another person's note acknowledged after "
        f"{latency:.2f} s; by then {len(done)} of the flood handled, {waiting} waiting in the "
        f"inbox, {in_memory} of them in memory"
    )
    assert latency < 2.0
    assert len(done) < FLOOD, "the other note waited for the whole flood"
    assert in_memory <= CHAT_QUEUE < waiting


async def test_a_429_on_one_persons_reply_does_not_delay_anothers_acknowledgement(harness: Any) -> None:
    api = harness.api
    await onboarded(harness, user_id=1001)
    await onboarded(harness, user_id=1002)
    harness.runtime.intake.stop_grace = 0.1  # the held reply is cut short when the test ends
    api.fail_next("sendMessage", status=429, retry_after=15)
    asked = api.send_message(1001, "/help")
    await api.wait_for(
        lambda: any(f.error_code == 429 for f in api.failures("sendMessage")), timeout=5, what="the 429"
    )
    behind = api.send_message(1001, "a note behind the reply Telegram holds back")
    sent = time.monotonic()
    note = api.send_message(1002, "a note from someone else")
    await api.wait_for(lambda: acknowledged(api, note), timeout=5, what="the other person's note")
    latency = time.monotonic() - sent
    await asyncio.sleep(0.3)
    print(f"retry_after 15 on one person's reply: another person's note acknowledged after {latency:.2f} s")
    assert latency < 1.0
    # The held reply holds its own person's queue, in order, and nothing else.
    assert not acknowledged(api, behind)
    rows = await inbox_rows(harness)
    assert rows[asked["update_id"]][0] == rows[behind["update_id"]][0] == "pending"


async def test_queues_beyond_the_memory_bounds_wait_in_the_inbox_and_lose_nothing(
    harness: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With room for 2 chats of 3 updates each, 5 people writing 7 notes each: all kept, each
    person's in order, and never more in memory than the bounds."""
    api = harness.api
    people = [1001, 1002, 1003, 1004, 1005]
    for person in people:
        await onboarded(harness, user_id=person)
    monkeypatch.setattr(bot.intake, "CHATS_IN_MEMORY", 2)
    monkeypatch.setattr(bot.intake, "CHAT_QUEUE", 3)
    intake = harness.runtime.intake
    peak = {"chats": 0, "updates": 0}

    def watch() -> bool:
        peak["chats"] = max(peak["chats"], len(intake._chats))
        peak["updates"] = max(peak["updates"], max((len(c.queue) for c in intake._chats.values()), default=0))
        return all(acknowledged(api, u) for u in updates)

    updates = [api.send_message(person, f"note {n} of {person}") for n in range(7) for person in people]
    await api.wait_for(watch, timeout=15, what="every note acknowledged")
    for person in people:
        assert await entry_texts(harness, person) == [f"note {n} of {person}" for n in range(7)]
    rows = await inbox_rows(harness)
    assert all(rows[u["update_id"]] == ("done", False) for u in updates)
    assert peak["chats"] <= 2 and peak["updates"] <= 3
