"""Settings: read once from the environment and flags, validated with one clear line."""

from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


def test_defaults_without_environment():
    settings = load_settings({})
    assert settings.token is None
    assert settings.api_url == "https://api.telegram.org/bot"
    assert settings.file_api_url == "https://api.telegram.org/file/bot"
    assert settings.db_path == Path("between.sqlite3")
    assert settings.allowed_users is None
    assert settings.grace == timedelta(hours=2)


def test_environment_values_are_read_and_converted():
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/bot",
            "BETWEEN_DB": "/var/lib/between/db.sqlite3",
            "BETWEEN_ALLOWED_USERS": "12, 34,56",
            "BETWEEN_LOG_LEVEL": "debug",
            "BETWEEN_GRACE_MINUTES": "45",
        }
    )
    assert settings.require_token() == TOKEN
    assert settings.file_api_url == "http://127.0.0.1:8081/file/bot"
    assert settings.allowed_users == frozenset({12, 34, 56})
    assert settings.log_level == "DEBUG"
    assert settings.grace == timedelta(minutes=45)


def test_flags_override_environment():
    settings = load_settings({"BETWEEN_DB": "env.sqlite3"}, {"db_path": "flag.sqlite3"})
    assert settings.db_path == Path("flag.sqlite3")


def test_token_never_shows_in_repr():
    settings = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert TOKEN not in repr(settings)
    assert TOKEN.split(":")[1] not in repr(settings)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN"),
        ({"TELEGRAM_API_URL": "ftp://x"}, "TELEGRAM_API_URL"),
        ({"BETWEEN_ALLOWED_USERS": "12,alice"}, "BETWEEN_ALLOWED_USERS"),
        ({"BETWEEN_LOG_LEVEL": "LOUD"}, "BETWEEN_LOG_LEVEL"),
        ({"BETWEEN_GRACE_MINUTES": "soon"}, "BETWEEN_GRACE_MINUTES"),
        ({"BETWEEN_GRACE_MINUTES": "-5"}, "BETWEEN_GRACE_MINUTES"),
        ({"BETWEEN_PROMPTS_DIR": "/nonexistent/prompts"}, "BETWEEN_PROMPTS_DIR"),
    ],
)
def test_malformed_values_name_the_variable(env, fragment):
    with pytest.raises(ConfigError) as caught:
        load_settings(env)
    message = str(caught.value)
    assert fragment in message
    assert "\n" not in message


def test_missing_token_is_a_clear_error_only_when_needed():
    settings = load_settings({})
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        settings.require_token()


def test_a_command_reads_only_the_settings_it_names():
    env = {"TELEGRAM_BOT_TOKEN": "not-a-token", "BETWEEN_GRACE_MINUTES": "soon", "BETWEEN_DB": "x.sqlite3"}
    settings = load_settings(env, {"log_level": "debug"}, only=("db_path", "log_level"))
    assert settings.db_path == Path("x.sqlite3") and settings.log_level == "DEBUG"
    assert settings.token is None and settings.grace == timedelta(hours=2)
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(env, only=("db_path", "token"))
