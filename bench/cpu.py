"""Where the CPU goes during a run: CPU seconds of the server's processes, of PostgreSQL's, of the
load generator and of everything else on the machine, read from Linux's /proc (utime + stime of
each process; the machine's busy time from /proc/stat)."""

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[str, int, float] | None:
    """(command name, parent pid, CPU seconds used) of a live process, None once it is gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The name is in parentheses and may hold spaces; the fields after it are space-separated.
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _processes() -> dict[int, tuple[str, int, float]]:
    found = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            found[int(entry.name)] = stat
    return found


def descendants(root: int, processes: dict[int, tuple[str, int, float]]) -> set[int]:
    """`root` and every process below it."""
    family, grew = {root}, True
    while grew:
        children = {pid for pid, (_, parent, _) in processes.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return family


def machine_busy_seconds() -> float:
    """CPU seconds spent by the whole machine, all cores, outside idle and iowait."""
    cpu = (PROC / "stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in cpu[:8])
    return (user + nice + system + irq + softirq + steal) / TICKS


@dataclass(frozen=True)
class Snapshot:
    """CPU seconds used so far, by process, and by the machine."""

    processes: dict[int, tuple[str, int, float]]
    machine: float
    at: float

    @classmethod
    def take(cls) -> "Snapshot":
        return cls(_processes(), machine_busy_seconds(), time.monotonic())

    def seconds(self, pids: Iterable[int]) -> float:
        return sum(self.processes[pid][2] for pid in pids if pid in self.processes)


@dataclass(frozen=True)
class Usage:
    """CPU seconds used between two snapshots, by part."""

    server: float
    workers: dict[int, float]
    postgres: float
    generator: float
    machine: float
    wall: float

    @property
    def others(self) -> float:
        """What the rest of the machine used meanwhile (other users' work, the kernel's)."""
        return max(0.0, self.machine - self.server - self.postgres - self.generator)


def _serves(pid: int, database: str) -> bool:
    """Whether a PostgreSQL process is a backend connected to `database` (its process title)."""
    try:
        title = (PROC / str(pid) / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False
    return f" {database} " in title


def usage(
    before: Snapshot, after: Snapshot, *, server: int, generator: Iterable[int], database: str
) -> Usage:
    """Usage between two snapshots: `server`'s process tree, the PostgreSQL backends connected to
    `database` (not other databases' on the same server), the generator's processes."""

    def spent(pids: set[int]) -> float:
        # A process born during the run counts from zero; one that ended during it is lost (a
        # backend of a connection the pool closed: bench/workers.py counts those apart).
        return after.seconds(pids) - before.seconds(pid for pid in pids if pid in before.processes)

    tree = descendants(server, after.processes)
    postgres = {
        pid for pid, (name, _, _) in after.processes.items() if name == "postgres" and _serves(pid, database)
    }
    # One worker serves in the server's own process; several are its children.
    workers = {pid: spent({pid}) for pid in (tree - {server} or {server})}
    return Usage(
        server=spent(tree),
        workers=workers,
        postgres=spent(postgres),
        generator=spent(set(generator)),
        machine=after.machine - before.machine,
        wall=after.at - before.at,
    )
