"""What the cluster test drives: a three-node RabbitMQ cluster of its own and a
PostgreSQL server of its own, both on this machine, both removed afterwards.

- ``RabbitCluster``: three ``rabbitmq-server`` nodes (``sc<hex>-1@localhost`` ..
  ``-3``), each with its own AMQP and distribution port (all on 127.0.0.1), data,
  log and config folders under one temporary directory, no plugins (no
  management listener to collide with the machine's), the machine's Erlang
  cookie (they run as the rabbitmq user, as the machine's node does). Nodes 2
  and 3 join node 1 with ``rabbitmqctl join_cluster``. ``stop(n)`` stops one
  node's Erlang VM (``rabbitmqctl stop``: every connection to it closes, its
  quorum queue members are gone); ``start(n)`` starts it again on its data
  folder, and it rejoins by itself. The machine's own node (5672) is never
  touched: every rabbitmqctl call names its node with ``-n``.
- ``PrivatePostgres``: ``initdb`` + ``pg_ctl`` (run as the postgres user) on a
  free port of 127.0.0.1 with a socket folder of its own, trust auth; ``restart``
  stops it (fast: every session is ended) and starts it again.
"""
import contextlib
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from faultkit import Unusable, free_port, wait_for


def _own(path, user):
    for p in [path, *Path(path).rglob("*")]:
        os.chown(p, user.pw_uid, user.pw_gid)


class RabbitNode:
    def __init__(self, cluster, number):
        self.number = number
        self.name = f"{cluster.prefix}-{number}@localhost"
        self.port, self.dist_port = free_port(), free_port()
        self.dir = cluster.dir / f"node{number}"
        self.proc = None

    def env(self):
        return dict(os.environ, RABBITMQ_NODENAME=self.name,
                    RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(self.dist_port),
                    RABBITMQ_CONFIG_FILE=str(self.dir / "rabbitmq.conf"),
                    RABBITMQ_ENABLED_PLUGINS_FILE=str(self.dir / "enabled_plugins"),
                    RABBITMQ_MNESIA_BASE=str(self.dir / "mnesia"),
                    RABBITMQ_LOG_BASE=str(self.dir / "log"),
                    RABBITMQ_PID_FILE=str(self.dir / "pid"),
                    # three nodes share two cores with everything else: no busy
                    # waiting of idle schedulers (RabbitMQ's advice for shared hosts)
                    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="+sbwt none +sbwtdcpu none "
                                                        "+sbwtdio none")


