"""score summaries (成绩汇总表), summary scans, session records (supervision,
assessors' meeting), the profile's sex; the verifications table goes (#15, T4)

Revision ID: d7e1a2b3c4f5
Revises: c4lf7800k2
Create Date: 2026-12-02 04:40:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = 'd7e1a2b3c4f5'
down_revision: Union[str, Sequence[str], None] = 'c4lf7800k2'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('score_summaries',
    sa.Column('batch_code', sa.String(length=20), nullable=False),
    sa.Column('session_code', sa.String(length=8), nullable=False),
    sa.Column('room_code', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.Column('totalled', sa.JSON(), nullable=False),
    sa.Column('checked', sa.JSON(), nullable=True),
    sa.Column('archived', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('batch_code', 'session_code', 'room_code',
                            name=op.f('pk_score_summaries'))
    )
    op.create_table('summary_scans',
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('uploader', sa.String(length=100), nullable=True),
    sa.Column('uploaded_at', kernel.db.Timestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('hash', name=op.f('pk_summary_scans'))
    )
    op.create_table('session_records',
    sa.Column('batch_code', sa.String(length=20), nullable=False),
    sa.Column('session_code', sa.String(length=8), nullable=False),
    sa.Column('supervisor', sa.JSON(), nullable=True),
    sa.Column('supervision', sa.JSON(), nullable=True),
    sa.Column('meeting', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('batch_code', 'session_code', name=op.f('pk_session_records'))
    )
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
    # a room the checker verified before stays checked (its results already count)
    old = sa.table('verifications', sa.column('batch_code'), sa.column('session_code'),
                   sa.column('room_code'), sa.column('checker'), sa.column('at'))
    new = sa.table('score_summaries', sa.column('batch_code'), sa.column('session_code'),
                   sa.column('room_code'), sa.column('status'), sa.column('totals', sa.JSON),
                   sa.column('totalled', sa.JSON), sa.column('checked', sa.JSON))
    rows = op.get_bind().execute(sa.select(old)).all()
    if rows:
        op.bulk_insert(new, [{"batch_code": r.batch_code, "session_code": r.session_code,
                              "room_code": r.room_code, "status": "checked", "totals": {},
                              "totalled": {"recorder": None, "overseer": None, "at": None},
                              "checked": {"checker": r.checker, "id_number": None,
                                          "note": "before the score summary (#15)",
                                          "scan": None, "at": str(r.at)}} for r in rows])
    op.drop_table('verifications')


def downgrade() -> None:
    op.create_table('verifications',
    sa.Column('batch_code', sa.String(length=20), nullable=False),
    sa.Column('session_code', sa.String(length=8), nullable=False),
    sa.Column('room_code', sa.String(length=20), nullable=False),
    sa.Column('checker', sa.String(length=50), nullable=False),
    sa.Column('at', kernel.db.Timestamp(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('batch_code', 'session_code', 'room_code',
                            name=op.f('pk_verifications'))
    )
    with op.batch_alter_table('profiles', schema=None) as batch_op:
        batch_op.drop_column('sex')
    op.drop_table('session_records')
    op.drop_table('summary_scans')
    op.drop_table('score_summaries')
