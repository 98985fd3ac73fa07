"""Fixtures for every test in the repository (unit, service and end-to-end).

Service tests run against the real RabbitMQ and a real database:
- ``amqp_uri``: a RabbitMQ vhost of its own per test module (made with
  rabbitmqctl when this machine has it, else the default vhost), so tests do
  not share queues with each other or with a running `make run`;
- ``db_url_for(service)``: a fresh database migrated to head: a SQLite file by
  default, a PostgreSQL database when SKILLCERT_TEST_DB names a server (the
  second pass of `make test`). Tests that use it are marked ``db``.
"""
import warnings

warnings.filterwarnings("ignore", message="(?s).*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # nameko runs on eventlet; patch before anything opens a socket

import os  # noqa: E402
import sys  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tests"))   # amqp_client

BASE_AMQP = os.environ.get("AMQP_URI", "pyamqp://guest:guest@localhost:5672/")


def pytest_configure(config):
    config.addinivalue_line("markers", "db: touches a real database (run on SQLite and PostgreSQL)")
    config.addinivalue_line("markers", "e2e: runs several services together")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if {"db_url_for", "services", "cluster"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


def _rabbitmqctl(*args):
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, timeout=60)


@pytest.fixture(autouse=True)
def no_loaded_calendar_years():
    """Working-day years loaded at run time live in the process (kernel.workdays,
    one per service): every test starts and ends with none (#15)."""
    from kernel import workdays
    workdays.forget_loaded()
    yield
    workdays.forget_loaded()


@pytest.fixture(scope="module")
def amqp_uri():
    if not shutil.which("rabbitmqctl") or os.geteuid() != 0:
        yield BASE_AMQP
        return
    vhost = "skillcert_test_" + uuid.uuid4().hex[:10]
    if _rabbitmqctl("add_vhost", vhost).returncode != 0:
        yield BASE_AMQP
        return
    _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield BASE_AMQP.rstrip("/") + "/" + vhost
    _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture
def db_url_for(tmp_path):
    """db_url_for("registration", "registration") -> URL of a migrated, empty database."""
    from kernel.migrate import upgrade
    server = os.environ.get("SKILLCERT_TEST_DB")
    created = []

    def make(service, package=None):
        if server:
            name = f"skillcert_test_{service}_{uuid.uuid4().hex[:8]}"
            url = make_url(server).set(database=name).render_as_string(hide_password=False)
            created.append(name)
        else:
            url = f"sqlite:///{tmp_path / (service + '-' + uuid.uuid4().hex[:6] + '.db')}"
        upgrade(service, package or service, url=url)
        return url

    yield make
    if server and created:
        admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def service_config(amqp_uri, tmp_path):
    """A nameko config for one service under test."""
    def make(db_url, **extra):
        config = {"AMQP_URI": amqp_uri, "DATABASE_URL": db_url,
                  "SKILLCERT_DATA_DIR": str(tmp_path / "data"),
                  "HANDLER_RETRY_DELAYS": "0.2,0.4", "RPC_TIMEOUT": 5}
        config.update(extra)
        return config
    return make


@pytest.fixture
def rpc(amqp_uri):
    """A standalone RPC client, as a gateway would use: rpc.exam.list_batches()."""
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as proxy:
        yield proxy
