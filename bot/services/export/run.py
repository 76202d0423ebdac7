"""Running an export or an import: gathering a person's data, producing the two files, storing it back.

The database side is bot/store/export.py (every table holding personal data); the formats are
:mod:`bot.services.export.json_format` and :mod:`bot.services.export.markdown`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.prompts import Catalogue
from bot.render import Renderer
from bot.services.export.files import prepare, read_part
from bot.services.reminders import rearm
from bot.store import export as store
from bot.store.db import Database
from bot.store.export import PersonData


class AlreadyHasData(Exception):
    """The target database already has a record of that person."""


@dataclass(frozen=True)
class ExportFiles:
    """The two files /export sends."""

    markdown_name: str
    markdown: bytes
    json_name: str
    json: bytes


# --- reading the database ---------------------------------------------------------------------


async def collect(db: Database, user_id: int) -> PersonData | None:
    """Everything about the person, in one consistent read; None when there is nothing to export.

    A bare record (someone who only said /start) has nothing they wrote or chose, so it is not
    worth two files.
    """
    async with db.read() as conn:
        data = await store.load(conn, user_id)
    return None if data is None or data.empty else data


async def export_files(
    db: Database, renderer: Renderer, catalogue: Catalogue, user_id: int, now: datetime
) -> ExportFiles | None:
    """The Markdown and JSON files for the person, whole and in memory, or None when there is
    nothing to export. /export sends them from disk, in parts if need be (:func:`prepare`)."""
    prepared = await prepare(db, renderer, catalogue, user_id, now, whole=True)
    if prepared is None:
        return None
    with prepared:
        markdown, document = prepared.parts
        return ExportFiles(
            markdown_name=markdown.name,
            markdown=await read_part(markdown),
            json_name=document.name,
            json=await read_part(document),
        )


async def import_person(db: Database, user_id: int, data: PersonData, now: datetime) -> None:
    """Store a whole person in one transaction; reminders are re-armed from ``now``.

    Raises AlreadyHasData (and changes nothing) if the database knows the person already.
    """
    async with db.transaction() as conn:
        if await store.exists(conn, user_id):
            raise AlreadyHasData(user_id)
        await store.insert(conn, user_id, data, now)
        await rearm(conn, user_id, now)
