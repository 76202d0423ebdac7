"""No words in logs: whole journeys at DEBUG, with production logging, never log what people write."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from bot.logs import configure
from tests.conftest import TOKEN
from tests.test_journey_reminders import prompts_in

CANARY = "zebra-canary-7731"


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    configure("DEBUG", TOKEN)  # exactly what `between run` does with BETWEEN_LOG_LEVEL=DEBUG
    collect = Collect()
    collect.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root.addHandler(collect)
    yield collect
    root.handlers[:], _ = saved
    root.setLevel(saved[1])


async def test_journeys_never_log_what_people_write(harness, captured):
    alex = harness.person(1001, first_name=f"Name{CANARY}")
    await alex.says("/start")
    await alex.says(f"/timezone {CANARY}")  # bad input echoes the text back, never to the log
    await alex.onboard()
    await alex.says(f"a note {CANARY} <3")
    await alex.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (prompt,) = prompts_in(alex)
    await alex.says(f"answer {CANARY}", reply_to=prompt.message_id)
    update = harness.api.send_message(1001, f"to edit {CANARY}")
    await harness.processed(update["update_id"])
    await alex.edits(update["message"]["message_id"], f"edited {CANARY}")
    await alex.says(f"/bring {CANARY}")
    harness.api.send_photo(1001, caption=f"caption {CANARY}")
    await alex.says(f"I want to die {CANARY}")
    # A failure while handling a message: the traceback is logged, the words are not.
    harness.api.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    await alex.says(f"/mood {CANARY}")
    await alex.says(f"/remind {CANARY}")

    log = "\n".join(captured.lines)
    assert "update" in log  # the journeys did log (ids, outcomes)
    assert CANARY not in log
    assert TOKEN not in log
    assert TOKEN.split(":")[1] not in log
