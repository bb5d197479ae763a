"""The schema of the first release: tokens, scenarios, jobs, job_requests, job_results.

A frozen copy, not the models: later model changes come as later revisions. A database made by
that release (``create_all``, no ``alembic_version``) gets any of these tables it lacks from
``METADATA`` and is stamped at this revision (``api.migrate``).

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

METADATA = sa.MetaData()


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


sa.Table(
    "tokens", METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("workspace", sa.String(100), nullable=False, index=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True, index=True),
    sa.Column("created_at", _when(), nullable=False),
    sa.Column("revoked_at", _when(), nullable=True),
)
sa.Table(
    "scenarios", METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("workspace", sa.String(100), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("source", sa.String(300), nullable=False),
    sa.Column("document", sa.JSON(), nullable=False),
    sa.Column("counts", sa.JSON(), nullable=False),
    sa.Column("created_by", sa.String(32), nullable=False),
    sa.Column("created_at", _when(), nullable=False),
)
sa.Table(
    "jobs", METADATA,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("workspace", sa.String(100), nullable=False, index=True),
    sa.Column("scenario_id", sa.String(32), sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("token_id", sa.String(32), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("backend", sa.String(20), nullable=False),
    sa.Column("time_limit_s", sa.Float(), nullable=False),
    sa.Column("objective_mode", sa.String(20), nullable=True),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("progress", sa.JSON(), nullable=True),
    sa.Column("error", sa.Text(), nullable=True),
    sa.Column("result_status", sa.String(20), nullable=True),
    sa.Column("objective", sa.JSON(), nullable=True),
    sa.Column("created_at", _when(), nullable=False, index=True),
    sa.Column("started_at", _when(), nullable=True),
    sa.Column("finished_at", _when(), nullable=True),
)
sa.Table(
    "job_requests", METADATA,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("parameters", sa.JSON(), nullable=False),
)
sa.Table(
    "job_results", METADATA,
    sa.Column("job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("document", sa.JSON(), nullable=False),
)


def upgrade() -> None:
    """Create the first release's tables and indexes."""
    METADATA.create_all(op.get_bind())


def downgrade() -> None:
    """Drop them all (every row with them)."""
    METADATA.drop_all(op.get_bind())
