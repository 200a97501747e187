"""Work on a whole document (parse, validation, the walks of the limits) in one worker thread,
so that the event loop keeps answering other requests, `/healthz` included, while a large or
contrived document is checked.

graphql-core is pure Python: a thread running it gives the interpreter lock back every switch
interval (5 ms), and the loop, waiting on it, runs in between. Measured on the bench machine, a
document of 5,000 tokens took up to ~1 s to parse and validate (validation's overlapping-fields
check is quadratic up to its budget of 250,000 comparisons), all of it on the loop until now.

One thread: documents are checked one at a time, so a client sending many of them at once
cannot take every core nor starve the loop of the lock; a document already checked is answered
from the caches without coming here.
"""

import asyncio
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

# Below this many characters a walk over the document costs less than the trip to the thread
# (~0.1 ms): it runs on the loop. Parse and validation go to the thread whatever the size, once
# per distinct text (they are cached), since validation can be quadratic in a short text.
LARGE_DOCUMENT = 2_000

_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="carnet-documents")
# Jobs run in the thread since the process started, by name: read by tests (the mechanism,
# without timing) and by whoever tunes LARGE_DOCUMENT.
JOBS: Counter[str] = Counter()


async def in_thread(name: str, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)` run in the document thread, the loop free meanwhile."""
    JOBS[name] += 1
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_THREAD, lambda: function(*args, **kwargs))


async def walked(
    name: str, text: str | None, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """A linear walk over the document of `text`: in the thread when the text is large."""
    if text is not None and len(text) >= LARGE_DOCUMENT:
        return await in_thread(name, function, *args, **kwargs)
    return function(*args, **kwargs)
