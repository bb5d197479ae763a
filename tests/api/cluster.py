"""API processes and solver workers as separate processes on one database, as a deployment past
one machine runs them: ``allocator serve`` with ``ALLOCATOR_RUN_JOBS=false`` and ``allocator
worker``, each in a session (process group) of its own, its log in a file; ``Cluster.stop()``
ends every group it started, whatever a test left behind."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from .live import ROOT, free_port, wait_for

START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


@dataclass
class Member:
    """One process of the cluster: its role, name, process, log file and (an API) URL."""

    role: str
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    url: str = ""

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_entries(self) -> Iterator[dict[str, Any]]:
        """The JSON log lines (the service's logs), skipping anything else printed."""
        for line in self.log().splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict):
                    yield entry


@dataclass
class Cluster:
    """Processes on one database URL, logs in ``folder``."""

    folder: Path
    database_url: str
    env: dict[str, str] = field(default_factory=dict)
    members: list[Member] = field(default_factory=list)

    def _env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": self.database_url,
                "ALLOCATOR_LOG_LEVEL": "INFO", **self.env, **extra}

    def _start(self, role: str, name: str, args: list[str], **env: str) -> Member:
        log_path = self.folder / f"{name}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "allocator.cli", *args], cwd=ROOT, env=self._env(**env),
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        member = Member(role, name, process, log_path)
        self.members.append(member)
        return member

    def api(self, name: str, **env: str) -> Member:
        """Start ``allocator serve`` that only queues jobs (no local runner)."""
        port = free_port()
        member = self._start("api", name, ["serve", "--host", "127.0.0.1", "--port", str(port)],
                             ALLOCATOR_RUN_JOBS="false", **env)
        member.url = f"http://127.0.0.1:{port}"
        return member

    def worker(self, name: str, **env: str) -> Member:
        """Start ``allocator worker`` under the worker id ``name``."""
        return self._start("worker", name, ["worker"], ALLOCATOR_WORKER_ID=name, **env)

    def wait_ready(self) -> None:
        """Every API answers /healthz and every worker has logged that it started."""
        for member in self.members:
            def ready(member: Member = member) -> bool:
                if member.process.poll() is not None:
                    raise AssertionError(f"{member.name} exited with "
                                         f"{member.process.returncode}:\n{member.log()[-4000:]}")
                if member.role == "worker":
                    return any(e.get("message") == "worker started"
                               for e in member.log_entries())
                try:
                    return httpx.get(f"{member.url}/healthz", timeout=2).status_code == 200
                except httpx.TransportError:
                    return False

            wait_for(ready, START_TIMEOUT_S, f"{member.role} {member.name}", every_s=0.2)

    def token(self, role: str = "admin", workspace: str = "default") -> str:
        """A token made by ``allocator token create`` on the cluster's database."""
        done = subprocess.run(
            [sys.executable, "-m", "allocator.cli", "token", "create", "--role", role,
             "--workspace", workspace],
            cwd=ROOT, env=self._env(), capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def stop(self) -> None:
        """SIGTERM each process (workers put their jobs back), then SIGKILL each group."""
        for member in self.members:
            if member.process.poll() is None:
                member.process.terminate()
        for member in self.members:
            try:
                member.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                member.process.kill()
                member.process.wait(STOP_TIMEOUT_S)
        for member in self.members:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(member.process.pid, signal.SIGKILL)


def started_jobs(member: Member) -> list[str]:
    """The job ids a worker's log says it started, one entry per run."""
    return [e["job_id"] for e in member.log_entries() if e.get("message") == "started job"]

