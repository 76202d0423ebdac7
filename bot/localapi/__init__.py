"""A local stand-in for the Telegram Bot API server.

The real python-telegram-bot ``Bot`` talks to it over HTTP exactly as it talks to Telegram
(point ``base_url`` / ``base_file_url`` at :attr:`LocalBotAPI.base_url` /
:attr:`LocalBotAPI.base_file_url`), while a test -- or the terminal client of ``between chat``
-- plays the person through plain method calls (:meth:`LocalBotAPI.send_message`,
:meth:`LocalBotAPI.press_button`, ...).

It rejects what Telegram rejects, with Telegram's wording, so that a mistake shows up here and not
in production: every call is checked against the Bot API 10.0 schema shipped in ``telegram_spec/``
(unknown method, unknown or missing field, wrong type), HTML is parsed the way Telegram's server
parses it, and the length limits, button data limits, blocked users and flood limits answer as
Telegram does. Anything the schema knows but the stand-in does not implement fails loudly.

Standard library only. The HTTP server runs in a background thread; all state sits behind one
``threading.Condition`` so the person's side may be driven from any thread. Nothing here logs
message text.

The modules, one concern each:

- ``records``: Telegram's limits and the records callers see (ApiError, BotMessage, ...).
- ``schema``: the Bot API schema, the checks of every call, the register of implementations.
- ``html``: the Telegram-HTML parser.
- ``state``: the in-memory world (people, chats, messages, files, updates) and its helpers.
- ``person``: the person's side (write, press a button, block the bot, ...).
- ``reading``: the reading side (what the bot sent, calls, failures) and the waits.
- ``methods_messages``: the Bot API methods that act in a chat.
- ``methods_bot``: the Bot API methods about the bot itself (updates, webhook, commands, files).
- ``server``: the HTTP server and the request wire format.
- ``api``: :class:`LocalBotAPI`, which puts them together.
"""

from bot.localapi.api import LocalBotAPI
from bot.localapi.html import FormattedText, HtmlParseError, parse_html
from bot.localapi.records import CALLBACK_QUERY_LIFETIME as CALLBACK_QUERY_LIFETIME
from bot.localapi.records import DELETE_WINDOW as DELETE_WINDOW
from bot.localapi.records import GLOBAL_SENDS_PER_SECOND as GLOBAL_SENDS_PER_SECOND
from bot.localapi.records import GROUP_SENDS_PER_MINUTE as GROUP_SENDS_PER_MINUTE
from bot.localapi.records import MAX_CALLBACK_ANSWER as MAX_CALLBACK_ANSWER
from bot.localapi.records import MAX_CALLBACK_DATA_BYTES as MAX_CALLBACK_DATA_BYTES
from bot.localapi.records import MAX_CAPTION as MAX_CAPTION
from bot.localapi.records import MAX_INLINE_BUTTONS as MAX_INLINE_BUTTONS
from bot.localapi.records import MAX_TEXT as MAX_TEXT
from bot.localapi.records import ApiError, BotMessage, Call, Failure, UploadedFile
from bot.localapi.schema import _IMPLEMENTATIONS as _IMPLEMENTATIONS
from bot.localapi.schema import SPEC_PATH as SPEC_PATH
from bot.localapi.schema import allowed_reactions, validate_params
from bot.localapi.server import MAX_BODY as MAX_BODY
from bot.localapi.server import decode_request

__all__ = [
    "ApiError",
    "BotMessage",
    "Call",
    "Failure",
    "FormattedText",
    "HtmlParseError",
    "LocalBotAPI",
    "UploadedFile",
    "allowed_reactions",
    "decode_request",
    "parse_html",
    "validate_params",
]