class RabbitCluster:
    def __init__(self, size=3):
        if not shutil.which("rabbitmq-server") or not shutil.which("rabbitmqctl"):
            raise Unusable("rabbitmq-server / rabbitmqctl are not installed")
        if os.geteuid() != 0:
            raise Unusable("not root: RabbitMQ nodes of its own run as the rabbitmq user")
        try:
            self.user = pwd.getpwnam("rabbitmq")
        except KeyError:
            raise Unusable("no rabbitmq user on this machine")
        self.prefix = f"sc{uuid.uuid4().hex[:6]}"
        self.dir = Path(tempfile.mkdtemp(prefix="skillcert-cluster-rabbit-"))
        self.nodes = [RabbitNode(self, n) for n in range(1, size + 1)]
        self.down = set()

    def node(self, number):
        return self.nodes[number - 1]

    def ctl(self, number, *args, timeout=90, check=True):
        node = self.node(number)
        done = subprocess.run(["rabbitmqctl", "-q", "-n", node.name, *args],
                              capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, RABBITMQ_NODENAME=node.name))
        if check and done.returncode != 0:
            raise AssertionError(f"rabbitmqctl -n {node.name} {' '.join(args)}: exit "
                                 f"{done.returncode}: {(done.stdout + done.stderr).strip()[-800:]}")
        return done

    def _spawn(self, node):
        out = open(node.dir / "server.out", "ab")
        node.proc = subprocess.Popen(["rabbitmq-server"], env=node.env(),
                                     stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    def _wait_up(self, node, timeout=120):
        done = self.ctl(node.number, "wait", str(node.dir / "pid"), "--timeout", str(timeout),
                        timeout=timeout + 30, check=False)
        if done.returncode != 0:
            tail = (node.dir / "server.out").read_text(errors="replace")[-1500:]
            raise Unusable(f"RabbitMQ node {node.name} did not start: "
                           f"{done.stderr[-500:]}\n{tail}")

    def start_all(self):
        for node in self.nodes:
            node.dir.mkdir(parents=True)
            (node.dir / "rabbitmq.conf").write_text(
                f"listeners.tcp.1 = 127.0.0.1:{node.port}\nloopback_users = none\n"
                # a node cut off from the other two stops serving (the setting
                # RabbitMQ documents for three nodes)
                "cluster_partition_handling = pause_minority\n"
                # queue leaders spread over the nodes, not all on the one the
                # services happen to connect to first
                "queue_leader_locator = balanced\n")
            (node.dir / "enabled_plugins").write_text("[].\n")
            for sub in ("mnesia", "log"):
                (node.dir / sub).mkdir()
        _own(self.dir, self.user)
        for node in self.nodes:                 # the three boot at once
            self._spawn(node)
        for node in self.nodes:
            self._wait_up(node)
        for node in self.nodes[1:]:
            self.ctl(node.number, "stop_app")
            self.ctl(node.number, "join_cluster", self.nodes[0].name)
            self.ctl(node.number, "start_app")
        wait_for("three running nodes in the cluster",
                 lambda: len(self.running_nodes()) == len(self.nodes), 60, interval=0.5)

    def running_nodes(self, via=None):
        via = via or next(n.number for n in self.nodes if n.number not in self.down)
        done = self.ctl(via, "eval", "rabbit_nodes:all_running().", check=False)
        return [n.name for n in self.nodes if n.name in done.stdout]

    def uri(self, vhost, user="guest", password="guest", order=None):
        """The failover list of every node (kombu: ``;`` between URLs)."""
        nodes = [self.node(n) for n in (order or range(1, len(self.nodes) + 1))]
        return ";".join(f"pyamqp://{user}:{password}@127.0.0.1:{n.port}/{vhost}"
                        for n in nodes)

    def port_names(self):
        return {f"127.0.0.1:{n.port}": n.name for n in self.nodes}

    def stop(self, number):
        """Stop node ``number``'s Erlang VM and wait until it is gone."""
        node = self.node(number)
        self.down.add(number)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.ctl(number, "stop", timeout=60, check=False)
        if node.proc is not None:
            try:
                node.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:       # the VM did not stop: kill it
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(node.proc.pid, signal.SIGKILL)
                node.proc.wait()
        with contextlib.suppress(ValueError, ProcessLookupError, FileNotFoundError):
            os.kill(int((node.dir / "pid").read_text().strip()), signal.SIGKILL)

    def start(self, number):
        node = self.node(number)
        with contextlib.suppress(FileNotFoundError):
            (node.dir / "pid").unlink()
        self._spawn(node)
        self._wait_up(node)
        self.down.discard(number)
        wait_for("the restarted node running in the cluster",
                 lambda: len(self.running_nodes()) == len(self.nodes), 60, interval=0.5)

    def queues(self, vhost, via=1):
        """{queue: (type, messages)} of ``vhost``."""
        out = self.ctl(via, "list_queues", "-p", vhost, "name", "type", "messages",
                       "--no-table-headers")
        found = {}
        for line in out.stdout.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[2].isdigit():
                found[parts[0]] = (parts[1], int(parts[2]))
        return found

    def destroy(self):
        """Every node stopped (killed when it does not stop within 60 s) and its
        folders removed, whatever state it is in."""
        for node in self.nodes:
            if node.proc is None:
                continue
            if node.proc.poll() is None:
                with contextlib.suppress(subprocess.SubprocessError, OSError):
                    self.ctl(node.number, "stop", timeout=60, check=False)
                try:
                    node.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(node.proc.pid, signal.SIGKILL)
                    node.proc.wait()
            pid_file = node.dir / "pid"
            if pid_file.exists():                   # beam outlives its shell wrapper
                with contextlib.suppress(ValueError, ProcessLookupError):
                    os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivatePostgres:
    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise Unusable("no /usr/lib/postgresql/*/bin/initdb")
        self.bin = Path(bins[-1]).parent
        if os.geteuid() != 0:
            raise Unusable("not root: a PostgreSQL server of its own runs as the postgres user")
        try:
            self.user = pwd.getpwnam("postgres")
        except KeyError:
            raise Unusable("no postgres user on this machine")
        self.dir = Path(tempfile.mkdtemp(prefix="skillcert-cluster-pg-"))
        self.data, self.sockets = self.dir / "data", self.dir / "sockets"
        self.port = free_port()

    def _as_postgres(self, *args, timeout=120, check=True):
        def demote():
            os.setgid(self.user.pw_gid)
            os.setuid(self.user.pw_uid)
        done = subprocess.run([str(self.bin / args[0]), *args[1:]], capture_output=True,
                              text=True, timeout=timeout, preexec_fn=demote, cwd=self.dir,
                              env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C.UTF-8",
                                   "HOME": str(self.dir)})
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args)}: exit {done.returncode}: "
                                 f"{(done.stdout + done.stderr)[-1500:]}")
        return done

    def init(self):
        self.sockets.mkdir()
        _own(self.dir, self.user)
        done = self._as_postgres("initdb", "-D", str(self.data), "-U", "postgres",
                                 "--auth=trust", "-E", "UTF8", "--no-sync", check=False)
        if done.returncode != 0:
            raise Unusable(f"initdb failed: {(done.stdout + done.stderr)[-500:]}")
        self.start()

    def start(self):
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"),
                          "-w", "-t", "60", "-o",
                          f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
                          "-c fsync=off", "start")

    def stop(self, check=True):
        return self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w",
                                 "-t", "60", "stop", check=check)

    def url(self, database="postgres"):
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            self.stop(check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
