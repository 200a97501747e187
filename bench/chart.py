"""The chart of a bench run: each measure against its target, one panel per measure, as a PNG.

`make bench` writes it after its tables (bench/performance.png, shown in the README);
`python -m bench.chart [RESULTS.json …]` draws it again from var/bench/results.json, or from the
results of several runs (one per engine, say, each within the bench lock's 10 minutes), merged.
A panel whose measure is not in the results (a run without the 16 clients, or from before the
normalisation's write lock joined `make bench`) is left out.
"""

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

# Files only, no display (a server, CI): the backend is chosen before pyplot is imported.
matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

RESULTS = Path("var/bench/results.json")
CHART = Path("bench/performance.png")
Results = dict[str, Any]
Panel = Callable[[Axes, Results], None]


def _target(axes: Axes, value: float, label: str, style: str = "--") -> None:
    axes.axhline(value, color="black", linestyle=style, linewidth=1)
    where = ("axes fraction", "data")
    axes.annotate(label, (0.99, value), xycoords=where, ha="right", va="bottom", fontsize=8)


def _label(key: str) -> str:
    engine, size = key.split("/")
    return f"{engine}\n{int(size):,}"


def _bars(axes: Axes, labels: list[str], series: dict[str, list[float]], top: float) -> None:
    """Grouped bars, one group per label; room above them (`top` at least) for the legend."""
    width = 0.8 / len(series)
    for index, (name, values) in enumerate(series.items()):
        positions = [group + (index - (len(series) - 1) / 2) * width for group in range(len(labels))]
        bars = axes.bar(positions, values, width, label=name)
        axes.bar_label(bars, fmt="%.2f", fontsize=7)
    axes.set_xticks(range(len(labels)), labels, fontsize=8)
    axes.set_ylim(0, max(top, *(value for values in series.values() for value in values)) * 1.3)
    axes.legend(fontsize=8, loc="upper left")


def _reference(axes: Axes, results: Results) -> None:
    reference = results["reference"]
    labels = [_label(key) for key in reference]
    series = {
        "compiled": [entry["ratio"] for entry in reference.values()],
        "stock executor": [entry["stock_ratio"] for entry in reference.values()],
    }
    _bars(axes, labels, series, top=0.7)
    _target(axes, 0.7, "target ≥ 0.7")
    axes.set_title("Reference query: Carnet ÷ hand-written limit (req/s)")


def _prefixes(axes: Axes, results: Results) -> None:
    for engine, by_words in results["prefixes"].items():
        words = list(by_words)
        axes.plot(
            words, [statistics.median(by_words[word]["request_ms"]) for word in words], "o-", label=engine
        )
    _target(axes, 150, "target ≤ 150 ms")
    axes.set_title(
        f"Search as you type, {results['prefixes_size']:,} contacts: request p50 (ms), target ≤ 150"
    )
    axes.tick_params(axis="x", labelrotation=60, labelsize=8)
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(ScalarFormatter())
    axes.yaxis.set_minor_formatter(ScalarFormatter())
    axes.legend(fontsize=8)


def _concurrency(axes: Axes, results: Results) -> None:
    runs = results["concurrency"]
    labels = [_label(key) for key in runs]
    latency = [entry["p95_ms"] / entry["p50_ms"] for entry in runs.values()]
    memory = [entry["rss_end"] / entry["rss_warm"] for entry in runs.values()]
    _bars(axes, labels, {"latency p95 ÷ p50": latency, "RSS at the end ÷ after 100 requests": memory}, top=2)
    _target(axes, 2, "p95 ÷ p50 ≤ 2")
    _target(axes, 1.3, "RSS ≤ 1.3", style=":")
    clients = {entry["clients"] for entry in runs.values()}
    axes.set_title(f"{', '.join(map(str, clients))} clients: latency spread, and memory as requests add up")


def _normalize(axes: Axes, results: Results) -> None:
    runs = results["normalize"]
    labels = [_lock_label(key, entry) for key, entry in runs.items()]
    _bars(
        axes, labels, {"write lock, Carnet ÷ the floor": [entry["ratio"] for entry in runs.values()]}, top=1.2
    )
    # One bar or two would stretch across the whole width: as narrow as four would be, centred.
    margin = (max(len(labels), 4) - len(labels)) / 2 + 0.5
    axes.set_xlim(-margin, len(labels) - 1 + margin)
    _target(axes, 1.2, "target ≤ 1.2")
    axes.set_title("Normalising names on SQLite while clients edit: write lock, Carnet ÷ the floor")


def _lock_label(key: str, entry: dict[str, Any]) -> str:
    engine, names = key.split("/")
    edits = f"{entry['edits_sent']} edits: {entry['edits_failed']} failed, {entry['edits_lost']} lost"
    return f"{engine}, {int(names):,} names\n{edits} (target 0)"


PANELS: dict[str, Panel] = {
    "reference": _reference,
    "prefixes": _prefixes,
    "concurrency": _concurrency,
    "normalize": _normalize,
}


def write(results: Results, path: Path = CHART, subtitle: str = "") -> Path:
    panels = [(key, panel) for key, panel in PANELS.items() if results.get(key)]
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 4 * len(panels)), squeeze=False)
    for (_, panel), row in zip(panels, axes, strict=True):
        panel(row[0], results)
    if subtitle:
        figure.suptitle(subtitle, fontsize=9)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def merged(runs: list[Results]) -> Results:
    """Several runs' results as one: each measure's entries side by side, each run's date too."""
    result: Results = {"measured": "\n".join(run["measured"] for run in runs)}
    for run in runs:
        for key, value in run.items():
            if isinstance(value, dict):
                result.setdefault(key, {}).update(value)
            elif key != "measured":
                result[key] = value
    return result


if __name__ == "__main__":
    paths = [Path(argument) for argument in sys.argv[1:]] or [RESULTS]
    together = merged([json.loads(path.read_text()) for path in paths])
    print(write(together, subtitle=together["measured"]))
