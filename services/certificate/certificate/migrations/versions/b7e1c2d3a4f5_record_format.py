"""certificates.record_format: the signed record's format (SC1 before escaping, SC2 after)

Revision ID: b7e1c2d3a4f5
Revises: 733619c27481
Create Date: 2026-12-01 23:05:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = 'b7e1c2d3a4f5'
down_revision: Union[str, Sequence[str], None] = '733619c27481'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('certificates') as batch:
        batch.add_column(sa.Column('record_format', sa.String(length=4), nullable=False,
                                   server_default='SC1'))


def downgrade() -> None:
    with op.batch_alter_table('certificates') as batch:
        batch.drop_column('record_format')
