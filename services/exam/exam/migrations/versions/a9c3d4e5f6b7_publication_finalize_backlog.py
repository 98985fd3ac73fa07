"""publications.finalize_backlog: finalization goes out in chunks (T5)

Revision ID: a9c3d4e5f6b7
Revises: e8b1c2d3a4f6
Create Date: 2026-12-03 14:30:00

A finalization sends at most jobs.FINALIZE_CHUNK result_finalized events per
unit of work; what its chunk left is counted here and the finish_finalization
timer sends it. Publications before this revision were finalized in one run:
nothing left (NULL).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "a9c3d4e5f6b7"
down_revision: Union[str, Sequence[str], None] = "e8b1c2d3a4f6"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("finalize_backlog", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publications", schema=None) as batch_op:
        batch_op.drop_column("finalize_backlog")
