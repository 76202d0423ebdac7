"""What testers who never saw the code found in practice between sessions: "how sure" stays open
after unreadable replies, /experiment again never duplicates a half-made experiment, a practice
written in two messages is one practice, kind words in every language, the readable export fills
in the person's words, and /delete says practices, experiments and the safety plan go too.

The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).
"""

from __future__ import annotations

from datetime import timedelta

from bot.prompts import EXPERIMENT_OUTCOME, PRACTICE_CHECKIN
from tests.test_journey_practice import rows, session_done_and_intention, theme_of
from tests.test_journey_reminders import onboarded


async def russian(harness, user_id: int = 2001):  # type: ignore[no-untyped-def]
    person = harness.person(user_id, "Саша", "ru")
    await person.says("/start")
    offer = (await person.says("Europe/Berlin"))[-1]
    await person.presses(offer, offer.buttons[-1][0])
    return person


async def markdown_export(person) -> str:  # type: ignore[no-untyped-def]
    await person.says("/export")
    return next(
        m for m in person.messages() if m.document and m.document.filename.endswith(".md")
    ).document.data.decode()


async def test_how_sure_stays_open_after_unreadable_replies_and_reads_a_later_number(harness):
    alex = await onboarded(harness)
    await alex.says("/experiment")
    await alex.says("ask a colleague to lunch")
    await alex.says_one("they will say no")
    for typed in ("very", "150%", "pretty sure honestly"):
        (bad,) = await alex.says(typed)
        assert "0 to 100" in bad.visible and "tap" in bad.visible
        assert "not waiting" not in bad.visible and "send the command again" not in bad.visible
    (when,) = await alex.says("70")
    assert [label for label, _ in when.buttons] == ["Tonight", "Tomorrow", "With my next question"]
    assert await rows(harness, "SELECT sure FROM experiments") == [(70,)]
    # The replies were for the question, not notes.
    assert await rows(harness, "SELECT count(*) FROM entries") == [(0,)]


async def test_experiment_again_while_one_is_half_made_continues_it(harness):
    alex = await onboarded(harness)
    await alex.says("/experiment ask a colleague to lunch")
    await alex.says("/experiment")  # the first one is still waiting for what they expect
    asked = await alex.says_one("/experiment")
    assert "expect" in asked.visible
    sure = await alex.says_one("they will say no")
    await alex.says("/recap")  # a command in the middle: the "how sure" step is left open
    again = await alex.says_one("/experiment")
    assert "sure" in again.visible and [label for label, _ in again.buttons][0] == "10%"
    await alex.presses(again, "30%")
    assert await rows(harness, "SELECT try_text, expect_text, sure FROM experiments") == [
        ("ask a colleague to lunch", "they will say no", 30)
    ]
    # The old buttons belong to the same experiment, already answered.
    await alex.presses(sure, "90%")
    assert await rows(harness, "SELECT sure FROM experiments") == [(30,)]


async def test_experiment_with_new_words_replaces_the_half_made_one(harness):
    alex = await onboarded(harness)
    await alex.says("/experiment ask a colleague to lunch")
    asked = await alex.says_one("/experiment speak up in the meeting")
    assert "expect" in asked.visible
    assert await rows(harness, "SELECT try_text FROM experiments") == [("speak up in the meeting",)]


async def test_russian_recap_says_an_unfinished_experiment_is_still_open(harness):
    sasha = await russian(harness)
    await sasha.says("/experiment позвать коллегу на обед")
    await sasha.says("откажет")
    recap = "\n".join(m.visible for m in await sasha.says("/recap"))
    assert "позвать коллегу на обед" in recap
    assert "не обсуждено" not in recap and "(эксперимент ещё идёт)" in recap


async def test_a_practice_answer_in_two_messages_is_one_practice_shown_once(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, "say no once at work")
    await alex.says("and notice how my body feels after")
    assert await rows(harness, "SELECT text FROM practices") == [
        ("say no once at work\nand notice how my body feels after",)
    ]
    recap = "\n".join(m.visible for m in await alex.says("/recap"))
    assert recap.count("notice how my body feels") == 1
    assert recap.count("say no once at work") == 1
    # An edit of the first message changes its part only.
    listed = (await alex.says("/practice"))[-1]
    assert "say no once at work" in listed.visible and "notice how my body" in listed.visible


