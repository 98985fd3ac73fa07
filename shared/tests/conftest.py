"""Fixtures for the kernel's own service tests (toy services defined in the test modules).

``toy_db(Base)``: the URL of a fresh database holding ``Base``'s tables (the toy table plus
the kernel's outbox and inbox), made with ``create_all`` (toy services have no Alembic
migrations): a SQLite file by default, a PostgreSQL database created here and dropped
afterwards when SKILLCERT_TEST_DB names a server (the second pass of `make test`).
Tests that use it are marked ``db`` by their module (``pytestmark``).
"""
import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture
def toy_db(tmp_path):
    server = os.environ.get("SKILLCERT_TEST_DB")
    created, engines = [], []

    def make(base, name="toy"):
        if server:
            db_name = f"skillcert_test_kernel_{name}_{uuid.uuid4().hex[:8]}"
            admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{db_name}"'))
            admin.dispose()
            created.append(db_name)
            url = make_url(server).set(database=db_name).render_as_string(hide_password=False)
        else:
            url = f"sqlite:///{tmp_path / (name + '-' + uuid.uuid4().hex[:6] + '.db')}"
        engine = create_engine(url)
        base.metadata.create_all(engine)
        engine.dispose()
        return url

    def engine_for(url):
        """An engine for looking into (or seeding) the toy database from the test."""
        engine = create_engine(url)
        engines.append(engine)
        return engine

    make.engine = engine_for
    yield make
    for engine in engines:
        engine.dispose()
    if server and created:
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for db_name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()
