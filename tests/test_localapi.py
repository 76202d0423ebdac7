"""The local Bot API stand-in, driven by the real python-telegram-bot client.

Each test proves that PTB and the stand-in speak the same wire format and that the stand-in
refuses what Telegram refuses, with the words PTB turns into its exceptions.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReactionTypeEmoji
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from bot import localapi
from bot.localapi import LocalBotAPI, parse_html

ALEX = 4242
SAM = 5151


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock):
    with LocalBotAPI(clock=clock) as server:
        server.add_user(ALEX, "Alex")
        yield server


@pytest.fixture
async def bot(api: LocalBotAPI):
    client = telegram.Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)
    async with client:
        yield client


def one_button(data: str, label: str = "Go") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data)]])


def raw_post(api: LocalBotAPI, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST JSON to the stand-in without PTB, to see the status and body Telegram would send."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{api.port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        with err:
            return err.code, json.load(err)


# ---- the wire format ----------------------------------------------------------------------------


async def test_get_me_describes_the_bot_of_the_token(bot: telegram.Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "between_local_bot")


async def test_a_wrong_token_is_unauthorized(api: LocalBotAPI) -> None:
    stranger = telegram.Bot("999:wrong", base_url=api.base_url)
    with pytest.raises(telegram.error.InvalidToken):
        async with stranger:
            pass


def test_error_bodies_have_telegrams_shape(api: LocalBotAPI) -> None:
    status, body = raw_post(api, f"/bot{api.token}/nonSuchMethod", {})
    assert (status, body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    # Method names match case-insensitively, as on Telegram.
    status, body = raw_post(api, f"/bot{api.token}/SENDMESSAGE", {"chat_id": ALEX, "text": "hi"})
    assert status == 200 and body["result"]["text"] == "hi"
    assert api.calls()[-1].method == "sendMessage"


async def test_an_unknown_method_is_not_found(api: LocalBotAPI, bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.EndPointNotFound):
        await bot.do_api_request("nonsuchmethod")
    # Before initialize(), PTB cannot tell a bad token from a bad method: both are a 404.
    request = HTTPXRequest()
    fresh = telegram.Bot(api.token, base_url=api.base_url, request=request)
    try:
        with pytest.raises(telegram.error.InvalidToken):
            await fresh.do_api_request("nonsuchmethod")
    finally:
        await request.shutdown()  # an uninitialized Bot does not close its client itself


async def test_an_unknown_parameter_is_refused(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Unknown parameter reply_to"):
        await bot.send_message(ALEX, "hi", api_kwargs={"reply_to": 3})


def test_a_missing_required_parameter_or_wrong_type_is_refused(api: LocalBotAPI) -> None:
    path = f"/bot{api.token}/sendMessage"
    assert raw_post(api, path, {"chat_id": ALEX}) == (
        400,
        {"ok": False, "error_code": 400, "description": "Bad Request: text is required"},
    )
    status, body = raw_post(api, path, {"chat_id": ALEX, "text": "hi", "disable_notification": 3})
    assert status == 400 and "disable_notification" in body["description"]


async def test_a_schema_method_the_stand_in_lacks_fails_loudly(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="not supported by the local stand-in"):
        await bot.get_chat(ALEX)


def test_every_implemented_method_is_a_bot_api_method() -> None:
    spec = json.loads(localapi.SPEC_PATH.read_text(encoding="utf-8"))
    assert set(localapi._IMPLEMENTATIONS) <= set(spec["methods"])
    assert {"👍", "❤", "🔥", "🙏", "✍", "👌", "🤗", "🕊", "😢"} <= localapi.allowed_reactions()


async def test_a_chat_nobody_opened_is_not_found(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Chat not found"):
        await bot.send_message(999, "hello")


# ---- text and HTML --------------------------------------------------------------------------------


async def test_html_is_parsed_and_both_forms_are_kept(api: LocalBotAPI, bot: telegram.Bot) -> None:
    sent = await bot.send_message(
        ALEX, "  <b>Evening</b> check-in &lt;3 &amp; a & b > c\n", parse_mode="HTML"
    )
    assert sent.text == "Evening check-in <3 & a & b > c"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 7)]
    stored = api.last_bot_message(ALEX)
    assert stored is not None
    assert stored.text == "  <b>Evening</b> check-in &lt;3 &amp; a & b > c\n"
    assert stored.visible == sent.text
    assert stored.message_id == sent.message_id


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("<x>hi</x>", 'Can\'t parse entities: unsupported start tag "x" at byte offset 0'),
        ("a <3", "Can't parse entities: unclosed start tag at byte offset 2"),
        ("a < b", 'Can\'t parse entities: unsupported start tag "" at byte offset 2'),
        ("fine</b>", "Can't parse entities: unexpected end tag at byte offset 4"),
        ("<b>x</i>", 'Can\'t parse entities: unmatched end tag at byte offset 4, expected "</b>"'),
        ("<b>bold", "Can't parse entities: can't find end tag corresponding to start tag \"b\""),
    ],
)
async def test_html_telegram_refuses_is_refused(
    api: LocalBotAPI, bot: telegram.Bot, text: str, description: str
) -> None:
    with pytest.raises(telegram.error.BadRequest) as caught:
        await bot.send_message(ALEX, text, parse_mode="HTML")
    assert caught.value.message.startswith(description)
    assert api.bot_messages(ALEX) == []
    assert api.failures("sendMessage")[-1].error_code == 400


# Vectors from Telegram's own parser tests (tdlib, test/message_entities.cpp): byte offsets count
# UTF-8 bytes of the raw text, entity offsets count UTF-16 code units of the visible text.
@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
        ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba>", 'Can\'t find end tag corresponding to start tag "i"'),
        ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
        ('🏟 🏟&lt;<i    aba  =  "&lt;&gt;&quot;>', "Unclosed start tag at byte offset 13"),
        ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
        ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
        ("🏟 🏟&lt;<i>a</em   >", 'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("&#57311;", "Text contains invalid Unicode characters after decoding HTML entities"),
    ],
)
def test_parse_html_errors_match_telegrams_parser(source: str, message: str) -> None:
    with pytest.raises(localapi.HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("🏟 🏟<i>🏟 &lt🏟</i>", "🏟 🏟🏟 <🏟", [("italic", 5, 6, {})]),
        ("&ge;&lt;&gt;&amp;&quot;&laquo;&#12345678;", '&ge;<>&"&laquo;&#12345678;', []),
        ("🏟 🏟&lt;<i    aba  =  190azAz-.>a</i>", "🏟 🏟<a", [("italic", 6, 1, {})]),
        ('<pre><code class="language-fift">x&lt;</></>', "x<", [("pre", 0, 2, {"language": "fift"})]),
        (
            "<blockquote expandable>a&lt;<pre >b;</></>",
            "a<b;",
            [("expandable_blockquote", 0, 4, {}), ("pre", 2, 2, {})],
        ),
        (
            '<a href="https://example.org/?a=1&amp;b=2">here</a>',
            "here",
            [("text_link", 0, 4, {"url": "https://example.org/?a=1&b=2"})],
        ),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [("spoiler", 0, 1, {}), ("spoiler", 1, 1, {})],
        ),
        (  # entities sharing a span come in Telegram's priority order
            "<code><i><b> </b></i></code><i><b><code> </code></b></i>",
            "  ",
            [("code", 0, 1, {}), ("bold", 0, 1, {}), ("italic", 0, 1, {})]
            + [("code", 1, 1, {}), ("bold", 1, 1, {}), ("italic", 1, 1, {})],
        ),
    ],
)
def test_parse_html_text_and_entities_match_telegrams_parser(
    source: str, text: str, entities: list[tuple[str, int, int, dict[str, Any]]]
) -> None:
    parsed = parse_html(source)
    assert parsed.text == text
    assert [dict(e) for e in parsed.entities] == [
        {"type": kind, "offset": offset, "length": length, **extra}
        for kind, offset, length, extra in entities
    ]


async def test_length_limit_counts_visible_characters(bot: telegram.Bot) -> None:
    # "&lt;" is four characters to send and one to see: 4096 of them fit.
    sent = await bot.send_message(ALEX, "&lt;" * 4096, parse_mode="HTML")
    assert sent.text == "<" * 4096
    with pytest.raises(telegram.error.BadRequest, match="Message is too long"):
        await bot.send_message(ALEX, "&lt;" * 4097, parse_mode="HTML")
    with pytest.raises(telegram.error.BadRequest, match="Message is too long"):
        await bot.send_message(ALEX, "x" * 4097)


@pytest.mark.parametrize(("text", "parse_mode"), [("", None), ("  \n", None), ("<b></b>", "HTML")])
async def test_empty_text_is_refused(bot: telegram.Bot, text: str, parse_mode: str | None) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Message text is empty"):
        await bot.send_message(ALEX, text, parse_mode=parse_mode)


async def test_text_is_trimmed_as_telegram_trims_it(bot: telegram.Bot) -> None:
    # Trailing whitespace goes; leading spaces and newlines go only up to the first entity.
    assert (await bot.send_message(ALEX, "\n  hello \n\t")).text == "hello"
    sent = await bot.send_message(ALEX, " <b> x</b>", parse_mode="HTML")
    assert sent.text == " x" and (sent.entities[0].offset, sent.entities[0].length) == (0, 2)


async def test_an_unknown_parse_mode_is_refused(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="Unsupported parse_mode"):
        await bot.send_message(ALEX, "hi", parse_mode="Textile")


# ---- buttons and callback queries ---------------------------------------------------------------


async def test_callback_data_is_limited_to_64_bytes(api: LocalBotAPI, bot: telegram.Bot) -> None:
    await bot.send_message(ALEX, "ok", reply_markup=one_button("d" * 64))
    with pytest.raises(telegram.error.BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALEX, "too long", reply_markup=one_button("d" * 65))
    with pytest.raises(telegram.error.BadRequest, match="Button_data_invalid"):
        await bot.send_message(ALEX, "33 × 2 bytes", reply_markup=one_button("é" * 33))
    assert [m.visible for m in api.bot_messages(ALEX)] == ["ok"]


async def test_at_most_100_buttons(bot: telegram.Bot) -> None:
    row = [InlineKeyboardButton(str(n), callback_data=str(n)) for n in range(10)]
    await bot.send_message(ALEX, "100", reply_markup=InlineKeyboardMarkup([row] * 10))
    extra = [[InlineKeyboardButton("101", callback_data="101")]]
    with pytest.raises(telegram.error.BadRequest, match="Too many inline keyboard buttons"):
        await bot.send_message(ALEX, "101", reply_markup=InlineKeyboardMarkup([row] * 10 + extra))


async def test_a_callback_query_is_answered_once_and_expires(
    api: LocalBotAPI, bot: telegram.Bot, clock: FakeClock
) -> None:
    sent = await bot.send_message(ALEX, "Skip this one?", reply_markup=one_button("skip:7"))
    with pytest.raises(LookupError):
        api.press_button(ALEX, sent.message_id, "not-there")
    pressed = api.press_button(ALEX, sent.message_id, "skip:7")
    query = pressed["callback_query"]
    assert query["message"]["message_id"] == sent.message_id and query["data"] == "skip:7"
    assert await bot.answer_callback_query(query["id"], text="Skipped")
    assert api.callback_answer(query["id"]) == {"text": "Skipped", "show_alert": False, "url": None}
    too_old = "Query is too old and response timeout expired or query id is invalid"
    with pytest.raises(telegram.error.BadRequest, match=too_old):
        await bot.answer_callback_query(query["id"])
    later = api.press_button(ALEX, sent.message_id, "skip:7")["callback_query"]["id"]
    clock.advance(16 * 60)
    with pytest.raises(telegram.error.BadRequest, match=too_old):
        await bot.answer_callback_query(later)
    with pytest.raises(telegram.error.BadRequest, match=too_old):
        await bot.answer_callback_query("12345")


async def test_edits_that_change_nothing_or_target_nothing_fail(api: LocalBotAPI, bot: telegram.Bot) -> None:
    sent = await bot.send_message(ALEX, "<b>Later?</b>", parse_mode="HTML", reply_markup=one_button("later"))
    with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
        await bot.edit_message_text(
            "<b>Later?</b>", ALEX, sent.message_id, parse_mode="HTML", reply_markup=one_button("later")
        )
    with pytest.raises(telegram.error.BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", ALEX, sent.message_id + 50)
    # An edit without reply_markup takes the keyboard away, as on Telegram.
    await bot.edit_message_text("Snoozed for an hour", ALEX, sent.message_id)
    current = api.last_bot_message(ALEX)
    assert current is not None
    assert (current.visible, current.reply_markup, current.edit_date) == (
        "Snoozed for an hour",
        None,
        current.date,
    )
    with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
        await bot.edit_message_reply_markup(ALEX, sent.message_id, reply_markup=None)


# ---- updates ------------------------------------------------------------------------------------


async def test_updates_come_again_until_a_later_offset_confirms_them(
    api: LocalBotAPI, bot: telegram.Bot
) -> None:
    first = api.send_message(ALEX, "/start")
    second = api.send_message(ALEX, "Berlin")
    assert second["update_id"] == first["update_id"] + 1
    assert second["message"]["message_id"] == first["message"]["message_id"] + 1
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]

    delivered = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)
    assert (
        [u.update_id for u in delivered]
        == [u.update_id for u in again]
        == [first["update_id"], second["update_id"]]
    )
    assert await bot.get_updates(offset=second["update_id"], timeout=0) != ()
    assert api.confirmed_offset == second["update_id"]
    assert [u["update_id"] for u in api.pending_updates()] == [second["update_id"]]
    assert await bot.get_updates(offset=second["update_id"] + 1, timeout=0) == ()
    await api.wait_confirmed(second["update_id"], timeout=1)
    assert api.pending_updates() == []


async def test_a_negative_offset_forgets_all_but_the_last(api: LocalBotAPI, bot: telegram.Bot) -> None:
    for text in ("one", "two", "three"):
        api.send_message(ALEX, text)
    updates = await bot.get_updates(offset=-1, timeout=0)
    assert [u.message.text for u in updates] == ["three"]
    assert [u["message"]["text"] for u in api.pending_updates()] == ["three"]


async def test_a_duplicate_update_is_delivered_under_a_fresh_id(api: LocalBotAPI, bot: telegram.Bot) -> None:
    original = api.send_message(ALEX, "same words")
    await bot.get_updates(offset=original["update_id"] + 1, timeout=0)
    duplicate = api.queue_update(original)
    (update,) = await bot.get_updates(offset=original["update_id"] + 1, timeout=0)
    assert update.update_id == duplicate["update_id"] > original["update_id"]
    assert update.message.message_id == original["message"]["message_id"]


async def test_only_the_update_types_asked_for_are_delivered(api: LocalBotAPI, bot: telegram.Bot) -> None:
    sent = await bot.send_message(ALEX, "Pick one", reply_markup=one_button("a"))
    api.press_button(ALEX, sent.message_id, "a")
    api.send_message(ALEX, "words")
    (update,) = await bot.get_updates(timeout=0, allowed_updates=["message"])
    assert update.message.text == "words"
    assert [u["message"]["text"] for u in api.pending_updates()] == ["words"]


async def test_a_webhook_excludes_polling(api: LocalBotAPI, bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="an https url must be provided"):
        await bot.set_webhook("http://127.0.0.1:8080/hook")
    assert await bot.set_webhook("https://between.example.org/hook", secret_token="s3cret")
    assert api.webhook is not None and api.webhook["secret_token"] == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://between.example.org/hook"
    with pytest.raises(telegram.error.Conflict, match="webhook is active"):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


def test_wait_for_change_wakes_a_waiting_thread(api: LocalBotAPI) -> None:
    before = api.changes
    seen: list[int] = []
    waiter = threading.Thread(target=lambda: seen.append(api.wait_for_change(before, 5)))
    waiter.start()
    raw_post(api, f"/bot{api.token}/sendMessage", {"chat_id": ALEX, "text": "hi"})
    waiter.join(5)
    assert seen and seen[0] > before
    assert api.wait_for_change(seen[0], 0.01) == seen[0]


async def test_a_long_poll_returns_as_soon_as_the_person_writes(api: LocalBotAPI, bot: telegram.Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=20))
    await api.wait_for(lambda: api.calls("getUpdates"), what="the long poll to arrive")
    await asyncio.sleep(0.05)
    assert not poll.done()
    api.send_message(ALEX, "hello")
    (update,) = await asyncio.wait_for(poll, 5)
    assert update.message.text == "hello"
    assert loop.time() - started < 5


async def test_a_newer_poll_ends_an_older_one_with_conflict(api: LocalBotAPI, bot: telegram.Bot) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=20))
    await api.wait_for(lambda: api.calls("getUpdates"), what="the first poll")
    async with telegram.Bot(api.token, base_url=api.base_url) as second_instance:
        assert await second_instance.get_updates(timeout=0) == ()
    with pytest.raises(telegram.error.Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(older, 5)


async def test_the_person_edits_and_sends_media(api: LocalBotAPI, bot: telegram.Bot) -> None:
    written = api.send_message(ALEX, "first draft")
    api.edit_message(ALEX, written["message"]["message_id"], "second draft")
    api.send_voice(ALEX, caption="on the way home")
    api.send_photo(ALEX, content=b"\xff\xd8\xff-jpeg")
    edited, voice, photo = await bot.get_updates(offset=written["update_id"] + 1, timeout=0)
    assert edited.edited_message.text == "second draft" and edited.edited_message.edit_date
    assert voice.message.voice.mime_type == "audio/ogg" and voice.message.caption == "on the way home"
    picture = await (await bot.get_file(photo.message.photo[-1].file_id)).download_as_bytearray()
    assert bytes(picture) == b"\xff\xd8\xff-jpeg"


# ---- the bot's other calls ------------------------------------------------------------------------


async def test_a_document_travels_byte_for_byte(api: LocalBotAPI, bot: telegram.Bot) -> None:
    content = bytes(range(256)) + b"\r\n--boundary\r\n\x00"
    sent = await bot.send_document(ALEX, content, filename="Rückblick.md", caption="Your recap")
    assert (sent.document.file_name, sent.document.file_size) == ("Rückblick.md", len(content))
    (document,) = api.documents(ALEX)
    assert (document.filename, document.data) == ("Rückblick.md", content)
    assert api.last_bot_message(ALEX).visible == "Your recap"
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == content
    with pytest.raises(telegram.error.BadRequest, match="Wrong file identifier"):
        await bot.send_document(ALEX, "no-such-file-id")


async def test_replies_must_point_at_a_message_in_the_chat(api: LocalBotAPI, bot: telegram.Bot) -> None:
    answer = api.send_message(ALEX, "I noticed I rushed")["message"]["message_id"]
    await bot.send_message(ALEX, "Saved", reply_parameters=telegram.ReplyParameters(answer))
    assert api.last_bot_message(ALEX).reply_to == answer
    with pytest.raises(telegram.error.BadRequest, match="Message to be replied not found"):
        await bot.send_message(ALEX, "x", reply_parameters=telegram.ReplyParameters(answer + 40))
    await bot.send_message(
        ALEX, "y", reply_parameters=telegram.ReplyParameters(answer + 40, allow_sending_without_reply=True)
    )
    assert api.last_bot_message(ALEX).reply_to is None


async def test_reactions_come_from_telegrams_list(api: LocalBotAPI, bot: telegram.Bot) -> None:
    answer = api.send_message(ALEX, "I tried the breathing")["message"]["message_id"]
    assert await bot.set_message_reaction(ALEX, answer, [ReactionTypeEmoji("✍")])
    assert api.reactions(ALEX, answer) == ["✍"]
    with pytest.raises(telegram.error.BadRequest, match="Reaction_invalid"):
        await bot.set_message_reaction(ALEX, answer, "🧠")
    with pytest.raises(telegram.error.BadRequest, match="Reactions_too_many"):
        await bot.set_message_reaction(ALEX, answer, ["👍", "🔥"])
    await bot.set_message_reaction(ALEX, answer, [])
    assert api.reactions(ALEX, answer) == []


async def test_set_my_commands_checks_names_and_descriptions(api: LocalBotAPI, bot: telegram.Bot) -> None:
    await bot.set_my_commands([("start", "Begin"), ("remind", "Reminder times")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Begin"),
        ("remind", "Reminder times"),
    ]
    with pytest.raises(telegram.error.BadRequest, match="Bot_command_invalid"):
        await bot.set_my_commands([("Start", "Begin")])
    with pytest.raises(telegram.error.BadRequest, match="Bot_command_description_invalid"):
        await bot.set_my_commands([("start", "")])
    with pytest.raises(telegram.error.BadRequest, match="Bot_commands_too_much"):
        await bot.set_my_commands([(f"c{n}", "x") for n in range(101)])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_deleting_works_within_48_hours(api: LocalBotAPI, bot: telegram.Bot, clock: FakeClock) -> None:
    first = await bot.send_message(ALEX, "one")
    second = await bot.send_message(ALEX, "two")
    assert await bot.delete_message(ALEX, first.message_id)
    assert [m.message_id for m in api.bot_messages(ALEX)] == [second.message_id]
    with pytest.raises(telegram.error.BadRequest, match="Message to delete not found"):
        await bot.delete_message(ALEX, first.message_id)
    clock.advance(49 * 3600)
    with pytest.raises(telegram.error.BadRequest, match="Message can't be deleted for everyone"):
        await bot.delete_message(ALEX, second.message_id)


# ---- faults ------------------------------------------------------------------------------------


async def test_blocked_and_deleted_accounts_are_forbidden(api: LocalBotAPI, bot: telegram.Bot) -> None:
    notice = api.block(ALEX, notify=True)
    assert notice is not None and notice["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    with pytest.raises(telegram.error.Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALEX, "Your evening question")
    api.unblock(ALEX)
    assert (await bot.send_message(ALEX, "Welcome back")).text == "Welcome back"
    api.deactivate(ALEX)
    with pytest.raises(telegram.error.Forbidden, match="user is deactivated"):
        await bot.send_chat_action(ALEX, "typing")


async def test_injected_flood_error_carries_retry_after(
    api: LocalBotAPI, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # read retry_after without PTB's deprecation
    api.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await bot.send_message(ALEX, "hi")
    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert api.failures()[-1].description == "Too Many Requests: retry after 7"
    assert (await bot.send_message(ALEX, "hi")).text == "hi"


async def test_injected_server_errors_are_network_errors(api: LocalBotAPI, bot: telegram.Bot) -> None:
    api.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(telegram.error.NetworkError, match="Internal Server Error"):
            await bot.send_message(ALEX, "hi")
    assert (await bot.send_message(ALEX, "hi")).text == "hi"
    assert len(api.calls("sendMessage")) == 3


async def test_flood_limits_when_switched_on(clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    group = -100777
    with LocalBotAPI(clock=clock, flood_limits=True) as api:
        api.add_user(ALEX)
        api.send_message(SAM, "hi all", chat_id=group, chat_type="supergroup")
        async with telegram.Bot(api.token, base_url=api.base_url) as bot:
            # 30 messages in one second overall, then a 429 until the second is over.
            for n in range(30):
                await bot.send_message(ALEX, f"message {n}")
            with pytest.raises(telegram.error.RetryAfter) as caught:
                await bot.send_message(ALEX, "one too many")
            assert caught.value.retry_after == dtm.timedelta(seconds=1)
            clock.advance(1.01)
            # 20 messages a minute in a group, then a 429 until the oldest is a minute old.
            for n in range(20):
                clock.advance(0.5)
                await bot.send_message(group, f"group {n}")
            with pytest.raises(telegram.error.RetryAfter) as caught:
                await bot.send_message(group, "one too many")
            assert caught.value.retry_after == dtm.timedelta(seconds=51)  # 60 s - 9.5 s, rounded up
            await bot.send_message(ALEX, "a private chat is not held back by the group")
        assert api.peak_send_rate(ALEX) == 30


async def test_flood_limits_are_off_by_default_but_counted(api: LocalBotAPI, bot: telegram.Bot) -> None:
    for n in range(40):  # the fake clock stands still: all 40 in the same instant
        await bot.send_message(ALEX, f"message {n}")
    assert api.peak_send_rate(ALEX) == 40


async def test_wait_for_names_what_it_waited_for(api: LocalBotAPI) -> None:
    with pytest.raises(AssertionError, match="1 bot message\\(s\\) in chat 4242"):
        await api.wait_for_bot_message(ALEX, timeout=0.05)


# ---- the real Application ---------------------------------------------------------------------


async def test_a_real_application_polls_replies_and_handles_a_button(api: LocalBotAPI) -> None:
    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(
            "Hello <b>there</b>", parse_mode="HTML", reply_markup=one_button("tz:Europe/Berlin", "Berlin")
        )

    async def pressed(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Time zone set: {query.data}")

    application = (
        ApplicationBuilder().token(api.token).base_url(api.base_url).base_file_url(api.base_file_url).build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(pressed))
    async with application:
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0)
        await application.start()
        try:
            command = api.send_message(ALEX, "/start")
            greeting = await api.wait_for_bot_message(ALEX)
            assert greeting.visible == "Hello there"
            press = api.press_button(ALEX, greeting.message_id, greeting.button_data("Berlin"))
            await api.wait_for(
                lambda: api.last_bot_message(ALEX).visible == "Time zone set: tz:Europe/Berlin",
                what="the edit after the button",
            )
            assert api.callback_answer(press["callback_query"]["id"]) is not None
            await api.wait_confirmed(command["update_id"])
        finally:
            await application.updater.stop()
            await application.stop()
    assert api.pending_updates() == []
    assert api.failures() == []
