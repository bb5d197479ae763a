"""Service settings, read once from the environment (``ALLOCATOR_*``, and ``DATABASE_URL``)."""

from __future__ import annotations

import os

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_workers() -> int:
    # One solve per core; CP-SAT uses one search worker per solve on small machines.
    return max(1, os.cpu_count() or 1)


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
    log_level: str = "INFO"
