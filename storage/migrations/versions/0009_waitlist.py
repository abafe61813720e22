"""waitlist: people waiting for a place in a full circle, and the offers of freed places (L7)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("goal", sa.Text(), nullable=False),
        sa.Column("help_peers", sa.Text(), nullable=False),
        sa.Column("custom_answer", sa.Text(), nullable=True),
        sa.Column("joined_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("offered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("offer_expires_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["circle_id"], ["circles.id"], name=op.f("fk_waitlist_circle_id_circles"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_waitlist_person_id_people"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist")),
        sa.UniqueConstraint("circle_id", "person_id", name="uq_waitlist_circle_person"),
    )
    op.create_index(op.f("ix_waitlist_person_id"), "waitlist", ["person_id"], unique=False)
    op.create_index(op.f("ix_waitlist_offer_expires_at"), "waitlist", ["offer_expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_waitlist_offer_expires_at"), table_name="waitlist")
    op.drop_index(op.f("ix_waitlist_person_id"), table_name="waitlist")
    op.drop_table("waitlist")
