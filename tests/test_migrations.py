"""Migrations: applied in order, each whole or not at all, refusing databases they don't know."""

import sqlite3

import pytest

from bot.store.db import Database
from bot.store.migrate import MigrationError, current_version, discover, migrate


async def test_blank_database_migrates_to_latest(tmp_path):
    db = await Database.open(tmp_path / "a.sqlite3")
    applied = await migrate(db)
    assert applied == list(range(1, len(discover()) + 1))
    assert await current_version(db) == len(discover())
    assert await migrate(db) == []  # idempotent
    async with db.read() as conn:
        async with conn.execute("PRAGMA journal_mode") as cur:
            assert (await cur.fetchone())[0] == "wal"
        async with conn.execute("PRAGMA foreign_keys") as cur:
            assert (await cur.fetchone())[0] == 1
        async with conn.execute("PRAGMA secure_delete") as cur:
            assert (await cur.fetchone())[0] == 1
        async with conn.execute("PRAGMA synchronous") as cur:
            assert (await cur.fetchone())[0] == 2  # FULL
    await db.close()


async def test_failing_migration_rolls_back_whole(tmp_path):
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (folder / "0002_broken.sql").write_text(
        "-- creates b, then fails: b must not survive\n"
        "CREATE TABLE b (y INTEGER);\n"
        "INSERT INTO nowhere VALUES (1);\n"
    )
    db = await Database.open(tmp_path / "b.sqlite3")
    with pytest.raises(MigrationError, match="0002_broken.sql"):
        await migrate(db, folder)
    assert await current_version(db) == 1
    async with db.read() as conn:
        async with conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'") as cur:
            tables = {row[0] for row in await cur.fetchall()}
    assert tables == {"a"}
    await db.close()


async def test_database_newer_than_code_is_refused(tmp_path):
    path = tmp_path / "c.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 999")
    db = await Database.open(path)
    with pytest.raises(MigrationError, match="newer version"):
        await migrate(db)
    await db.close()


async def test_unversioned_database_with_tables_is_refused(tmp_path):
    path = tmp_path / "d.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE someone_elses (x)")
    db = await Database.open(path)
    with pytest.raises(MigrationError, match="not made by Between"):
        await migrate(db)
    await db.close()


def test_migration_files_are_numbered_without_gaps(tmp_path):
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="expected migration 0002"):
        discover(tmp_path)
