"""delivery planning marks: per circle and per team, when something next falls due

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing circles and teams start without a mark: the first pass plans each of them once.
    with op.batch_alter_table("circles") as batch:
        batch.add_column(sa.Column("plan_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("plan_version", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index(batch.f("ix_circles_plan_at"), ["plan_at"], unique=False)
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("summary_plan_at", UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("summary_plan_version", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index(batch.f("ix_teams_summary_plan_at"), ["summary_plan_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_index(batch.f("ix_teams_summary_plan_at"))
        batch.drop_column("summary_plan_version")
        batch.drop_column("summary_plan_at")
    with op.batch_alter_table("circles") as batch:
        batch.drop_index(batch.f("ix_circles_plan_at"))
        batch.drop_column("plan_version")
        batch.drop_column("plan_at")
