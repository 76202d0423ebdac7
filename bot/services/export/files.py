"""Making the export files on disk, off the event loop, in bounded memory, in parts Telegram takes.

:func:`prepare` runs in a worker thread with a read connection of its own
(:func:`bot.store.export.snapshot`): rows are read one at a time and written straight into the
Markdown and JSON files, so neither the event loop nor the bot's connection waits for an export,
and memory does not grow with the length of a journal. A file larger than a bot may upload is cut
into parts (docs/export-format.md, "Large exports"): the Markdown between days, each part a file
to read; the JSON between lines, the parts joined in order making the one file `between import`
reads. A journal that would need more than :data:`MAX_PARTS` parts is not sent at all.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

from bot.prompts import Catalogue
from bot.render import Renderer
from bot.services.export.json_format import members, write
from bot.services.export.markdown import add_practice, markdown_context, person_zone, write_markdown
from bot.store.db import Database
from bot.store.export import Snapshot, snapshot

log = logging.getLogger(__name__)

# Telegram lets a bot send files of up to 50 MB; counted in decimal megabytes, a part stays
# under the limit whichever way it is read.
UPLOAD_LIMIT = 50 * 1000 * 1000
# Beyond this many parts of one file (2.5 GB at the limit) nothing is sent: the person is told
# how else to get their data.
MAX_PARTS = 50
# Exports are built on threads of their own, two at a time at most (each keeps a core busy);
# more wait their turn without holding the threads other work runs on (checkpoints, reads).
_BUILDERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="export")
# A folder left behind by a process that died while exporting is removed after this long.
STALE_SECONDS = 6 * 3600
_FOLDER_PREFIX = ".between-export-"


@dataclass(frozen=True)
class ExportPart:
    """One file to send: its name, where it waits on disk, and which part of how many it is."""

    name: str
    path: Path
    kind: str  # "markdown" or "json"
    number: int  # from 1
    count: int


@dataclass
class PreparedExport:
    """The files of one export, on disk until :meth:`close` (use it as a context manager).

    ``parts`` is empty when the export is too large to send (``size`` says how large)."""

    folder: Path
    parts: tuple[ExportPart, ...]
    size: int  # bytes of both files together

    @property
    def too_large(self) -> bool:
        return not self.parts

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PreparedExport:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


async def prepare(
    db: Database,
    renderer: Renderer,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    *,
    whole: bool = False,
) -> PreparedExport | None:
    """The person's export as files, in parts of at most :data:`UPLOAD_LIMIT` bytes (``whole``:
    never cut), or None when there is nothing to export. Made in a worker thread."""
    limit = None if whole else UPLOAD_LIMIT
    building = _BUILDERS.submit(_prepare, db.path, renderer, catalogue, user_id, now, limit)
    try:
        return await asyncio.wrap_future(building)
    except asyncio.CancelledError:  # stopping: whatever it makes goes straight away
        building.add_done_callback(_discard)
        raise


def _discard(building: Future[PreparedExport | None]) -> None:
    if not building.cancelled() and building.exception() is None:
        prepared = building.result()
        if prepared is not None:
            prepared.close()


async def read_part(part: ExportPart) -> bytes:
    """A part's bytes (at most the upload limit), read off the event loop."""
    return await asyncio.to_thread(part.path.read_bytes)


def _prepare(
    db_path: str, renderer: Renderer, catalogue: Catalogue, user_id: int, now: datetime, limit: int | None
) -> PreparedExport | None:
    folder = _new_folder(Path(db_path).resolve().parent)
    try:
        with snapshot(db_path, user_id) as snap:
            person = snap.person()
            if person is None or snap.empty():
                shutil.rmtree(folder, ignore_errors=True)
                return None
            stem = f"between-export-{_local_date(now, person.zone).isoformat()}"
            markdown = folder / f"{stem}.md"
            _write_text(markdown, lambda out: _markdown(out, renderer, snap, catalogue, now))
            document = folder / f"{stem}.json"
            _write_text(document, lambda out: _json(out, snap, user_id, catalogue, now))
        size = markdown.stat().st_size + document.stat().st_size
        md_cuts = _cuts(markdown, limit, markdown=True)
        json_cuts = _cuts(document, limit, markdown=False)
        if max(len(md_cuts), len(json_cuts)) + 1 > MAX_PARTS:
            log.warning("an export of %.0f MB would take more than %d parts: not sent", size / 1e6, MAX_PARTS)
            markdown.unlink()
            document.unlink()
            return PreparedExport(folder, (), size)
        parts = (
            *_split(markdown, md_cuts, "markdown", lambda n, of: f"{stem}-{n}-of-{of}.md"),
            *_split(document, json_cuts, "json", lambda n, of: f"{stem}.json.{n:03d}"),
        )
        return PreparedExport(folder, parts, size)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


