"""where a game is played

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 16:35:39.437550
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("game_sessions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("interface", sa.String(length=12), server_default="discord", nullable=False)
        )
        batch_op.create_index(
            "ix_game_sessions_player", ["channel_id", "owner_id", "phase"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("game_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_game_sessions_player")
        batch_op.drop_column("interface")