async def test_russian_and_romance_words_are_kind_and_agree(harness):
    sasha = await russian(harness)
    await sasha.says("/session done")
    await sasha.says("/prompt")
    await sasha.says("говорить нет")
    for _ in range(3):
        harness.clock.advance(timedelta(hours=3))
        (question, *_) = await sasha.says("/prompt")
        if "говорить нет" in question.visible:
            break
        await sasha.says("обычный ответ")
    labels = [label for label, _ in question.buttons]
    assert "Не получилось" not in labels and "Руки не дошли" in labels
    await sasha.presses(question, "Руки не дошли")
    recap = "\n".join(m.visible for m in await sasha.says("/recap"))
    assert "Не получилось" not in recap and "Руки не дошли" in recap
    await sasha.says("/experiment позвать коллегу на обед")
    assert "Чего ты ждёшь" not in sasha.messages()[-1].visible
    assert "Что, по-твоему, произойдёт?" in sasha.messages()[-1].visible


async def test_readable_export_quotes_the_persons_words_and_escapes_html_in_the_journal(harness):
    alex = await onboarded(harness)
    await session_done_and_intention(harness, alex, "say no *once*")
    themes = []
    for _ in range(3):
        harness.clock.advance(timedelta(hours=3))
        (question, *_) = await alex.says("/prompt")
        themes.append(await theme_of(harness, question))
        await alex.says("it came up at <b>lunch</b>")
    assert PRACTICE_CHECKIN in themes
    await alex.says("/experiment ask <i>her</i> to lunch")
    await alex.says("awkward")
    (when,) = await alex.says("70")
    await alex.presses(when, "With my next question")
    (question, *_) = await alex.says("/prompt")
    assert await theme_of(harness, question) == EXPERIMENT_OUTCOME
    await alex.says("she said yes")
    markdown = await markdown_export(alex)
    days = markdown[markdown.index("## Day by day") :]
    assert "«…»" not in days and "{practice}" not in days
    assert "«say no \\*once\\*»" in days
    assert "ask \\<i\\>her\\</i\\> to lunch" in days
    assert "<b>lunch</b>" not in days and "\\<b\\>lunch\\</b\\>" in days
    practised = markdown[markdown.index("## What I practised") : markdown.index("## Day by day")]
    assert "<i>her</i>" not in practised and "\\<i\\>her" in practised


async def test_delete_confirmation_names_practices_experiments_and_the_safety_plan(harness):
    alex = await onboarded(harness)
    await alex.says("/practice say no once")
    await alex.says("/experiment ask a colleague to lunch")
    (ask,) = await alex.says("/delete")
    assert "practise between sessions (1)" in ask.visible and "small experiments (1)" in ask.visible
    assert "safety plan" not in ask.visible
    await alex.says("/experiment")  # continues the half-made one: still one
    await alex.says("/safetyplan")
    await alex.says("I stop answering messages")
    (ask,) = await alex.says("/delete")
    assert "small experiments (1)" in ask.visible and "your safety plan" in ask.visible


async def test_spanish_and_french_practice_lists_name_the_button_they_show(harness):
    for user_id, language, word in ((3001, "es", "hecho"), (3002, "fr", "fait")):
        person = harness.person(user_id, "Sam", language)
        await person.says("/start")
        offer = (await person.says("Europe/Berlin"))[-1]
        await person.presses(offer, offer.buttons[-1][0])
        await person.says("/practice decir que no")
        listed = (await person.says("/practice"))[-1]
        labels = [label for label, _ in listed.buttons]
        assert f"✓ 1 {word}" in labels
        assert f"✓ {word}" in listed.visible
        assert "hecha" not in listed.visible and "faite" not in listed.visible


def test_german_says_what_was_not_reached_without_calling_it_a_failure():
    from bot import i18n

    said = i18n.translations("de").gettext(
        "Noted. I hope it went well enough. Your next recap starts from here, and anything you flagged but"
        " didn't get to stays for next time."
    )
    assert "bleibt fürs nächste Mal" in said and "geschafft" not in said
