"""credentials and status_lists: verifiable credentials and their Bitstring Status Lists (#19)

Revision ID: d19c0ed1a1b2
Revises: c4lb7e1ck2
Create Date: 2026-12-02 04:30:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

import kernel.db

revision: str = 'd19c0ed1a1b2'
down_revision: Union[str, Sequence[str], None] = 'c4lb7e1ck2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'status_lists',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('bits', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=True),
        sa.Column('etag', sa.String(length=64), nullable=True),
        sa.Column('updated_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'))
    op.create_table(
        'credentials',
        sa.Column('certificate_number', sa.String(length=14), nullable=False),
        sa.Column('status_list', sa.Integer(), nullable=False),
        sa.Column('status_index', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.Column('kid', sa.String(length=16), nullable=False),
        sa.Column('issued_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.Column('in_pdf', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['certificate_number'], ['certificates.number']),
        sa.ForeignKeyConstraint(['kid'], ['signing_keys.kid']),
        sa.ForeignKeyConstraint(['status_list'], ['status_lists.id']),
        sa.PrimaryKeyConstraint('certificate_number'),
        sa.UniqueConstraint('status_list', 'status_index'))
    op.create_index(op.f('ix_credentials_status_list'), 'credentials', ['status_list'])


def downgrade() -> None:
    op.drop_index(op.f('ix_credentials_status_list'), table_name='credentials')
    op.drop_table('credentials')
    op.drop_table('status_lists')
