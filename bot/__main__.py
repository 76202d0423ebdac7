"""The ``between`` command line: parse arguments, build settings, hand over."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure


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
    invite = commands.add_parser("invite", help="print an invite link (with BETWEEN_INVITE_ONLY)")
    invite.add_argument("--uses", type=int, default=1, help="how many people may use it (default 1)")
    invite.add_argument("--days", type=int, help="expire after this many days (default: never)")
    invite.add_argument("--bot-username", help="skip asking Telegram for the bot's username")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``between`` console script and ``python -m bot``."""
    args = _parser().parse_args(argv)
    # python-telegram-bot 22 warns that durations will become timedeltas; Between handles both
    # (bot/intake.py retry_seconds), so opt in and keep the log free of that warning.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    overrides = {"db_path": args.db, "log_level": args.log_level}
    if args.command == "run":
        overrides.update(token=args.token, api_url=args.api_url, webhook_url=args.webhook)
    try:
        settings = load_settings(os.environ, overrides)
        level = settings.log_level
        if args.command == "chat" and not (args.log_level or os.environ.get("BETWEEN_LOG_LEVEL")):
            level = "WARNING"  # the terminal is the conversation: keep routine lines out of it
        configure(level, settings.token)
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
            return 0
        if args.command == "chat":
            from bot.chat import chat

            return asyncio.run(chat(settings))
    except ConfigError as error:
        print(f"between: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def _run(settings: Settings) -> int:
    from bot.app import running
    from bot.intake import FatalPollingError

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with running(settings) as runtime:
            await runtime.start_timer()
            if settings.webhook_url:
                from bot.webhook import serve_webhook

                await serve_webhook(runtime, stop)
            else:
                await runtime.poll(stop)
    except FatalPollingError as error:
        print(f"between: {error}", file=sys.stderr)
        return 1
    return 0


async def _migrate(settings: Settings) -> int:
    from bot.store.db import Database
    from bot.store.migrate import MigrationError, current_version, migrate

    db = await Database.open(settings.db_path)
    try:
        applied = await migrate(db)
        version = await current_version(db)
    except MigrationError as error:
        print(f"between: {error}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    print(f"{settings.db_path}: schema version {version} ({len(applied)} migration(s) applied)")
    return 0


async def _backup(settings: Settings, target: str) -> int:
    from bot.store.backup import backup

    pages = await backup(settings.db_path, target)
    print(f"backed up {settings.db_path} to {target} ({pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
