"""public leaderboard: a server's opt-in read-only ranking page; answers of a quiz by id

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Off for every server so far: many students are minors, a server opts in.
    op.add_column(
        "guild_settings",
        sa.Column("public_leaderboard", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    # The newest answer of a quiz in one lookup: the web report's "anything new?" check.
    op.create_index("ix_answers_quiz_latest", "answers", ["guild_id", "quiz_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_answers_quiz_latest", table_name="answers")
    op.drop_column("guild_settings", "public_leaderboard")
