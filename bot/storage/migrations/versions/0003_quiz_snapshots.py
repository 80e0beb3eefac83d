"""quiz snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 17:02:25.460824
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_snapshots",
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("quiz_id", "version", name=op.f("pk_quiz_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("quiz_snapshots")
