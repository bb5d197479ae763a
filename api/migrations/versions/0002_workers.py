"""Workers apart from API processes: a ``workers`` table (id, heartbeat) and ``jobs.claimed_by``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the workers table and the claimant of each job."""
    op.create_table(
        "workers",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("host", sa.String(200), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_workers_heartbeat_at", "workers", ["heartbeat_at"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("claimed_by", sa.String(100), nullable=True))
        batch.create_index("ix_jobs_claimed_by", ["claimed_by"])


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_claimed_by")
        batch.drop_column("claimed_by")
    op.drop_index("ix_workers_heartbeat_at", "workers")
    op.drop_table("workers")
