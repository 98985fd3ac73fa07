"""Alembic migrations per service, applied by the launcher and the tests.

Each service keeps ``<package>/migrations/`` (env.py calls ``run_env``) and
``python -m kernel.migrate <service> <package>`` upgrades its database to head,
creating the PostgreSQL database first when it does not exist.

The kernel's tables (``outbox``, ``inbox``, ``idempotency``) come from one kernel
revision, ``kernel/migrations/versions/kernel_0001_*.py``, in every service's
database: ``alembic_config`` adds that folder to the service's version
locations, and each service's first revision has ``kernel_0001`` as its down
revision, so a new database gets the tables once, from the kernel, before the
service's own tables, and each history keeps one head. Those first revisions
created the tables themselves before; databases made then have them and are
past ``kernel_0001`` as far as Alembic counts, so nothing runs again there (and
where kernel_0001 does run, it creates only the tables that are missing).
A later kernel revision goes into the same folder with ``kernel_0001`` (or the
kernel's latest) as its down revision; every service then gets a merge revision
(``alembic merge``) so that each history keeps one head.
"""
import importlib
import logging
import os
import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kernel import settings

log = logging.getLogger(__name__)

# The kernel's own revisions (its outbox, inbox and idempotency tables), part of
# every service's history: each service's first revision names kernel_0001 as
# its down revision.
KERNEL_VERSIONS = Path(__file__).parent / "migrations" / "versions"


def alembic_config(package, url):
    module = importlib.import_module(package)
    location = Path(module.__file__).parent / "migrations"
    cfg = Config()
    cfg.set_main_option("script_location", str(location))
    # the service's revisions and the kernel's (KERNEL_VERSIONS), one history
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations",
                        os.pathsep.join([str(location / "versions"), str(KERNEL_VERSIONS)]))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["package"] = package
    return cfg


def ensure_database(url):
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                              {"n": parsed.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def upgrade(service, package, url=None, config=None):
    url = url or settings.database_url(service, config)
    ensure_database(url)
    command.upgrade(alembic_config(package, url), "head")
    return url


def run_env(target_metadata):
    """Body of every service's migrations/env.py."""
    url = context.config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if __name__ == "__main__":  # python -m kernel.migrate registration registration
    logging.basicConfig(level=logging.INFO)
    print(upgrade(sys.argv[1], sys.argv[2]))
