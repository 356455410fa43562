"""Usage accounting for paid engines: extraction_jobs.pages_read (+ index on owner,
completed_at for the monthly sum) and api_tokens.monthly_pages (the quota).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _schema() -> str | None:
    """``pybase`` on PostgreSQL; None on SQLite (no schemas; ALTER TABLE is not covered by the
    engine's schema_translate_map, unlike CREATE TABLE)."""
    return None if op.get_bind().dialect.name == "sqlite" else "pybase"


def upgrade() -> None:
    schema = _schema()
    op.add_column(
        "extraction_jobs", sa.Column("pages_read", sa.Integer(), nullable=True), schema=schema
    )
    op.create_index(
        op.f("ix_extraction_jobs_owner_completed_at"),
        "extraction_jobs",
        ["owner", "completed_at"],
        schema=schema,
    )
    op.add_column(
        "api_tokens", sa.Column("monthly_pages", sa.Integer(), nullable=True), schema=schema
    )


def downgrade() -> None:
    schema = _schema()
    with op.batch_alter_table("api_tokens", schema=schema) as batch:
        batch.drop_column("monthly_pages")
    op.drop_index(op.f("ix_extraction_jobs_owner_completed_at"), "extraction_jobs", schema=schema)
    with op.batch_alter_table("extraction_jobs", schema=schema) as batch:
        batch.drop_column("pages_read")
