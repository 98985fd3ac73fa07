"""Every service's Alembic migrations build exactly the tables its models declare
(a model change without a migration fails here), on SQLite and on PostgreSQL."""
import importlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from deploy.services import SERVICES


@pytest.mark.parametrize("service", [s for s in SERVICES if s.present], ids=lambda s: s.name)
def test_migrations_match_the_models(service, db_url_for):
    url = db_url_for(service.name, service.package)
    base = importlib.import_module(f"{service.package}.models").Base
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), base.metadata)
    engine.dispose()
    assert diff == [], f"{service.name}: models and migrations differ: {diff}"
