"""class language: the language a class's public messages are written in

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 00:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # None for every class so far: they keep following the server's locale.
    op.add_column("classes", sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    op.drop_column("classes", "language")
