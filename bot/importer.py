"""``between import FILE [--user-id N]``: load a person's export (the JSON file) into the database.

Everything goes in one transaction or nothing does. The import is refused, with one line saying
why, when the file is not an export this version reads, or when the database already knows that
person (an import never merges into, or overwrites, what is there). Messages name fields and
counts only, never what the person wrote.

Who may use the bot is this installation's decision: an import takes no access from the file.
The person is admitted by BETWEEN_ALLOWED_USERS or an invite here, as anyone else is, whatever
the file says about the installation it came from.
"""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import sys
from pathlib import Path
from typing import TextIO

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.services.export import AlreadyHasData, ExportFormatError, import_person, parse
from bot.services.export.json_format import MAX_USER_ID
from bot.store.db import Database
from bot.store.migrate import MigrationError, migrate

# A person's export is text; anything far beyond this is not one (and would be read into memory).
MAX_FILE_BYTES = 256 * 1024 * 1024


async def run_import(
    settings: Settings,
    file: str | Path,
    *,
    user_id: int | None = None,
    clock: Clock | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import ``file`` for ``user_id`` (default: the id in the file); returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    now = (clock or SystemClock()).now()
    path = Path(file)
    try:
        raw = await asyncio.to_thread(_read, path)
    except OSError as error:
        print(f"between: cannot read {path}: {error.strerror or error}", file=err)
        return 1
    try:
        if raw is None:
            raise ExportFormatError("the file is too large to be a Between export")
        file_user, data = parse(raw)
    except ExportFormatError as error:
        print(f"between: {path}: {error}; nothing was imported", file=err)
        return 1
    target = user_id if user_id is not None else file_user
    if not 0 < target < MAX_USER_ID:
        print("between: --user-id must be a positive Telegram user id; nothing was imported", file=err)
        return 1
    # Admission belongs to this installation (its allowed list, its invites), never to a file.
    data = dataclasses.replace(data, person=dataclasses.replace(data.person, admitted=False))

    db = await Database.open(settings.db_path)
    try:
        await migrate(db)
        await import_person(db, target, data, now)
    except AlreadyHasData:
        print(
            f"between: {settings.db_path} already has data for user {target}; nothing was imported"
            " (an import never merges or overwrites: erase it with /delete first, or pick --user-id)",
            file=err,
        )
        return 1
    except sqlite3.IntegrityError:
        # The checks in parse() should make this unreachable; the transaction rolled back.
        print(f"between: {path}: the data contradicts itself; nothing was imported", file=err)
        return 1
    except MigrationError as error:
        print(f"between: {error}", file=err)
        return 1
    finally:
        await db.close()
    print(
        f"imported user {target} into {settings.db_path}: {len(data.entries)} entries,"
        f" {len(data.moods)} moods, {len(data.reminders)} reminders,"
        f" {len(data.deliveries)} questions, {len(data.sessions_held)} sessions held",
        file=out,
    )
    if settings.invite_only and not (settings.allowed_users and target in settings.allowed_users):
        print(
            f"user {target} may use the bot here once they open an invite link (between invite)"
            " or are listed in BETWEEN_ALLOWED_USERS",
            file=out,
        )
    elif settings.allowed_users is not None and target not in settings.allowed_users:
        print(f"user {target} may use the bot here once listed in BETWEEN_ALLOWED_USERS", file=out)
    return 0


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None when it is far too large to be an export."""
    if path.stat().st_size > MAX_FILE_BYTES:
        return None
    return path.read_bytes()
