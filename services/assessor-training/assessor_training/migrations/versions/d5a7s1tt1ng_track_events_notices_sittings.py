"""A7 track events, unit notices (通报) and municipal places; A1 exam sittings;
the period's pass mark and sitting capacity (A5) (#15)

Revision ID: d5a7s1tt1ng
Revises: c4la1101k2
Create Date: 2026-12-02 04:50:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import kernel.db

revision: str = "d5a7s1tt1ng"
down_revision: Union[str, Sequence[str], None] = "c4la1101k2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("periods") as batch:
        batch.add_column(sa.Column("pass_score", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("sitting_capacity", sa.Integer(), nullable=True))
    op.create_table(
        "track_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subject", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("at", kernel.db.Timestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.ForeignKeyConstraint(["period_code"], ["periods.code"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_track_events_code", "track_events", ["code"])
    op.create_index("ix_track_events_period_code", "track_events", ["period_code"])
    op.create_table(
        "unit_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_code", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("named_by", sa.String(length=100), nullable=False),
        sa.Column("named_on", sa.Date(), nullable=False),
        sa.Column("at", kernel.db.Timestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"]),
        sa.PrimaryKeyConstraint("id"))
    op.create_index("ix_unit_notices_unit_code", "unit_notices", ["unit_code"])
    op.create_table(
        "municipal_places",
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("at", kernel.db.Timestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["period_code"], ["periods.code"]),
        sa.PrimaryKeyConstraint("period_code", "region"))
    op.create_table(
        "sittings",
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.String(length=5), nullable=False),
        sa.Column("ends_at", sa.String(length=5), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["period_code"], ["periods.code"]),
        sa.PrimaryKeyConstraint("period_code", "seq"))
    op.create_table(
        "sitting_seats",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("period_code", sa.String(length=10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"]),
        sa.PrimaryKeyConstraint("application_id"))
    op.create_index("ix_sitting_seats_period_code", "sitting_seats", ["period_code"])


def downgrade() -> None:
    op.drop_index("ix_sitting_seats_period_code", table_name="sitting_seats")
    op.drop_table("sitting_seats")
    op.drop_table("sittings")
    op.drop_table("municipal_places")
    op.drop_index("ix_unit_notices_unit_code", table_name="unit_notices")
    op.drop_table("unit_notices")
    op.drop_index("ix_track_events_period_code", table_name="track_events")
    op.drop_index("ix_track_events_code", table_name="track_events")
    op.drop_table("track_events")
    with op.batch_alter_table("periods") as batch:
        batch.drop_column("sitting_capacity")
        batch.drop_column("pass_score")
