"""Understanding what a person answers to "what's your time zone?".

A person may answer with an IANA zone (``Europe/Berlin``), a city (``Berlin``, ``são paulo``), a
country that lives on one zone (``Germany``), a UTC offset (``UTC+2``) or simply their current
local time (``it's 14:30``), from which we offer the zones that show that time right now.

Stored zone names are either IANA names or our canonical fixed offsets ``UTC+05:45`` /
``UTC-03:00`` / ``UTC``; :func:`zone_from_name` turns either into a ``tzinfo``.

The zone list comes from the ``tzdata`` package (a dependency, so every machine has the same
zones): ``zone.tab`` names the zones worth offering (one per region, no legacy aliases) and
``tzdata.zi`` tells which legacy names (``US/Eastern``, ``Europe/Kiev``) point where.
"""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import cache
from importlib import resources

from bot.errors import BadInput

__all__ = [
    "MAX_CHOICES",
    "ZoneGuess",
    "ZoneInfoView",
    "country_for_timezone",
    "describe_zone",
    "parse_zone_answer",
    "zone_from_name",
]

MAX_CHOICES = 8  # buttons offered for a local time; more would be a wall of buttons
_MAX_INPUT = 100
_ECHO_LIMIT = 60
_MIN_OFFSET = -12 * 60  # minutes; the civil offsets in use span UTC-12..UTC+14
_MAX_OFFSET = 14 * 60
_DAY = 24 * 60

# Areas whose names are real places; everything else in tzdata is legacy or technical.
_AREAS = frozenset("Africa America Antarctica Arctic Asia Atlantic Australia Europe Indian Pacific".split())

# Zones in rough order of how many people live by them (and how likely they are among the people
# using Between), so the first buttons offered for a local time are the likeliest. The order only
# matters among zones that share an offset at a given moment; zones not listed follow
# alphabetically. Two tiers: the first is tried before any of the second.
_COMMON_ZONES: tuple[str, ...] = tuple(
    (
        # Tier 1
        "America/New_York America/Los_Angeles America/Chicago America/Denver America/Phoenix "
        "America/Toronto America/Vancouver America/Mexico_City America/Sao_Paulo "
        "America/Argentina/Buenos_Aires America/Bogota America/Lima America/Santiago "
        "America/Caracas America/Halifax America/St_Johns America/Anchorage Pacific/Honolulu "
        "Europe/London Europe/Dublin Europe/Lisbon Europe/Berlin Europe/Paris Europe/Rome "
        "Europe/Madrid Africa/Johannesburg Africa/Lagos Europe/Warsaw Europe/Amsterdam "
        "Africa/Cairo Europe/Kyiv Europe/Istanbul Europe/Moscow Asia/Jerusalem Asia/Riyadh "
        "Africa/Nairobi Asia/Tehran Asia/Dubai Asia/Kabul Asia/Karachi Asia/Kolkata Asia/Kathmandu "
        "Asia/Dhaka Asia/Yangon Asia/Bangkok Asia/Jakarta Asia/Shanghai Asia/Singapore Asia/Manila "
        "Australia/Perth Australia/Eucla Asia/Tokyo Asia/Seoul Australia/Adelaide Australia/Darwin "
        "Australia/Sydney Australia/Melbourne Australia/Brisbane Australia/Lord_Howe "
        "Pacific/Noumea Pacific/Auckland Pacific/Chatham Pacific/Tongatapu Pacific/Kiritimati "
        # Tier 2
        "America/Edmonton America/Winnipeg America/Regina America/Tijuana America/Detroit "
        "America/Guatemala America/Costa_Rica America/El_Salvador America/Tegucigalpa "
        "America/Havana America/Panama America/Jamaica America/Guayaquil America/Santo_Domingo "
        "America/Puerto_Rico America/La_Paz America/Manaus America/Montevideo America/Asuncion "
        "America/Fortaleza America/Noronha America/Nuuk Atlantic/Azores Atlantic/Cape_Verde "
        "Atlantic/Reykjavik Atlantic/Canary Africa/Accra Africa/Abidjan Africa/Dakar "
        "Africa/Casablanca Africa/Algiers Africa/Kinshasa Africa/Tunis Europe/Brussels "
        "Europe/Vienna Europe/Zurich Europe/Stockholm Europe/Prague Europe/Budapest "
        "Europe/Belgrade Europe/Oslo Europe/Copenhagen Europe/Athens Europe/Bucharest "
        "Europe/Helsinki Europe/Sofia Europe/Riga Europe/Vilnius Europe/Tallinn Europe/Chisinau "
        "Asia/Beirut Africa/Khartoum Africa/Maputo Europe/Minsk Asia/Baghdad Africa/Addis_Ababa "
        "Asia/Qatar Asia/Kuwait Asia/Amman Asia/Baku Asia/Tbilisi Asia/Yerevan Europe/Samara "
        "Indian/Mauritius Asia/Tashkent Asia/Yekaterinburg Asia/Almaty Indian/Maldives "
        "Asia/Colombo Asia/Bishkek Asia/Omsk Asia/Ho_Chi_Minh Asia/Novosibirsk Asia/Krasnoyarsk "
        "Asia/Hong_Kong Asia/Taipei Asia/Kuala_Lumpur Asia/Makassar Asia/Irkutsk Asia/Jayapura "
        "Asia/Yakutsk Pacific/Palau Asia/Vladivostok Pacific/Guam Australia/Hobart "
        "Pacific/Port_Moresby Asia/Magadan Pacific/Guadalcanal Pacific/Fiji Asia/Kamchatka "
        "Pacific/Majuro Pacific/Tarawa Pacific/Apia Pacific/Fakaofo Pacific/Kanton Pacific/Tahiti "
        "Pacific/Rarotonga America/Adak Pacific/Marquesas Pacific/Pago_Pago Pacific/Niue "
    ).split()
)

