"""facilitators choose whether learners' report copy includes their reflections

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("facilitators") as batch:
        batch.add_column(
            sa.Column("shares_reflections", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("facilitators") as batch:
        batch.drop_column("shares_reflections")
