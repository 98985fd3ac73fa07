"""registrant_recounts: 报名人数 is counted by a timer, not in every transaction (B1)

Revision ID: 9c4e5f6a7b8d
Revises: 7a1e2b3c4d5f
Create Date: 2026-12-03 14:00:00

Before this revision every submission and status change counted its batch and
project and sent registrants_counted in its own transaction (a count over the
batch per submission: quadratic in a batch). Now the change leaves a mark here
and the count_registrants timer sends one count per marked pair
(docs/performance.md). Nothing to carry over: exam already holds the counts
sent before.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "9c4e5f6a7b8d"
down_revision: Union[str, Sequence[str], None] = "7a1e2b3c4d5f"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "registrant_recounts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_code", sa.String(length=20), nullable=False),
        sa.Column("project_code", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrant_recounts")),
    )


def downgrade() -> None:
    op.drop_table("registrant_recounts")
