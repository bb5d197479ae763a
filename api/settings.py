"""Service settings, read once from the environment (``ALLOCATOR_*``, and ``DATABASE_URL``)."""

from __future__ import annotations

import os
import socket

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_workers() -> int:
    # One solve per core. The default backend races two single-threaded engines, so a lone
    # job has both cores; jobs running at once share them.
    return max(1, os.cpu_count() or 1)


def _default_worker_id() -> str:
    # Stable across restarts on one machine, so a restarted service (or worker) takes back the
    # jobs it left running at once, without waiting for its old heartbeat to go stale. Two
    # workers on one machine need ALLOCATOR_WORKER_ID each (a second with the same id is
    # refused on PostgreSQL).
    return socket.gethostname()[:100] or "worker"


class Settings(BaseSettings):
    """Every limit a user can hit is here, with the variable that changes it."""

    model_config = SettingsConfigDict(env_prefix="ALLOCATOR_", extra="ignore",
                                      populate_by_name=True)

    database_url: str = Field(
        "sqlite:///allocator-service.db",
        validation_alias=AliasChoices("DATABASE_URL", "ALLOCATOR_DATABASE_URL"),
        description="SQLAlchemy URL: a SQLite file by default, or postgresql+psycopg://...",
    )
    workers: int = Field(default_factory=_default_workers, ge=1,
                         description="solves running at once, each in its own process")
    max_upload_bytes: int = Field(20 * 1024 * 1024, ge=1024,
                                  description="largest request body accepted (HTTP 413 above)")
    max_unzipped_bytes: int = Field(200 * 1024 * 1024, ge=1024,
                                    description="largest total size of a .zip's members")
    max_pledges: int = Field(50_000, ge=1,
                             description="unit + equipment + funding pledges in one scenario")
    max_requirements: int = Field(10_000, ge=1, description="requirement lines in one scenario")
    max_time_limit_s: float = Field(900.0, gt=0, description="longest time limit of a solve job")
    default_time_limit_s: float = Field(60.0, gt=0,
                                        description="time limit of a job that names none")
    sync_time_limit_s: float = Field(10.0, gt=0,
                                     description="longest time limit of POST /v1/solve")
    max_queued_jobs_per_token: int = Field(
        5, ge=1, description="queued and running jobs one token may have (HTTP 429 above)")
    max_job_attempts: int = Field(
        2, ge=1, description="runs of a job interrupted by restarts before it is marked failed")
    run_jobs: bool = Field(
        True, description="whether allocator serve runs queued jobs itself; false: the API only "
                          "queues them and `allocator worker` processes run them")
    worker_id: str = Field(
        default_factory=_default_worker_id, min_length=1, max_length=100,
        description="this worker's name in the database (the host name unless set): a restart "
                    "with the same id takes back the jobs it left running")
    heartbeat_s: float = Field(2.0, gt=0, description="how often a worker says it is alive")
    worker_stale_s: float = Field(
        30.0, gt=0, description="a worker silent this long is taken for dead: its running jobs "
                                "are queued again (or failed once their attempts are spent)")
    job_memory_limit_mb: int | None = Field(
        None, ge=64, description="address space of each job process (RLIMIT_AS), none if unset")
    session_hours: float = Field(
        8.0, gt=0, le=24 * 30,
        description="how long a sign-in to the pages lasts before the page asks again")
    log_level: str = "INFO"
