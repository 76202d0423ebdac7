"""Journey: the language Between speaks. Found from the person's Telegram language on first
contact, chosen with /language, kept per person, shown in /settings and carried in the export."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import telegram

from bot import i18n
from bot.app import running
from bot.store import people
from tests.conftest import TOKEN, Harness, make_settings


async def stored_language(harness, user_id: int) -> str | None:
    async with harness.runtime.db.read() as conn:
        person = await people.get(conn, user_id)
    return person.language_code if person else None


async def test_language_alone_offers_every_language_with_the_current_one_marked(harness):
    alex = harness.person(1001)
    reply = await alex.says_one("/language")
    assert "English" in reply.visible
    labels = [label for label, _ in reply.buttons]
    assert "✓ English" in labels


async def test_an_unknown_language_gets_a_kind_line_and_changes_nothing(harness):
    alex = harness.person(1001)
    await alex.onboard()
    reply = await alex.says_one("/language klingon")
    assert "“klingon”" in reply.visible and "English" in reply.visible
    assert "\n" not in reply.visible.strip()
    assert await stored_language(harness, 1001) == "en"


async def test_settings_show_the_language_and_open_the_choice(harness):
    alex = harness.person(1001)
    await alex.onboard()
    settings = await alex.says_one("/settings")
    assert "Language: English" in settings.visible
    (choices,) = await alex.presses(settings, "Language")
    assert "✓ English" in [label for label, _ in choices.buttons]


async def test_the_telegram_language_of_first_contact_is_kept(harness):
    alex = harness.person(1001, language_code="pt-BR")
    await alex.says("/start")
    assert await stored_language(harness, 1001) == "pt-BR"
    harness.api.add_user(1001, "Alex", "en")
    await alex.says("/help")
    assert await stored_language(harness, 1001) == "pt-BR"  # kept: Telegram's never overrides


async def test_the_export_carries_the_language(harness):
    alex = harness.person(1001)
    await alex.onboard()
    await alex.says("a note")
    sent = await alex.says("/export")
    files = {m.document.filename: m.document.data for m in sent if m.document}
    markdown = next(data for name, data in files.items() if name.endswith(".md")).decode()
    document = json.loads(next(data for name, data in files.items() if name.endswith(".json")))
    assert "- Language: English" in markdown
    assert document["person"]["language_code"] == "en"


async def test_the_bot_describes_itself(harness):
    bot = telegram.Bot(TOKEN, base_url=harness.api.base_url)
    async with bot:
        assert "therapy" in (await bot.get_my_description()).description
        assert "therapy" in (await bot.get_my_short_description()).short_description
    commands = [c["command"] for c in harness.api.commands()]
    assert commands[-1] == "language"


# --- a German speaker --------------------------------------------------------------------------------
# Lena's Telegram app speaks German. The clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Berlin).


def visible(messages) -> str:
    return "\n".join(m.visible or "" for m in messages)


async def lena_onboarded(harness, user_id: int = 2001, language_code: str = "de"):
    lena = harness.person(user_id, "Lena", language_code)
    await lena.says("/start")
    replies = await lena.says("Berlin")
    await lena.presses(replies[-1], "Nicht jetzt")
    return lena


async def test_start_and_a_zone_in_german(harness):
    lena = harness.person(2001, "Lena", "de")
    start = await lena.says_one("/start")
    assert start.visible.startswith("Hallo Lena, ich bin Between.")
    assert "In welcher Zeitzone bist du?" in start.visible
    assert "Ich ersetze keine Therapie" in start.visible
    zone_set, offer = await lena.says("Berlin")
    assert zone_set.visible.startswith("Alles klar: Deine Zeitzone ist Berlin (UTC+01:00); dort ist es jetzt")
    assert offer.visible.startswith("Möchtest du jeden Abend eine Frage? Du kannst das jederzeit ändern")
    assert [label for label, _ in offer.buttons][-2:] == ["Andere Zeit", "Nicht jetzt"]
    reply = await lena.presses(offer, "Nicht jetzt")
    assert "Alles klar. Wann immer du magst" in visible(reply)
    assert await stored_language(harness, 2001) == "de"


async def test_an_austrian_app_gets_german_and_cities_in_german(harness):
    anna = harness.person(2002, "Anna", "de-AT")
    await anna.says("/start")
    zone_set, _offer = await anna.says("Vienna")
    assert zone_set.visible.startswith("Alles klar: Deine Zeitzone ist Wien (UTC+01:00)")


async def test_prompt_in_german_with_german_buttons(harness):
    lena = await lena_onboarded(harness)
    prompt = await lena.says_one("/prompt")
    german = harness.runtime.app.bot_data["resources"].catalogue.speaking("de")
    assert any(prompt.visible.startswith(p.text) for p in german.prompts)
    assert "Antworte, wann es dir passt, oder tipp unten auf einen Button." in prompt.visible
    assert [label for label, _ in prompt.buttons] == ["Später", "Andere Frage", "Überspringen"]
    await lena.presses(prompt, "Andere Frage")
    assert lena.last().visible != prompt.visible
    assert any(lena.last().visible.startswith(p.text) for p in german.prompts)
    await lena.presses(lena.last(), "Überspringen")
    assert lena.toast() == "Übersprungen. Das ist in Ordnung."


async def test_a_reminder_sends_its_question_in_german(harness):
    lena = await lena_onboarded(harness)
    added = await lena.says_one("/remind 20:00 mon-fri")
    assert added.visible == "Erledigt. Ich schicke dir eine Frage um 20:00 (Mo–Fr), nach deiner Uhrzeit."
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    german = harness.runtime.app.bot_data["resources"].catalogue.speaking("de")
    assert any(lena.last().visible.startswith(p.text) for p in german.prompts)
    assert [label for label, _ in lena.last().buttons] == ["Später", "Andere Frage", "Überspringen"]


async def test_mood_in_german(harness):
    lena = await lena_onboarded(harness)
    ask = await lena.says_one("/mood")
    assert ask.visible == "Wie geht es dir gerade?"
    assert [label for label, _ in ask.buttons] == [
        "5 · sehr gut", "4 · gut", "3 · okay", "2 · eher schlecht", "1 · sehr schlecht",
    ]  # fmt: skip
    (logged,) = await lena.presses(ask, "4 · gut")
    assert logged.visible == "Notiert: gut. Danke, dass du kurz nach dir geschaut hast."
    bad = await lena.says_one("/mood 9")
    assert bad.visible.startswith("Die Stimmung ist eine Zahl von 1 (sehr schlecht) bis 5 (sehr gut)")


async def test_recap_headings_and_dates_in_german(harness):
    lena = await lena_onboarded(harness)
    await lena.says("/remind 20:00")
    await harness.at(datetime(2026, 11, 23, 19, 0, tzinfo=UTC))
    (ack,) = await lena.says("Ich war heute freundlicher zu mir.")
    assert ack.visible == "Festgehalten ✍"
    await lena.presses(ack, "📌 Für die Sitzung vormerken")
    harness.clock.advance(hours=13)
    await lena.says("Eine Notiz")
    await lena.says("/mood 2")
    await lena.says("/mood 4")
    session = await lena.says_one("/session 2026-11-30 17:00")
    assert "<b>Mo., 30. Nov. um 17:00</b>, nur dieses eine Mal." in session.text
    recap = await lena.says("/recap")
    text = visible(recap)
    assert text.startswith("Dein Rückblick, aus den letzten 7 Tagen\nNächste Sitzung: Mo., 30. Nov. um 17:00")
    assert "📌 Für deine Sitzung\n1. Mo., 23. Nov. · " in text
    assert "Ich war heute freundlicher zu mir." in text
    assert "Notizen\nDi., 24. Nov.\nEine Notiz" in text
    assert "Stimmung\n" in text and "von eher schlecht bis gut (2 Einträge)" in text
    assert "In diesem Zeitraum hast du dir an 2 Tagen Zeit zum Nachdenken genommen." in text
    labels = [label for m in recap for label, _ in m.buttons]
    assert "✓ 1 besprochen" in labels and "📄 Als Datei" in labels
    files = await lena.presses(recap[-1] if recap[-1].buttons else recap[0], "📄 Als Datei")
    preview = files[0]
    assert preview.visible.startswith("Dein Rückblick als Datei, aus den letzten 7 Tagen")
    sent = await lena.presses(files[-1], "📄 Dateien erstellen")
    documents = {m.document.filename: m.document.data.decode() for m in sent if m.document}
    markdown = next(text for name, text in documents.items() if name.endswith(".md"))
    page = next(text for name, text in documents.items() if name.endswith(".html"))
    assert markdown.startswith("# Dein Rückblick\n\n_Aus den letzten 7 Tagen, bis Di., 24. Nov. um 09:00._")
    assert "## 📌 Für meine Sitzung" in markdown and "## Notizen" in markdown
    assert '<html lang="de">' in page and "<h1>Dein Rückblick</h1>" in page


async def test_help_in_german(harness):
    lena = await lena_onboarded(harness)
    reply = await lena.says_one("/help")
    assert reply.visible.startswith("Was ich kann\n\n/prompt – jetzt gleich eine Frage zum Nachdenken")
    assert "/language – die Sprache, in der ich mit dir spreche (/language en)" in reply.visible
    assert "Wenn du jetzt Hilfe brauchst: Ich bin kein Notdienst." in reply.visible
    assert reply.visible.rstrip().endswith("https://findahelpline.com.")


async def test_a_crisis_phrase_is_answered_in_german(harness):
    lena = await lena_onboarded(harness)
    (answer,) = await lena.says("Ich will nicht mehr leben")
    assert answer.visible.startswith("Ich bin wirklich froh, dass du mir das erzählst.")
    assert "TelefonSeelsorge (DE): Tel. " in answer.visible
    assert "Rund um die Uhr, kostenlos und anonym" in answer.visible
    assert "Notruf (DE): Tel. 112" in answer.visible and "AT, CH" not in answer.visible
    assert answer.visible.rstrip().endswith("genau so, wie du es geschrieben hast.")


async def test_kind_lines_for_bad_input_are_german_too(harness):
    lena = await lena_onboarded(harness)
    reply = await lena.says_one("/remind 25:99")
    assert reply.visible.startswith("Ich kann „25:99“ nicht als Uhrzeit lesen.")


async def test_language_en_switches_back_and_de_returns(harness):
    lena = await lena_onboarded(harness)
    choices = await lena.says_one("/language")
    assert choices.visible == "In welcher Sprache soll ich mit dir sprechen? Gerade ist es Deutsch."
    # One button per language Between speaks, German marked: the list grows with each catalogue.
    expected = [("✓ " if code == "de" else "") + i18n.language_name(code) for code in i18n.available()]
    assert [label for label, _ in choices.buttons] == expected
    switched = await lena.says_one("/language en")
    assert switched.visible.startswith("Okay, from now on I'll speak English with you.")
    assert await stored_language(harness, 2001) == "en"
    assert (await lena.says_one("/help")).visible.startswith("What I can do")
    menu = harness.api.commands(scope={"type": "chat", "chat_id": 2001})
    assert menu[0] == {"command": "start", "description": "Start, or see what Between is"}
    (back,) = await lena.presses(await lena.says_one("/language"), "Deutsch")
    assert back.visible.startswith("Alles klar, ab jetzt spreche ich Deutsch mit dir.")
    menu = harness.api.commands(scope={"type": "chat", "chat_id": 2001})
    assert menu[0] == {"command": "start", "description": "Loslegen oder erfahren, was Between ist"}
    settings = await lena.says_one("/settings")
    assert "Sprache: Deutsch" in settings.visible


async def test_export_in_german(harness):
    lena = await lena_onboarded(harness)
    await lena.says("Eine Notiz")
    sent = await lena.says("/export")
    files = [m for m in sent if m.document]
    markdown = next(m.document.data.decode() for m in files if m.document.filename.endswith(".md"))
    assert markdown.startswith("# Between: alles, was du geschrieben hast\n\nExportiert am Montag, 23. Nov")
    assert "- Zeitzone: Europe/Berlin\n- Sprache: Deutsch\n- Erinnerungen: keine" in markdown
    assert "### Montag, 23. November 2026\n\n**09:00** · Eine Notiz" in markdown
    assert files[0].visible == "Alles, was du geschrieben hast, zum Lesen und Aufbewahren."


async def test_telegram_shows_german_commands_and_descriptions_to_german_apps(harness):
    german = harness.api.commands(language_code="de")
    assert german[0] == {"command": "start", "description": "Loslegen oder erfahren, was Between ist"}
    assert [c["command"] for c in german] == [c["command"] for c in harness.api.commands()]
    bot = telegram.Bot(TOKEN, base_url=harness.api.base_url)
    async with bot:
        description = (await bot.get_my_description(language_code="de")).description
        short = (await bot.get_my_short_description(language_code="de")).short_description
    assert description.startswith("Between begleitet dich") and short.startswith("Kurze Fragen")


async def test_an_unknown_telegram_language_gets_the_operators_default(api, clock, tmp_path):
    settings = make_settings(api, tmp_path / "between.sqlite3", default_language="de")
    async with running(settings, clock) as runtime:
        stop = asyncio.Event()
        polling = asyncio.create_task(runtime.poll(stop))
        try:
            harness = Harness(api, runtime, clock)
            kenji = harness.person(3001, "Kenji", "ja")
            assert (await kenji.says_one("/start")).visible.startswith("Hallo Kenji, ich bin Between.")
            alex = harness.person(3002, "Alex", "en")
            assert (await alex.says_one("/start")).visible.startswith("Hi Alex, I'm Between.")
            assert api.commands()[0]["description"] == "Loslegen oder erfahren, was Between ist"
        finally:
            stop.set()
            await polling


async def test_choosing_a_language_before_the_time_zone_asks_for_the_zone_again(harness):
    """/start asks for the zone in English; /language es ends that question. The question comes
    again in Spanish, and the city typed next is the answer, not a note."""
    ana = harness.person(1001, "Ana")
    await ana.says("/start")
    replies = await ana.says("/language es")
    assert "zona horaria" in replies[-1].visible
    await ana.says("Ciudad de México")
    async with harness.runtime.db.read() as conn:
        person = await people.get(conn, 1001)
        async with conn.execute("SELECT count(*) FROM entries WHERE user_id = 1001") as cur:
            notes = (await cur.fetchone())[0]
    assert person is not None and person.zone == "America/Mexico_City"
    assert notes == 0
    # Someone who has a zone just hears that the language changed.
    (only,) = await ana.says("/language fr")
    assert "fuseau" not in only.visible
