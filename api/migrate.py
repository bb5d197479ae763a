"""Schema migrations with Alembic: ``upgrade(url)`` brings a database to the latest revision.

The service runs it on start, workers too, and ``allocator db upgrade`` by hand. Alembic is
configured here from the migrations inside this package, so an installed wheel needs no
alembic.ini. A database made by the first release (tables from ``create_all``, no
``alembic_version``) is recognised, completed and stamped at revision ``0001`` first.

Several processes may start at once on one database (API processes and workers): the upgrade
runs in one transaction under a lock (a PostgreSQL advisory lock; ``BEGIN IMMEDIATE`` on SQLite),
so one process migrates and the others then find the schema at head.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST_REVISION = "0001"
# One key for every process migrating any allocator database on a PostgreSQL server.
_LOCK_KEY = zlib.crc32(b"pledge-allocator migrations")


@dataclass(frozen=True)
class Outcome:
    """What an upgrade did: the revision before (None: no schema, or one made without
    migrations) and after, and whether (and at which revision) a database made without
    migrations was stamped."""

    before: str | None
    after: str
    stamped: bool
    stamped_at: str | None = None

    def describe(self, url: str) -> str:
        """One sentence for the operator."""
        if self.stamped and self.after == self.stamped_at:
            start = (f"a database made without migrations (no alembic_version) but matching "
                     f"the models was stamped at {self.after}")
        elif self.stamped:
            start = (f"a database of the first release (no alembic_version) was stamped at "
                     f"{FIRST_REVISION}")
        elif self.before is None:
            start = "an empty database got the schema"
        else:
            start = f"was at {self.before}"
        if self.before == self.after and not self.stamped:
            return f"{url}: already at the latest revision {self.after}"
        return f"{url}: {start}; now at the latest revision {self.after}"


def config(connection: Connection | None = None) -> Config:
    """An Alembic config of this package's migrations (``connection`` for env.py to use)."""
    cfg = Config()
    # ConfigParser interpolation: a % in the install path must be doubled.
    cfg.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The latest revision."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(url: str) -> str | None:
    """The revision the database at ``url`` is at (None: not under migrations yet)."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def _first_release_metadata() -> Any:
    script = ScriptDirectory.from_config(config()).get_revision(FIRST_REVISION)
    assert script is not None and script.module is not None
    return script.module.METADATA


def _engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=NullPool)
    if engine.dialect.name == "sqlite":
        # SQLAlchemy's recipe for SQLite transactions: the driver's own BEGIN is switched off
        # and ours takes the write lock at once, so a second migrating process waits here
        # (busy timeout) instead of reading an old version and creating tables twice.
        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA busy_timeout=30000")

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine


def _differences(connection: Connection) -> list[Any]:
    """What autogenerate finds between this database and the models (empty: they match)."""
    from alembic.autogenerate import compare_metadata

    from .db import Base

    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def upgrade(url: str) -> Outcome:
    """Bring the database at ``url`` to the latest revision and say what was done."""
    engine = _engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Held to the end of this transaction, i.e. until the upgrade is committed.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                   {"key": _LOCK_KEY})
            cfg = config(connection)
            before = MigrationContext.configure(connection).get_current_revision()
            stamped, stamped_at = False, None
            if before is None:
                tables = set(inspect(connection).get_table_names())
                first = _first_release_metadata()
                if tables and not _differences(connection):
                    # Made by create_all from today's models (say by a test): at head already.
                    command.stamp(cfg, "head")
                    stamped, stamped_at = True, head()
                elif tables & set(first.tables):
                    # The first release created its tables itself; one that predates a
                    # table (say job_requests) gets it now, as that release would have.
                    first.create_all(connection, checkfirst=True)
                    command.stamp(cfg, FIRST_REVISION)
                    stamped, stamped_at = True, FIRST_REVISION
            command.upgrade(cfg, "head")
            after = MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()
    assert after is not None
    return Outcome(before, after, stamped, stamped_at)
