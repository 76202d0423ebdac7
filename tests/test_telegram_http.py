"""The requests to Telegram (bot/telegram_http.py): a queue for what is not a message, none for
messages (the rate limiter has timed them), and no cookies."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from telegram.request import HTTPXRequest

from bot.telegram_http import TelegramRequest, _CookielessClient, is_message

API = "http://telegram.invalid/bot123:abc/"


@pytest.fixture
def in_flight(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Replaces the HTTP call; returns [now, most] requests in flight."""
    counts = [0, 0]

    async def request(self, url, *args, **kwargs):  # type: ignore[no-untyped-def]
        counts[0] += 1
        counts[1] = max(counts[1], counts[0])
        await asyncio.sleep(0.01)
        counts[0] -= 1
        return 200, b'{"ok": true, "result": true}'

    monkeypatch.setattr(HTTPXRequest, "do_request", request)
    return counts


async def test_requests_that_are_not_messages_wait_their_turn(in_flight: list[int]) -> None:
    request = TelegramRequest(connections=2)
    await asyncio.gather(*(request.do_request(API + "setMessageReaction", "POST") for _ in range(10)))
    assert in_flight[1] == 2


async def test_messages_skip_the_queue(in_flight: list[int]) -> None:
    request = TelegramRequest(connections=2)
    await asyncio.gather(*(request.do_request(API + "sendMessage", "POST") for _ in range(10)))
    assert in_flight[1] == 10


@pytest.mark.parametrize(
    ("method", "message"),
    [
        ("sendMessage", True),
        ("editMessageText", True),
        ("copyMessage", True),
        ("forwardMessage", True),
        ("sendChatAction", False),
        ("setMessageReaction", False),
        ("answerCallbackQuery", False),
        ("getUpdates", False),
    ],
)
def test_what_counts_as_a_message(method: str, message: bool) -> None:
    assert is_message(API + method) is message


async def test_cookies_are_not_kept() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert "cookie" not in request.headers
        return httpx.Response(200, headers={"set-cookie": "session=1"}, json={"ok": True})

    async with _CookielessClient(transport=httpx.MockTransport(answer)) as client:
        await client.post(API + "getMe")
        await client.post(API + "getMe")
        assert not client.cookies
