"""The person's side of the stand-in, as plain method calls.

What a test or the terminal client of ``between chat`` does in the person's place: register,
write, edit, send a sticker, voice note, photo or file, press an inline button, block or unblock
the bot, delete their account. Each call queues the Update Telegram would send and returns it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.localapi.html import _utf16_len
from bot.localapi.records import MAX_CAPTION, MAX_TEXT
from bot.localapi.state import _CallbackQuery, _Chat, _Message, _photo_sizes, _User, _World


class _PersonSide(_World):
    """The person's side of :class:`LocalBotAPI`."""

    def add_user(self, user_id: int, first_name: str = "Alex", language_code: str = "en") -> dict[str, Any]:
        """Register a person (and their private chat with the bot); returns their User dict."""
        with self._cond:
            user = self._users.get(user_id)
            if user is None:
                user = self._users[user_id] = _User(user_id, first_name, language_code)
            else:
                user.first_name, user.language_code = first_name, language_code
            chat = self._chats.setdefault(
                user_id, _Chat(user_id, "private", first_name, user_id, next_message_id=self._first_id)
            )
            chat.title = first_name
            return user.as_dict()

    def send_message(
        self,
        user_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> dict[str, Any]:
        """The person writes ``text``; returns the queued Update.

        A leading ``/command`` gets a bot_command entity as Telegram gives it. Group chats need
        ``chat_id`` and ``chat_type`` "group" or "supergroup".
        """
        content = _text_content(text)
        with self._cond:
            chat = self._person_chat(user_id, chat_id, chat_type)
            return self._person_posts(user_id, chat, content, "text", reply_to)

    def edit_message(
        self, user_id: int, message_id: int, text: str, *, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The person edits one of their text messages; returns the queued ``edited_message`` Update.

        The new text is checked as a new message's would be, and a leading command gets its entity.
        """
        content = _text_content(text)
        with self._cond:
            chat = self._chats.get(chat_id if chat_id is not None else user_id)
            message = chat.messages.get(message_id) if chat else None
            if message is None or message.from_bot or message.sender["id"] != user_id:
                raise LookupError(f"user {user_id} has no message {message_id} to edit")
            if message.kind != "text":
                raise LookupError(f"message {message_id} has no text to edit")
            message.content = content
            message.raw = message.visible = text
            message.edit_date = int(self._clock())
            return self._queue({"edited_message": self._message_dict(message)})

    def send_sticker(
        self, user_id: int, *, emoji: str = "🙂", chat_id: int | None = None, reply_to: int | None = None
    ) -> dict[str, Any]:
        """The person sends a sticker (as a reply to ``reply_to``); returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("sticker", b"RIFF-sticker", "image/webp", None)
            sticker = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": emoji,
                "file_size": len(file.data or b""),
            }
            return self._person_posts(user_id, chat, {"sticker": sticker}, "sticker", reply_to)

    def send_voice(
        self,
        user_id: int,
        *,
        duration: int = 4,
        content: bytes = b"OggS-voice",
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a voice note (as a reply to ``reply_to``); returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("voice", content, "audio/ogg", None)
            voice = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": len(content),
            }
            posted = _with_caption({"voice": voice}, caption)
            return self._person_posts(user_id, chat, posted, "voice", reply_to)

    def send_photo(
        self,
        user_id: int,
        *,
        content: bytes = b"\xff\xd8photo",
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a photo (as a reply to ``reply_to``); returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("photo", content, "image/jpeg", None)
            photo = _photo_sizes(file, len(content))
            posted = _with_caption({"photo": photo}, caption)
            return self._person_posts(user_id, chat, posted, "photo", reply_to)

    def send_document(
        self,
        user_id: int,
        *,
        filename: str = "notes.txt",
        content: bytes = b"notes",
        mime_type: str = "text/plain",
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | None = None,
    ) -> dict[str, Any]:
        """The person sends a file (as a reply to ``reply_to``); returns the queued Update."""
        with self._cond:
            chat = self._person_chat(user_id, chat_id, "private" if chat_id is None else "group")
            file = self._new_file("document", content, mime_type, filename)
            document = {
                "file_id": file.file_id,
                "file_unique_id": file.unique_id,
                "file_name": filename,
                "mime_type": mime_type,
                "file_size": len(content),
            }
            return self._person_posts(
                user_id, chat, _with_caption({"document": document}, caption), "document", reply_to
            )

    def press_button(
        self,
        user_id: int,
        message_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        check: bool = True,
    ) -> dict[str, Any]:
        """The person presses the inline button carrying ``data`` under bot message ``message_id``.

        Returns the queued ``callback_query`` Update (its query id is fresh). With ``check`` the
        button must be there, as a person can only press what they see.
        """
        with self._cond:
            user = self._user(user_id)
            chat = self._chats.get(chat_id if chat_id is not None else user_id)
            message = chat.messages.get(message_id) if chat else None
            if message is None or message.deleted or not message.from_bot:
                raise LookupError(f"no bot message {message_id} in that chat")
            if check:
                rows = (message.reply_markup or {}).get("inline_keyboard") or []
                if not any(b.get("callback_data") == data for row in rows for b in row):
                    raise LookupError(f"message {message_id} has no button with that data")
            query_id = str(4_000_000_000_000 + next(self._callback_counter))
            self._callbacks[query_id] = _CallbackQuery(query_id, self._clock())
            query = {
                "id": query_id,
                "from": user.as_dict(),
                "message": self._message_dict(message),
                "chat_instance": str(-(abs(message.chat.id) * 2654435761 % 2**62)),
                "data": data,
            }
            return self._queue({"callback_query": query})

    def queue_update(self, update: dict[str, Any], *, keep_id: bool = False) -> dict[str, Any]:
        """Queue a raw Update dict (e.g. one returned earlier, to deliver a duplicate).

        It gets a fresh update_id unless ``keep_id`` (an id below the confirmed offset is then
        dropped by the next getUpdates, as Telegram would never send it again).
        """
        with self._cond:
            body = {k: v for k, v in update.items() if k != "update_id"}
            if keep_id and "update_id" in update:
                queued = json.loads(json.dumps({"update_id": update["update_id"], **body}))
                self._pending.append(queued)
                self._pending.sort(key=lambda u: u["update_id"])
                self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
                self._cond.notify_all()
                return json.loads(json.dumps(queued))
            return self._queue(json.loads(json.dumps(body)))

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """How the bot answered a callback query (text, show_alert, url), or None if it did not."""
        with self._cond:
            record = self._callbacks.get(query_id)
            return dict(record.answer) if record and record.answer is not None else None

    # ---- blocking the bot, deleting the account --------------------------------------------------

    def block(self, user_id: int, *, notify: bool = False) -> dict[str, Any] | None:
        """The person blocks the bot: sends to their chat answer 403 from now on.

        With ``notify`` a ``my_chat_member`` update (status "kicked") is queued and returned.
        """
        with self._cond:
            self._user(user_id).blocked = True
            return self._member_update(user_id, "member", "kicked") if notify else None

    def unblock(self, user_id: int, *, notify: bool = False) -> dict[str, Any] | None:
        """The person unblocks the bot (a deactivated account stays deactivated)."""
        with self._cond:
            self._user(user_id).blocked = False
            return self._member_update(user_id, "kicked", "member") if notify else None

    def deactivate(self, user_id: int) -> None:
        """The person deletes their account: sends answer 403 "user is deactivated"."""
        with self._cond:
            self._user(user_id).deactivated = True

    # ---- helpers (call with the lock held) -------------------------------------------------------

    def _user(self, user_id: int) -> _User:
        if user_id not in self._users:
            self.add_user(user_id)
        return self._users[user_id]

    def _person_chat(self, user_id: int, chat_id: int | None, chat_type: str) -> _Chat:
        self._user(user_id)
        if chat_id is None or chat_id == user_id:
            if chat_type != "private":
                raise ValueError("a group message needs a chat_id")
            return self._chats[user_id]
        if chat_type not in ("group", "supergroup"):
            raise ValueError("a chat_id other than the user's own needs chat_type group")
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat(
                chat_id, chat_type, f"Group {abs(chat_id)}", None, next_message_id=self._first_id
            )
        return chat

    def _person_posts(
        self, user_id: int, chat: _Chat, content: dict[str, Any], kind: str, reply_to: int | None
    ) -> dict[str, Any]:
        if reply_to is not None:
            target = chat.messages.get(reply_to)
            if target is None or target.deleted:
                raise LookupError(f"no message {reply_to} to reply to in that chat")
        message = _Message(
            chat=chat,
            message_id=self._next_message_id(chat),
            from_bot=False,
            sender=self._users[user_id].as_dict(),
            date=int(self._clock()),
            content=content,
            kind=kind,
            raw=content.get("text"),
            visible=content.get("text"),
            reply_to=reply_to,
        )
        chat.messages[message.message_id] = message
        return self._queue({"message": self._message_dict(message)})

    def _member_update(self, user_id: int, old: str, new: str) -> dict[str, Any]:
        user = self._users[user_id]
        chat = self._chats[user_id]
        member = {
            "chat": self._chat_dict(chat),
            "from": user.as_dict(),
            "date": int(self._clock()),
            "old_chat_member": {"status": old, "user": dict(self._bot_user)},
            "new_chat_member": {"status": new, "user": dict(self._bot_user)},
        }
        for side, status in (("new_chat_member", new), ("old_chat_member", old)):
            if status == "kicked":
                member[side] = {**member[side], "until_date": 0}  # type: ignore[dict-item]
        return self._queue({"my_chat_member": member})


def _text_content(text: str) -> dict[str, Any]:
    """A text message's content as Telegram delivers it: a leading /command gets its entity."""
    if not text.strip():
        raise ValueError("Telegram clients do not send empty messages")
    if len(text) > MAX_TEXT:
        raise ValueError("Telegram clients split messages longer than 4096 characters")
    content: dict[str, Any] = {"text": text}
    command = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])", text)
    if command:
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command.group())}]
    return content


def _with_caption(content: dict[str, Any], caption: str | None) -> dict[str, Any]:
    if caption:
        if len(caption) > MAX_CAPTION:
            raise ValueError("Telegram clients do not send captions longer than 1024 characters")
        content["caption"] = caption
    return content
