"""receipt_uploaders: who uploaded a receipt (the gateway's file rule)

Revision ID: 6d2e3f4a5b7c
Revises: 208f751e6b98
Create Date: 2026-12-03 10:00:00

Receipts already on payment submissions stay readable by whoever may read
the submission's applications (found through submissions, no index needed).
Receipts uploaded before this revision and on no submission have no recorded
uploader: only finance staff read them.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = '6d2e3f4a5b7c'
down_revision: Union[str, Sequence[str], None] = '208f751e6b98'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'receipt_uploaders',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('uploader', sa.String(length=120), nullable=False),
        sa.Column('uploaded_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('hash', 'uploader', name=op.f('pk_receipt_uploaders')),
    )


def downgrade() -> None:
    op.drop_table('receipt_uploaders')
