"""Journey 7, safety: which crisis resources a person gets (their country, else their language)."""

from __future__ import annotations

from bot.safety import Resource, Resources
from bot.store import people
from bot.store.db import Database
from bot.timezones import country_for_timezone


async def resources_for(
    db: Database, resources: Resources, user_id: int, language_code: str | None
) -> list[Resource]:
    """The crisis resources for this person: by the country of their zone, else their language."""
    async with db.read() as conn:
        person = await people.get(conn, user_id)
    country = country_for_timezone(person.zone) if person and person.zone else None
    return resources.for_person(language_code, country)
