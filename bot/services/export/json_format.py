"""The JSON export document (format in docs/export-format.md): building it and reading it back.

The document is built from :class:`~bot.store.export.PersonData` and parsed back into it, both
here, so the format and its version live in one place. Reading a document is strict: anything
that is not exactly what this version writes is refused with a reason that names the field,
never its value (the operator sees the reason; the value may be what a person wrote).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from bot.errors import BadInput
from bot.prompts import Catalogue
from bot.services.export import practice as practice_json
from bot.services.export import safety_plan as safety_plan_export
from bot.services.export import wellbeing as wellbeing_export
from bot.store.export import (
    DeliveryRecord,
    EntryRecord,
    MoodRecord,
    PersonData,
    PersonRecord,
    ReminderRecord,
    SessionPlanRecord,
)
from bot.store.practice_export import PracticeData
from bot.store.safety_plan import PlanRecord
from bot.store.wellbeing import WellbeingData
from bot.timezones import zone_from_name

FORMAT = "between-export"
VERSION = 2
# Versions this Between reads: version 1 is version 2 without the members added in 2.
READS = (1, 2)
NO_PRACTICE = PracticeData()
# The top-level members version 2 added; a version 1 document is a version 2 one without them.
ADDED_IN_VERSION_2 = (practice_json.KEY, safety_plan_export.KEY, wellbeing_export.KEY)
_READS_TEXT = " and ".join(map(str, READS))

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ENTRY_KINDS = frozenset({"text", "voice", "photo", "sticker", "document", "video", "audio", "bring"})
DELIVERY_KINDS = frozenset({"prompt", "snooze", "on_demand"})
DELIVERY_STATES = frozenset({"scheduled", "claimed", "sent", "skipped", "missed", "failed"})
REPEAT_DAYS = frozenset({0, 7, 14})

_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# How a later piece of a cut JSON file starts: a line of the document, indented as dump() writes.
_PIECE_START = re.compile(r'( {2,}("[a-z_]+": |[{}\]]|"[a-z]{3}")|\}\n?$)')
# Every instant read from a file lies in this range. Older or later ones are no one's journal,
# and near the ends of what a datetime can hold, the arithmetic on them (a reminder's next time
# in the person's zone, a session rolled forward) would overflow, or the year would be written
# with fewer than four digits and could not be read back.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
# Telegram user ids fit in 52 bits.
MAX_USER_ID = 2**52


class ExportFormatError(Exception):
    """A document that is not a Between export this version can read; the message says why."""


def dump(document: dict[str, Any]) -> bytes:
    """The document as the bytes of the .json file (stable: same document, same bytes)."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def to_document(user_id: int, data: PersonData, catalogue: Catalogue, now: datetime) -> dict[str, Any]:
    """The versioned JSON document for the person (see docs/export-format.md)."""
    document = members(
        user_id,
        data.person,
        catalogue,
        now,
        reminders=data.reminders,
        deliveries=data.deliveries,
        entries=data.entries,
        moods=data.moods,
        session_plan=data.session_plan,
        sessions_held=data.sessions_held,
        practice=data.practice,
        safety_plan=data.safety_plan,
        wellbeing=data.wellbeing,
    )
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in document}


def members(
    user_id: int,
    person: PersonRecord,
    catalogue: Catalogue,
    now: datetime,
    *,
    reminders: Iterable[ReminderRecord],
    deliveries: Iterable[DeliveryRecord],
    entries: Iterable[EntryRecord],
    moods: Iterable[MoodRecord],
    session_plan: SessionPlanRecord | None,
    sessions_held: Iterable[datetime],
    practice: PracticeData = NO_PRACTICE,
    safety_plan: PlanRecord | None = None,
    wellbeing: WellbeingData | None = None,
) -> list[tuple[str, Any]]:
    """The document's members in order; the lists as iterators of JSON objects, made one at a
    time as they are read (see :func:`write`)."""
    return [
        ("format", FORMAT),
        ("version", VERSION),
        ("exported_at", _instant(now)),
        ("user_id", user_id),
        ("person", person_object(person)),
        ("reminders", (reminder_object(i, r) for i, r in enumerate(reminders))),
        ("deliveries", (delivery_object(i, d, catalogue) for i, d in enumerate(deliveries))),
        ("entries", (entry_object(e, catalogue) for e in entries)),
        ("moods", (mood_object(m) for m in moods)),
        ("session_plan", plan_object(session_plan) if session_plan else None),
        ("sessions_held", (held_object(h) for h in sessions_held)),
        (practice_json.KEY, practice_json.document(practice)),
        (safety_plan_export.KEY, safety_plan_export.to_object(safety_plan)),
        (wellbeing_export.KEY, wellbeing_export.to_json(wellbeing or WellbeingData())),
    ]


