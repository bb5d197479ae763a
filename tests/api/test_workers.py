"""API processes and solver workers apart: two ``allocator serve`` that only queue and two
``allocator worker`` on one PostgreSQL, twenty jobs from both APIs, each run exactly once; a
cancel sent to an API reaches the job in a worker; a silent worker's jobs are taken back, a
live one's never; and on SQLite the single process still runs its own jobs."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import allocator
from api.db import Database, Job, ScenarioRecord, Token, Worker, utcnow
from api.jobs import JobRunner, ended_reason
from api.metrics import Metrics
from api.migrate import upgrade
from api.settings import Settings

from ..conftest import DATASETS
from .cluster import Cluster, started_jobs
from .live import LiveService, wait_for, wait_for_job

SMALL = DATASETS / "families" / "small"
UN_2025 = DATASETS / "un_2025"
JOBS = 20
RUN_ALL_WITHIN_S = 240  # generous: twenty small solves take well under a minute


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print a figure for the note even when pytest captures output."""
    with capsys.disabled():
        print(f"\n{line}")


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pgserver = pytest.importorskip("pgserver", reason="the test extra installs pgserver")
    server = pgserver.get_server(str(tmp_path_factory.mktemp("postgres")), cleanup_mode="stop")
    server.psql("CREATE DATABASE cluster;")
    # pgserver gives a socket URI (postgresql://postgres:@/postgres?host=/socket/dir).
    yield server.get_uri("cluster").replace("postgresql://", "postgresql+psycopg://", 1)
    server.cleanup()


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[Cluster]:
    group = Cluster(tmp_path, postgres_url,
                    env={"ALLOCATOR_WORKERS": "2", "ALLOCATOR_MAX_QUEUED_JOBS_PER_TOKEN": "30"})
    try:
        yield group
    finally:
        group.stop()


def rows(url: str, query: str) -> list[Any]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)).all())
    finally:
        engine.dispose()


def planner_token(cluster: Cluster, api_url: str) -> str:
    admin = cluster.token("admin")
    made = httpx.post(f"{api_url}/v1/tokens", timeout=10,
                      headers={"Authorization": f"Bearer {admin}"},
                      json={"name": "planner", "role": "planner", "workspace": "default"})
    assert made.status_code == 201, made.text
    return made.json()["token"]


