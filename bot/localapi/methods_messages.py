"""The Bot API methods that act in a chat: send, edit, delete, react, answer a button.

sendMessage, sendDocument, sendPhoto, editMessageText, editMessageReplyMarkup, deleteMessage,
answerCallbackQuery, setMessageReaction and sendChatAction, with what they share: formatting
(HTML and length limits), reply markup and reply checks, input files and the flood limits.
"""

from __future__ import annotations

import math
from collections import deque
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.localapi.html import FormattedText, HtmlParseError, _trim, parse_html
from bot.localapi.records import (
    CALLBACK_QUERY_LIFETIME,
    DELETE_WINDOW,
    GLOBAL_SENDS_PER_SECOND,
    GROUP_SENDS_PER_MINUTE,
    MAX_CALLBACK_ANSWER,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION,
    MAX_INLINE_BUTTONS,
    MAX_TEXT,
    ApiError,
    UploadedFile,
    _bad,
)
from bot.localapi.schema import _implements, allowed_reactions
from bot.localapi.state import _Chat, _File, _Message, _photo_sizes, _World

_CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)


class _MessageMethods(_World):
    """The chat methods of :class:`LocalBotAPI` (call with the lock held)."""

    # ---- shared checks ---------------------------------------------------------------------------

    def _throttle(self, chat: _Chat) -> None:
        """Telegram's flood limits, checked by every call that sends or edits a message."""
        if not self.flood_limits:
            return
        now = self._clock()
        sends = self._global_sends
        while sends and sends[0] <= now - 1.0:
            sends.popleft()
        wait = None
        if len(sends) >= GLOBAL_SENDS_PER_SECOND:
            wait = sends[0] + 1.0 - now
        if chat.is_group:
            group = self._group_sends.setdefault(chat.id, deque())
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= GROUP_SENDS_PER_MINUTE:
                wait = max(wait or 0.0, group[0] + 60.0 - now)
        if wait is not None:
            retry_after = max(1, math.ceil(wait))
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})

    def _count_send(self, chat: _Chat) -> None:
        now = self._clock()
        self._global_sends.append(now)
        if chat.is_group:
            self._group_sends.setdefault(chat.id, deque()).append(now)
        chat.send_times.append(now)

    def _format(
        self, text: str, parse_mode: str | None, entities: list[Any] | None, *, caption: bool
    ) -> FormattedText:
        mode = (parse_mode or "").lower()
        if mode == "html":
            try:
                formatted = parse_html(text)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
        elif mode in ("", "markdown", "markdownv2"):
            # Markdown is accepted but not parsed here: the visible text is the raw text.
            given = tuple(e for e in entities or () if isinstance(e, dict))
            formatted = FormattedText(text, given if not mode else ())
        else:
            raise _bad("unsupported parse_mode")
        formatted = _trim(formatted)
        if caption:
            if len(formatted.text) > MAX_CAPTION:
                raise _bad("message caption is too long")
        elif not formatted.text:
            raise _bad("message text is empty")
        elif len(formatted.text) > MAX_TEXT:
            raise _bad("message is too long")
        return formatted

    def _check_markup(self, markup: dict[str, Any] | None, *, inline_only: bool) -> dict[str, Any] | None:
        if markup is None:
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
            buttons = [b for row in rows for b in row]
            if len(buttons) > MAX_INLINE_BUTTONS:
                raise _bad("too many inline keyboard buttons")
            for button in buttons:
                _check_inline_button(button)
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays')
            for button in (b for row in rows for b in row):
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise _bad("keyboard button text must be non-empty")
            return markup
        if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _reply_target(self, chat: _Chat, reply: dict[str, Any] | None) -> int | None:
        if not reply:
            return None
        message_id = reply.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad('field "message_id" of the ReplyParameters must be an Integer')
        other_chat = reply.get("chat_id")
        if other_chat is not None and other_chat != chat.id:
            raise _bad("replies to other chats are not supported by the local stand-in")
        target = chat.messages.get(message_id)
        if target is None or target.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return message_id

    def _input_file(self, value: UploadedFile | str, kind: str, mime_type: str) -> tuple[_File, UploadedFile]:
        if isinstance(value, UploadedFile):
            if not value.data:
                raise _bad("file must be non-empty")
            file = self._new_file(kind, value.data, value.content_type or mime_type, value.filename)
            return file, value
        known = self._files.get(value)
        if known is not None:
            name = known.filename or Path(known.file_path).name
            return known, UploadedFile(name, known.data or b"", known.mime_type or mime_type)
        if value.startswith(("http://", "https://")):
            name = Path(urlsplit(value).path).name or "file"
            return self._new_file(kind, None, mime_type, name), UploadedFile(name, b"", mime_type)
        raise _bad("wrong file identifier/HTTP URL specified")

    def _post_bot_message(
        self,
        chat: _Chat,
        params: dict[str, Any],
        kind: str,
        content: dict[str, Any],
        formatted: FormattedText,
        raw: str | None,
        markup: dict[str, Any] | None,
        reply_to: int | None,
        **extra: Any,
    ) -> dict[str, Any]:
        message = _Message(
            chat=chat,
            message_id=self._next_message_id(chat),
            from_bot=True,
            sender=dict(self._bot_user),
            date=int(self._clock()),
            content=content,
            kind=kind,
            raw=raw,
            parse_mode=params.get("parse_mode"),
            visible=formatted.text if raw is not None else None,
            entities=formatted.entities,
            reply_markup=markup,
            reply_to=reply_to,
            **extra,
        )
        chat.messages[message.message_id] = message
        self._count_send(chat)
        return self._message_dict(message)

    # ---- method implementations ------------------------------------------------------------------

    @_implements("sendMessage")
    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        formatted = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._throttle(chat)
        content: dict[str, Any] = {"text": formatted.text}
        if formatted.entities:
            content["entities"] = list(formatted.entities)
        return self._post_bot_message(
            chat, params, "text", content, formatted, params["text"], markup, reply_to
        )

    @_implements("sendDocument")
    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "document")

    @_implements("sendPhoto")
    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_media(params, "photo")

    def _send_media(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        caption = params.get("caption")
        formatted = FormattedText("")
        if caption is not None:
            formatted = self._format(
                caption, params.get("parse_mode"), params.get("caption_entities"), caption=True
            )
        markup = self._check_markup(params.get("reply_markup"), inline_only=False)
        reply_to = self._reply_target(chat, params.get("reply_parameters"))
        self._throttle(chat)
        mime = "image/jpeg" if kind == "photo" else "application/octet-stream"
        file, upload = self._input_file(params[kind], kind, mime)
        content: dict[str, Any]
        if kind == "photo":
            content = {"photo": _photo_sizes(file, len(upload.data))}
            extra: dict[str, Any] = {"photo": upload.data}
        else:
            content = {
                "document": {
                    "file_id": file.file_id,
                    "file_unique_id": file.unique_id,
                    "file_name": upload.filename,
                    "mime_type": upload.content_type,
                    "file_size": len(upload.data),
                }
            }
            extra = {"document": upload}
        if formatted.text:
            content["caption"] = formatted.text
            if formatted.entities:
                content["caption_entities"] = list(formatted.entities)
        return self._post_bot_message(
            chat, params, kind, content, formatted, caption, markup, reply_to, **extra
        )

    @_implements("editMessageText")
    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._edit_target(params)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        formatted = self._format(
            params["text"], params.get("parse_mode"), params.get("entities"), caption=False
        )
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if (formatted.text, formatted.entities, markup) == (
            message.visible,
            message.entities,
            message.reply_markup,
        ):
            raise _not_modified()
        self._throttle(chat)
        message.raw = params["text"]
        message.visible = formatted.text
        message.entities = formatted.entities
        message.parse_mode = params.get("parse_mode")
        message.content = {"text": formatted.text}
        if formatted.entities:
            message.content["entities"] = list(formatted.entities)
        # Leaving reply_markup out of an edit removes the inline keyboard, as on Telegram.
        message.reply_markup = markup
        return self._edited(chat, message)

    @_implements("editMessageReplyMarkup")
    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat, message = self._edit_target(params)
        markup = self._check_markup(params.get("reply_markup"), inline_only=True)
        if markup == message.reply_markup or (not markup and not message.reply_markup):
            raise _not_modified()
        self._throttle(chat)
        message.reply_markup = markup
        return self._edited(chat, message)

    def _edit_target(self, params: dict[str, Any]) -> tuple[_Chat, _Message]:
        if "inline_message_id" in params:
            raise _bad("inline messages are not supported by the local stand-in")
        if "chat_id" not in params or "message_id" not in params:
            raise _bad("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to edit not found")
        if not message.from_bot:
            raise _bad("message can't be edited")
        return chat, message

    def _edited(self, chat: _Chat, message: _Message) -> dict[str, Any]:
        message.edit_date = int(self._clock())
        self._count_send(chat)
        return self._message_dict(message)

    @_implements("deleteMessage")
    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to delete not found")
        if self._clock() - message.date > DELETE_WINDOW:
            raise _bad("message can't be deleted for everyone")
        message.deleted = True
        return True

    @_implements("answerCallbackQuery")
    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        record = self._callbacks.get(params["callback_query_id"])
        if record is None or record.answered or self._clock() - record.created > CALLBACK_QUERY_LIFETIME:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text", "")
        if len(text) > MAX_CALLBACK_ANSWER:
            raise _bad("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer = {
            "text": text,
            "show_alert": params.get("show_alert", False),
            "url": params.get("url"),
        }
        return True

    @_implements("setMessageReaction")
    def _set_message_reaction(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = self._find_message(chat, params["message_id"], "message to react not found")
        emoji: list[str] = []
        for reaction in params.get("reaction") or []:
            if reaction.get("type") != "emoji" or reaction.get("emoji") not in allowed_reactions():
                raise _bad("REACTION_INVALID")
            emoji.append(reaction["emoji"])
        if len(emoji) > 1:
            raise _bad("REACTIONS_TOO_MANY")  # bots are not premium: one reaction per message
        message.reactions = emoji
        return True

    @_implements("sendChatAction")
    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._resolve_chat(params["chat_id"])
        if params["action"] not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise _bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    text = button.get("text")
    if not isinstance(text, str) or not text:
        raise _bad("can't parse inline keyboard button: Text must be non-empty")
    actions = set(button) - {"text", "icon_custom_emoji_id", "style"}
    if not actions:
        raise _bad("text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad("BUTTON_DATA_INVALID")


def _not_modified() -> ApiError:
    return _bad(
        "message is not modified: specified new message content and reply markup are exactly "
        "the same as a current content and reply markup of the message"
    )