# Big cities and places that are not the last part of an IANA name, and countries that live on
# one zone (or, like Germany, Spain and Portugal, almost everyone on one). Keys are written the
# way _key() normalises input, separated by commas.
_ALIAS_GROUPS: dict[str, str] = {
    # North America
    "America/New_York": (
        "new york city, nyc, brooklyn, boston, washington, washington dc, washington d c, "
        "philadelphia, atlanta, miami, orlando, pittsburgh, baltimore"
    ),
    "America/Toronto": "ottawa, montreal, quebec",
    "America/Chicago": "dallas, houston, austin, san antonio, minneapolis, nashville, new orleans",
    "America/Denver": "salt lake city",
    "America/Edmonton": "calgary",
    "America/Los_Angeles": "san francisco, sf, seattle, san diego, san jose, las vegas",
    "Pacific/Honolulu": "hawaii",
    "America/Anchorage": "alaska",
    "America/Mexico_City": "ciudad de mexico, cdmx, guadalajara",
    # South America
    "America/Sao_Paulo": "rio, rio de janeiro, brasilia",
    "America/Bogota": "medellin",
    "America/Guayaquil": "quito",
    "America/Argentina/Buenos_Aires": "argentina",
    # Europe
    "Europe/Berlin": (
        "munich, munchen, hamburg, frankfurt, cologne, koln, dusseldorf, stuttgart, leipzig, "
        "dresden, germany, deutschland"
    ),
    "Europe/Rome": "milan, milano, naples, florence, venice, turin, italy",
    "Europe/Madrid": "barcelona, valencia, seville, sevilla, spain",
    "Europe/Paris": "lyon, marseille, toulouse, nice, france",
    "Europe/London": (
        "manchester, edinburgh, glasgow, birmingham, liverpool, leeds, bristol, cardiff, belfast, "
        "uk, u k, united kingdom, great britain, britain, england, scotland, wales, "
        "northern ireland"
    ),
    "Europe/Dublin": "cork, ireland",
    "Europe/Lisbon": "porto, portugal",
    "Europe/Amsterdam": "rotterdam, the hague, utrecht, netherlands, the netherlands, holland",
    "Europe/Brussels": "antwerp, belgium",
    "Europe/Zurich": "geneva, basel, switzerland",
    "Europe/Vienna": "salzburg, austria",
    "Europe/Stockholm": "gothenburg, sweden",
    "Europe/Warsaw": "krakow, wroclaw, gdansk, poland",
    "Europe/Prague": "czechia, czech republic",
    "Europe/Copenhagen": "denmark",
    "Europe/Oslo": "norway",
    "Europe/Helsinki": "finland",
    "Europe/Athens": "thessaloniki, greece",
    "Europe/Bucharest": "romania",
    "Europe/Moscow": "st petersburg, petersburg",
    "Europe/Kyiv": "kiev, kharkiv, lviv, odesa, odessa, ukraine",
    "Europe/Istanbul": "ankara, turkey, turkiye",
    # Asia and Oceania
    "Asia/Kolkata": (
        "mumbai, bombay, delhi, new delhi, bangalore, bengaluru, chennai, madras, hyderabad, pune, india"
    ),
    "Asia/Shanghai": "beijing, peking, shenzhen, guangzhou, hangzhou, chengdu, wuhan, china",
    "Asia/Tokyo": "osaka, kyoto, yokohama, japan",
    "Asia/Seoul": "busan, korea, south korea",
    "Asia/Jerusalem": "tel aviv, haifa, israel",
    "Asia/Dubai": "abu dhabi, uae, united arab emirates",
    "Asia/Karachi": "islamabad, lahore",
    "Asia/Ho_Chi_Minh": "hanoi, ho chi minh city, saigon, vietnam, viet nam",
    "Asia/Kathmandu": "nepal",
    "Asia/Yangon": "burma",
    "Asia/Makassar": "bali",
    "Australia/Sydney": "canberra",
    "Australia/Brisbane": "gold coast",
    "Pacific/Auckland": "wellington, christchurch, new zealand",
    # Africa
    "Africa/Johannesburg": "cape town, durban, pretoria, south africa, swaziland",
    "Africa/Lagos": "abuja, nigeria",
    "Africa/Cairo": "alexandria, egypt",
    "Africa/Casablanca": "marrakech, rabat",
    "Africa/Nairobi": "kenya",
}
_ALIASES: dict[str, str] = {
    key.strip(): zone for zone, keys in _ALIAS_GROUPS.items() for key in keys.split(",")
}

