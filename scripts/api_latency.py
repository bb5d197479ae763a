"""Latency of the service under polling: many clients asking ``GET /v1/jobs/{id}`` at once.

    python scripts/api_latency.py                      # starts its own service on loopback
    python scripts/api_latency.py --url http://127.0.0.1:8000 --token pa_...   # a planner's

Two measurements, each ``--clients`` concurrent clients sending ``--requests`` polls each, one
after another: *idle* polls a finished job while nothing is solving; *busy* polls a job while
it solves datasets/un_2025 (CP-SAT, one core of the machine's). Prints p50/p99 latency and
throughput for each. Loopback only: the figures are the service's, not a network's, and the
clients share the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "datasets" / "families" / "small"
UN_2025 = ROOT / "datasets" / "un_2025"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@contextlib.contextmanager
def own_service(folder: Path) -> Iterator[tuple[str, str]]:
    """``allocator serve`` on a free loopback port with a fresh SQLite file; yields (url,
    planner token) and ends the server and its solve processes however the bench ends."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ALLOCATOR_WORKERS": "1",
           "DATABASE_URL": f"sqlite:///{folder / 'service.db'}", "ALLOCATOR_LOG_LEVEL": "WARNING"}
    admin = subprocess.run([sys.executable, "-m", "allocator.cli", "token", "create"], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=60, check=True
                           ).stdout.strip()
    with (folder / "server.log").open("wb") as log:
        server = subprocess.Popen([sys.executable, "-m", "allocator.cli", "serve", "--host",
                                   "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the service did not start; see {folder / 'server.log'}")
            time.sleep(0.2)
        made = httpx.post(f"{url}/v1/tokens", headers={"Authorization": f"Bearer {admin}"},
                          json={"name": "bench", "role": "planner", "workspace": "default"},
                          timeout=10)
        made.raise_for_status()
        yield url, made.json()["token"]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(server.pid, signal.SIGKILL)  # whatever of its group is left


def submit(client: httpx.Client, folder: Path, time_limit_s: float) -> str:
    """Upload a scenario folder as its JSON document and start a solve; returns the job id."""
    from allocator import read_scenario

    created = client.post("/v1/scenarios", json=read_scenario(folder).to_document())
    created.raise_for_status()
    started = client.post(f"/v1/scenarios/{created.json()['id']}/solve",
                          json={"time_limit_s": time_limit_s})
    started.raise_for_status()
    return started.json()["id"]


def wait(client: httpx.Client, job_id: str, statuses: tuple[str, ...], timeout_s: float
         ) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while (job := client.get(f"/v1/jobs/{job_id}").json())["status"] not in statuses:
        if time.monotonic() > deadline:
            raise SystemExit(f"job {job_id} is still {job['status']} after {timeout_s:g} s")
        time.sleep(0.2)
    return job


async def poll(url: str, token: str, job_id: str, clients: int, requests: int,
               timeout_s: float) -> dict[str, float]:
    """``clients`` tasks, each sending ``requests`` polls in turn; stops at ``timeout_s``."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + timeout_s
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def one_client(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for _ in range(requests):
            if time.monotonic() > deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.get(f"/v1/jobs/{job_id}")
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - started)
            errors += not ok

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30,
                                 headers={"Authorization": f"Bearer {token}"}) as client:
        await client.get(f"/v1/jobs/{job_id}")  # the first connection, not timed
        began = time.perf_counter()
        await asyncio.gather(*(one_client(client) for _ in range(clients)))
        wall = time.perf_counter() - began
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": len(latencies), "errors": errors, "wall_s": wall,
            "p50_ms": cuts[49] * 1000, "p99_ms": cuts[98] * 1000,
            "max_ms": max(latencies) * 1000, "per_s": len(latencies) / wall}


def report(label: str, figures: dict[str, float]) -> None:
    print(f"{label:<5} {figures['requests']:>6.0f} requests in {figures['wall_s']:5.1f} s: "
          f"p50 {figures['p50_ms']:6.1f} ms, p99 {figures['p99_ms']:6.1f} ms, "
          f"max {figures['max_ms']:6.1f} ms, {figures['per_s']:6.0f} req/s, "
          f"{figures['errors']:.0f} errors", flush=True)


def run(url: str, token: str, clients: int, requests: int, timeout_s: float) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"{url}: this bench only talks to a service on loopback")
    with httpx.Client(base_url=url, timeout=30,
                      headers={"Authorization": f"Bearer {token}"}) as client:
        idle_job = submit(client, SMALL, 60)
        wait(client, idle_job, ("done", "failed"), 120)
        report("idle", asyncio.run(poll(url, token, idle_job, clients, requests, timeout_s)))

        busy_job = submit(client, UN_2025, 120)
        wait(client, busy_job, ("running",), 60)
        time.sleep(1.5)  # past model building: CP-SAT is searching
        figures = asyncio.run(poll(url, token, busy_job, clients, requests, timeout_s))
        status = client.get(f"/v1/jobs/{busy_job}").json()["status"]
        report("busy", figures)
        print(f"(the un_2025 job was {status} when the busy polling ended)")
        if status in ("queued", "running"):
            client.delete(f"/v1/jobs/{busy_job}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running service (loopback); default: start one")
    parser.add_argument("--token", help="a planner token of that service")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="polls per client")
    parser.add_argument("--timeout", type=float, default=8.0,
                        help="seconds at most per measurement")
    args = parser.parse_args()
    if args.url:
        if not args.token:
            parser.error("--url needs --token")
        run(args.url, args.token, args.clients, args.requests, args.timeout)
        return
    with tempfile.TemporaryDirectory(prefix="allocator-bench-") as folder, \
            own_service(Path(folder)) as (url, token):
        print(f"service {url}, {os.cpu_count()} cores, {args.clients} clients x "
              f"{args.requests} polls (at most {args.timeout:g} s each run)", flush=True)
        run(url, token, args.clients, args.requests, args.timeout)


if __name__ == "__main__":
    main()