Write = Callable[[str], object]


def _markdown(out: Write, renderer: Renderer, snap: Snapshot, catalogue: Catalogue, now: datetime) -> None:
    person = snap.person()
    assert person is not None
    context = markdown_context(
        person,
        catalogue,
        now,
        reminders=snap.reminders(),
        session_plan=snap.session_plan(),
        safety_plan=snap.safety_plan(),
        unsent=snap.unsent(),
        items=lambda: (snap.deliveries(sent_only=True), snap.entries(), snap.moods(), snap.sessions_held()),
        wellbeing=snap.wellbeing(),
    )
    add_practice(context, snap.practice(), snap.entries(), snap.deliveries())
    write_markdown(out, renderer, context)


def _json(out: Write, snap: Snapshot, user_id: int, catalogue: Catalogue, now: datetime) -> None:
    person = snap.person()
    assert person is not None
    document = members(
        user_id,
        person,
        catalogue,
        now,
        reminders=snap.reminders(),
        deliveries=snap.deliveries(),
        entries=snap.entries(),
        moods=snap.moods(),
        session_plan=snap.session_plan(),
        sessions_held=snap.sessions_held(),
        practice=snap.practice(),
        safety_plan=snap.safety_plan(),
        wellbeing=snap.wellbeing(),
    )
    write(out, document)


def _write_text(path: Path, produce: Callable[[Write], None]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        produce(file.write)


def _new_folder(parent: Path) -> Path:
    """A private folder for one export's files, beside the database (the operator's chosen
    place for people's words), after removing any a dead process left behind."""
    cutoff = time.time() - STALE_SECONDS
    try:
        for old in parent.glob(f"{_FOLDER_PREFIX}*"):
            if old.is_dir() and old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        pass
    return Path(tempfile.mkdtemp(prefix=_FOLDER_PREFIX, dir=parent))  # mode 0700


# --- cutting a file into parts ------------------------------------------------------------------


def _cuts(path: Path, limit: int | None, *, markdown: bool) -> list[int]:
    """Where parts after the first begin (byte offsets) so that none is over ``limit``.

    Cuts fall at the start of a line. In the Markdown, at a day's heading when that keeps the
    part at least half full, else at the start of an item (a time in bold), else at any line;
    a line longer than a whole part (only with a tiny limit) is cut between characters.
    """
    if limit is None or path.stat().st_size <= limit:
        return []
    cuts: list[int] = []
    start = 0
    best: list[int | None] = [None, None, None]  # latest day, item, line start after `start`
    offset = 0
    with path.open("rb") as file:
        for line in file:
            if offset > start:
                level = 2
                if markdown and line.startswith(b"### "):
                    level = 0
                elif markdown and line.startswith(b"**"):
                    level = 1
                for at in range(level, 3):
                    best[at] = offset
            end = offset + len(line)
            while end - start > limit:
                day, item, any_line = best
                cut: int | None
                if day is not None and day - start >= limit // 2:
                    cut = day
                else:
                    cut = item if item is not None else any_line
                if cut is None:
                    cut = offset + _char_boundary(line, start + limit - offset)
                cuts.append(cut)
                start = cut
                best = [at if at is not None and at > start else None for at in best]
            offset = end
    return cuts


def _char_boundary(line: bytes, index: int) -> int:
    """The last UTF-8 character boundary at or before ``index`` (and after 0) in ``line``."""
    while index > 1 and line[index] & 0xC0 == 0x80:
        index -= 1
    return index


def _split(path: Path, cuts: list[int], kind: str, name: Callable[[int, int], str]) -> list[ExportPart]:
    """The file as parts, cut at ``cuts`` (uncut: the file itself, under its own name)."""
    if not cuts:
        return [ExportPart(path.name, path, kind, 1, 1)]
    count = len(cuts) + 1
    bounds = [0, *cuts, path.stat().st_size]
    parts = []
    with path.open("rb") as source:
        for number in range(1, count + 1):
            target = path.with_name(name(number, count))
            remaining = bounds[number] - bounds[number - 1]
            with target.open("wb") as out:
                while remaining:
                    chunk = source.read(min(remaining, 1 << 20))
                    out.write(chunk)
                    remaining -= len(chunk)
            parts.append(ExportPart(target.name, target, kind, number, count))
    os.unlink(path)
    return parts


def _local_date(now: datetime, zone_name: str | None) -> date:
    return now.astimezone(person_zone(zone_name)).date()
