"""The Bot API methods about the bot itself: identity, updates, webhook, commands, files.

getMe, logOut, close, getUpdates (long polling), setWebhook, deleteWebhook, getWebhookInfo, the
command lists, the descriptions, and getFile.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlsplit

from bot.localapi.records import ApiError, _bad
from bot.localapi.schema import _implements
from bot.localapi.state import _scope_key, _World

_COMMAND_SCOPES = frozenset(
    "default all_private_chats all_group_chats all_chat_administrators chat chat_administrators "
    "chat_member".split()
)
# Telegram's default when allowed_updates is empty or never given.
_DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class _BotMethods(_World):
    """The bot-level methods of :class:`LocalBotAPI` (call with the lock held)."""

    @_implements("getMe")
    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @_implements("logOut")
    @_implements("close")
    def _ok(self, params: dict[str, Any]) -> bool:
        return True

    @_implements("getUpdates")
    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset", 0)
        limit = params.get("limit", 100)
        limit = limit if 1 <= limit <= 100 else 100
        timeout = min(max(params.get("timeout", 0), 0), 50)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
            self._confirmed_offset = max(self._confirmed_offset, offset)
        elif offset < 0:
            forgotten = self._pending[:offset]
            self._pending = self._pending[offset:]
            if forgotten:
                self._confirmed_offset = max(self._confirmed_offset, forgotten[-1]["update_id"] + 1)
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._cond.notify_all()
        client_gone = getattr(self._request_context, "client_gone", None) or (lambda: False)
        deadline = time.monotonic() + timeout
        while True:
            batch = self._deliverable(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closed:
                return batch
            # Wake now and then to notice a client that gave up (e.g. a stopping Updater): like
            # Telegram, the stand-in then drops the request instead of answering into the void.
            self._cond.wait(min(remaining, 0.1))
            if client_gone():
                return []
            if self._poll_generation != generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                )

    def _deliverable(self, limit: int) -> list[dict[str, Any]]:
        kept = []
        for update in self._pending:
            kind = next((k for k in update if k != "update_id"), "")
            if self._allowed_updates is None:
                allowed = kind not in _DEFAULT_UPDATE_TYPES_EXCLUDED
            else:
                allowed = kind in self._allowed_updates
            if allowed:
                kept.append(update)
        # Updates of a type the bot did not ask for are never generated, so they are dropped.
        self._pending = kept
        return json.loads(json.dumps(kept[:limit]))

    @_implements("setWebhook")
    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = params["url"]
        if url == "":
            self._webhook = None
            return True
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if parts.port not in (None, 80, 88, 443, 8443):
            raise _bad("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        self._webhook = {k: v for k, v in params.items() if k != "certificate"}
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else None
        return True

    @_implements("deleteWebhook")
    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            if self._pending:
                self._confirmed_offset = max(self._confirmed_offset, self._pending[-1]["update_id"] + 1)
            self._pending.clear()
        return True

    @_implements("getWebhookInfo")
    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": (self._webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook and "max_connections" in self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
        if self._allowed_updates is not None:
            info["allowed_updates"] = sorted(self._allowed_updates)
        return info

    @_implements("setMyCommands")
    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params)
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    @_implements("getMyCommands")
    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return [dict(c) for c in self._commands.get(self._commands_key(params), [])]

    @_implements("deleteMyCommands")
    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        if scope is not None and scope.get("type") not in _COMMAND_SCOPES:
            raise _bad("unsupported bot command scope type")
        language = params.get("language_code", "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return _scope_key(scope, language)

    @_implements("setMyDescription")
    def _set_my_description(self, params: dict[str, Any]) -> bool:
        return self._set_text_setting(params, "description", 512)

    @_implements("setMyShortDescription")
    def _set_my_short_description(self, params: dict[str, Any]) -> bool:
        return self._set_text_setting(params, "short_description", 120)

    def _set_text_setting(self, params: dict[str, Any], name: str, limit: int) -> bool:
        value = params.get(name, "")
        if len(value) > limit:
            raise _bad(f"{name} is too long")
        self._descriptions[f"{name}:{params.get('language_code', '')}"] = value
        return True

    @_implements("getMyDescription")
    def _get_my_description(self, params: dict[str, Any]) -> dict[str, str]:
        key = f"description:{params.get('language_code', '')}"
        return {"description": self._descriptions.get(key, "")}

    @_implements("getMyShortDescription")
    def _get_my_short_description(self, params: dict[str, Any]) -> dict[str, str]:
        key = f"short_description:{params.get('language_code', '')}"
        return {"short_description": self._descriptions.get(key, "")}

    @_implements("getFile")
    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file = self._files.get(params["file_id"])
        if file is None:
            raise _bad("invalid file_id")
        result: dict[str, Any] = {"file_id": file.file_id, "file_unique_id": file.unique_id}
        if file.data is not None:
            result.update(file_size=len(file.data), file_path=file.file_path)
        return result
