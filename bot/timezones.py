"""Time zones: the names people may use for them, the zones worth offering, and offsets.

Reading what a person answers to "what's your time zone?" is :mod:`bot.parsing.zone`; this
module is what it looks the answer up in (every accepted spelling of a place, the zones that
show a given offset right now, likeliest first) and what the rest of the bot needs of a stored
zone (:func:`zone_from_name`, :func:`describe_zone`).

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
    "MAX_OFFSET",
    "MIN_OFFSET",
    "ZoneInfoView",
    "country_for_timezone",
    "describe_zone",
    "echo",
    "is_fixed_name",
    "lookup_key",
    "offer_rank",
    "offset_name",
    "require_aware",
    "valid_offset",
    "zone_for_key",
    "zone_from_name",
    "zones_by_offset",
]

_ECHO_LIMIT = 60
MIN_OFFSET = -12 * 60  # minutes; the civil offsets in use span UTC-12..UTC+14
MAX_OFFSET = 14 * 60

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
# way lookup_key() normalises input, separated by commas.
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

_FIXED_NAME = re.compile(r"UTC([+-])(\d{2}):(\d{2})")

# Letters NFKD does not decompose but people type without the diacritic.
_LATIN = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th"})


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
        # Only the one spelling offset_name() produces is a stored name; "UTC+00:00" is not.
        if valid_offset(minutes) and offset_name(minutes) == name:
            return timezone(timedelta(minutes=minutes))
    elif name in _available():
        return zoneinfo.ZoneInfo(name)
    raise BadInput("zone_unknown", text=echo(name))


def describe_zone(name: str, now: datetime) -> ZoneInfoView:
    """Describe a stored zone for templates: its name, city, current offset and local time."""
    require_aware(now)
    zone = zone_from_name(name)
    local = now.astimezone(zone)
    offset = local.utcoffset()
    assert offset is not None  # an aware datetime from a real tzinfo always has one
    city = name if is_fixed_name(name) else name.rsplit("/", 1)[-1].replace("_", " ")
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


def valid_offset(minutes: int) -> bool:
    """Whether an offset in minutes is one in civil use: UTC-12..UTC+14, in quarter hours."""
    return MIN_OFFSET <= minutes <= MAX_OFFSET and minutes % 15 == 0


def _offset_label(minutes: int) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


def offset_name(minutes: int) -> str:
    """The stored name of a fixed offset in minutes: ``UTC+05:45``, ``UTC-03:00`` or ``UTC``."""
    # Zero has one stored name, so "UTC+0", "GMT" and "Z" all end up the same.
    return "UTC" if minutes == 0 else _offset_label(minutes)


def is_fixed_name(name: str) -> bool:
    """Whether a stored name is a fixed offset (never follows daylight saving), not an IANA zone."""
    return name == "UTC" or _FIXED_NAME.fullmatch(name) is not None


def zones_by_offset(now: datetime) -> dict[int, list[str]]:
    """Offerable zones grouped by their offset (in minutes) at ``now``, likeliest first."""
    groups: dict[int, list[str]] = defaultdict(list)
    for name, zone in _offer_zones():
        offset = now.astimezone(zone).utcoffset()
        assert offset is not None
        groups[int(offset.total_seconds()) // 60].append(name)
    return groups


# --- names -----------------------------------------------------------------------------------


@cache
def _names() -> dict[str, str]:
    """Every accepted spelling (normalised with lookup_key) -> the name to store."""
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
            stored = offset_name(_fixed_offset_of(target))
        elif target in offerable:
            stored = target
        else:  # "Factory", "localtime" and other technical entries
            continue
        full[lookup_key(name)] = stored
        area, _, _ = name.partition("/")
        if area in _AREAS:
            cities[lookup_key(name.rsplit("/", 1)[1])].add(stored)
    # A last part shared by zones that are not the same place is no answer at all.
    names.update({city: next(iter(zones)) for city, zones in cities.items() if len(zones) == 1})
    names.update(full)
    names.update(_ALIASES)
    for key in _NOT_AN_ANSWER:
        names.pop(key, None)
    return names


def zone_for_key(key: str) -> str | None:
    """The name to store for a place as typed (normalised with lookup_key), or None if unknown."""
    return _names().get(key)


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
            found[lookup_key(re.sub(r"\s*\(.*\)", "", country))].add(zones_of[code][0])
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
def offer_rank() -> dict[str, int]:
    """Each offerable zone -> its place in the order they are offered (0 is the likeliest)."""
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


def lookup_key(text: str) -> str:
    """Normalise a place name for lookup: no accents or case, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LATIN))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("&", " and ").replace("'", "").replace(".", " ")
    plain = re.sub(r"[\s_\-,]+", " ", plain)
    plain = re.sub(r"\s*/\s*", "/", plain).strip(" !?;:")
    return re.sub(r"\b(?:saint|sankt)\b", "st", plain)


def echo(text: str) -> str:
    """The answer as it may be shown back: no control or format characters, at most 60 long."""
    visible = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf")).strip()
    if len(visible) > _ECHO_LIMIT:
        return visible[: _ECHO_LIMIT - 1] + "…"
    return visible


def require_aware(now: datetime) -> None:
    """Refuse a naive ``now``: offsets and local times depend on the instant."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
