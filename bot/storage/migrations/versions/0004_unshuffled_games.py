"""unshuffled games

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 19:05:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every game stored so far was played in its quiz's own (shuffled) order. A plain
    # ADD COLUMN: a batch would copy and drop game_sessions on SQLite, and the drop
    # would cascade to every answer.
    op.add_column(
        "game_sessions",
        sa.Column("shuffled", sa.Boolean(), server_default=sa.true(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("game_sessions", "shuffled")
