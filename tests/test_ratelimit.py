"""Telegram's limits as rolling windows: tested on a fake clock, so nothing here sleeps."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import RetryAfter

from bot.ratelimit import RollingWindow, TelegramRateLimiter


class FakeTime:
    """A clock that moves only when somebody sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


async def test_a_window_lets_the_limit_through_then_waits_for_the_oldest_to_leave():
    fake = FakeTime()
    window = RollingWindow(3, 1.0, clock=fake.clock, sleep=fake.sleep)
    times = []
    for _ in range(7):
        await window.acquire()
        times.append(fake.now)
    assert times == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]


async def test_no_second_ever_carries_more_than_the_limit():
    fake = FakeTime()
    limiter = TelegramRateLimiter(margin=0.0, clock=fake.clock, sleep=fake.sleep)
    sent: list[float] = []

    async def send() -> bool:
        sent.append(fake.now)
        return True

    for n in range(95):
        await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": n + 1}, None)
    # (A microsecond's slack: the fake clock lands a window later to the float's last digit.)
    assert max(sum(1 for t in sent if start <= t < start + 1.0 - 1e-6) for start in sent) == 30
    assert min(b - a for a, b in zip(sent, sent[1:], strict=False)) >= 1 / 60 - 1e-9  # spread out
    assert sent[-1] == pytest.approx(3.0 + 4 / 60)  # 95 sends: 30 a second, no slower


async def test_reactions_and_button_answers_are_not_held_behind_messages():
    fake = FakeTime()
    limiter = TelegramRateLimiter(clock=fake.clock, sleep=fake.sleep)

    async def call() -> bool:
        return True

    for _ in range(100):
        await limiter.process_request(call, (), {}, "setMessageReaction", {"chat_id": 7}, None)
        await limiter.process_request(call, (), {}, "answerCallbackQuery", {"callback_query_id": "q"}, None)
    assert fake.now == 0.0


async def test_groups_get_twenty_a_minute_private_chats_are_not_limited_that_way():
    fake = FakeTime()
    limiter = TelegramRateLimiter(margin=0.0, clock=fake.clock, sleep=fake.sleep)

    async def call() -> bool:
        return True

    for _ in range(21):
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": -100}, None)
    assert fake.now == pytest.approx(60.0)
    start = fake.now
    for _ in range(25):
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None)
    assert fake.now - start == pytest.approx(25 / 60)  # only the overall spacing, no group wait


async def test_a_429_is_retried_after_the_time_asked_and_gives_up_after_max_retries():
    fake = FakeTime()
    limiter = TelegramRateLimiter(clock=fake.clock, sleep=fake.sleep, max_retries=2)
    attempts = []

    async def flaky() -> bool:
        attempts.append(fake.now)
        if len(attempts) < 3:
            raise RetryAfter(5)
        return True

    assert await limiter.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(attempts) == 3 and attempts[-1] >= 10.0

    async def always() -> bool:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always, (), {}, "sendMessage", {"chat_id": 1}, None)


async def test_a_429_holds_every_message_but_not_other_calls():
    fake = FakeTime()
    limiter = TelegramRateLimiter(clock=fake.clock, sleep=fake.sleep)
    calls = []

    async def refused() -> bool:
        raise RetryAfter(3)

    async def call(name: str) -> bool:
        calls.append((name, fake.now))
        return True

    with pytest.raises(RetryAfter):  # no retries left: the hold stays for everyone else
        await limiter.process_request(refused, (), {}, "sendMessage", {"chat_id": 1}, 0)
    await limiter.process_request(
        call, ("answer",), {}, "answerCallbackQuery", {"callback_query_id": "q"}, None
    )
    await limiter.process_request(call, ("message",), {}, "sendMessage", {"chat_id": 2}, None)
    assert calls == [("answer", 0.0), ("message", pytest.approx(3.1))]
