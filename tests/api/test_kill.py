"""The service under faults: ``kill -9`` while ten jobs are queued and running (on SQLite and on
PostgreSQL), a solve process killed by the operating system while the service runs on, and a
solve past its memory limit (``ALLOCATOR_JOB_MEMORY_LIMIT_MB``).

The kill test kills the server twice. The first kill lands while two jobs run (``workers=2``)
and eight wait; the restarted service runs the two interrupted jobs again, first, as they are
the oldest. The second kill lands on those two re-runs, so they have spent their two attempts:
the second restart fails them with a reason, and the eight others run to a verified result.
The figures the reliability note quotes are printed at the end of each run.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

import allocator

from ..conftest import DATASETS
from .live import LiveService, alive, group, wait_for, wait_for_job

UN_2025 = DATASETS / "un_2025"
MEDIUM = DATASETS / "families" / "medium"
SMALL = DATASETS / "families" / "small"
WORKERS = 2
ATTEMPTS = 2  # the service's default ALLOCATOR_MAX_JOB_ATTEMPTS
# un_2025 proves optimality in about 11 s unloaded: with 60 s the two first jobs are always
# mid-solve when killed. The eight others are the jobs that must end done: one medium (about
# 5 s, while the other worker runs the rest) and seven small (well under a second each), all to
# their known optimum well within their limit even on a loaded machine (a short limit could
# end a run with no plan at all).
KILLED_TWICE = [(UN_2025, 60.0), (UN_2025, 60.0)]
SURVIVORS = [(MEDIUM, 60.0), *[(SMALL, 60.0)] * 7]
GONE_WITHIN_S = 5  # solve processes read EOF on their pipe to the service at once
RUN_ALL_WITHIN_S = 300  # generous: only a hung service takes this long


def report(capsys: pytest.CaptureFixture[str], line: str) -> None:
    """Print a figure for the note even when pytest captures output."""
    with capsys.disabled():
        print(f"\n{line}")


# ----- databases -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL server of its own (the ``pgserver`` wheel): a separate process, so it
    outlives the killed service exactly as a production database would."""
    pgserver = pytest.importorskip("pgserver", reason="the test extra installs pgserver")
    server = pgserver.get_server(str(tmp_path_factory.mktemp("postgres")), cleanup_mode="stop")
    # pgserver gives a socket URI (postgresql://postgres:@/postgres?host=/socket/dir).
    yield server.get_uri().replace("postgresql://", "postgresql+psycopg://", 1)
    server.cleanup()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'service.db'}"


