"""The pre-session recap: what a person wrote in a window, gathered, grouped and rendered.

Order (product journey 5): the items flagged Bring to session first (with those carried over
from before and not yet discussed), then answers grouped by theme in catalogue order with their
date and prompt, then free notes, the mood trend, and how many days the person reflected.
Nothing is invented: every line comes from an entry or a mood of this one person.

Rendering goes through three templates: ``recap.j2`` (Telegram HTML), ``recap.md.j2``
(Markdown file) and ``recap_page.html.j2`` (a printable page). The Telegram template marks
entry boundaries with :data:`CUT`; :func:`pack_blocks` fills messages up to Telegram's limit
on those boundaries and splits only an entry that is longer than a message by itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

import aiosqlite
from markupsafe import Markup

from bot.errors import BadInput
from bot.htmlsplit import split_html
from bot.parsing import RecapWindow
from bot.prompts import Catalogue
from bot.render import TELEGRAM_LIMIT, Renderer
from bot.schedule import start_of_day
from bot.services import practice_recap
from bot.services import sessions as session_rules
from bot.services import wellbeing as wellbeing_rules
from bot.store import people, sessions
from bot.store import recap as store
from bot.store.db import Database
from bot.store.entries import Entry
from bot.store.moods import Mood
from bot.store.wellbeing import Score
from bot.timezones import zone_from_name

DEFAULT_WINDOW = timedelta(days=7)
# Marks an entry boundary in rendered Telegram HTML. A control character no template emits and
# no stored text keeps (see _clean_text), so it can only come from the template's {{ cut }}.
CUT = "\x1e"
# More Telegram messages than this and the rest is left to the file (which has everything):
# a year's recap as 80 messages in a row would be a flood, not a help.
MAX_PARTS = 25
# How many points the mood line shows at most; longer windows average neighbouring days.
SPARK_POINTS = 60
_SPARKS = "▁▂▃▄▅▆▇█"
_EXCERPT = 70
# C0/C1 control characters other than newline and tab: Telegram strips or refuses them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Window:
    """The stretch of time a recap covers: written_at in [start, end].

    ``kind`` says how it was chosen: ``session`` (since the last session), ``week`` (no session
    yet: the last seven days) or ``custom`` (``/recap 14d``, ``/recap since ...``); ``days``
    is the length for a whole-day duration window.
    """

    start: datetime
    end: datetime
    kind: str
    days: int | None = None


@dataclass(frozen=True)
class Piece:
    """One stored message inside an item: its kind and text (None for media without caption)."""

    kind: str
    text: str | None


@dataclass(frozen=True)
class Item:
    """One thing in the recap: an answer (all messages answering one prompt), a note, a flag."""

    key: int  # id of its first entry: how buttons name the item
    entry_ids: tuple[int, ...]
    written_at: datetime
    prompt: str | None
    pieces: tuple[Piece, ...]
    days: frozenset[date]  # local dates, inside the window, on which its messages were written
    carried: bool = False  # a flagged item from before the window


@dataclass(frozen=True)
class Section:
    """Answers to prompts of one theme."""

    title: str | None  # None: prompts no longer in the catalogue
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Recap:
    """Everything one recap shows, before rendering."""

    window: Window
    zone: tzinfo
    flagged: tuple[Item, ...]
    sections: tuple[Section, ...]
    notes: tuple[Item, ...]
    moods: tuple[Mood, ...]
    next_session: datetime | None = None
    next_repeat: int = 0
    omitted: frozenset[int] = field(default_factory=frozenset)
    practised: tuple[practice_recap.PractisedItem, ...] = ()  # "What I practised"
    # WHO-5 scores in the window and the months before it (services/wellbeing.py), oldest first.
    wellbeing: tuple[Score, ...] = ()

    def items(self) -> list[Item]:
        """Every item in reading order: flagged, then each section, then notes."""
        return [*self.flagged, *(i for s in self.sections for i in s.items), *self.notes]

    @property
    def empty(self) -> bool:
        """Nothing written, flagged or logged: the recap is one warm line, not an empty page."""
        shown = (self.flagged, self.sections, self.notes, self.moods, self.practised)
        return not any(shown) and not any(s.taken_at >= self.window.start for s in self.wellbeing)

    def without(self, keys: Iterable[int]) -> Recap:
        """The same recap with some items left out (for a file the person trims)."""
        drop = frozenset(keys)

        def keep(items: Sequence[Item]) -> tuple[Item, ...]:
            return tuple(i for i in items if i.key not in drop)

        sections = tuple(Section(s.title, keep(s.items)) for s in self.sections)
        return Recap(
            window=self.window,
            zone=self.zone,
            flagged=keep(self.flagged),
            sections=tuple(s for s in sections if s.items),
            notes=keep(self.notes),
            moods=self.moods,
            next_session=self.next_session,
            next_repeat=self.next_repeat,
            omitted=self.omitted | drop,
            practised=self.practised,
            wellbeing=self.wellbeing,
        )


# --- choosing the window ------------------------------------------------------------------------


async def resolve_window(
    conn: aiosqlite.Connection, user_id: int, now: datetime, zone: tzinfo, spec: RecapWindow | None
) -> Window:
    """The window for ``/recap`` (``spec`` None), ``/recap 14d`` or ``/recap since DATE``."""
    if spec is None:
        held = await sessions.last_held(conn, user_id, now)
        if held is not None:
            return Window(held, now, "session")
        return Window(now - DEFAULT_WINDOW, now, "week", DEFAULT_WINDOW.days)
    if spec.since is not None:
        return Window(start_of_day(spec.since, zone), now, "custom")
    assert spec.duration is not None
    whole_days = spec.duration.days if spec.duration % timedelta(days=1) == timedelta(0) else None
    return Window(now - spec.duration, now, "custom", whole_days)


# --- gathering ----------------------------------------------------------------------------------


def _pieces(entries: Sequence[Entry]) -> tuple[Piece, ...]:
    return tuple(Piece(e.kind, _clean_text(e.text)) for e in entries)


def _clean_text(text: str | None) -> str | None:
    """Stored text as recaps show it: line breaks normalised, control characters dropped."""
    if text is None:
        return None
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return cleaned or None


def _local_day(instant: datetime, zone: tzinfo) -> date:
    return instant.astimezone(zone).date()


async def gather(
    conn: aiosqlite.Connection, catalogue: Catalogue, user_id: int, window: Window, zone: tzinfo
) -> Recap:
    """Read one person's recap for ``window``: indexed queries, each naming the person.

    Several messages answering the same prompt are one item. A flagged entry shows only among
    the flagged items; a discussed one is left out of recaps altogether (it stays stored).
    """
    written = await store.written(conn, user_id, window.start, window.end)
    flags = await store.open_flags(conn, user_id, window.end)
    moods = await store.moods_logged(conn, user_id, window.start, window.end)
    # Practices, what came back to them, and experiments: the answers filed under them show there.
    practised, filed = await practice_recap.gather(conn, user_id, window.start, window.end)

    def in_window_days(entries: Sequence[Entry]) -> frozenset[date]:
        return frozenset(
            _local_day(e.written_at, zone) for e in entries if window.start <= e.written_at <= window.end
        )

    flagged = tuple(
        Item(
            key=e.id,
            entry_ids=(e.id,),
            written_at=e.written_at,
            prompt=_prompt_text(catalogue, e.prompt_id),
            pieces=_pieces([e]),
            days=in_window_days([e]),
            carried=e.written_at < window.start,
        )
        for e in flags
    )
    # (delivery id, prompt id) -> its messages, in order. The prompt is part of the key: after
    # "Another question" one delivery carries answers to two questions, each under its own.
    answers: dict[tuple[int, str | None], list[Entry]] = {}
    notes: list[Item] = []
    for entry in written:
        if entry.bring or entry.discussed_at is not None or entry.id in filed:
            continue  # shown among the flagged items or under a practice, or discussed already
        if entry.delivery_id is not None:
            answers.setdefault((entry.delivery_id, entry.prompt_id), []).append(entry)
        else:
            notes.append(
                Item(entry.id, (entry.id,), entry.written_at, None, _pieces([entry]), in_window_days([entry]))
            )
    by_theme: dict[str | None, list[Item]] = {}
    for group in answers.values():
        first = group[0]
        prompt = catalogue.get(first.prompt_id) if first.prompt_id else None
        item = Item(
            key=first.id,
            entry_ids=tuple(e.id for e in group),
            written_at=first.written_at,
            prompt=prompt.text if prompt else None,
            pieces=_pieces(group),
            days=in_window_days(group),
        )
        by_theme.setdefault(prompt.theme if prompt else None, []).append(item)
    sections = [
        Section(theme.title, tuple(sorted(by_theme[theme.id], key=lambda i: (i.written_at, i.key))))
        for theme in catalogue.ordered_themes()
        if theme.id in by_theme
    ]
    if None in by_theme:  # answers to prompts an operator has since removed
        sections.append(Section(None, tuple(sorted(by_theme[None], key=lambda i: (i.written_at, i.key)))))
    plan = await sessions.get_plan(conn, user_id)
    return Recap(
        window=window,
        zone=zone,
        flagged=flagged,
        sections=tuple(sections),
        notes=tuple(notes),
        moods=tuple(moods),
        next_session=plan.next_at if plan and plan.next_at > window.end else None,
        next_repeat=plan.repeat_days if plan else 0,
        practised=practised,
        wellbeing=tuple(await wellbeing_rules.for_recap(conn, user_id, window.start, window.end)),
    )


async def zone_of(conn: aiosqlite.Connection, user_id: int) -> tzinfo:
    """The person's zone; dates in a recap are theirs. Raises ``session_zone_first`` without one."""
    person = await people.get(conn, user_id)
    if person is None or person.zone is None:
        raise BadInput("session_zone_first")
    return zone_from_name(person.zone)


