"""`carnet serve --workers N`: several processes behind one port, nothing kept in one that
another would miss; refused on SQLite."""

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import SECRET, bearer
from tests.server.test_cli import carnet
from tests.server.test_serve import serving

pytestmark = pytest.mark.subprocess  # starts `carnet` as processes

CREATE = (
    'mutation { createTarget(input: {name: "Salon des DAF"}) { target { id name } userErrors { code } } }'
)
READ = "{ targets { edges { node { id name } } } }"


def _clients_of_two_workers(url: str) -> tuple[httpx.Client, httpx.Client]:
    """Two keep-alive connections answered by two different workers (each client keeps one)."""
    by_worker: dict[str, httpx.Client] = {}
    for _ in range(60):
        client = httpx.Client(base_url=url, headers=bearer(), timeout=10)
        worker = client.get("/healthz").headers["carnet-worker"]
        if worker in by_worker:
            client.close()
            continue
        by_worker[worker] = client
        if len(by_worker) == 2:
            first, second = by_worker.values()
            return first, second
    raise AssertionError(f"60 connections all reached one worker: {list(by_worker)}")


def test_a_write_through_one_worker_is_read_through_the_other(tmp_path: Path, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        refused = carnet("serve", "--workers", "2", "--database-url", database_url, cwd=tmp_path)
        assert (refused.returncode, refused.stdout) == (2, "")
        assert refused.stderr == (
            "carnet: --workers above 1 needs PostgreSQL: SQLite's writes queue in one process "
            "(README, Beyond one machine).\n"
        )
        return
    with serving(tmp_path, "--workers", "2", "--database-url", database_url, secret=SECRET) as server:
        writer, reader = _clients_of_two_workers(server.url)
        try:
            writer_pid = writer.get("/healthz").headers["carnet-worker"]
            reader_pid = reader.get("/healthz").headers["carnet-worker"]
            created = writer.post("/graphql", json={"query": CREATE}).json()["data"]["createTarget"]
            read = reader.post("/graphql", json={"query": READ}).json()["data"]["targets"]["edges"]
            assert reader.get("/healthz").headers["carnet-worker"] == reader_pid
        finally:
            writer.close()
            reader.close()

    assert writer_pid != reader_pid
    assert created["userErrors"] == []
    assert [edge["node"] for edge in read if edge["node"]["id"] == created["target"]["id"]] == [
        created["target"]
    ]


COUNT = "query Count { targets { totalCount } }"


def _requests_counted(client: httpx.Client) -> float:
    """carnet_requests_total of the Count operation, as the worker behind `client` reports it."""
    scraped = client.get("/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "carnet_requests_total" and sample.labels == {"operation": "Count", "outcome": "ok"}
    )


def test_metrics_count_the_requests_of_every_worker(tmp_path: Path, database_url: str) -> None:
    if database_url.startswith("sqlite"):
        return  # --workers above 1 is refused on SQLite (the test above)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    environment = {"CARNET_METRICS": "1", "TMPDIR": str(scratch)}
    with serving(
        tmp_path, "--workers", "2", "--database-url", database_url, secret=SECRET, environment=environment
    ) as server:
        first, second = _clients_of_two_workers(server.url)
        try:
            for _ in range(3):
                assert first.post("/graphql", json={"query": COUNT}).status_code == 200
            for _ in range(5):
                assert second.post("/graphql", json={"query": COUNT}).status_code == 200
            seen = (_requests_counted(first), _requests_counted(second))
            workers = {
                first.get("/healthz").headers["carnet-worker"],
                second.get("/healthz").headers["carnet-worker"],
            }
            during = [path.name.startswith("carnet-metrics-") for path in scratch.iterdir()]
        finally:
            first.close()
            second.close()

    assert len(workers) == 2
    assert seen == (8, 8)  # 3 through one worker + 5 through the other, whichever is scraped
    assert during == [True]  # one directory of metrics files shared by the workers…
    assert list(scratch.iterdir()) == []  # …removed when the server stops