def rows(url: str, query: str) -> list[Any]:
    """Read the database itself (no pool kept: the service is killed and restarted around us)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(query)).all())
    finally:
        engine.dispose()


def jobs_in_database(url: str) -> dict[str, tuple[str, int]]:
    return {job_id: (status, attempts) for job_id, status, attempts
            in rows(url, "SELECT id, status, attempts FROM jobs")}


# ----- the service -----------------------------------------------------------------------------
@pytest.fixture
def service(tmp_path: Path, database_url: str) -> Iterator[LiveService]:
    live = LiveService(tmp_path, database_url, ALLOCATOR_WORKERS=str(WORKERS),
                       ALLOCATOR_MAX_QUEUED_JOBS_PER_TOKEN="10")
    try:
        yield live
    finally:
        live.stop()


def submit(client: httpx.Client, document: dict[str, Any]) -> str:
    created = client.post("/v1/scenarios", json=document)
    assert created.status_code == 201, created.text
    return created.json()["id"]


def solve(client: httpx.Client, scenario_id: str, time_limit_s: float) -> str:
    started = client.post(f"/v1/scenarios/{scenario_id}/solve",
                          json={"time_limit_s": time_limit_s})
    assert started.status_code == 202, started.text
    return started.json()["id"]


def kill_mid_solve(service: LiveService, client: httpx.Client, job_ids: list[str],
                   attempt: int) -> None:
    """Once ``job_ids`` are all inside the solver (each has reported progress), SIGKILL the
    server and wait until nothing of it, solve processes included, is left running."""
    def solving() -> bool:
        jobs = [client.get(f"/v1/jobs/{job_id}").json() for job_id in job_ids]
        return all(j["status"] == "running" and j["progress"] for j in jobs)

    wait_for(solving, 60, f"jobs {job_ids} to report progress", every_s=0.2)
    for job_id in job_ids:
        assert client.get(f"/v1/jobs/{job_id}").json()["attempts"] == attempt
    solvers = service.solve_processes()
    assert len(solvers) == len(job_ids), solvers
    fork_server = service.fork_server()
    assert fork_server is not None
    pgid = service.groups[-1]

    service.kill()
    # No run of the old service may go on beside the restarted one's runs of the same jobs.
    wait_for(lambda: not any(alive(pid) for pid in [*solvers, fork_server]), GONE_WITHIN_S,
             f"the solve processes {solvers} and fork server {fork_server} to exit")
    wait_for(lambda: not group(pgid), GONE_WITHIN_S, "every process of the killed service")


def run_to_the_end(service: LiveService, client: httpx.Client) -> tuple[int, int]:
    """Poll until no job is queued or running; return the most jobs seen running at once and
    the most solve processes seen at once (each at most ``WORKERS``)."""
    most_running = most_processes = 0

    def finished() -> bool:
        nonlocal most_running, most_processes
        processes = len(service.solve_processes())
        listed = client.get("/v1/jobs", params={"limit": 100})
        assert listed.status_code == 200, listed.text
        statuses = Counter(j["status"] for j in listed.json()["data"])
        most_running = max(most_running, statuses["running"])
        most_processes = max(most_processes, processes)
        assert statuses["running"] <= WORKERS and processes <= WORKERS, (statuses, processes)
        return statuses["queued"] + statuses["running"] == 0

    wait_for(finished, RUN_ALL_WITHIN_S, "every job to end", every_s=0.2)
    return most_running, most_processes


def check_done(client: httpx.Client, job: dict[str, Any], folder: Path) -> None:
    """A done job has a verified result at its scenario's known optimum."""
    seen = {key: job[key] for key in ("id", "status", "result_status", "objective", "error")}
    seen["scenario"] = folder.name
    assert job["error"] is None and job["finished_at"] is not None, seen
    expected = json.loads((folder / "expected.json").read_text())
    assert job["result_status"] == expected["status"] == "optimal", seen
    assert job["objective"] == expected["objective"], seen
    result = client.get(f"/v1/jobs/{job['id']}/result")
    assert result.status_code == 200, result.text
    assert result.json()["verified"] is True, seen


