"""card_credentials: assessor cards' verifiable credentials (#19)

Revision ID: d19c0ed1c4a2
Revises: d19c0ed1a1b2
Create Date: 2026-12-02 04:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import kernel.db

revision: str = 'd19c0ed1c4a2'
down_revision: Union[str, Sequence[str], None] = 'd19c0ed1a1b2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'card_credentials',
        sa.Column('card_number', sa.String(length=40), nullable=False),
        sa.Column('status_list', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('kid', sa.String(length=16), nullable=False),
        sa.Column('issued_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.Column('revoked', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['kid'], ['signing_keys.kid']),
        sa.ForeignKeyConstraint(['status_list'], ['status_lists.id']),
        sa.PrimaryKeyConstraint('card_number'),
        sa.UniqueConstraint('status_list', 'status_index'))
    op.create_index(op.f('ix_card_credentials_status_list'), 'card_credentials',
                    ['status_list'])


def downgrade() -> None:
    op.drop_index(op.f('ix_card_credentials_status_list'), table_name='card_credentials')
    op.drop_table('card_credentials')
