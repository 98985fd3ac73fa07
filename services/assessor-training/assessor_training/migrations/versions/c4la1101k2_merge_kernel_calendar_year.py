"""merge the kernel's calendar_year table (kernel_0002, #15) into assessor_training's history

Nothing of its own: the kernel revision creates the table; this one keeps one
head (kernel.migrate, docs/architecture.md "The working-day calendar").

Revision ID: c4la1101k2
Revises: a11012b56d94, kernel_0002
Create Date: 2026-12-02 04:30:00

"""
from typing import Sequence, Union

revision: str = "c4la1101k2"
down_revision: Union[str, Sequence[str], None] = ("a11012b56d94", "kernel_0002")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
