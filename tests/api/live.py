"""The real service in its own process, as an operator runs it: ``allocator serve`` on a free
loopback port with a SQLite file (or any database URL given), tokens from ``allocator token
create``.

The server starts in a new session, so its whole family (fork server, resource tracker, solve
processes) shares one process group: ``stop()`` ends the group, whatever a test left behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], Any], timeout_s: float, what: str,
             every_s: float = 0.1) -> Any:
    """Call ``check`` until it returns something true; fail naming ``what`` after the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(every_s)


# ----- processes, read from /proc (psutil is not a dependency) -------------------------------
def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()  # the name, in (), may hold spaces
    return fields[0], int(fields[1]), int(fields[2])


def alive(pid: int) -> bool:
    """Running: a zombie (ended, not yet reaped by whoever adopted it) counts as gone."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def _all_pids() -> Iterator[int]:
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            yield int(entry.name)


def children(pid: int) -> list[int]:
    return [p for p in _all_pids() if (s := _stat(p)) is not None and s[1] == pid and alive(p)]


def group(pgid: int) -> list[int]:
    return [p for p in _all_pids() if (s := _stat(p)) is not None and s[2] == pgid and alive(p)]


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


class LiveService:
    """One ``allocator serve`` process on a database; start it again after ``kill()``.

    The database is ``service.db`` in ``folder`` unless ``database_url`` names another (say a
    PostgreSQL server, which outlives the service when it is killed); logs go to ``folder``.
    """

    def __init__(self, folder: Path, database_url: str | None = None, **env: str):
        self.folder = folder
        self.database_url = database_url or f"sqlite:///{folder / 'service.db'}"
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": self.database_url,
                    "ALLOCATOR_WORKERS": "1", "ALLOCATOR_LOG_LEVEL": "WARNING", **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.groups: list[int] = []  # every process group started, all ended by stop()
        self.port = 0
        self.url = ""
        # Numbered on from any earlier service's logs in the folder, so none is overwritten.
        self.logs = len(list(folder.glob("server-*.log")))

    # ----- life cycle -------------------------------------------------------------------------
    def start(self) -> LiveService:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logs += 1
        log = (self.folder / f"server-{self.logs}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "allocator.cli", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        self.groups.append(self.process.pid)
        try:
            wait_for(self._healthy, START_TIMEOUT_S, f"the service on {self.url}", every_s=0.2)
        except AssertionError as err:
            raise AssertionError(f"{err}\n{self.log()}") from None
        return self

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the service exited with {self.process.returncode}:\n"
                                 f"{self.log()}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> None:
        """SIGKILL the server process alone, as a crash would; its children are left alone."""
        assert self.process is not None
        self.process.kill()
        self.process.wait(10)

    def stop(self) -> None:
        """Terminate the server, then kill whatever is left of each of its process groups."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for pgid in self.groups:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pgid, signal.SIGKILL)

    def log(self) -> str:
        path = self.folder / f"server-{self.logs}.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text[-4000:]

    # ----- the service's processes -----------------------------------------------------------
    def fork_server(self) -> int | None:
        assert self.process is not None
        for pid in children(self.process.pid):
            if "multiprocessing.forkserver" in cmdline(pid):
                return pid
        return None

    def solve_processes(self) -> list[int]:
        """The solve processes now running: the fork server's children."""
        server = self.fork_server()
        return [] if server is None else children(server)

    # ----- tokens and a client ---------------------------------------------------------------
    def cli_token(self, role: str = "admin", workspace: str = "default") -> str:
        done = subprocess.run(
            [sys.executable, "-m", "allocator.cli", "token", "create", "--role", role,
             "--workspace", workspace],
            cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def planner_token(self, workspace: str = "default") -> str:
        """A planner token made as an operator would: an admin token, then POST /v1/tokens."""
        admin = self.cli_token("admin", workspace)
        made = httpx.post(f"{self.url}/v1/tokens", timeout=10,
                          headers={"Authorization": f"Bearer {admin}"},
                          json={"name": "planner", "role": "planner", "workspace": workspace})
        assert made.status_code == 201, made.text
        return made.json()["token"]

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30,
                            headers={"Authorization": f"Bearer {token}"})


def wait_for_job(client: httpx.Client, job_id: str, timeout_s: float,
                 until: tuple[str, ...] = ("done", "failed", "cancelled")) -> dict[str, Any]:
    """Poll a job until its status is one of ``until``; return its last state."""
    def check() -> dict[str, Any] | None:
        response = client.get(f"/v1/jobs/{job_id}")
        assert response.status_code == 200, response.text
        job = response.json()
        return job if job["status"] in until else None

    return wait_for(check, timeout_s, f"job {job_id} to be {' or '.join(until)}", every_s=0.2)
