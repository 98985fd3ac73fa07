"""dishonesty_records: falsified material recorded against the person (R4)

Revision ID: 8b2f3c4d5e6a
Revises: c4l4002dk2
Create Date: 2026-12-02 04:40:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = "8b2f3c4d5e6a"
down_revision: Union[str, Sequence[str], None] = "c4l4002dk2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "dishonesty_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("batch_code", sa.String(length=20), nullable=False),
        sa.Column("project_code", sa.String(length=80), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=True),
        sa.Column("recorded_by", sa.JSON(), nullable=False),
        sa.Column("recorded_at", kernel.db.Timestamp(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dishonesty_records")),
    )
    with op.batch_alter_table("dishonesty_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dishonesty_records_person_key"), ["person_key"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_dishonesty_records_application_id"),
                              ["application_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dishonesty_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dishonesty_records_application_id"))
        batch_op.drop_index(batch_op.f("ix_dishonesty_records_person_key"))
    op.drop_table("dishonesty_records")
