"""timed homework: seconds a question, for an assignment that has a time limit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("assignments", sa.Column("time_limit", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("assignments", "time_limit")