# Names that tzdata's country list resolves but that mean something else to many people (the US
# state of Georgia is not on Tbilisi time): better to ask again than to guess.
_NOT_AN_ANSWER = frozenset({"georgia"})

# Time-zone abbreviations and names of North American zones: each is ambiguous (IST is India,
# Ireland and Israel; CST is Chicago, China and Cuba) and most flip with daylight saving, so we
# ask for a city instead of guessing.
_ABBREVIATIONS = frozenset(
    (
        "est edt cst cdt mst mdt pst pdt akst akdt hst hdt ast adt nst ndt et ct mt pt "
        "est5edt cst6cdt mst7mdt pst8pdt cet cest met mest eet eest wet west bst ist msk msd "
        "sast wat eat jst kst hkt sgt pht pkt npt wib wita aest aedt acst acdt awst nzst nzdt "
        "brt clt eastern central mountain pacific atlantic"
    ).split()
) | {"central european", "eastern european", "western european", "british summer"}
_ABBREVIATION_SUFFIX = re.compile(r"\s+(?:(?:standard|daylight|summer)\s+)?time$")

# Words a person may wrap around a local time: "it's 14:30", "now it is 2:30 pm here".
_TIME_FILLER = frozenset(
    (
        "its it is now right the time here local currently my clock says about around "
        "approximately approx almost nearly exactly just ish for me"
    ).split()
)
_TIME = re.compile(
    r"(?<![\w:+-])(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{2}))?"
    r"\s*(?P<ampm>[ap]\s?\.?\s?m\b\.?)?(?![\w:])"
)
_OFFSET = re.compile(r"(?:utc|gmt)?([+-])(\d{1,2})(?:[:.]?(\d{2}))?")
_FIXED_NAME = re.compile(r"UTC([+-])(\d{2}):(\d{2})")
_UTC_WORDS = frozenset({"utc", "gmt", "z"})

# Characters people's keyboards produce for the same thing; folded before anything else.
_FOLD = str.maketrans("\u2019\u2018\u02bc`\u2212\u2013\u2014\u2010\u2011", "''''-----")
# Letters NFKD does not decompose but people type without the diacritic.
_LATIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th"})


@dataclass(frozen=True)
class ZoneGuess:
    """What a person's answer means.

    ``zone``: a canonical name to store (IANA or ``UTC±HH:MM``), or None when ``choices`` should be
    offered instead. ``choices``: IANA names matching a local time the person gave, likeliest first
    (at most :data:`MAX_CHOICES`). ``fixed_offset``: the zone never follows daylight saving, so
    the caller should say so.
    """

    zone: str | None
    choices: tuple[str, ...] = ()
    fixed_offset: bool = False


