"""typing a button's label counts as pressing it: remember each person's last offered buttons

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offered_buttons",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("buttons", sa.JSON(), nullable=False),
        sa.Column("offered_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id"),
    )


def downgrade() -> None:
    op.drop_table("offered_buttons")
