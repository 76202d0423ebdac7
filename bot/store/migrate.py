"""Migrations: numbered SQL files applied in order, the version kept in ``PRAGMA user_version``.

Each file and its version bump run in one transaction, so a migration either applies whole or not
at all. A database newer than the code, or an unversioned one that already has tables (not ours,
or from before migrations), is refused rather than guessed at.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from bot.package_data import data_dir
from bot.store.db import Database, fetch_one

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(Exception):
    """The database cannot be brought to the code's schema; the message says why."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def discover(folder: Path | None = None) -> list[Migration]:
    """List the migration files in ``folder`` (default: the packaged ones), checked for gaps."""
    folder = folder or data_dir("migrations")
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_what.sql")
        found.append(Migration(int(match.group(1)), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"{migration.path.name}: expected migration {expected:04d} here")
    return found


async def current_version(db: Database) -> int:
    """The schema version recorded in the database file."""
    async with db.raw() as conn:
        row = await fetch_one(conn, "PRAGMA user_version")
    assert row is not None  # a pragma always answers
    return int(row[0])


async def migrate(db: Database, folder: Path | None = None) -> list[int]:
    """Apply pending migrations; return the versions applied (empty when up to date)."""
    migrations = discover(folder)
    latest = len(migrations)
    version = await current_version(db)
    if version > latest:
        raise MigrationError(
            f"the database is at schema version {version} but this Between knows only up to "
            f"{latest}: it was written by a newer version; upgrade Between instead"
        )
    if version == 0 and await _has_tables(db):
        raise MigrationError(
            "the database has tables but no schema version: it was not made by Between; "
            "point BETWEEN_DB at a new file"
        )
    applied = []
    for migration in migrations[version:]:
        await _apply(db, migration)
        applied.append(migration.version)
        log.info("applied migration %04d", migration.version)
    return applied


async def _has_tables(db: Database) -> bool:
    async with db.raw() as conn:
        row = await fetch_one(conn, "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'")
    assert row is not None  # count(*) always answers
    return bool(row[0])


async def _apply(db: Database, migration: Migration) -> None:
    # executescript() would COMMIT on its own; feed statements one by one inside our transaction
    # so the file and its version bump land together or not at all.
    async with db.transaction() as conn:
        for statement in _statements(migration.sql):
            try:
                await conn.execute(statement)
            except Exception as error:
                raise MigrationError(f"{migration.path.name}: {error}") from error
        await conn.execute(f"PRAGMA user_version = {migration.version}")


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (sqlite3.complete_statement aware)."""
    import sqlite3

    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not _only_comments(buffer):
        raise MigrationError("a migration ends with an incomplete statement")
    return statements


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())
