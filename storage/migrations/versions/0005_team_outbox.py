"""outbox rows for a team's channel: person optional, team added

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_outbox_team_id"), ["team_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_outbox_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="CASCADE")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_constraint(batch.f("fk_outbox_team_id_teams"), type_="foreignkey")
        batch.drop_index(batch.f("ix_outbox_team_id"))
        batch.drop_column("team_id")
        batch.alter_column("person_id", existing_type=sa.Integer(), nullable=False)