def write(out: Callable[[str], object], document: Iterable[tuple[str, Any]]) -> None:
    """Write a document to ``out`` piece by piece, byte for byte as :func:`dump` writes it.

    A member whose value is an iterator is written as a list, one item at a time, so a list of
    any length never has to be in memory.
    """
    out("{")
    for position, (key, value) in enumerate(document):
        out(("\n" if position == 0 else ",\n") + "  " + json.dumps(key, ensure_ascii=False) + ": ")
        if not isinstance(value, Iterator):
            out(_indented(value, 2))
            continue
        out("[")
        empty = True
        for item in value:
            out(("\n    " if empty else ",\n    ") + _indented(item, 4))
            empty = False
        out("]" if empty else "\n  ]")
    out("\n}\n")


def _indented(value: Any, depth: int) -> str:
    """``value`` as json.dumps(indent=2) writes it ``depth`` spaces in (a string never holds a
    raw line break: JSON escapes it)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


def person_object(person: PersonRecord) -> dict[str, Any]:
    return {
        "created_at": _instant(person.created_at),
        "language_code": person.language_code,
        "zone": person.zone,
        "paused_until": _instant(person.paused_until),
        "paused_indefinitely": person.paused_indefinitely,
        "reachable": person.active,
        "practice_due": person.practice_due,
        "admitted": person.admitted,
        "mood_with_prompts": person.mood_with_prompts,
    }


def reminder_object(position: int, r: ReminderRecord) -> dict[str, Any]:
    return {
        "ref": _ref("r", position),
        "at": r.at,
        "days": [WEEKDAY_KEYS[d] for d in sorted(r.days)],
        "created_at": _instant(r.created_at),
    }


def delivery_object(position: int, d: DeliveryRecord, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "ref": _ref("d", position),
        "reminder": _ref("r", d.reminder),
        "kind": d.kind,
        "prompt": exported_prompt(catalogue, d.prompt_id),
        "due_at": _instant(d.due_at),
        "state": d.state,
        "created_at": _instant(d.created_at),
        "sent_at": _instant(d.sent_at),
    }


def entry_object(e: EntryRecord, catalogue: Catalogue) -> dict[str, Any]:
    return {
        "written_at": _instant(e.written_at),
        "kind": e.kind,
        "text": e.text,
        "first_text": e.first_text,
        "edited_at": _instant(e.edited_at),
        "file_id": e.file_id,
        "delivery": _ref("d", e.delivery),
        "prompt": exported_prompt(catalogue, e.prompt_id),
        "bring": e.bring,
        "discussed_at": _instant(e.discussed_at),
    }


def mood_object(m: MoodRecord) -> dict[str, Any]:
    return {"score": m.score, "logged_at": _instant(m.logged_at)}


def plan_object(plan: SessionPlanRecord) -> dict[str, Any]:
    return {
        "next_at": _instant(plan.next_at),
        "local_time": plan.local_time,
        "repeat_days": plan.repeat_days,
        "recap_due": _instant(plan.recap_due),
    }


def held_object(happened_at: datetime) -> dict[str, Any]:
    return {"happened_at": _instant(happened_at)}


def _instant(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime(_INSTANT_FORMAT) if value is not None else None


def _ref(prefix: str, position: int | None) -> str | None:
    return f"{prefix}{position + 1}" if position is not None else None


def exported_prompt(catalogue: Catalogue, prompt_id: str | None) -> dict[str, Any] | None:
    """A prompt as exported: its id always, its wording and theme while the catalogue has them."""
    if prompt_id is None:
        return None
    prompt = catalogue.get(prompt_id)
    theme = catalogue.themes.get(prompt.theme) if prompt else None
    return {
        "id": prompt_id,
        "text": prompt.text if prompt else None,
        "theme": prompt.theme if prompt else None,
        "theme_title": theme.title if theme else None,
    }


def parse(raw: bytes) -> tuple[int, PersonData]:
    """Read an export file's bytes: (the user id in it, the data). Raises ExportFormatError."""
    try:
        text = raw.decode("utf-8")
        document = json.loads(text)
    except UnicodeDecodeError:
        raise ExportFormatError("the file is not UTF-8 text") from None
    except json.JSONDecodeError as error:
        if _a_piece(text, error):
            raise ExportFormatError(
                "the file is one piece of an export sent in pieces (.json.001, .json.002, ...):"
                " join them in order into one file first"
            ) from None
        raise ExportFormatError(f"the file is not valid JSON (line {error.lineno})") from None
    except ValueError:  # a number of more than 4300 digits, which Python refuses to read
        raise ExportFormatError("the file holds a number far too long for a Between export") from None
    except RecursionError:
        raise ExportFormatError("the file nests lists or objects too deeply for a Between export") from None
    return from_document(document)


