"""Storage through SQLAlchemy: tokens, scenarios, jobs and results.

A SQLite file by default (write-ahead log, so worker processes and the server can write at
once) and PostgreSQL by URL. The schema is made and changed by the Alembic migrations in
``api/migrations`` (``api.migrate.upgrade``, run on start and by ``allocator db upgrade``); the
models here are what the latest migration gives.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)


def new_id() -> str:
    """A new random id (32 hex digits) for a token, scenario or job."""
    # Random ids: knowing one scenario's id says nothing about another's.
    return uuid.uuid4().hex


def utcnow() -> datetime:
    """The time now, in UTC and time-zone aware, as every time the service stores."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """The tables' declarative base: dicts are stored as JSON, datetimes with their time zone."""

    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Token(Base):
    """An API token: its name, workspace, role and the digest of its secret; revoked once
    ``revoked_at`` is set."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ScenarioRecord(Base):
    """A submitted scenario of one workspace, in document form, with its rows per table."""

    __tablename__ = "scenarios"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(300))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Job(Base):
    """A solve, what-if or sweep job: its options, status, progress and outcome (what a what-if or
    sweep asked is its ``request``)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    workspace: Mapped[str] = mapped_column(String(100), index=True)
    scenario_id: Mapped[str] = mapped_column(
        ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    token_id: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    backend: Mapped[str] = mapped_column(String(20))
    time_limit_s: Mapped[float] = mapped_column(Float)
    objective_mode: Mapped[str | None] = mapped_column(String(20), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    result_status: Mapped[str | None] = mapped_column(String(20), default=None)
    objective: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    # The worker (``Worker.id``) whose claim the job runs under: no foreign key, since a
    # worker's row may be removed while its finished jobs stay.
    claimed_by: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    request: Mapped[JobRequest | None] = relationship(lazy="joined", uselist=False,
                                                      cascade="all, delete-orphan")

    @property
    def kind(self) -> str:
        return self.request.kind if self.request is not None else "solve"

    @property
    def parameters(self) -> dict[str, Any] | None:
        return self.request.parameters if self.request is not None else None


class JobRequest(Base):
    """What a job other than a plain solve asks (a what-if or a sweep), and its parameters.

    A table of its own rather than columns of ``jobs``, so that polling a job stays light.
    """

    __tablename__ = "job_requests"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)


class JobResult(Base):
    """The library's result JSON, apart from the job row so that polling stays light."""

    __tablename__ = "job_results"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"),
                                        primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class Worker(Base):
    """A process that claims and runs queued jobs (``allocator worker``, or ``allocator serve``
    running its own), and when it last said it was alive.

    A job whose claimant has not beaten for ``ALLOCATOR_WORKER_STALE_S`` is taken back into the
    queue by any other worker; a worker's own leftovers are taken back when it starts again.
    """

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite with its write-ahead log, busy timeout and foreign keys on, or
    any other database checked before each use."""
    if url.startswith("sqlite"):
        # A pool as large as the server's thread pool (40): overflow connections are opened
        # and closed per request, each with its pragmas, which under 50 polling clients cost
        # more than the queries themselves.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=40, max_overflow=10)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            # WAL lets a worker process write progress while the server reads; foreign keys
            # make deleting a scenario delete its jobs and results.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """An engine and its session factory; one per process (workers make their own)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create_all(self) -> None:
        """Create the tables straight from the models, without migrations (tests only: a
        service upgrades its database with ``api.migrate.upgrade``)."""
        Base.metadata.create_all(self.engine)

    def upgrade(self) -> None:
        """Bring this database's schema to the latest migration (see ``api.migrate``)."""
        from .migrate import upgrade

        upgrade(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def page(session: Session, query: Select[Any], *order: Any, offset: int, limit: int
         ) -> tuple[list[Any], int]:
    """One page of a query's rows, newest first by ``order``, and how many there are in all."""
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(*order).offset(offset).limit(limit)).all()
    return list(rows), count
