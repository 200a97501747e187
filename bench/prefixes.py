"""Search as you type at the largest size: every prefix, from 2 letters, of a rare name and of a
common one, asked over HTTP for a page of 20 with its `totalCount`, p50 per prefix.

Each prefix's expected count is taken first by a plain scan of the search tokens (`LIKE
'% ma%'`, which is what a prefix means; no index involved), and every answer is checked against
it. The prefixes are asked in typing order, round after round, so that the machine's other work
weighs on all of them alike.
"""

import statistics
import time
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bench import servers
from bench.load import Target, fetch
from bench.search import SEARCH
from db.engine import open_database
from db.models import Contact, ContactStatus

NAMES = ("quemeneur", "martin")  # the rare name (three Quéméneur) and a common one, typed
WORDS = tuple(name[:length] for name in NAMES for length in range(2, len(name) + 1))
SAMPLES = 10
PAGE = 20


@dataclass
class Prefixes:
    """Per prefix: the expected count, and the p50 of each round in milliseconds."""

    found: dict[str, int] = field(default_factory=dict)
    request: dict[str, list[float]] = field(default_factory=dict)


async def expected_counts(url: str) -> dict[str, int]:
    """What each prefix must find among the listed contacts, by a scan of the tokens."""
    database = open_database(url)
    try:
        async with database.read() as session:
            listed = Contact.status != ContactStatus.MERGED
            return {
                word: int(
                    await session.scalar(
                        select(func.count()).where(listed, Contact.search_tokens.like(f"% {word}%"))
                    )
                    or 0
                )
                for word in WORDS
            }
    finally:
        await database.dispose()


async def measure(url: str, rounds: int) -> Prefixes:
    result = Prefixes(found=await expected_counts(url))
    with servers.carnet(url) as target:
        for _ in range(rounds):
            samples: dict[str, list[float]] = {word: [] for word in WORDS}
            for _ in range(SAMPLES):
                for word in WORDS:
                    samples[word].append(await _request(target, word, result.found[word]))
            for word, seconds in samples.items():
                result.request.setdefault(word, []).append(statistics.median(seconds) * 1000)
    return result


async def _request(target: Target, word: str, expected: int) -> float:
    started = time.perf_counter()
    answer = await fetch(target, {"query": SEARCH, "variables": {"search": word}})
    elapsed = time.perf_counter() - started
    contacts = answer["data"]["contacts"]  # type: ignore[index]
    if (contacts["totalCount"], len(contacts["edges"])) != (expected, min(PAGE, expected)):
        raise AssertionError(f"{word!r} should find {expected} contacts: {contacts['totalCount']}")
    return elapsed


def table(results: dict[str, Prefixes], size: int, target_ms: float) -> str:
    lines = [
        f"| engine | prefix | found among {size:,} | request p50 (target ≤ {target_ms:g} ms) |",
        "| --- | --- | ---: | ---: |",
    ]
    for engine, result in results.items():
        for word in WORDS:
            p50 = statistics.median(result.request[word])
            mark = "" if p50 <= target_ms else " ✗"
            lines.append(f"| {engine} | `{word}` | {result.found[word]:,} | **{p50:.1f} ms**{mark} |")
    return "\n".join(lines)
