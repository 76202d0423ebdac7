"""The ``between`` command line: parse arguments, build settings, hand over.

Every failure is one line on stderr that says what failed and where, and an exit status that
says what kind of failure it was (README.md, "Exit status"); the traceback too only at
BETWEEN_LOG_LEVEL=DEBUG.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
import traceback
from collections.abc import Sequence

from telegram.error import InvalidToken, NetworkError

from bot.config import COMMAND_SETTINGS, ConfigError, Settings, load_settings
from bot.logs import configure
from bot.store.backup import BackupTargetError
from bot.store.db import DatabaseUnavailable
from bot.store.migrate import MigrationError

log = logging.getLogger("bot.cli")

# Exit statuses, one per kind of failure (deploy/between.service keys on CONFIG).
OK = 0
FAILED = 1  # anything else: a refused import, a failed migration, an unexpected error
CONFIG = 2  # a setting is missing or malformed (argparse uses 2 for a bad command line too)
DATABASE = 3  # the database cannot be opened or created
TELEGRAM = 4  # Telegram cannot be reached, or it refused the bot token
TARGET = 5  # the backup cannot be written where it was asked for
INTERRUPTED = 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="between", description="Between: a Telegram companion for the work between sessions."
    )
    parser.add_argument("--db", help="SQLite database file (env BETWEEN_DB)")
    parser.add_argument("--log-level", help="DEBUG, INFO, WARNING or ERROR (env BETWEEN_LOG_LEVEL)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument("--token", help="bot token (env TELEGRAM_BOT_TOKEN)")
    run.add_argument("--api-url", help="Bot API base URL (env TELEGRAM_API_URL)")
    run.add_argument("--webhook", metavar="URL", help="receive updates by webhook at this https URL")

    commands.add_parser("migrate", help="apply pending database migrations")
    backup = commands.add_parser("backup", help="copy the database consistently while the bot runs")
    backup.add_argument("file", help="where to write the copy")
    restore = commands.add_parser("import", help="load a person's /export JSON file into the database")
    restore.add_argument("file", help="the between-export-....json file")
    restore.add_argument("--user-id", type=int, help="whose data it becomes (default: the id in the file)")
    commands.add_parser("chat", help="try Between in this terminal, no Telegram account needed")
    invite = commands.add_parser(
        "invite",
        help="print an invite link (with BETWEEN_INVITE_ONLY); needs --bot-username or TELEGRAM_BOT_TOKEN",
        description="Print an invite link https://t.me/<bot>?start=<code>. The link needs the bot's"
        " username: give it with --bot-username, or set TELEGRAM_BOT_TOKEN and Between asks"
        " Telegram for it.",
    )
    invite.add_argument("--uses", type=int, default=1, help="how many people may use it (default 1)")
    invite.add_argument("--days", type=int, help="expire after this many days (default: never)")
    invite.add_argument(
        "--bot-username",
        metavar="NAME",
        help="the bot's username, for the link (without it TELEGRAM_BOT_TOKEN must be set, to ask Telegram)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``between`` console script and ``python -m bot``."""
    args = _parser().parse_args(argv)
    # python-telegram-bot 22 warns that durations will become timedeltas; Between handles both
    # (bot/intake.py retry_seconds), so opt in and keep the log free of that warning.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # The database, its -wal and -shm files, backups and the files `between chat` saves hold
    # people's journals: whatever this process creates is readable by its owner alone.
    umask = os.umask(0o077)
    try:
        return _command(args)
    finally:
        os.umask(umask)


