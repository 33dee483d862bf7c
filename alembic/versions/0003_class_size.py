"""The class list's length of a lecture, so that "present" can say "of N".

Revision ID: 0003_class_size
Revises: 0002_rollups
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op

revision = "0003_class_size"
down_revision = "0002_rollups"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lecture_sessions") as table:
        table.add_column(sa.Column("class_size", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("lecture_sessions") as table:
        table.drop_column("class_size")