def test_kill_9_during_ten_jobs_loses_no_job_and_no_scenario(
        service: LiveService, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    database = database_url.split(":", 1)[0].split("+", 1)[0]
    documents = {folder: allocator.read_scenario(folder).to_document()
                 for folder in (UN_2025, MEDIUM, SMALL)}
    service.start()
    token = service.planner_token()
    with service.client(token) as client:
        scenario_ids = {folder: submit(client, document) for folder, document in documents.items()}
        jobs = [(solve(client, scenario_ids[folder], limit), folder)
                for folder, limit in [*KILLED_TWICE, *SURVIVORS]]
        folder_of = dict(jobs)
        killed = [job_id for job_id, _ in jobs[:len(KILLED_TWICE)]]
        kill_mid_solve(service, client, killed, attempt=1)

    at_first_kill = jobs_in_database(database_url)
    assert at_first_kill == {job_id: (("running", 1) if job_id in killed else ("queued", 0))
                             for job_id, _ in jobs}

    service.start()  # the same database: the two interrupted jobs are the oldest, run first
    with service.client(token) as client:
        for job_id in killed:
            assert "interrupted by a restart" in client.get(f"/v1/jobs/{job_id}").json()["error"]
        kill_mid_solve(service, client, killed, attempt=2)

    at_second_kill = jobs_in_database(database_url)
    assert at_second_kill == {job_id: (("running", 2) if job_id in killed else ("queued", 0))
                              for job_id, _ in jobs}

    service.start()
    with service.client(token) as client:
        for job_id in killed:  # out of attempts: failed before the first request is answered
            job = client.get(f"/v1/jobs/{job_id}").json()
            assert job["status"] == "failed", job
            assert job["error"] == (f"interrupted by a restart of the service (run {ATTEMPTS} "
                                    f"of at most {ATTEMPTS}); submit the solve again"), job
        most_running, most_processes = run_to_the_end(service, client)

        final = {job_id: client.get(f"/v1/jobs/{job_id}").json() for job_id, _ in jobs}
        outcomes = Counter(job["status"] for job in final.values())
        assert outcomes == {"done": len(SURVIVORS), "failed": len(KILLED_TWICE)}, final
        for job_id, job in final.items():
            if job_id in killed:
                assert job["attempts"] == ATTEMPTS and job["result_status"] is None, job
                assert client.get(f"/v1/jobs/{job_id}/result").status_code == 409
            else:
                assert job["status"] == "done" and job["attempts"] == 1, job
                check_done(client, job, folder_of[job_id])
        attempts = sum(job["attempts"] for job in final.values())

        listed = client.get("/v1/scenarios").json()["data"]
        assert sorted(s["id"] for s in listed) == sorted(scenario_ids.values())
        kept = 0
        for folder, scenario_id in scenario_ids.items():
            stored = client.get(f"/v1/scenarios/{scenario_id}")
            assert stored.status_code == 200, stored.text
            assert stored.json()["scenario"] == documents[folder]
            kept += 1
        listed_jobs = client.get("/v1/jobs", params={"limit": 100}).json()["data"]
        assert sorted(j["id"] for j in listed_jobs) == sorted(folder_of)  # none duplicated

    # The database itself: ten job rows, one result for each done job, every scenario.
    assert rows(database_url, "SELECT count(*) FROM jobs")[0][0] == len(jobs)
    results = {row[0] for row in rows(database_url, "SELECT job_id FROM job_results")}
    assert results == {job_id for job_id, job in final.items() if job["status"] == "done"}
    assert rows(database_url, "SELECT count(*) FROM scenarios")[0][0] == len(documents)
    by_status = ", ".join(f"{status} {n}" for status, n in sorted(outcomes.items()))
    report(capsys, f"kill -9 on {database}: {len(jobs)} jobs, {WORKERS} workers; at each of 2 "
                   f"kills {len(killed)} running and {len(jobs) - len(killed)} queued; "
                   f"outcomes: {by_status}; attempts {attempts} "
                   f"({ATTEMPTS} for each job killed twice, 1 for each other); at most "
                   f"{most_running} jobs running and {most_processes} solve processes at once "
                   f"after the restart; scenarios kept {kept} of {len(documents)}, documents "
                   f"unchanged; {len(results)} results stored")


# ----- killed by the operating system --------------------------------------------------------
@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[LiveService]:
    live = LiveService(tmp_path)
    try:
        yield live
    finally:
        live.stop()


def un_2025_in_its_solver(client: httpx.Client) -> str:
    """Submit un_2025, solve it (60 s) and return its job id once it reports progress, i.e.
    once its solve process is inside the solver."""
    job_id = solve(client, submit(client, allocator.read_scenario(UN_2025).to_document()), 60)
    wait_for(lambda: client.get(f"/v1/jobs/{job_id}").json()["progress"], 60,
             "the job's first progress report")
    return job_id


def test_a_solve_process_killed_for_memory_fails_its_job_with_that_reason(
        one_worker: LiveService, capsys: pytest.CaptureFixture[str]) -> None:
    """The kernel's OOM killer ends a process with SIGKILL: sent here to the job's solve
    process, the service stays up, the job fails with that reason and is not run again."""
    service = one_worker.start()
    token = service.planner_token()
    with service.client(token) as client:
        job_id = un_2025_in_its_solver(client)
        solvers = service.solve_processes()
        assert len(solvers) == 1, solvers
        os.kill(solvers[0], signal.SIGKILL)

        job = wait_for_job(client, job_id, 60)
        assert job["status"] == "failed", job
        assert "killed by the operating system" in job["error"], job
        assert "memory" in job["error"], job
        assert job["attempts"] == 1 and job["result_status"] is None, job
        assert service.process is not None and service.process.poll() is None
        # The service works on: the next job runs, to its known optimum.
        small = submit(client, allocator.read_scenario(SMALL).to_document())
        after = wait_for_job(client, solve(client, small, 60), 60)
        assert after["status"] == "done", after
        check_done(client, after, SMALL)
        assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "failed"
    report(capsys, f"solve process SIGKILLed (as by the OOM killer): job failed after "
                   f"{job['attempts']} attempt: {job['error']!r}; the next job: "
                   f"{after['status']}")


def vm_size_mb(pid: int) -> int:
    """A process's address space (what RLIMIT_AS bounds), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) // 1024
    raise AssertionError(f"no VmSize for process {pid}")


def test_a_solve_past_its_memory_limit_fails_saying_so_and_the_service_runs_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real out-of-memory solve: un_2025 under a limit of 90 MB above what a job process
    starts with. The limit comes from the fork server's own size, measured on a first run of
    the service (a fixed figure would depend on the machine's libraries and solver threads).
    Measured so: a job process peaks about 70 MB above the fork server loading and solving
    small, about 120 MB solving un_2025; 40 MB above is too little even to load a job."""
    measured = LiveService(tmp_path)
    try:
        measured.start()
        token = measured.planner_token()
        with measured.client(token) as client:
            small = submit(client, allocator.read_scenario(SMALL).to_document())
            # Once it has forked a job, the fork server has everything a job needs loaded.
            check_done(client, wait_for_job(client, solve(client, small, 60), 60), SMALL)
            fork_server = measured.fork_server()
            assert fork_server is not None
            limit = vm_size_mb(fork_server) + 90
    finally:
        measured.stop()

    limited = LiveService(tmp_path, ALLOCATOR_JOB_MEMORY_LIMIT_MB=str(limit))
    try:
        limited.start()  # the same database and token
        with limited.client(token) as client:
            scenario_id = submit(client, allocator.read_scenario(UN_2025).to_document())
            job = wait_for_job(client, solve(client, scenario_id, 60), 120)
            assert (job["status"], job["attempts"], job["result_status"]) == (
                "failed", 1, None), job
            # Whether Python's MemoryError or the solver's own failed allocation ends it, the
            # reason names memory and the limit that was reached.
            assert "memory" in job["error"], job
            assert f"{limit} MB, ALLOCATOR_JOB_MEMORY_LIMIT_MB" in job["error"], job
            assert client.get(f"/v1/jobs/{job['id']}/result").status_code == 409
            assert limited.process is not None and limited.process.poll() is None
            assert client.get("/healthz").status_code == 200
            assert client.get(f"/v1/scenarios/{scenario_id}").status_code == 200
    finally:
        limited.stop()
    report(capsys, f"solve past ALLOCATOR_JOB_MEMORY_LIMIT_MB={limit}: job {job['status']} "
                   f"after {job['attempts']} attempt: {job['error']!r}; the service runs on")


def test_a_solve_outliving_its_fork_server_is_stopped_and_its_job_failed(
        one_worker: LiveService) -> None:
    """multiprocessing reports a job process whose fork server died as ended (exit code 255)
    while it still runs: the runner stops it, so no stray solve runs beside the next job."""
    service = one_worker.start()
    token = service.planner_token()
    with service.client(token) as client:
        job_id = un_2025_in_its_solver(client)
        solvers = service.solve_processes()
        fork_server = service.fork_server()
        assert len(solvers) == 1 and fork_server is not None, (solvers, fork_server)
        os.kill(fork_server, signal.SIGKILL)

        job = wait_for_job(client, job_id, 60)
        assert job["status"] == "failed", job
        assert job["error"] == ("the service lost track of the solve process (its fork server "
                                "ended), so the process was stopped; submit the job again")
        wait_for(lambda: not alive(solvers[0]), 10, f"the stray solve process {solvers[0]}")
        small = submit(client, allocator.read_scenario(SMALL).to_document())
        after = wait_for_job(client, solve(client, small, 60), 60)
        assert after["status"] == "done", after
        check_done(client, after, SMALL)