def _command(args: argparse.Namespace) -> int:
    """Run the command; every failure becomes one line on stderr and its exit status."""
    overrides = {"db_path": args.db, "log_level": args.log_level}
    if args.command == "run":
        overrides.update(token=args.token, api_url=args.api_url, webhook_url=args.webhook)
    level = str(args.log_level or os.environ.get("BETWEEN_LOG_LEVEL") or "").strip().upper()
    settings: Settings | None = None
    try:
        only = COMMAND_SETTINGS.get(args.command)
        if args.command == "invite" and args.bot_username:
            only = COMMAND_SETTINGS["migrate"]  # no need to ask Telegram: the token is not read
        settings = load_settings(os.environ, overrides, only=only)
        level = settings.log_level
        if args.command == "chat" and not (args.log_level or os.environ.get("BETWEEN_LOG_LEVEL")):
            level = "WARNING"  # the terminal is the conversation: keep routine lines out of it
        configure(level, settings.token)
        return _dispatch(args, settings)
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as error:
        status, message = _failure(error, settings)
        if settings is not None and settings.token:
            message = message.replace(settings.token, "<token>")
        if level == "DEBUG" and status != CONFIG:
            traceback.print_exc()
        print(f"between: {message}", file=sys.stderr)
        return status


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        settings.require_token()
        return asyncio.run(_run(settings))
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "backup":
        return asyncio.run(_backup(settings, args.file))
    if args.command == "import":
        from bot.importer import run_import

        return asyncio.run(run_import(settings, args.file, user_id=args.user_id))
    if args.command == "invite":
        from bot.invite_cli import make_invite

        if args.uses < 1 or (args.days is not None and args.days < 1):
            raise ConfigError("--uses and --days must be at least 1")
        link = asyncio.run(
            make_invite(settings, uses=args.uses, days=args.days, bot_username=args.bot_username)
        )
        print(link)
        return OK
    if args.command == "chat":
        from bot.chat import chat

        return asyncio.run(chat(settings))
    return OK


def _failure(error: Exception, settings: Settings | None) -> tuple[int, str]:
    """The exit status and the one line for a failure."""
    if isinstance(error, ConfigError):
        return CONFIG, str(error)
    if isinstance(error, DatabaseUnavailable):
        return DATABASE, str(error)
    if isinstance(error, BackupTargetError):
        return TARGET, str(error)
    api = settings.api_url if settings else "the Bot API"
    if isinstance(error, InvalidToken):
        return TELEGRAM, (
            f"Telegram ({api}) refused the bot token: check TELEGRAM_BOT_TOKEN (@BotFather's /token"
            " shows the current one) and TELEGRAM_API_URL"
        )
    if isinstance(error, NetworkError):  # TimedOut too
        return TELEGRAM, f"cannot reach Telegram at {api}: {_one_line(error)}"
    if isinstance(error, MigrationError):
        return FAILED, str(error)
    from bot.intake import FatalPollingError

    if isinstance(error, FatalPollingError):
        # A token revoked while the bot runs is the same failure as one refused at start.
        return (TELEGRAM if isinstance(error.__context__, InvalidToken) else FAILED), str(error)
    return FAILED, (
        f"failed: {type(error).__name__}: {_one_line(error)} (BETWEEN_LOG_LEVEL=DEBUG shows where)"
    )


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 200 else text[:199] + "…"


async def _run(settings: Settings) -> int:
    from bot.app import running

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    # Opening the database and asking Telegram who we are (getMe) happen on entering running():
    # their failures reach main() as DatabaseUnavailable, NetworkError or InvalidToken.
    async with running(settings) as runtime:
        log.info("running as @%s", runtime.app.bot.username)
        await runtime.start_timer()
        if settings.webhook_url:
            from bot.webhook import serve_webhook

            await serve_webhook(runtime, stop)
        else:
            await runtime.poll(stop)
    return OK


async def _migrate(settings: Settings) -> int:
    from bot.store.db import Database
    from bot.store.migrate import current_version, migrate

    db = await Database.open(settings.db_path)
    try:
        applied = await migrate(db)  # a MigrationError is reported by main()
        version = await current_version(db)
    finally:
        await db.close()
    print(f"{settings.db_path}: schema version {version} ({len(applied)} migration(s) applied)")
    return OK


async def _backup(settings: Settings, target: str) -> int:
    from bot.store.backup import backup

    pages = await backup(settings.db_path, target)
    print(f"backed up {settings.db_path} to {target} ({pages} pages)")
    return OK


if __name__ == "__main__":
    sys.exit(main())
