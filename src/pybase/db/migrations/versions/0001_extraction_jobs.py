"""Create extraction_jobs.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from pybase.db.types import JSONDocument, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "pybase"  # translated away on SQLite (schema_translate_map)
STATUSES = "'pending', 'processing', 'retrying', 'completed', 'failed', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "extraction_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("extraction_format", sa.String(length=16), nullable=True),
        sa.Column("filename", sa.String(length=1024), nullable=False),
        sa.Column("file_path", sa.Text(), nullable=False),
        sa.Column("file_size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("options", JSONDocument, nullable=False),
        sa.Column("result", JSONDocument, nullable=True),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("total_items", sa.Integer(), nullable=False),
        sa.Column("processed_items", sa.Integer(), nullable=False),
        sa.Column("failed_items", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("retry_count", sa.Integer(), nullable=False),
        sa.Column("max_retries", sa.Integer(), nullable=False),
        sa.Column("next_retry_at", UTCDateTime(), nullable=True),
        sa.Column("celery_task_id", sa.String(length=255), nullable=True),
        sa.Column("worker_id", sa.String(length=255), nullable=True),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("error_stack_trace", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("owner", sa.String(length=255), nullable=True),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_extraction_jobs_status")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_extraction_jobs_progress")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extraction_jobs")),
        schema=SCHEMA,
    )
    for name, columns in (
        ("ix_extraction_jobs_created_at", ["created_at"]),
        ("ix_extraction_jobs_owner_created_at", ["owner", "created_at"]),
        ("ix_extraction_jobs_sha256", ["sha256"]),
        ("ix_extraction_jobs_status_next_retry_at", ["status", "next_retry_at"]),
    ):
        op.create_index(op.f(name), "extraction_jobs", columns, schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("extraction_jobs", schema=SCHEMA)