def test_two_apis_and_two_workers_run_each_of_twenty_jobs_exactly_once(
        cluster: Cluster, postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    # All four start at once on an empty database: one migrates, the others wait their turn.
    apis = [cluster.api("api-1"), cluster.api("api-2")]
    workers = [cluster.worker("worker-a"), cluster.worker("worker-b")]
    cluster.wait_ready()
    token = planner_token(cluster, apis[0].url)
    clients = [httpx.Client(base_url=api.url, timeout=30,
                            headers={"Authorization": f"Bearer {token}"}) for api in apis]
    try:
        document = allocator.read_scenario(SMALL).to_document()
        created = clients[0].post("/v1/scenarios", json=document)
        assert created.status_code == 201, created.text
        scenario_id = created.json()["id"]
        submitted: dict[str, int] = {}  # job id -> the API that queued it
        for n in range(JOBS):
            started = clients[n % 2].post(f"/v1/scenarios/{scenario_id}/solve",
                                          json={"time_limit_s": 60})
            assert started.status_code == 202, started.text
            submitted[started.json()["id"]] = n % 2
        assert len(submitted) == JOBS

        def finished() -> bool:
            listed = clients[1].get("/v1/jobs", params={"limit": 100}).json()["data"]
            return all(j["status"] not in ("queued", "running") for j in listed)

        wait_for(finished, RUN_ALL_WITHIN_S, "every job to end", every_s=0.5)
        expected = json.loads((SMALL / "expected.json").read_text())
        for job_id, api in submitted.items():
            job = clients[1 - api].get(f"/v1/jobs/{job_id}").json()  # read from the other API
            assert job["status"] == "done", job
            assert job["attempts"] == 1 and job["error"] is None, job
            assert job["result_status"] == expected["status"] == "optimal", job
            assert job["objective"] == expected["objective"], job
            result = clients[api].get(f"/v1/jobs/{job_id}/result")
            assert result.status_code == 200, result.text
            assert result.json()["verified"] is True
    finally:
        for client in clients:
            client.close()

    # Runs per job, from the workers' own logs (one "started job" line per run) ...
    runs = {worker.name: started_jobs(worker) for worker in workers}
    per_job = Counter(job_id for started in runs.values() for job_id in started)
    assert per_job == dict.fromkeys(submitted, 1)
    for api in apis:  # the APIs only queued
        assert [e for e in api.log_entries() if e.get("message") == "started job"] == []
    # ... and from the database: each job's claimant is the worker that logged its run.
    claimed = dict(rows(postgres_url, "SELECT id, claimed_by FROM jobs"))
    assert claimed == {job_id: worker for worker, started in runs.items()
                       for job_id in started}
    assert rows(postgres_url, "SELECT count(*) FROM job_results")[0][0] == JOBS
    assert sorted(r[0] for r in rows(postgres_url, "SELECT id FROM workers")) == [
        "worker-a", "worker-b"]
    by_worker = {name: len(started) for name, started in runs.items()}
    by_api = Counter(submitted.values())
    report(capsys, f"2 APIs (ALLOCATOR_RUN_JOBS=false) + 2 workers (2 jobs at once each) on "
                   f"PostgreSQL: {JOBS} jobs submitted ({by_api[0]} via api-1, {by_api[1]} via "
                   f"api-2), {sum(per_job.values())} runs, runs per job "
                   f"{sorted(set(per_job.values()))}, all done and verified; runs by worker "
                   f"{by_worker}")


def test_a_cancel_sent_to_an_api_stops_the_job_in_a_worker(
        cluster: Cluster, postgres_url: str) -> None:
    api = cluster.api("api-1")
    worker = cluster.worker("worker-c", ALLOCATOR_WORKERS="1")
    cluster.wait_ready()
    token = planner_token(cluster, api.url)
    with httpx.Client(base_url=api.url, timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        big = client.post("/v1/scenarios",
                          json=allocator.read_scenario(UN_2025).to_document()).json()["id"]
        long_job = client.post(f"/v1/scenarios/{big}/solve", json={"time_limit_s": 120}).json()
        wait_for(lambda: client.get(f"/v1/jobs/{long_job['id']}").json()["progress"], 60,
                 "the long job's first progress report")
        cancelled = client.delete(f"/v1/jobs/{long_job['id']}")
        assert cancelled.status_code == 200, cancelled.text
        # The worker's one slot comes free: a job queued after the cancel runs to its end.
        small = client.post("/v1/scenarios",
                            json=allocator.read_scenario(SMALL).to_document()).json()["id"]
        after = client.post(f"/v1/scenarios/{small}/solve", json={"time_limit_s": 60}).json()
        done = wait_for_job(client, after["id"], 60)
        assert done["status"] == "done", done
        assert client.get(f"/v1/jobs/{long_job['id']}").json()["status"] == "cancelled"
        # POST /v1/solve still solves in the API process itself, queue or no queue.
        quick = client.post("/v1/solve", json={
            "scenario": allocator.read_scenario(SMALL).to_document(), "time_limit_s": 10})
        assert quick.status_code == 200, quick.text
        assert (quick.json()["status"], quick.json()["verified"]) == ("optimal", True)
    assert started_jobs(worker) == [long_job["id"], after["id"]]
    assert rows(postgres_url, f"SELECT status, attempts FROM jobs WHERE id = '{long_job['id']}'"
                ) == [("cancelled", 1)]


def test_a_second_worker_under_a_live_workers_id_is_refused(cluster: Cluster) -> None:
    first = cluster.worker("worker-z")
    cluster.wait_ready()
    twin = cluster.worker("worker-z")
    assert twin.process.wait(60) == 2
    assert ("the worker id 'worker-z' is in use by another running worker; give each worker "
            "its own ALLOCATOR_WORKER_ID") in " ".join(twin.log().split())
    assert first.process.poll() is None  # the first runs on


# ----- taking jobs back ------------------------------------------------------------------------
def test_only_a_silent_workers_jobs_are_taken_back(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'service.db'}"
    upgrade(url)
    db = Database(url)
    now = utcnow()
    with db.session() as session:
        session.add(Token(id="t" * 32, name="t", workspace="w", role="planner",
                          token_hash="h" * 64))
        session.add(ScenarioRecord(id="s" * 32, workspace="w", name="s", source="s",
                                   document={}, counts={}, created_by="t" * 32))
        session.flush()  # the scenario before its jobs (no relationship orders them)
        session.add(Worker(id="silent", host="h", pid=1, heartbeat_at=now - timedelta(minutes=5)))
        session.add(Worker(id="live", host="h", pid=2, heartbeat_at=now))
        for job_id, claimant, attempts in [("a" * 32, "silent", 1), ("b" * 32, "silent", 2),
                                           ("c" * 32, "live", 1), ("d" * 32, "me", 1)]:
            session.add(Job(id=job_id, workspace="w", scenario_id="s" * 32, token_id="t" * 32,
                            status="running", backend="cpsat", time_limit_s=60.0,
                            attempts=attempts, claimed_by=claimant))
    runner = JobRunner(db, Settings(database_url=url, worker_id="me", worker_stale_s=30,
                                    max_job_attempts=2), Metrics())
    runner.recover_stale()
    with db.session() as session:
        jobs = {job.id[0]: (job.status, job.claimed_by, job.error)
                for job in session.query(Job).all()}
    assert jobs == {
        "a": ("queued", None, "interrupted: its worker 'silent' stopped (no heartbeat for 30 s); "
                              "queued again"),
        "b": ("failed", None, "interrupted: its worker 'silent' stopped (no heartbeat for 30 s) "
                              "(run 2 of at most 2); submit the solve again"),
        "c": ("running", "live", None),  # a live worker's job is never taken
        "d": ("running", "me", None),  # our own are taken back only on start
    }
    runner.recover()  # what start() does: this worker id's leftovers
    with db.session() as session:
        assert session.get(Job, "d" * 32).status == "queued"  # type: ignore[union-attr]
        assert session.get(Job, "c" * 32).status == "running"  # type: ignore[union-attr]
    db.dispose()


def test_the_reasons_a_solve_process_ended() -> None:
    killed = ended_reason(-9)
    assert "killed by the operating system (SIGKILL)" in killed and "memory" in killed
    assert ended_reason(-15) == ("the solve process was ended by the signal SIGTERM; submit "
                                 "it again")
    assert ended_reason(-6, memory_limit_mb=512) == (
        "the solve process was ended by the signal SIGABRT, most likely on reaching its memory "
        "limit (512 MB, ALLOCATOR_JOB_MEMORY_LIMIT_MB); submit it again")
    assert ended_reason(1) == ("the solve process ended unexpectedly (exit code 1); submit it "
                               "again")
    assert ended_reason(75, memory_limit_mb=512) == (  # too short of memory to say so itself
        "the solve ran out of memory (limit 512 MB, ALLOCATOR_JOB_MEMORY_LIMIT_MB); try a "
        "shorter time limit or a higher limit, then submit again")


# ----- SQLite: one process -------------------------------------------------------------------
def test_on_sqlite_the_single_service_process_runs_its_own_jobs(tmp_path: Path) -> None:
    service = LiveService(tmp_path)
    try:
        service.start()
        token = service.planner_token()
        with service.client(token) as client:
            scenario = client.post("/v1/scenarios",
                                   json=allocator.read_scenario(SMALL).to_document()).json()
            job_ids = [client.post(f"/v1/scenarios/{scenario['id']}/solve",
                                   json={"time_limit_s": 60}).json()["id"] for _ in range(3)]
            jobs = [wait_for_job(client, job_id, 120) for job_id in job_ids]
        assert [(j["status"], j["attempts"]) for j in jobs] == [("done", 1)] * 3
        url = service.database_url
        claimants = {r[0] for r in rows(url, "SELECT claimed_by FROM jobs")}
        workers = [r[0] for r in rows(url, "SELECT id FROM workers")]
        assert len(claimants) == 1 and list(claimants) == workers  # the service's own runner
    finally:
        service.stop()


def test_on_sqlite_a_queue_only_service_leaves_jobs_to_a_worker(tmp_path: Path) -> None:
    group = Cluster(tmp_path, f"sqlite:///{tmp_path / 'service.db'}",
                    env={"ALLOCATOR_WORKERS": "1"})
    try:
        api = group.api("api")
        group.wait_ready()
        token = planner_token(group, api.url)
        with httpx.Client(base_url=api.url, timeout=30,
                          headers={"Authorization": f"Bearer {token}"}) as client:
            scenario = client.post("/v1/scenarios",
                                   json=allocator.read_scenario(SMALL).to_document()).json()
            job_id = client.post(f"/v1/scenarios/{scenario['id']}/solve",
                                 json={"time_limit_s": 60}).json()["id"]
            # A queue-only API registers no worker and claims nothing.
            assert rows(group.database_url, "SELECT count(*) FROM workers") == [(0,)]
            assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "queued"
            worker = group.worker("sqlite-worker")
            group.wait_ready()
            job = wait_for_job(client, job_id, 120)
        assert (job["status"], job["attempts"]) == ("done", 1), job
        assert started_jobs(worker) == [job_id]
    finally:
        group.stop()


# ----- a memory limit per job ----------------------------------------------------------------
def _fork_server_vm_mb() -> int:
    """The address space of this process's fork server (what each job process starts with)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if (b"multiprocessing.forkserver" in cmdline
                and int(fields["PPid"]) == os.getpid()):
            return int(fields["VmSize"].split()[0]) // 1024
    raise AssertionError("no fork server")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a fork server, /proc")
def test_a_job_past_its_memory_limit_fails_saying_so(
        client: TestClient, planner: dict[str, str]) -> None:
    created = client.post("/v1/scenarios", json=allocator.read_scenario(UN_2025).to_document(),
                          headers=planner)
    assert created.status_code == 201, created.text

    def solve(time_limit_s: float) -> dict[str, Any]:
        job = client.post(f"/v1/scenarios/{created.json()['id']}/solve",
                          json={"time_limit_s": time_limit_s}, headers=planner).json()
        return wait_for(lambda: (j := client.get(f"/v1/jobs/{job['id']}", headers=planner)
                                 .json())["status"] not in ("queued", "running") and j,
                        120, "the job to end")

    first = solve(5)  # unlimited; once a job has been forked, the fork server is fully loaded
    assert first["status"] == "done", first
    # The limit is set from the fork server's own size: a fixed figure would depend on the
    # machine (libraries, solver threads).
    limit = _fork_server_vm_mb() + 40
    client.app.state.settings.job_memory_limit_mb = limit  # type: ignore[attr-defined]
    job = solve(30)
    assert (job["status"], job["attempts"], job["result_status"]) == ("failed", 1, None), job
    assert job["error"] == (f"the solve ran out of memory (limit {limit} MB, "
                            "ALLOCATOR_JOB_MEMORY_LIMIT_MB); try a shorter time limit or a "
                            "higher limit, then submit again")
    # The service runs on: the next job, without the limit, is done.
    client.app.state.settings.job_memory_limit_mb = None  # type: ignore[attr-defined]
    assert solve(5)["status"] == "done"
