"""`carnet serve --workers N`: N processes, each with its own listening socket on one port.

uvicorn's own `--workers` shares one socket between its processes; whichever wakes first
accepts, and with keep-alive clients the kernel often hands every connection to one worker
(issue 12: 1.0x to 2.4x one worker). Here each worker binds the port itself with
SO_REUSEPORT: the kernel then keeps one accept queue per socket and spreads new connections
over them by a hash of their addresses, so N clients land evenly, whoever is awake.

Nothing lives in a worker that another would miss: state is in the database, settings come
from the environment, tokens are checked with the shared secret, and the metrics' counts are
in files of a directory all workers share (prometheus-client's multiprocess mode), so /metrics
answers the total whichever worker is scraped. The parent process only makes that directory,
starts the workers, restarts one that dies, stops them all on SIGTERM or SIGINT, and removes
the directory.
"""

import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from types import FrameType

from server.collector import calm_the_collector

RESTART_PAUSE_SECONDS = 1.0


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket of its own on host:port, shared with the other workers by SO_REUSEPORT."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def run_worker(host: str, port: int) -> None:
    """One worker: the app from the environment (the parent set it), served on its own socket."""
    import uvicorn

    from server.app import create_app
    from server.logs import configure_logging
    from server.settings import Settings

    configure_logging()
    app = create_app(Settings.from_env())
    calm_the_collector()
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_config=None))
    server.run(sockets=[listening_socket(host, port)])


@contextmanager
def shared_metrics_directory() -> Iterator[str]:
    """A new directory for the workers' metrics files, named to them by PROMETHEUS_MULTIPROC_DIR.

    Always a fresh one of our own, removed on the way out: prometheus-client sums every file it
    finds there, so counts left by an earlier run would be added to this one's.
    """
    folder = tempfile.mkdtemp(prefix="carnet-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder  # read by each worker as it starts (spawned)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def supervise(count: int, host: str, port: int) -> int:
    """Start `count` workers and keep them running until told to stop; 0 once all have stopped."""
    with shared_metrics_directory():
        return _supervise(count, host, port)


def _supervise(count: int, host: str, port: int) -> int:
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no engine inherited
    stopping = False

    def start(index: int) -> BaseProcess:
        process = context.Process(target=run_worker, args=(host, port), name=f"carnet-worker-{index}")
        process.start()
        return process

    def stop(_signal: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    workers = [start(index) for index in range(count)]
    while not stopping:
        time.sleep(0.2)
        for index, process in enumerate(workers):
            if not process.is_alive() and not stopping:
                time.sleep(RESTART_PAUSE_SECONDS)  # a worker that cannot start must not spin
                workers[index] = start(index)
    for process in workers:
        if process.pid is not None and process.is_alive():
            os.kill(process.pid, signal.SIGTERM)  # uvicorn's graceful shutdown in each
    for process in workers:
        process.join(timeout=15)
    return 0