async def build(
    conn: aiosqlite.Connection,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    zone: tzinfo,
    spec: RecapWindow | None,
    *,
    lead: timedelta,
) -> Recap:
    """The recap ``/recap`` shows at ``now``: a session whose planned time has passed counts as
    held first, so "since the last session" means the session that really was the last."""
    await session_rules.catch_up(conn, user_id, now, lead=lead)
    window = await resolve_window(conn, user_id, now, zone, spec)
    return await gather(conn, catalogue, user_id, window, zone)


def _prompt_text(catalogue: Catalogue, prompt_id: str | None) -> str | None:
    prompt = catalogue.get(prompt_id) if prompt_id else None
    return prompt.text if prompt else None


# --- what templates get -------------------------------------------------------------------------


def day_view(instant: datetime, zone: tzinfo, reference: date | None = None) -> dict[str, Any]:
    """A local date for templates; the year shows only when it is not ``reference``'s."""
    local = instant.astimezone(zone)
    return {
        "weekday": local.weekday(),
        "day": local.day,
        "month": local.month,
        "year": local.year,
        "show_year": reference is not None and local.year != reference.year,
        "time": local.strftime("%H:%M"),
        "iso": local.date().isoformat(),
    }


def sparkline(moods: Sequence[Mood], zone: tzinfo) -> str:
    """Mood scores as a line of block characters: one per local day (its average), oldest
    first; more than :data:`SPARK_POINTS` days are averaged in even runs of neighbours."""
    by_day: dict[date, list[int]] = {}
    for mood in moods:
        by_day.setdefault(_local_day(mood.logged_at, zone), []).append(mood.score)
    points = [sum(scores) / len(scores) for _, scores in sorted(by_day.items())]
    if len(points) > SPARK_POINTS:
        size = len(points) / SPARK_POINTS
        points = [
            sum(run) / len(run)
            for run in (points[round(i * size) : round((i + 1) * size)] for i in range(SPARK_POINTS))
            if run
        ]
    return "".join(_SPARKS[round((p - 1) / 4 * (len(_SPARKS) - 1))] for p in points)


