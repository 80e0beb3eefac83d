"""bounded uploads: the size of each stored upload, and the uploads teachers made

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch: on SQLite a batch copies and drops the table).
    op.add_column(
        "uploaded_quizzes",
        sa.Column("size", sa.BigInteger(), server_default="0", nullable=False),
    )
    # The bytes of what is stored already, in UTF-8 as new uploads are counted.
    if op.get_bind().dialect.name == "postgresql":
        size = "octet_length(content) + coalesce(octet_length(source_text), 0)"
    else:
        size = "length(CAST(content AS BLOB)) + coalesce(length(CAST(source_text AS BLOB)), 0)"
    op.execute(f"UPDATE uploaded_quizzes SET size = {size}")
    op.create_table(
        "upload_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_attempts")),
    )
    op.create_index("ix_upload_attempts_guild", "upload_attempts", ["guild_id", "attempted_at"])
    op.create_index("ix_upload_attempts_user", "upload_attempts", ["user_id", "attempted_at"])
    op.create_index("ix_upload_attempts_time", "upload_attempts", ["attempted_at"])


def downgrade() -> None:
    op.drop_table("upload_attempts")
    op.drop_column("uploaded_quizzes", "size")
