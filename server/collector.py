"""The garbage collector's settings for a serving process (one `carnet serve` or each worker)."""

import gc


def calm_the_collector() -> None:
    """Tune the garbage collector of the serving process (the process's owner decides, not the app).

    Under load the collector took up to ~30 ms of a request (README, Performance): a
    100-contact page allocates tens of thousands of short-lived objects, and every young
    collection also walked what lives as long as the process (schema, modules, app). Freezing
    moves those out of its sight; a higher first threshold makes young collections rarer.
    Cycles are still collected, only less often.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
