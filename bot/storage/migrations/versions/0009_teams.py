"""teams in live rounds: how many, and who is in which

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 23:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "team_rounds",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("teams", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["game_sessions.id"],
            name=op.f("fk_team_rounds_session_id_game_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_team_rounds")),
    )
    op.create_table(
        "team_members",
        sa.Column("session_id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("team", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["team_rounds.session_id"],
            name=op.f("fk_team_members_session_id_team_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "user_id", name=op.f("pk_team_members")),
    )


def downgrade() -> None:
    op.drop_table("team_members")
    op.drop_table("team_rounds")
