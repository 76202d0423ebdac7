"""Practice between sessions: the intention asked after a session comes back in the person's own
words, "Didn't get to it" is a kind answer, and small experiments close their loop.

The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.prompts import EXPERIMENT_OUTCOME, PRACTICE, PRACTICE_CHECKIN, load_catalogue
from bot.services.export import json_format
from bot.services.export.run import collect, import_person
from tests.test_erase import occurrences
from tests.test_journey_data import CANARY, confirmation
from tests.test_journey_reminders import onboarded, prompts_in

CATALOGUE = load_catalogue()
INTENTION = "say no once at work <b>really</b>"


async def theme_of(harness, delivery_message) -> str:  # type: ignore[no-untyped-def]
    async with harness.runtime.db.read() as conn:
        async with conn.execute(
            "SELECT prompt_id FROM deliveries WHERE message_id = ?", (delivery_message.message_id,)
        ) as cur:
            (prompt_id,) = await cur.fetchone()
    prompt = CATALOGUE.get(prompt_id)
    assert prompt is not None
    return prompt.theme


async def rows(harness, sql: str, *params):  # type: ignore[no-untyped-def]
    async with harness.runtime.db.read() as conn:
        async with conn.execute(sql, params) as cur:
            return [tuple(row) for row in await cur.fetchall()]


async def session_done_and_intention(harness, person, text: str = INTENTION):  # type: ignore[no-untyped-def]
    """/session done, then /prompt asks what to practise, and the answer becomes a practice."""
    await person.says("/session done")
    (question, *_) = await person.says("/prompt")
    assert await theme_of(harness, question) == PRACTICE
    kept = await person.says_one(text)
    assert "practising" in kept.visible and "/practice" in kept.visible
    return question


async def test_after_session_done_the_prompt_asks_and_the_answer_comes_back_quoted(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex)
    assert await rows(harness, "SELECT text, state FROM practices") == [(INTENTION, "open")]
    quoted = []
    for _ in range(3):
        harness.clock.advance(timedelta(hours=5))
        question = (await alex.says("/prompt"))[0]
        if await theme_of(harness, question) == PRACTICE_CHECKIN:
            quoted.append(question)
            # The person's words, as written: HTML in them is shown, never obeyed.
            assert "«say no once at work <b>really</b>»" in question.visible
            assert "<b>really</b>" not in (question.text or "").replace("&lt;b&gt;really&lt;/b&gt;", "")
            kept = await alex.says_one("I did it on Tuesday, it felt shaky but fine")
            assert "practising" in kept.visible
        else:
            await alex.says("an ordinary answer")
    assert len(quoted) >= 1
    # The second question after the practice was set is the first check-in at the latest.
    answers = await rows(
        harness,
        "SELECT q.practice_id, e.text FROM practice_questions q JOIN entries e"
        " ON e.delivery_id = q.delivery_id AND e.prompt_id = q.prompt_id",
    )
    assert answers == [(1, "I did it on Tuesday, it felt shaky but fine")] * len(quoted)

    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    assert "What I practised" in recap
    head = recap.index("What I practised")
    assert recap.index("say no once at work", head) < recap.index("I did it on Tuesday", head)
    # Filed under the practice, not among the ordinary answers or notes.
    assert recap.count("I did it on Tuesday") == 1
    assert "»\n↳" in recap  # each check-in on a line of its own, under the practice

    await alex.says("/export")
    document = json.loads(
        next(m for m in alex.messages() if m.document and m.document.filename.endswith(".json")).document.data
    )
    assert document["version"] == 2
    (practice,) = document["practice"]["practices"]
    assert practice["text"] == INTENTION and practice["state"] == "open"
    check_ins = [q["delivery"] for q in document["practice"]["questions"] if q["practice"] == practice["ref"]]
    filed = [e["text"] for e in document["entries"] if e["delivery"] in check_ins]
    assert filed == ["I did it on Tuesday, it felt shaky but fine"] * len(quoted)


async def test_first_check_in_is_the_second_question_and_never_two_in_a_row(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex)
    themes = []
    for _ in range(9):
        harness.clock.advance(timedelta(hours=3))
        question = (await alex.says("/prompt"))[0]
        themes.append(await theme_of(harness, question))
    checkins = [i for i, t in enumerate(themes) if t == PRACTICE_CHECKIN]
    assert checkins[0] <= 1
    assert all(b - a >= 2 for a, b in zip(checkins, checkins[1:], strict=False))
    assert 3 <= len(checkins) <= 4  # about one question in three


async def test_didnt_get_to_it_is_a_kind_answer_kept_as_that(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, "breathe before answering")
    await alex.says("/prompt")
    await alex.says("something else")
    harness.clock.advance(timedelta(hours=2))
    (question, *_) = await alex.says("/prompt")
    assert await theme_of(harness, question) == PRACTICE_CHECKIN
    (answer,) = await alex.presses(question, "Didn't get to it")
    assert "completely fine" in answer.visible
    assert "should" not in answer.visible.lower()
    assert await rows(harness, "SELECT outcome FROM practice_questions") == [("not_yet",)]
    # The question is closed: what comes next is a note, not an answer to it.
    await alex.says("just a note")
    assert await rows(
        harness, "SELECT count(*) FROM entries WHERE text = 'just a note' AND delivery_id IS NULL"
    ) == [(1,)]
    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    assert "Didn't get to it" in recap


async def test_practice_list_buttons_and_direct_add(harness):
    alex = await onboarded(harness)
    added = await alex.says_one("/practice ask for help once")
    assert "ask for help once" in added.visible
    shown = await alex.says_one("/practice")
    assert "1. ask for help once" in shown.visible
    (asked,) = await alex.presses(shown, "+ Add one")
    await alex.says("go for a walk when it gets loud")
    assert await rows(harness, "SELECT text FROM practices ORDER BY id") == [
        ("ask for help once",),
        ("go for a walk when it gets loud",),
    ]
    shown = await alex.says_one("/practice")
    await alex.presses(shown, "✓ 1 done")
    edited = next(m for m in alex.messages() if m.message_id == shown.message_id)
    assert "ask for help once" not in edited.visible and "go for a walk" in edited.visible
    await alex.presses(edited, "Let 1 go")
    assert await rows(harness, "SELECT state FROM practices ORDER BY id") == [("done",), ("let_go",)]
    long = "x" * 4000  # Telegram splits longer messages
    reply = (await alex.says(f"/practice {long}"))[-1]
    assert "300" in reply.visible
    assert await rows(harness, "SELECT count(*) FROM practices") == [(2,)]
    assert await rows(harness, "SELECT count(*) FROM entries WHERE instr(text, ?) > 0", long) == [(1,)]


async def test_an_experiment_asks_three_things_then_once_what_happened(harness):
    alex = await onboarded(harness)
    asked = await alex.says_one("/experiment")
    assert "try" in asked.visible
    await alex.says("ask a colleague to lunch")
    sure = await alex.says_one("they will say no and it will be awkward")
    assert "sure" in sure.visible
    bad = await alex.says_one("very")
    assert "0 to 100" in bad.visible
    bad = await alex.says_one("150%")
    assert "outside 0 to 100" in bad.visible
    # Unreadable replies answer the question, not the journal: the ask stays open, and the
    # buttons work as well as a typed number.
    assert await rows(harness, "SELECT count(*) FROM entries WHERE text IN ('very', '150%')") == [(0,)]
    (when,) = await alex.presses(sure, "70%")
    assert [label for label, _ in when.buttons] == ["Tonight", "Tomorrow", "With my next question"]
    await alex.presses(when, "With my next question")
    assert await rows(harness, "SELECT try_text, expect_text, sure FROM experiments") == [
        ("ask a colleague to lunch", "they will say no and it will be awkward", 70)
    ]
    (question, *_) = await alex.says("/prompt")
    assert await theme_of(harness, question) == EXPERIMENT_OUTCOME
    assert "ask a colleague to lunch" in question.visible and "awkward" in question.visible
    replies = await alex.says("she said yes and we talked for an hour")
    assert "what did you learn" in replies[-1].visible
    await alex.says("my predictions are gloomier than the world")
    assert await rows(harness, "SELECT learned FROM experiments") == [
        ("my predictions are gloomier than the world",)
    ]
    # Asked once: later questions do not come back to it.
    for _ in range(4):
        harness.clock.advance(timedelta(hours=3))
        question = (await alex.says("/prompt"))[0]
        assert await theme_of(harness, question) != EXPERIMENT_OUTCOME
    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    line = recap[recap.index("ask a colleague") :]
    assert line.index("awkward") < line.index("she said yes") < line.index("gloomier")
    assert "70% sure" in line


async def test_nothing_is_asked_while_paused_and_the_check_in_comes_after(harness):
    alex = await onboarded(harness)
    await alex.says("/remind 20:00")
    await session_done_and_intention(harness, alex, "pause before replying")
    await alex.says("/pause 5d")
    before = len(prompts_in(alex))
    for day in range(24, 28):
        await harness.at(datetime(2026, 11, day, 19, 0, tzinfo=UTC))
    assert len(prompts_in(alex)) == before
    await alex.says("/resume")
    for day in range(28, 30):
        await harness.at(datetime(2026, 11, day, 19, 0, tzinfo=UTC))
    themes = [await theme_of(harness, m) for m in prompts_in(alex)[before:]]
    assert PRACTICE_CHECKIN in themes


async def test_how_sure_is_read_typed_in_the_persons_language(harness):
    sam = harness.person(1002, "Sam", "fr")
    await sam.says("/start")
    offer = (await sam.says("Europe/Paris"))[-1]
    await sam.presses(offer, offer.buttons[-1][0])
    await sam.says("/experiment demander de l'aide")
    await sam.says("on va me dire non")
    when = await sam.says_one("80 pour cent")
    assert len(when.buttons) == 3
    assert await rows(harness, "SELECT sure FROM experiments") == [(80,)]


async def test_delete_erases_practices_experiments_and_their_words_from_the_file(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, f"practise {CANARY} daily")
    await alex.says(f"/practice another {CANARY}")
    await alex.says(f"/experiment try {CANARY}")
    await alex.says(f"expect {CANARY}")
    await alex.says("60")
    db_path = Path(harness.runtime.db.path)
    assert sum(occurrences(db_path).values()) > 0, "the test must see the words before they are erased"
    ask = await confirmation(alex)
    (done,) = await alex.presses(ask, "Yes, erase everything")
    assert "erased" in done.visible
    assert sum(occurrences(db_path).values()) == 0
    for table in ("practices", "experiments", "practice_questions"):
        assert await rows(harness, f"SELECT count(*) FROM {table}") == [(0,)], table


async def test_export_reads_back_and_a_version_1_document_still_imports(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex)
    for _ in range(2):
        harness.clock.advance(timedelta(hours=3))
        await alex.says("/prompt")
        await alex.says("an answer")
    await alex.says("/experiment try it")
    await alex.says("it goes badly")
    await alex.says("90")
    data = await collect(harness.runtime.db, 1001)
    assert data is not None and len(data.practice.practices) == 1 and len(data.practice.questions) == 1
    document = json_format.to_document(1001, data, CATALOGUE, harness.clock.now())
    user_id, back = json_format.from_document(json.loads(json_format.dump(document)))
    assert user_id == 1001 and back.practice == data.practice
    old = {key: value for key, value in document.items() if key not in json_format.ADDED_IN_VERSION_2}
    old["version"] = 1
    _, from_old = json_format.from_document(old)
    assert not from_old.practice and from_old.entries == data.entries
    # Into another database row: the same practice data comes back.
    await import_person(harness.runtime.db, 2002, back, harness.clock.now())
    again = await collect(harness.runtime.db, 2002)
    assert again is not None and again.practice == data.practice
    # The practice key belongs to version 2: a version 1 document holding it is refused.
    with pytest.raises(json_format.ExportFormatError, match="practice: not a field"):
        json_format.from_document(document | {"version": 1})


async def test_the_readable_export_file_has_what_i_practised_and_no_placeholders(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, "say no once")
    for _ in range(2):
        harness.clock.advance(timedelta(hours=3))
        await alex.says("/prompt")
        await alex.says("it came up at lunch")
    await alex.says("/export")
    markdown = next(
        m for m in alex.messages() if m.document and m.document.filename.endswith(".md")
    ).document.data.decode()
    section = markdown[markdown.index("## What I practised") : markdown.index("## Day by day")]
    assert "I wanted to practise: say no once" in section and "it came up at lunch" in section
    # The day-by-day questions quote the person's words as they were asked.
    assert "{practice}" not in markdown and "«say no once»" in markdown[markdown.index("## Day by day") :]


async def test_with_my_next_question_means_the_next_one_even_right_after_a_check_in(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, "say no once")
    await alex.says("/prompt")
    await alex.says("an answer")
    (checkin, *_) = await alex.says("/prompt")
    assert await theme_of(harness, checkin) == PRACTICE_CHECKIN
    await alex.says("/experiment ask for the window seat")
    await alex.says("they will be annoyed")
    when = await alex.says_one("40")
    (said,) = await alex.presses(when, "With my next question")
    assert "next question" in said.visible
    (question, *_) = await alex.says("/prompt")
    assert await theme_of(harness, question) == EXPERIMENT_OUTCOME
    (question, *_) = await alex.says("/prompt")  # never two about the same in a row
    assert await theme_of(harness, question) not in (EXPERIMENT_OUTCOME, PRACTICE_CHECKIN)


async def test_several_practices_each_come_back_in_turn(harness):
    alex = await onboarded(harness)
    await alex.says("/practice ask for help once")
    await alex.says("/practice take a walk at lunch")
    quoted = []
    for _ in range(9):
        harness.clock.advance(timedelta(hours=2))
        question = (await alex.says("/prompt"))[0]
        quoted.append(question.visible.split("«")[1].split("»")[0] if "«" in question.visible else None)
    asked = [i for i, q in enumerate(quoted) if q]
    assert {quoted[i] for i in asked} == {"ask for help once", "take a walk at lunch"}
    assert all(b - a >= 2 for a, b in zip(asked, asked[1:], strict=False))
