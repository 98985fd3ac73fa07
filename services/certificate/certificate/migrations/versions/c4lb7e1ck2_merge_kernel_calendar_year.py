"""merge the kernel's calendar_year table (kernel_0002, #15) into certificate's history

Nothing of its own: the kernel revision creates the table; this one keeps one
head (kernel.migrate, docs/architecture.md "The working-day calendar").

Revision ID: c4lb7e1ck2
Revises: b7e1c2d3a4f5, kernel_0002
Create Date: 2026-12-02 04:30:00

"""
from typing import Sequence, Union

revision: str = "c4lb7e1ck2"
down_revision: Union[str, Sequence[str], None] = ("b7e1c2d3a4f5", "kernel_0002")
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
