"""institution_projects.year: an institution's authorisations carry the year (I1)

Revision ID: 7a1e2b3c4d5f
Revises: c4l5c1d2k2
Create Date: 2026-12-02 04:30:00

The authorisations stored before this revision are the 2024 notice's (附件2,
"统计时间截至2023年12月31日"): they become 2024's. The 2026 ones are added by
load_reference_data (for each institution of the notices, a year it has no
authorisation for yet), so an administrator's changes within a year stay.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "7a1e2b3c4d5f"
down_revision: Union[str, Sequence[str], None] = "c4l5c1d2k2"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("institution_projects", schema=None) as batch_op:
        batch_op.add_column(sa.Column("year", sa.Integer(), nullable=False,
                                      server_default="2024"))
    with op.batch_alter_table("institution_projects", schema=None) as batch_op:
        batch_op.drop_constraint("pk_institution_projects", type_="primary")
        batch_op.create_primary_key("pk_institution_projects",
                                    ["institution_code", "project_code", "year"])
        batch_op.alter_column("year", server_default=None)


def downgrade() -> None:
    op.execute("DELETE FROM institution_projects WHERE year <> 2024")
    with op.batch_alter_table("institution_projects", schema=None) as batch_op:
        batch_op.drop_constraint("pk_institution_projects", type_="primary")
        batch_op.create_primary_key("pk_institution_projects",
                                    ["institution_code", "project_code"])
        batch_op.drop_column("year")