@dataclass(frozen=True)
class ZoneInfoView:
    """A zone as templates show it: ``Europe/Berlin``, ``Berlin``, ``UTC+01:00``, ``14:30``."""

    name: str
    city: str
    utc_offset: str
    local_time: str


def zone_from_name(name: str) -> tzinfo:
    """Turn a stored zone name (IANA or canonical ``UTC±HH:MM`` / ``UTC``) into a tzinfo.

    Raises ``BadInput("zone_unknown", text=...)`` for anything else.
    """
    if name == "UTC":
        return UTC
    fixed = _FIXED_NAME.fullmatch(name)
    if fixed:
        sign = -1 if fixed.group(1) == "-" else 1
        minutes = sign * (int(fixed.group(2)) * 60 + int(fixed.group(3)))
        # Only the one spelling _offset_name() produces is a stored name; "UTC+00:00" is not.
        if _valid_offset(minutes) and _offset_name(minutes) == name:
            return timezone(timedelta(minutes=minutes))
    elif name in _available():
        return zoneinfo.ZoneInfo(name)
    raise BadInput("zone_unknown", text=_echo(name))


def parse_zone_answer(text: str, *, now: datetime) -> ZoneGuess:
    """Understand an answer to "what's your time zone?" given the current instant ``now``.

    Accepts IANA names, cities, countries on one zone, UTC offsets and the person's local time.
    Raises BadInput with ``zone_empty``, ``zone_unknown``, ``zone_abbreviation``,
    ``offset_out_of_range`` or ``time_invalid`` (param ``text``: the answer, shortened).
    """
    _require_aware(now)
    stripped = text.strip()
    if len(stripped) > _MAX_INPUT or any(unicodedata.category(c) == "Cc" for c in stripped):
        raise BadInput("zone_unknown", text=_echo(stripped))
    cleaned = _clean(stripped)
    if not cleaned:
        raise BadInput("zone_empty", text="")

    key = _key(cleaned)
    if key in _UTC_WORDS:
        return ZoneGuess("UTC", fixed_offset=True)
    compact = re.sub(r"\s+", "", cleaned.casefold())
    offset = _OFFSET.fullmatch(compact)
    if offset:
        return _offset_guess(offset, stripped)
    if _ABBREVIATION_SUFFIX.sub("", key) in _ABBREVIATIONS:
        raise BadInput("zone_abbreviation", text=_echo(stripped))
    local = _local_minutes(cleaned, stripped)
    if local is not None:
        return _guess_from_local_time(local, now)
    name = _names().get(key)
    if name is None:
        raise BadInput("zone_unknown", text=_echo(stripped))
    return ZoneGuess(name, fixed_offset=_is_fixed_name(name))


