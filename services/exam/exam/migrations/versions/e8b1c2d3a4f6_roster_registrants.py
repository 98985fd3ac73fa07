"""B1: a roster row keeps 报名人数 as registration counted it (registrants_counted)
and when it was counted (#15)

Revision ID: e8b1c2d3a4f6
Revises: d7e1a2b3c4f5
Create Date: 2026-12-02 05:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = 'e8b1c2d3a4f6'
down_revision: Union[str, Sequence[str], None] = 'd7e1a2b3c4f5'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('batch_projects') as batch_op:
        batch_op.add_column(sa.Column('registrants', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('registrants_counted_at',
                                      kernel.db.Timestamp(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('batch_projects') as batch_op:
        batch_op.drop_column('registrants_counted_at')
        batch_op.drop_column('registrants')
