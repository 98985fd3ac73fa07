"""accounts.verified_at, verified_phone; verification_codes

Revision ID: 7e3f4a5b6c8d
Revises: 014c6cc4436b
Create Date: 2026-12-03 10:00:00

A candidate account is verified by a code sent to the phone on file
(docs/verification.md); accounts made before this revision are not.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = '7e3f4a5b6c8d'
down_revision: Union[str, Sequence[str], None] = '014c6cc4436b'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('accounts') as batch:
        batch.add_column(sa.Column('verified_at', kernel.db.Timestamp(timezone=True),
                                   nullable=True))
        batch.add_column(sa.Column('verified_phone', sa.String(length=20), nullable=True))
    op.create_table(
        'verification_codes',
        sa.Column('username', sa.String(length=64), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('nonce', sa.String(length=32), nullable=False),
        sa.Column('phone_masked', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('sent_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.Column('expires_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['username'], ['accounts.username'],
                                name=op.f('fk_verification_codes_username_accounts')),
        sa.PrimaryKeyConstraint('username', name=op.f('pk_verification_codes')),
    )


def downgrade() -> None:
    op.drop_table('verification_codes')
    with op.batch_alter_table('accounts') as batch:
        batch.drop_column('verified_phone')
        batch.drop_column('verified_at')
