"""#14: the kernel's outbox, inbox and idempotency tables come from one kernel
revision (kernel_0001, shared/kernel/migrations/versions) in every service's
database, instead of seven copies in the services' first revisions. A new
database gets them once, from the kernel; a database made with the old history
(the service's first revision created them) upgrades cleanly and keeps its rows;
one whose tables were made outside Alembic is adopted. SQLite, and PostgreSQL
with SKILLCERT_TEST_DB (deploy/test.sh)."""
import importlib
import os
import uuid
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from deploy.services import SERVICES
from kernel.db import make_base
from kernel.migrate import KERNEL_VERSIONS, alembic_config, ensure_database

pytestmark = pytest.mark.db

KERNEL_TABLES = {"outbox", "inbox", "idempotency"}
PRESENT = [s for s in SERVICES if s.present]


@pytest.fixture
def empty_url(tmp_path):
    """make(name) -> URL of an empty database (dropped afterwards on PostgreSQL)."""
    server = os.environ.get("SKILLCERT_TEST_DB")
    created = []

    def make(name):
        if not server:
            return f"sqlite:///{tmp_path / (name + '-' + uuid.uuid4().hex[:6] + '.db')}"
        db = f"skillcert_test_kmig_{name}_{uuid.uuid4().hex[:8]}"
        created.append(db)
        url = make_url(server).set(database=db).render_as_string(hide_password=False)
        ensure_database(url)
        return url

    yield make
    if created:
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for db in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()


def _tables(url):
    engine = create_engine(url)
    names = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    return names


def _versions(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    engine.dispose()
    return rows


def _diff(url, package):
    base = importlib.import_module(f"{package}.models").Base
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), base.metadata)
    engine.dispose()
    return diff


def _kernel_tables_with_a_row(url):
    """The kernel's tables as kernel.db declares them (the DDL the services'
    first revisions ran before #14), with one outbox and one inbox row."""
    metadata = make_base().metadata
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.create_all(conn, tables=[metadata.tables[t] for t in sorted(KERNEL_TABLES)])
        conn.execute(text("INSERT INTO outbox (event_id, event_type, envelope, created_at) "
                          "VALUES ('e1', 'x.y', '{}', CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO inbox (event_id, handler, processed_at) "
                          "VALUES ('e1', 'h', CURRENT_TIMESTAMP)"))
    engine.dispose()


def _first_revision(cfg):
    script = ScriptDirectory.from_config(cfg)
    return next(r.revision for r in script.walk_revisions() if r.down_revision == "kernel_0001")


@pytest.mark.parametrize("service", PRESENT, ids=lambda s: s.name)
def test_every_history_has_one_head_and_starts_with_the_kernel_revision(service):
    script = ScriptDirectory.from_config(alembic_config(service.package, "sqlite://"))
    assert len(script.get_heads()) == 1
    assert script.get_bases() == ["kernel_0001"]
    kernel_dir = KERNEL_VERSIONS.resolve()
    for rev in script.walk_revisions():
        if Path(rev.path).resolve().parent == kernel_dir:
            continue
        source = Path(rev.path).read_text("utf-8")
        for table in KERNEL_TABLES:       # the seven copies are gone
            assert f"create_table('{table}'" not in source, (rev.revision, table)
            assert f'create_table("{table}"' not in source, (rev.revision, table)


@pytest.mark.parametrize("service", PRESENT, ids=lambda s: s.name)
def test_a_new_database_gets_the_kernel_tables_once_from_the_kernel_revision(service, empty_url):
    url = empty_url(service.name)
    cfg = alembic_config(service.package, url)
    command.upgrade(cfg, "kernel_0001")
    assert _tables(url) == KERNEL_TABLES
    command.upgrade(cfg, "head")
    assert KERNEL_TABLES <= _tables(url)
    assert _diff(url, service.package) == []
    assert _versions(url) == {ScriptDirectory.from_config(cfg).get_current_head()}


@pytest.mark.parametrize("service", PRESENT, ids=lambda s: s.name)
def test_a_database_made_with_the_old_history_upgrades_cleanly(service, empty_url):
    """Before #14 the service's first revision created the kernel tables and the
    version table named that revision: the same state is made here (the tables
    as kernel.db declares them, then the first revision's own tables with the
    kernel revision stamped, not run), with an outbox row in it."""
    url = empty_url(service.name)
    cfg = alembic_config(service.package, url)
    _kernel_tables_with_a_row(url)
    command.stamp(cfg, "kernel_0001")
    first = _first_revision(cfg)
    command.upgrade(cfg, first)
    assert _versions(url) == {first}              # what the old history left
    command.upgrade(cfg, "head")
    assert _diff(url, service.package) == []
    assert _versions(url) == {ScriptDirectory.from_config(cfg).get_current_head()}
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT event_id FROM outbox")).scalars().all() == ["e1"]
    engine.dispose()


def test_kernel_tables_made_outside_alembic_are_adopted_not_created_again(empty_url):
    service = next(s for s in PRESENT if s.name == "review")
    url = empty_url(service.name)
    _kernel_tables_with_a_row(url)
    command.upgrade(alembic_config(service.package, url), "head")
    assert _diff(url, service.package) == []
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM inbox")).scalar() == 1
    engine.dispose()
