"""`carnet retention --older-than 3y [--apply]`: list, or erase, prospects' stale contacts (rule 23).

A dry run by default: it prints how many contacts would be erased and their ids. With
`--apply`, each chunk of contacts is erased in its own transaction (a stopped run keeps what
it did; running again goes on from there) and SQLite's search index is purged once at the end.
"""

import calendar
import re
from datetime import date, datetime, timedelta

from tqdm import tqdm

from db.dialect import purge_search_index
from resolvers.access import Actor
from resolvers.global_ids import to_global_id
from resolvers.retention import erase_stale, stale_prospect_contacts
from server.settings import Settings, SettingsError

CHUNK = 100
_PERIOD = re.compile(r"^(\d+)([ymd])$")


def cut_off(older_than: str, today: date) -> date:
    """The day before which activity is stale: "3y", "18m", "90d" back from today."""
    match = _PERIOD.match(older_than.strip())
    if match is None or int(match.group(1)) == 0:
        raise SettingsError(f"--older-than takes a period such as 3y, 18m or 90d, not {older_than!r}.")
    count, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return today - timedelta(days=count)
    months = count * 12 if unit == "y" else count
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    # The same day of that month, or its last day (29 February three years back is the 28th).
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


async def run_retention(settings: Settings, *, older_than: str, apply: bool) -> int:
    now: datetime = settings.clock()
    today = now.astimezone(settings.timezone).date()
    since_day = cut_off(older_than, today)
    since = datetime.combine(since_day, datetime.min.time(), tzinfo=settings.timezone)
    database = settings.open_database()
    try:
        async with database.read() as session:
            found = await stale_prospect_contacts(session, since=since, since_day=since_day)
        print(f"{len(found)} contacts of prospects with no activity since {since_day.isoformat()}.")
        if not apply:
            for contact_id in found:
                print(to_global_id("Contact", contact_id))
            print("Dry run: nothing was erased (add --apply to anonymise them).")
            return 0
        actor = Actor(subject="carnet-retention", operation="retention", now=now, today=today)
        with tqdm(total=len(found), unit=" contacts", delay=1.0) as bar:
            for start in range(0, len(found), CHUNK):
                async with database.begin() as session:
                    done = await erase_stale(session, actor, found[start : start + CHUNK], since=since_day)
                bar.update(done)
        async with database.begin() as session:
            await purge_search_index(await session.connection())
        print(f"Anonymised {len(found)} contacts.")
        return 0
    finally:
        await database.dispose()
