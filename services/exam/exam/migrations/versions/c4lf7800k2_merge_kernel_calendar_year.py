"""merge the kernel's calendar_year table (kernel_0002, #15) into exam's history

Nothing of its own: the kernel revision creates the table; this one keeps one
head (kernel.migrate, docs/architecture.md "The working-day calendar").

Revision ID: c4lf7800k2
Revises: f780026acf2c, kernel_0002
Create Date: 2026-12-02 04:30:00

"""
from typing import Sequence, Union

revision: str = "c4lf7800k2"
down_revision: Union[str, Sequence[str], None] = ("f780026acf2c", "kernel_0002")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
