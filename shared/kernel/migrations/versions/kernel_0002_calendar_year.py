"""the kernel's calendar_year table: working-day years loaded at run time (#15)

kernel.calendar keeps in it the years the provincial administrator loaded
(holidays and make-up working days, 调休); every service has it, and each
service's history merges this revision with its own (one head each).

Revision ID: kernel_0002
Revises: kernel_0001
Create Date: 2026-12-02 04:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import kernel.db  # noqa: F401  (kernel column types)

revision: str = "kernel_0002"
down_revision: Union[str, Sequence[str], None] = "kernel_0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    if "calendar_year" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "calendar_year",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holidays", sa.JSON(), nullable=False),
        sa.Column("workdays", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("loaded_by", sa.String(length=100), nullable=False),
        sa.Column("loaded_at", kernel.db.Timestamp(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_year")),
    )


def downgrade() -> None:
    op.drop_table("calendar_year")