def view(recap: Recap, *, text: Any = None) -> dict[str, Any]:
    """The recap as plain data for templates. ``text`` transforms each stored text (Markdown
    escaping for the .md file); items are numbered in reading order."""
    zone = recap.zone
    reference = recap.window.end.astimezone(zone).date()
    transform = text or (lambda value: value)
    number = 0

    def item_view(item: Item) -> dict[str, Any]:
        nonlocal number
        number += 1
        shown = [p.text for p in item.pieces if p.text]
        excerpt = " ".join(" ".join(shown).split())
        if len(excerpt) > _EXCERPT:
            excerpt = excerpt[: _EXCERPT - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"
        return {
            "number": number,
            "key": item.key,
            "date": day_view(item.written_at, zone, reference),
            "prompt": transform(item.prompt) if item.prompt else None,
            "pieces": [{"kind": p.kind, "text": transform(p.text) if p.text else None} for p in item.pieces],
            "excerpt": excerpt,
            "media_only": not shown,
            "media_kind": item.pieces[0].kind,
            "carried": item.carried,
        }

    flagged = [item_view(i) for i in recap.flagged]
    sections = [{"title": s.title, "entries": [item_view(i) for i in s.items]} for s in recap.sections]
    notes = [item_view(i) for i in recap.notes]
    days = {d for i in recap.items() for d in i.days} | {_local_day(m.logged_at, zone) for m in recap.moods}
    mood = None
    if recap.moods:
        scores = [m.score for m in recap.moods]
        mood = {
            "spark": sparkline(recap.moods, zone),
            "low": min(scores),
            "high": max(scores),
            "count": len(scores),
        }
    window = recap.window
    return {
        "since": {"kind": window.kind, "date": day_view(window.start, zone, reference), "days": window.days},
        "until": day_view(window.end, zone),
        "next_session": (
            {"date": day_view(recap.next_session, zone, reference), "repeat": recap.next_repeat}
            if recap.next_session
            else None
        ),
        "flagged": flagged,
        "practised": practice_recap.view(
            recap.practised,
            lambda at: day_view(at, zone, reference),
            lambda t: transform(_clean_text(t) or ""),
        ),
        "sections": sections,
        "notes": notes,
        "mood": mood,
        "wellbeing": wellbeing_rules.recap_view(list(recap.wellbeing), window.start),
        "days_reflected": len(days),
        "empty": recap.empty,
        "left_out": len(recap.omitted),
    }


# --- Telegram messages --------------------------------------------------------------------------


def pack_blocks(blocks: Iterable[str], limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Fill messages of at most ``limit`` characters with whole blocks (entries), in order.

    Blocks are joined by a blank line. A block longer than a message is split on its own, on
    lines, then words (never inside a tag or an entity), and its last piece may share a message
    with what follows. Each block must be valid Telegram HTML by itself.
    """
    parts: list[str] = []
    current = ""
    for raw in blocks:
        block = raw.strip()
        if not block:
            continue
        if current and len(current) + 2 + len(block) <= limit:
            current += "\n\n" + block
            continue
        if current:
            parts.append(current)
        pieces = [block] if len(block) <= limit else split_html(block, limit)
        parts.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current:
        parts.append(current)
    return parts


def telegram_parts(
    renderer: Renderer, recap: Recap, *, limit: int = TELEGRAM_LIMIT, max_parts: int = MAX_PARTS
) -> tuple[list[str], bool]:
    """The recap as Telegram messages (each under ``limit``), and whether some were held back.

    An empty recap is one warm line. Past ``max_parts`` messages, the last one says the rest is
    in the file (which the caller offers under it), so nothing is lost either way.
    """
    if recap.empty:
        return [renderer.line("recap_empty", since=view(recap)["since"])], False
    html = renderer.render("recap.j2", cut=Markup(CUT), **view(recap))
    parts = pack_blocks(html.split(CUT), limit)
    if len(parts) <= max_parts:
        return parts, False
    return [*parts[: max_parts - 1], renderer.line("recap_more_in_file")], True


def preview_parts(renderer: Renderer, recap: Recap, *, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """The leave-out preview: every item numbered, with its date and a short excerpt."""
    html = renderer.render("recap_preview.j2", cut=Markup(CUT), **view(recap))
    return pack_blocks(html.split(CUT), limit)


# --- files --------------------------------------------------------------------------------------

_BLANK_LINES = re.compile(r"\n{3,}")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~&])")
_MD_LINE_MARK = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_MD_LINE_NUMBER = re.compile(r"^(\s*\d+)([.)])", re.MULTILINE)


def markdown_escape(text: str) -> str:
    """Stored text made inert in Markdown: it reads as written, never as formatting or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_NUMBER.sub(r"\1\\\2", _MD_LINE_MARK.sub(r"\1\\\2", text))


def markdown_file(renderer: Renderer, recap: Recap) -> str:
    """The recap as a Markdown document."""
    text = renderer.render("recap.md.j2", **view(recap, text=markdown_escape))
    return _BLANK_LINES.sub("\n\n", text) + "\n"


def html_file(renderer: Renderer, recap: Recap) -> str:
    """The recap as a printable HTML page (autoescaped)."""
    return renderer.render("recap_page.html.j2", **view(recap)) + "\n"


def file_stem(recap: Recap) -> str:
    """A file name (without extension) that says what and when: ``between-recap-2026-11-24``."""
    local = recap.window.end.astimezone(recap.zone).date()
    return f"between-recap-{local.isoformat()}"


# --- What /recap and its buttons do, each in one transaction -----------------------------


async def zone_for(db: Database, user_id: int) -> tzinfo:
    """The person's zone (see :func:`zone_of`)."""
    async with db.read() as conn:
        return await zone_of(conn, user_id)


async def for_command(
    db: Database,
    catalogue: Catalogue,
    user_id: int,
    now: datetime,
    zone: tzinfo,
    spec: RecapWindow | None,
    *,
    lead: timedelta,
) -> Recap:
    """/recap: the recap at ``now`` (see :func:`build`)."""
    async with db.transaction() as conn:
        return await build(conn, catalogue, user_id, now, zone, spec, lead=lead)


async def for_window(db: Database, catalogue: Catalogue, user_id: int, window: Window) -> Recap:
    """The recap of a window a button names (its file, its preview)."""
    async with db.read() as conn:
        return await gather(conn, catalogue, user_id, window, await zone_of(conn, user_id))


async def mark_discussed(db: Database, user_id: int, entry_ids: list[int], now: datetime) -> int:
    """Mark flagged items as discussed; returns how many were still open."""
    async with db.transaction() as conn:
        return await store.mark_discussed(conn, user_id, entry_ids, now)


async def mark_all_discussed(db: Database, user_id: int, until: datetime, now: datetime) -> int:
    """Every item flagged up to ``until`` (what a recap showed) is discussed; later ones stay open."""
    async with db.transaction() as conn:
        open_items = await store.open_flags(conn, user_id, until)
        return await store.mark_discussed(conn, user_id, [e.id for e in open_items], now)
