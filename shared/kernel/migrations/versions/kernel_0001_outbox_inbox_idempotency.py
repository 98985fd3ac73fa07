"""the kernel's tables: outbox, inbox, idempotency

The one kernel migration every service's database gets (kernel.migrate adds
this folder to each service's Alembic version locations, and each service's
first revision names this one as its down revision, so it runs first and
every service's history keeps one head).

Databases made before it have these tables already: each service's first
revision used to create them, and those revisions are still in its history
(deployed databases are at them or past them, so Alembic counts this revision
as applied and never runs it there). Where it does run, it creates only the
tables that are missing and adopts those that exist (a database whose tables
were made outside Alembic, then stamped or upgraded).

Revision ID: kernel_0001
Revises:
Create Date: 2026-12-02 02:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

import kernel.db  # noqa: F401  (kernel column types)

revision: str = "kernel_0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ("idempotency", "inbox", "outbox")


def _present():
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    present = _present()
    if "idempotency" not in present:
        op.create_table(
            "idempotency",
            sa.Column("key", sa.String(length=100), nullable=False),
            sa.Column("operation", sa.String(length=100), nullable=False),
            sa.Column("request_hash", sa.String(length=64), nullable=False),
            sa.Column("response", sa.JSON(), nullable=True),
            sa.Column("created_at", kernel.db.Timestamp(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key", name=op.f("pk_idempotency")),
        )
    if "inbox" not in present:
        op.create_table(
            "inbox",
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("handler", sa.String(length=200), nullable=False),
            sa.Column("processed_at", kernel.db.Timestamp(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("event_id", "handler", name=op.f("pk_inbox")),
        )
    if "outbox" not in present:
        op.create_table(
            "outbox",
            sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                      autoincrement=True, nullable=False),
            sa.Column("event_id", sa.String(length=36), nullable=False),
            sa.Column("event_type", sa.String(length=100), nullable=False),
            sa.Column("envelope", sa.JSON(), nullable=False),
            sa.Column("created_at", kernel.db.Timestamp(timezone=True), nullable=False),
            sa.Column("published_at", kernel.db.Timestamp(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
            sa.UniqueConstraint("event_id", name=op.f("uq_outbox_event_id")),
        )
        with op.batch_alter_table("outbox", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_outbox_published_at"), ["published_at"],
                                  unique=False)


def downgrade() -> None:
    present = _present()
    if "outbox" in present:
        with op.batch_alter_table("outbox", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_outbox_published_at"))
        op.drop_table("outbox")
    for name in ("inbox", "idempotency"):
        if name in present:
            op.drop_table(name)
