"""items: the 三联单 the center issued to a 2024 individual (P2, #15)

Revision ID: e5f1a2b3c4d6
Revises: c4l6d2e3k2
Create Date: 2026-12-02 05:00:00

Three nullable columns; items of before have no 三联单 recorded (2026 batches
need none; a 2024 individual's open item needs one issued before paying).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = 'e5f1a2b3c4d6'
down_revision: Union[str, Sequence[str], None] = 'c4l6d2e3k2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.add_column(sa.Column('slip_number', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('slip_issued_by', sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('slip_issued_at', kernel.db.Timestamp(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('items') as batch:
        batch.drop_column('slip_issued_at')
        batch.drop_column('slip_issued_by')
        batch.drop_column('slip_number')
