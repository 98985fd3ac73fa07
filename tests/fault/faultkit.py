"""What the fault test drives: a RabbitMQ node of its own, PostgreSQL databases of
its own, and the suite started by the launcher on them.

- ``PrivateRabbit``: ``rabbitmq-server`` as a second node of this machine
  (``skillcert-fault-<hex>@localhost``, its own AMQP and distribution ports, its own
  data and log folders, no plugins), so that ``rabbitmqctl stop_app`` stops only the
  broker of the suite under test, not the machine's one that every other test uses.
  ``rabbitmqctl`` reaches it through ``RABBITMQ_NODENAME`` (also in the launcher's
  environment, for deploy/broker.py's users).
- ``Databases``: one PostgreSQL database per service, created here, dropped with
  ``WITH (FORCE)`` afterwards; ``refusing(name)`` makes one refuse connections
  (``ALLOW_CONNECTIONS false`` and its sessions terminated) until the block ends.
- ``Launched``: ``python -m deploy.launch`` in the background, its output in a file;
  the pids it reports and the restarts it reports.
"""
import contextlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
PG_SERVER = os.environ.get("SKILLCERT_TEST_PG",
                           "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


class Unusable(Exception):
    """A tool the fault test needs is not usable here; the message says which."""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_base_port():
    """A launcher --base-port below the ephemeral range whose metrics ports (base +
    10 * service index + replica) are free now."""
    for _ in range(50):
        base = 20000 + (uuid.uuid4().int % 120) * 100
        try:
            for port in range(base + 1, base + 100):
                with socket.socket() as sock:
                    sock.bind(("0.0.0.0", port))
        except OSError:
            continue
        return base
    raise AssertionError("no free range of metrics ports")


def wait_for(what, predicate, timeout, interval=0.25):
    """``predicate()`` until truthy, at most ``timeout`` s; AssertionError naming
    ``what`` (and the last value) otherwise."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout} s (last: {value!r})")


# --- RabbitMQ --------------------------------------------------------------------------

class PrivateRabbit:
    def __init__(self):
        if not shutil.which("rabbitmq-server") or not shutil.which("rabbitmqctl"):
            raise Unusable("rabbitmq-server / rabbitmqctl are not installed")
        if os.geteuid() != 0:
            raise Unusable("not root: a RabbitMQ node of its own runs as the rabbitmq user")
        try:
            self.user = pwd.getpwnam("rabbitmq")
        except KeyError:
            raise Unusable("no rabbitmq user on this machine")
        self.node = f"skillcert-fault-{uuid.uuid4().hex[:8]}@localhost"
        self.port, self.dist_port = free_port(), free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="skillcert-fault-rabbit-"))
        self.proc = None

    @property
    def env(self):
        return {"RABBITMQ_NODENAME": self.node}

    def uri(self, vhost):
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}/{vhost}"

    def ctl(self, *args, timeout=90, check=True):
        done = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True,
                              timeout=timeout, env=dict(os.environ, **self.env))
        if check and done.returncode != 0:
            raise AssertionError(f"rabbitmqctl {' '.join(args)}: exit {done.returncode}: "
                                 f"{(done.stdout + done.stderr).strip()[-800:]}")
        return done

    def start(self, timeout=120):
        (self.dir / "rabbitmq.conf").write_text(
            f"listeners.tcp.local = 127.0.0.1:{self.port}\nloopback_users = none\n")
        (self.dir / "enabled_plugins").write_text("[].\n")
        for sub in ("mnesia", "log"):
            (self.dir / sub).mkdir()
        for path in [self.dir, *self.dir.rglob("*")]:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)
        env = dict(os.environ, RABBITMQ_NODENAME=self.node,
                   RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(self.dist_port),
                   RABBITMQ_CONFIG_FILE=str(self.dir / "rabbitmq.conf"),
                   RABBITMQ_ENABLED_PLUGINS_FILE=str(self.dir / "enabled_plugins"),
                   RABBITMQ_MNESIA_BASE=str(self.dir / "mnesia"),
                   RABBITMQ_LOG_BASE=str(self.dir / "log"),
                   RABBITMQ_PID_FILE=str(self.dir / "pid"))
        with open(self.dir / "server.out", "wb") as out:
            self.proc = subprocess.Popen(["rabbitmq-server"], env=env, stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        # `wait PIDFILE`: until the node has written its pid file and its application
        # has started (await_startup alone gives up when the node is not up yet)
        done = self.ctl("wait", str(self.dir / "pid"), "--timeout", str(timeout),
                        timeout=timeout + 30, check=False)
        if done.returncode != 0:
            tail = (self.dir / "server.out").read_text(errors="replace")[-1500:]
            self.stop()
            raise Unusable(f"a RabbitMQ node of its own did not start: {done.stderr[-500:]}"
                           f"\n{tail}")

    def stop(self):
        self.ctl("stop", timeout=60, check=False)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        pid_file = self.dir / "pid"
        if pid_file.exists():                       # beam outlives its shell wrapper
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def queues(self, vhost):
        """{queue: messages} of ``vhost``."""
        out = self.ctl("list_queues", "-p", vhost, "name", "messages", "--no-table-headers")
        found = {}
        for line in out.stdout.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():
                found[parts[0]] = int(parts[1])
        return found


# --- PostgreSQL --------------------------------------------------------------------------

class Databases:
    def __init__(self, services, server=PG_SERVER):
        self.server = make_url(server)
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT")
        try:
            with self.admin.connect() as conn:
                superuser = conn.execute(text(
                    "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        except Exception as exc:
            self.admin.dispose()
            raise Unusable(f"PostgreSQL at {self.server.render_as_string()} is not "
                           f"reachable: {type(exc).__name__}")
        if not superuser:
            self.admin.dispose()
            raise Unusable("the PostgreSQL user is not a superuser (ALTER DATABASE, "
                           "pg_terminate_backend)")
        run = uuid.uuid4().hex[:8]
        self.names = {svc: f"skillcert_fault_{svc}_{run}" for svc in services}
        self.engines = {}
        with self.admin.connect() as conn:
            for name in self.names.values():
                conn.execute(text(f'CREATE DATABASE "{name}"'))

    def url(self, service):
        return self.server.set(database=self.names[service]).render_as_string(
            hide_password=False)

    def engine(self, service):
        if service not in self.engines:
            self.engines[service] = create_engine(self.url(service), pool_pre_ping=True)
        return self.engines[service]

    def scalar(self, service, sql, **params):
        with self.engine(service).connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, service, sql, **params):
        with self.engine(service).connect() as conn:
            return conn.execute(text(sql), params).all()

    @contextlib.contextmanager
    def refusing(self, service):
        """The service's database refuses connections (its sessions are ended) until
        the block ends; given back in a ``finally``."""
        name = self.names[service]
        try:
            with self.admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :name AND pid <> pg_backend_pid()"),
                             {"name": name})
            yield
        finally:
            with self.admin.connect() as conn:
                conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))

    def drop(self):
        for engine in self.engines.values():
            engine.dispose()
        with self.admin.connect() as conn:
            for name in self.names.values():
                conn.execute(text(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true'))
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


# --- the launcher ---------------------------------------------------------------------------

def processes_of(data_dir):
    """Pids of every live process of the suite in ``data_dir`` (their environment holds
    SKILLCERT_DATA_DIR)."""
    wanted = f"SKILLCERT_DATA_DIR={data_dir}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if wanted not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            found.append(int(entry.name))
    return found


class Launched:
    def __init__(self, args, env, data_dir):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log = self.data_dir.parent / "launch.out"
        self.base = free_base_port()
        full = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
        full.update(env, SKILLCERT_DATA_DIR=str(self.data_dir))
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "deploy.launch", *args, "--base-port", str(self.base)],
                cwd=ROOT, env=full, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern, timeout):
        def seen():
            if self.proc.poll() is not None:
                raise AssertionError(f"the launcher exited ({self.proc.returncode}):\n"
                                     f"{self.output()[-6000:]}")
            return re.search(pattern, self.output())
        try:
            return wait_for(f"launcher output {pattern!r}", seen, timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.output()[-6000:]}") from None

    def pid(self, label):
        """The current pid of a replica, from the launcher's lines."""
        pids = re.findall(rf"(?:started {re.escape(label)} \(pid (\d+)|"
                          rf"{re.escape(label)} died .*?pid (\d+)|"
                          rf"{re.escape(label)} started again \(pid (\d+))", self.output())
        assert pids, self.output()
        return int(next(p for p in pids[-1] if p))

    def restarts(self):
        """[(replica, reason)] of every restart the launcher reported."""
        return re.findall(r"launch: (\S+) died \(([^)]*)\), restarted in", self.output())

    def port(self, service_index, replica):
        return self.base + 10 * service_index + replica

    def stop(self, timeout=60):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        left = wait_for_none(self.data_dir)
        for pid in left:                      # never leave one behind
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return left


def wait_for_none(data_dir, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        left = processes_of(data_dir)
        if not left:
            return []
        time.sleep(0.5)
    return processes_of(data_dir)