def describe_zone(name: str, now: datetime) -> ZoneInfoView:
    """Describe a stored zone for templates: its name, city, current offset and local time."""
    _require_aware(now)
    zone = zone_from_name(name)
    local = now.astimezone(zone)
    offset = local.utcoffset()
    assert offset is not None  # an aware datetime from a real tzinfo always has one
    city = name if _is_fixed_name(name) else name.rsplit("/", 1)[-1].replace("_", " ")
    return ZoneInfoView(
        name=name,
        city=city,
        utc_offset=_offset_label(int(offset.total_seconds()) // 60),
        local_time=local.strftime("%H:%M"),
    )


def country_for_timezone(zone: str | None) -> str | None:
    """The ISO country code of an IANA zone ("Europe/Berlin" -> "DE"), from tzdata's zone.tab.

    The person's time zone is the best hint Between has of where they are (Telegram does not
    say), so this is how a caller finds the ``country`` for the crisis resources
    (:meth:`bot.safety.Resources.for_person`). Returns ``None`` for zones no country owns
    (``UTC``, ``Etc/GMT+2``) or unknown names.
    """
    if not zone:
        return None
    return _zone_countries().get(zone)


# --- offsets ---------------------------------------------------------------------------------


def _offset_guess(match: re.Match[str], original: str) -> ZoneGuess:
    sign = -1 if match.group(1) == "-" else 1
    hours, minutes = int(match.group(2)), int(match.group(3) or 0)
    total = sign * (hours * 60 + minutes)
    if minutes not in (0, 15, 30, 45) or not _valid_offset(total):
        raise BadInput("offset_out_of_range", text=_echo(original))
    return ZoneGuess(_offset_name(total), fixed_offset=True)


def _valid_offset(minutes: int) -> bool:
    return _MIN_OFFSET <= minutes <= _MAX_OFFSET and minutes % 15 == 0


def _offset_label(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def _offset_name(minutes: int) -> str:
    # Zero has one stored name, so "UTC+0", "GMT" and "Z" all end up the same.
    return "UTC" if minutes == 0 else _offset_label(minutes)


def _is_fixed_name(name: str) -> bool:
    return name == "UTC" or _FIXED_NAME.fullmatch(name) is not None


# --- local time ------------------------------------------------------------------------------


def _local_minutes(cleaned: str, original: str) -> int | None:
    """Minutes since midnight of a local time in the answer, or None if it is not a time."""
    lowered = cleaned.casefold().replace("'", "")
    match = _TIME.search(lowered)
    if match is None or not (match.group("m") or match.group("ampm")):
        return None
    rest = (lowered[: match.start()] + " " + lowered[match.end() :]).split()
    if any(word.strip(",.!?~:") not in _TIME_FILLER for word in rest if word.strip(",.!?~:")):
        return None
    hour, minute = int(match.group("h")), int(match.group("m") or 0)
    ampm = match.group("ampm")
    if minute > 59:
        raise BadInput("time_invalid", text=_echo(original))
    if ampm:
        if not 1 <= hour <= 12:
            raise BadInput("time_invalid", text=_echo(original))
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif hour > 23:
        raise BadInput("time_invalid", text=_echo(original))
    return hour * 60 + minute


def _guess_from_local_time(local: int, now: datetime) -> ZoneGuess:
    utc_now = now.astimezone(UTC)
    # Whole minutes on both sides: a person reading 09:15 may be at 09:15:59.
    diff = (local - (utc_now.hour * 60 + utc_now.minute)) % _DAY
    # Offsets are multiples of 15 minutes; round to the nearest so a clock up to 7 minutes fast
    # or slow still lands on the right one.
    rounded = (diff + 7) // 15 * 15 % _DAY
    # The date is unknown, so a clock time can mean two offsets a day apart (16:00 when it is
    # 02:00 UTC is Honolulu yesterday or Kiritimati tomorrow): keep both when both exist.
    candidates = [m for m in (rounded, rounded - _DAY) if _MIN_OFFSET <= m <= _MAX_OFFSET]
    by_offset = _zones_by_offset(utc_now)
    groups = [by_offset.get(m, []) for m in candidates]
    choices = _merge_choices([g for g in groups if g])
    if not choices:
        return ZoneGuess(_offset_name(candidates[0]), fixed_offset=True)
    return ZoneGuess(None, choices=choices)


def _zones_by_offset(now: datetime) -> dict[int, list[str]]:
    """Offerable zones grouped by their offset (in minutes) at ``now``, likeliest first."""
    groups: dict[int, list[str]] = defaultdict(list)
    for name, zone in _offer_zones():
        offset = now.astimezone(zone).utcoffset()
        assert offset is not None
        groups[int(offset.total_seconds()) // 60].append(name)
    return groups


def _merge_choices(groups: list[list[str]]) -> tuple[str, ...]:
    # With two candidate offsets the more likely one (its best zone ranks higher) comes first,
    # but the other keeps a couple of buttons so it is never crowded out.
    if len(groups) < 2:
        return tuple(groups[0][:MAX_CHOICES]) if groups else ()
    order = _offer_rank()
    first, second = sorted(groups, key=lambda g: order[g[0]])
    reserved = min(2, len(second))
    taken = first[: MAX_CHOICES - reserved]
    return tuple(taken + second[: MAX_CHOICES - len(taken)])


# --- names -----------------------------------------------------------------------------------


@cache
def _names() -> dict[str, str]:
    """Every accepted spelling (normalised with _key) -> the name to store."""
    offerable = set(_offerable())
    links = _links()

    def canonical(name: str) -> str:
        # zone.tab names stay as they are (Europe/Amsterdam is a real choice even though tzdata
        # links it to Brussels); legacy names follow their link (US/Eastern -> America/New_York).
        seen = 0
        while name not in offerable and name in links and seen < 8:
            name, seen = links[name], seen + 1
        return name

    names: dict[str, str] = {}
    # Lowest priority first; later updates win.
    names.update(_single_zone_countries())
    cities: dict[str, set[str]] = defaultdict(set)
    full: dict[str, str] = {}
    for name in _available():
        target = canonical(name)
        if target.startswith("Etc/"):
            stored = _offset_name(_fixed_offset_of(target))
        elif target in offerable:
            stored = target
        else:  # "Factory", "localtime" and other technical entries
            continue
        full[_key(name)] = stored
        area, _, _ = name.partition("/")
        if area in _AREAS:
            cities[_key(name.rsplit("/", 1)[1])].add(stored)
    # A last part shared by zones that are not the same place is no answer at all.
    names.update({city: next(iter(zones)) for city, zones in cities.items() if len(zones) == 1})
    names.update(full)
    names.update(_ALIASES)
    for key in _NOT_AN_ANSWER:
        names.pop(key, None)
    return names


def _fixed_offset_of(name: str) -> int:
    offset = zoneinfo.ZoneInfo(name).utcoffset(None)
    assert offset is not None
    return int(offset.total_seconds()) // 60


def _single_zone_countries() -> dict[str, str]:
    """Country names from tzdata's iso3166.tab -> zone, for countries with one zone.tab row."""
    zones_of: dict[str, list[str]] = defaultdict(list)
    for code, zone in _zone_tab_rows():
        zones_of[code].append(zone)
    found: dict[str, set[str]] = defaultdict(set)
    for line in _tzdata_text("iso3166.tab").splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        code, country = line.split("\t", 1)
        if len(zones_of.get(code, ())) == 1:
            found[_key(re.sub(r"\s*\(.*\)", "", country))].add(zones_of[code][0])
    return {key: next(iter(zones)) for key, zones in found.items() if len(zones) == 1}


@cache
def _available() -> frozenset[str]:
    # "localtime" is the machine's own zone file, not a zone name anyone could mean.
    return frozenset(zoneinfo.available_timezones() - {"localtime"})


@cache
def _zone_tab_rows() -> tuple[tuple[str, str], ...]:
    rows = []
    for line in _tzdata_text("zone.tab").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        rows.append((fields[0], fields[2]))
    return tuple(rows)


@cache
def _zone_countries() -> dict[str, str]:
    return {zone: code for code, zone in _zone_tab_rows()}


@cache
def _offerable() -> tuple[str, ...]:
    """Zones worth offering as buttons: zone.tab's, under a real-place area, known to zoneinfo."""
    available = _available()
    names = dict.fromkeys(zone for _, zone in _zone_tab_rows())
    return tuple(n for n in names if n in available and n.partition("/")[0] in _AREAS)


@cache
def _offer_order() -> tuple[str, ...]:
    offerable = set(_offerable())
    common = [name for name in _COMMON_ZONES if name in offerable]
    rest = sorted(offerable - set(common))
    return tuple(common + rest)


@cache
def _offer_rank() -> dict[str, int]:
    return {name: rank for rank, name in enumerate(_offer_order())}


@cache
def _offer_zones() -> tuple[tuple[str, tzinfo], ...]:
    # ZoneInfo keeps only a few zones strongly cached; holding them here spares re-reading
    # hundreds of zone files each time someone answers with their local time.
    return tuple((name, zoneinfo.ZoneInfo(name)) for name in _offer_order())


@cache
def _links() -> dict[str, str]:
    links = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, link = line.split()
            links[link] = target
    return links


def _tzdata_text(filename: str) -> str:
    return resources.files("tzdata").joinpath("zoneinfo", filename).read_text(encoding="utf-8")


# --- text ------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """Fold look-alike characters and drop invisible format characters (zero-width, bidi)."""
    folded = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(c for c in folded if unicodedata.category(c) != "Cf").strip()


def _key(text: str) -> str:
    """Normalise a place name for lookup: no accents or case, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("&", " and ").replace("'", "").replace(".", " ")
    plain = re.sub(r"[\s_\-,]+", " ", plain)
    plain = re.sub(r"\s*/\s*", "/", plain).strip(" !?;:")
    return re.sub(r"\b(?:saint|sankt)\b", "st", plain)


def _echo(text: str) -> str:
    """The answer as it may be shown back: no control or format characters, at most 60 long."""
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    if len(visible) > _ECHO_LIMIT:
        return visible[: _ECHO_LIMIT - 1] + "…"
    return visible


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
