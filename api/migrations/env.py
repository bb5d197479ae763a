"""Alembic's environment: migrations run on the connection ``api.migrate`` hands over, inside
its transaction (which holds the migration lock), never from an alembic.ini of their own."""

from __future__ import annotations

from alembic import context

from api.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations through api.migrate (allocator db upgrade), "
                       "which passes the database connection")
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
