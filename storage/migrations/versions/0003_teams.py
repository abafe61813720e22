"""teams: teams, their members, and the team of each circle and invitation

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("summary_platform", sa.String(length=20), nullable=True),
        sa.Column("summary_chat_id", sa.String(length=100), nullable=True),
        sa.Column("summary_weekday", sa.Integer(), nullable=False),
        sa.Column("summary_time", sa.Time(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "team_members",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("joined_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_team_members_person_id_people"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_members_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "person_id", name=op.f("pk_team_members")),
        sa.UniqueConstraint("person_id", name=op.f("uq_team_members_person_id")),
    )
    with op.batch_alter_table("circles") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_circles_team_id"), ["team_id"], unique=False)
        batch.create_foreign_key(
            batch.f("fk_circles_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("role", sa.String(length=12), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_invites_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="CASCADE"
        )


def downgrade() -> None:
    with op.batch_alter_table("invites") as batch:
        batch.drop_constraint(batch.f("fk_invites_team_id_teams"), type_="foreignkey")
        batch.drop_column("role")
        batch.drop_column("team_id")
    with op.batch_alter_table("circles") as batch:
        batch.drop_constraint(batch.f("fk_circles_team_id_teams"), type_="foreignkey")
        batch.drop_index(batch.f("ix_circles_team_id"))
        batch.drop_column("team_id")
    op.drop_table("team_members")
    op.drop_table("teams")
