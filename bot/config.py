"""Settings: one frozen object, read from the environment and command-line flags, validated once."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot import i18n
from bot.errors import ConfigError  # importers take it from here; it lives below every module

DEFAULT_API_URL = "https://api.telegram.org/bot"
# A BotFather token: the bot's numeric id, a colon, and a secret of letters, digits, - and _.
_TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{8,}$")


class Secret(str):
    """A string that never shows itself in a repr or a log line."""

    def __repr__(self) -> str:
        return "Secret('***')"


@dataclass(frozen=True)
class Settings:
    """Everything Between needs to know about its surroundings. Build with :func:`load_settings`."""

    token: Secret | None
    api_url: str = DEFAULT_API_URL
    db_path: Path = Path("between.sqlite3")
    allowed_users: frozenset[int] | None = None
    invite_only: bool = False
    log_level: str = "INFO"
    grace: timedelta = timedelta(hours=2)
    recap_lead: timedelta = timedelta(hours=2)
    crisis_resources: Path | None = None
    prompts_dir: Path | None = None
    # The language for people whose Telegram language Between does not speak (bot/i18n.py).
    default_language: str = i18n.SOURCE_LANGUAGE
    webhook_url: str | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8080
    poll_timeout: int = field(default=30)

    @property
    def restricted(self) -> bool:
        """Whether only listed or invited people may use the bot."""
        return self.allowed_users is not None or self.invite_only

    @property
    def file_api_url(self) -> str:
        """python-telegram-bot's ``base_file_url``: ``.../bot`` becomes ``.../file/bot``."""
        base = self.api_url.rstrip("/")
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base + "/file/bot"

    def require_token(self) -> Secret:
        """The token, or a clear error for commands that talk to Telegram."""
        if self.token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token"
            )
        return self.token


ENV_NAMES = {
    "token": "TELEGRAM_BOT_TOKEN",
    "api_url": "TELEGRAM_API_URL",
    "db_path": "BETWEEN_DB",
    "allowed_users": "BETWEEN_ALLOWED_USERS",
    "invite_only": "BETWEEN_INVITE_ONLY",
    "log_level": "BETWEEN_LOG_LEVEL",
    "grace": "BETWEEN_GRACE_MINUTES",
    "recap_lead": "BETWEEN_RECAP_LEAD_MINUTES",
    "crisis_resources": "BETWEEN_CRISIS_RESOURCES",
    "prompts_dir": "BETWEEN_PROMPTS_DIR",
    "default_language": "BETWEEN_DEFAULT_LANGUAGE",
    "webhook_listen": "BETWEEN_WEBHOOK_LISTEN",
    "webhook_port": "BETWEEN_WEBHOOK_PORT",
}


def load_settings(
    env: Mapping[str, str],
    overrides: Mapping[str, object] | None = None,
    *,
    only: Collection[str] | None = None,
) -> Settings:
    """Build Settings from environment variables, then flags (``overrides``) on top.

    ``only`` names the settings (keys of ENV_NAMES) a command uses; the others keep their
    defaults and are not read, so a mistake in one of them is reported by the command that uses
    it. Raises ConfigError with a one-line message naming the variable at fault.
    """
    wanted = set(ENV_NAMES) if only is None else set(only)
    raw: dict[str, object] = {
        key: env[name] for key, name in ENV_NAMES.items() if key in wanted and env.get(name, "").strip()
    }
    raw.update({k: v for k, v in (overrides or {}).items() if v is not None})

    values: dict[str, object] = {}
    token = raw.get("token")
    if token is not None:
        token = str(token).strip()
        if not _TOKEN.match(token):
            raise ConfigError("TELEGRAM_BOT_TOKEN does not look like a bot token (expected 123456789:ABC...)")
        values["token"] = Secret(token)
    else:
        values["token"] = None
    if "api_url" in raw:
        url = str(raw["api_url"]).strip()
        if not re.match(r"^https?://", url):
            raise ConfigError("TELEGRAM_API_URL must start with http:// or https://")
        values["api_url"] = url
    if "db_path" in raw:
        values["db_path"] = Path(str(raw["db_path"])).expanduser()
    if "allowed_users" in raw:
        values["allowed_users"] = _parse_ids(str(raw["allowed_users"]))
    if "invite_only" in raw:
        flag = str(raw["invite_only"]).strip().lower()
        if flag not in ("1", "0", "true", "false", "yes", "no"):
            raise ConfigError("BETWEEN_INVITE_ONLY must be true or false")
        values["invite_only"] = flag in ("1", "true", "yes")
    if "log_level" in raw:
        level = str(raw["log_level"]).strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ConfigError(f"BETWEEN_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
        values["log_level"] = level
    for key in ("grace", "recap_lead"):
        if key in raw:
            values[key] = timedelta(minutes=_parse_int(key, raw[key], 0, 7 * 24 * 60))
    for key in ("crisis_resources", "prompts_dir"):
        if key in raw:
            path = Path(str(raw[key])).expanduser()
            if not path.exists():
                raise ConfigError(f"{ENV_NAMES[key]}: {path} does not exist")
            values[key] = path
    if "default_language" in raw:
        language = i18n.resolve(str(raw["default_language"]).strip(), "")
        if not language:
            spoken = ", ".join(i18n.available())
            raise ConfigError(f"BETWEEN_DEFAULT_LANGUAGE must be a language Between speaks: {spoken}")
        values["default_language"] = language
    if "webhook_url" in raw:
        url = str(raw["webhook_url"]).strip()
        if not url.startswith("https://"):
            raise ConfigError("the webhook URL must start with https:// (Telegram requires it)")
        values["webhook_url"] = url
    if "webhook_listen" in raw:
        values["webhook_listen"] = str(raw["webhook_listen"]).strip()
    if "webhook_port" in raw:
        values["webhook_port"] = _parse_int("webhook_port", raw["webhook_port"], 1, 65535)
    return Settings(**values)  # type: ignore[arg-type]


# The settings each command that does not run the bot reads (`run` and `chat` read them all).
# Reading no more than that keeps, for instance, a token still to be filled in from stopping
# `between migrate` (systemd's ExecStartPre, where RestartPreventExitStatus does not apply, so a
# settings mistake there would be retried every 10 seconds; `run` reports it and is not retried).
COMMAND_SETTINGS: dict[str, tuple[str, ...]] = {
    "migrate": ("db_path", "log_level"),
    "backup": ("db_path", "log_level"),
    "import": ("db_path", "log_level", "allowed_users", "invite_only"),
    "invite": ("db_path", "log_level", "token", "api_url"),
}


def _parse_ids(text: str) -> frozenset[int]:
    ids = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if not (part.isascii() and part.isdigit()):
            raise ConfigError(
                f"BETWEEN_ALLOWED_USERS must be Telegram user ids separated by commas, not {part!r}"
            )
        ids.add(int(part))
    return frozenset(ids)


def _parse_int(key: str, value: object, low: int, high: int) -> int:
    name = ENV_NAMES.get(key, key)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return number