def _a_piece(text: str, error: json.JSONDecodeError) -> bool:
    """Whether ``text`` looks like one piece of a JSON file cut into pieces (docs/export-format.md,
    "Large exports"): the first one, which stops early, or a later one, which starts mid-document
    at a line as this module writes it."""
    if text.startswith('{\n  "format": "' + FORMAT + '"'):
        return error.pos >= len(text.rstrip())
    return _PIECE_START.match(text) is not None


def from_document(document: object) -> tuple[int, PersonData]:
    """Check a parsed JSON document and turn it into (user id, data). Raises ExportFormatError."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ExportFormatError(f'this is not a Between export (no "format": "{FORMAT}")')
    version = document.get("version")
    if version not in READS or isinstance(version, bool) or not isinstance(version, int):
        if not isinstance(version, int | float | None):  # never shown: it could be anything
            raise ExportFormatError(
                f"export format version is not a number (this Between reads {_READS_TEXT})"
            )
        raise ExportFormatError(
            f"export format version {version!r} is not one this Between reads (it reads {_READS_TEXT})"
        )
    top = _Object(document, "")
    top.only(
        "format", "version", "exported_at", "user_id", "person", "reminders", "deliveries",
        "entries", "moods", "session_plan", "sessions_held",
        *(ADDED_IN_VERSION_2 if version >= 2 else ()),
    )  # fmt: skip
    top.instant("exported_at")
    user_id = top.integer("user_id")
    if not 0 < user_id < MAX_USER_ID:
        raise ExportFormatError("user_id: must be a positive Telegram user id")

    p = top.object("person")
    p.only(
        "created_at", "language_code", "zone", "paused_until", "paused_indefinitely",
        "reachable", "practice_due", "admitted", "mood_with_prompts",
    )  # fmt: skip
    zone = p.optional_text("zone", limit=64)
    if zone is not None:
        try:
            zone_from_name(zone)
        except BadInput:
            raise ExportFormatError("person.zone: not a time zone this Between knows") from None
    person = PersonRecord(
        language_code=p.optional_text("language_code", limit=35),
        zone=zone,
        created_at=p.instant("created_at"),
        paused_until=p.optional_instant("paused_until"),
        paused_indefinitely=p.boolean("paused_indefinitely"),
        active=p.boolean("reachable"),
        practice_due=p.boolean("practice_due"),
        admitted=p.boolean("admitted"),
        mood_with_prompts=p.boolean("mood_with_prompts"),
    )

    reminder_refs: dict[str, int] = {}
    reminders: list[ReminderRecord] = []
    for i, r in enumerate(top.objects("reminders")):
        r.only("ref", "at", "days", "created_at")
        _add_ref(reminder_refs, r, i)
        at = r.text("at", limit=5)
        if not _CLOCK.fullmatch(at):
            raise ExportFormatError(f"{r.where}.at: expected a time like 20:30")
        reminders.append(ReminderRecord(at, _days(r), r.instant("created_at")))
    if len({(r.at, r.days) for r in reminders}) != len(reminders):
        raise ExportFormatError("reminders: the same time and days appear twice")

    delivery_refs: dict[str, int] = {}
    deliveries: list[DeliveryRecord] = []
    for i, d in enumerate(top.objects("deliveries")):
        d.only("ref", "reminder", "kind", "prompt", "due_at", "state", "created_at", "sent_at")
        _add_ref(delivery_refs, d, i)
        deliveries.append(
            DeliveryRecord(
                reminder=d.reference("reminder", reminder_refs),
                kind=d.choice("kind", DELIVERY_KINDS),
                due_at=d.instant("due_at"),
                prompt_id=_prompt_id(d),
                state=d.choice("state", DELIVERY_STATES),
                created_at=d.instant("created_at"),
                sent_at=d.optional_instant("sent_at"),
            )
        )
    if len({(d.reminder, d.due_at) for d in deliveries if d.reminder is not None}) != sum(
        d.reminder is not None for d in deliveries
    ):
        raise ExportFormatError("deliveries: one reminder is due twice at the same time")

    entries = []
    for e in top.objects("entries"):
        e.only(
            "written_at", "kind", "text", "first_text", "edited_at", "file_id", "delivery",
            "prompt", "bring", "discussed_at",
        )  # fmt: skip
        entries.append(
            EntryRecord(
                delivery=e.reference("delivery", delivery_refs),
                prompt_id=_prompt_id(e),
                kind=e.choice("kind", ENTRY_KINDS),
                text=e.optional_text("text"),
                first_text=e.optional_text("first_text"),
                file_id=e.optional_text("file_id", limit=512),
                written_at=e.instant("written_at"),
                edited_at=e.optional_instant("edited_at"),
                bring=e.boolean("bring"),
                discussed_at=e.optional_instant("discussed_at"),
            )
        )

    moods = []
    for m in top.objects("moods"):
        m.only("score", "logged_at")
        score = m.integer("score")
        if not 1 <= score <= 5:
            raise ExportFormatError(f"{m.where}.score: must be 1 to 5")
        moods.append(MoodRecord(score, m.instant("logged_at")))

    plan = None
    plan_object = top.optional_object("session_plan")
    if plan_object is not None:
        plan_object.only("next_at", "local_time", "repeat_days", "recap_due")
        local_time = plan_object.text("local_time", limit=5)
        if not _CLOCK.fullmatch(local_time):
            raise ExportFormatError("session_plan.local_time: expected a time like 17:00")
        repeat = plan_object.integer("repeat_days")
        if repeat not in REPEAT_DAYS:
            raise ExportFormatError("session_plan.repeat_days: must be 0, 7 or 14")
        plan = SessionPlanRecord(
            next_at=plan_object.instant("next_at"),
            local_time=local_time,
            repeat_days=repeat,
            recap_due=plan_object.optional_instant("recap_due"),
        )

    held = []
    for h in top.objects("sessions_held"):
        h.only("happened_at")
        held.append(h.instant("happened_at"))

    return user_id, PersonData(
        person=person,
        reminders=tuple(reminders),
        deliveries=tuple(deliveries),
        entries=tuple(entries),
        moods=tuple(moods),
        session_plan=plan,
        sessions_held=tuple(held),
        practice=practice_json.read(top, delivery_refs),
        safety_plan=safety_plan_export.from_object(top) if version >= 2 else None,
        wellbeing=wellbeing_export.from_json(top, version),
    )


def _add_ref(refs: dict[str, int], item: _Object, position: int) -> None:
    ref = item.text("ref", limit=32)
    if ref in refs:
        raise ExportFormatError(f"{item.where}.ref: used twice")
    refs[ref] = position


def _days(item: _Object) -> frozenset[int]:
    raw = item.value("days")
    if not isinstance(raw, list) or not raw or not all(isinstance(d, str) for d in raw):
        raise ExportFormatError(f'{item.where}.days: expected a list like ["mon", "tue"]')
    if len(set(raw)) != len(raw) or not set(raw) <= set(WEEKDAY_KEYS):
        raise ExportFormatError(f"{item.where}.days: days are mon, tue, wed, thu, fri, sat, sun, once each")
    return frozenset(WEEKDAY_KEYS.index(d) for d in raw)


def _prompt_id(item: _Object) -> str | None:
    prompt = item.optional_object("prompt")
    if prompt is None:
        return None
    prompt.only("id", "text", "theme", "theme_title")
    for key in ("text", "theme", "theme_title"):
        prompt.optional_text(key)  # shown for reading; the id is what counts
    return prompt.text("id", limit=128)


class _Object:
    """A JSON object being checked, which knows where it sits in the document (for messages)."""

    def __init__(self, raw: object, where: str) -> None:
        if not isinstance(raw, dict):
            raise ExportFormatError(f"{where or 'the document'}: expected an object")
        self.raw: dict[str, Any] = raw
        self.where = where

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def only(self, *keys: str) -> None:
        missing = [k for k in keys if k not in self.raw]
        if missing:
            raise ExportFormatError(f"{self._path(missing[0])}: missing")
        unknown = sorted(set(self.raw) - set(keys))
        if unknown:
            # Field names come from the file, but a name is never something a person wrote.
            # Shown escaped (ASCII, no line breaks) so that the refusal stays one line.
            name = json.dumps(unknown[0][:40])[1:-1] or '""'
            raise ExportFormatError(f"{self._path(name)}: not a field of this version")

    def value(self, key: str) -> Any:
        return self.raw.get(key)

    def _typed(self, key: str, check: Callable[[Any], bool], expected: str) -> Any:
        value = self.raw.get(key)
        if not check(value):
            raise ExportFormatError(f"{self._path(key)}: expected {expected}")
        return value

    def text(self, key: str, *, limit: int | None = None) -> str:
        self._typed(key, lambda v: isinstance(v, str) and v != "", "text")
        return self._any_text(key, limit)

    def optional_text(self, key: str, *, limit: int | None = None) -> str | None:
        return None if self.raw.get(key) is None else self._any_text(key, limit)

    def _any_text(self, key: str, limit: int | None) -> str:
        value: str = self._typed(key, lambda v: isinstance(v, str), "text or null")
        if limit is not None and len(value) > limit:
            raise ExportFormatError(f"{self._path(key)}: longer than {limit} characters")
        if "\x00" in value:
            raise ExportFormatError(f"{self._path(key)}: contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (JSON allows "\ud800"); SQLite cannot keep it
            raise ExportFormatError(f"{self._path(key)}: contains an invalid character") from None
        return value

    def integer(self, key: str) -> int:
        return int(
            self._typed(key, lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number")
        )

    def boolean(self, key: str) -> bool:
        return bool(self._typed(key, lambda v: isinstance(v, bool), "true or false"))

    def choice(self, key: str, allowed: frozenset[str]) -> str:
        expected = "one of " + ", ".join(sorted(allowed))
        return str(self._typed(key, lambda v: isinstance(v, str) and v in allowed, expected))

    def instant(self, key: str) -> datetime:
        value = self._typed(
            key,
            lambda v: isinstance(v, str) and _INSTANT.fullmatch(v) is not None,
            "a UTC time like 2026-11-23T08:00:00Z",
        )
        try:
            instant = datetime.strptime(value, _INSTANT_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            raise ExportFormatError(f"{self._path(key)}: not a real date and time") from None
        if not EARLIEST <= instant < LATEST:
            years = f"{EARLIEST.year} to {LATEST.year - 1}"
            raise ExportFormatError(f"{self._path(key)}: outside {years}, not a time this Between keeps")
        return instant

    def optional_instant(self, key: str) -> datetime | None:
        return None if self.raw.get(key) is None else self.instant(key)

    def reference(self, key: str, refs: dict[str, int]) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or value not in refs:
            raise ExportFormatError(f"{self._path(key)}: refers to nothing listed before")
        return refs[value]

    def object(self, key: str) -> _Object:
        return _Object(self.raw.get(key), self._path(key))

    def optional_object(self, key: str) -> _Object | None:
        return None if self.raw.get(key) is None else self.object(key)

    def objects(self, key: str) -> Iterable[_Object]:
        items = self._typed(key, lambda v: isinstance(v, list), "a list")
        return [_Object(item, f"{self._path(key)}[{i}]") for i, item in enumerate(items)]
