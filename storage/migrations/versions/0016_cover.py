"""cover for a missed meeting: one request per meeting, and who covers it

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "covers",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.Integer(), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=False),
        sa.Column("asked_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("covered_by", sa.Integer(), nullable=True),
        sa.Column("covered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["meeting_id"], ["meetings.id"], name=op.f("fk_covers_meeting_id_meetings"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"], name=op.f("fk_covers_circle_id_circles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["asked_by"], ["people.id"], name=op.f("fk_covers_asked_by_people"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["covered_by"], ["people.id"], name=op.f("fk_covers_covered_by_people"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_covers")),
    )
    op.create_index(op.f("ix_covers_circle_id"), "covers", ["circle_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_covers_circle_id"), table_name="covers")
    op.drop_table("covers")
