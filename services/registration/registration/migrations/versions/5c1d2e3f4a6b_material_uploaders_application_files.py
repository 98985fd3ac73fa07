"""material_uploaders, application_files: who may read an uploaded file

Revision ID: 5c1d2e3f4a6b
Revises: 0403b4270ae7
Create Date: 2026-12-03 10:00:00

The files already on applications are indexed from the applications' photo
and materials columns, so they stay readable by whoever may read their
application. Files uploaded before this revision and on no application have
no recorded uploader: nobody but the center's staff reads them.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import kernel.db  # noqa: F401  (kernel column types)


revision: str = '5c1d2e3f4a6b'
down_revision: Union[str, Sequence[str], None] = '0403b4270ae7'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'material_uploaders',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('uploader', sa.String(length=120), nullable=False),
        sa.Column('uploaded_at', kernel.db.Timestamp(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('hash', 'uploader', name=op.f('pk_material_uploaders')),
    )
    files = op.create_table(
        'application_files',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('application_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['application_id'], ['applications.id'],
                                name=op.f('fk_application_files_application_id_applications')),
        sa.PrimaryKeyConstraint('hash', 'application_id', name=op.f('pk_application_files')),
    )
    applications = sa.table('applications', sa.column('id', sa.String),
                            sa.column('photo', sa.String), sa.column('materials', sa.JSON))
    bind = op.get_bind()
    rows = []
    for app_id, photo, materials in bind.execute(
            sa.select(applications.c.id, applications.c.photo, applications.c.materials)):
        hashes = {photo} | {v for k, v in (materials or {}).items()
                            if k != 'education_proof_kind' and isinstance(v, str)}
        rows.extend({'hash': h, 'application_id': app_id} for h in sorted(hashes) if h)
        if len(rows) >= 1000:
            op.bulk_insert(files, rows)
            rows = []
    if rows:
        op.bulk_insert(files, rows)


def downgrade() -> None:
    op.drop_table('application_files')
    op.drop_table('material_uploaders')
