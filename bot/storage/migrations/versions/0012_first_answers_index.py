"""first answers index: each student's first scored answer per question, from the index

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The web report's full read: scored answers grouped by student and question, and the
    # earliest of each group, without reading the table or sorting (see report_queries).
    op.create_index(
        "ix_answers_first",
        "answers",
        ["guild_id", "quiz_id", "scored", "user_id", "question_id", "answered_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_answers_first", table_name="answers")
