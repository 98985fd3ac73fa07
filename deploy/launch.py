"""Start the SkillCert suite on this machine: ``make run`` (ARGS=...) or

    python -m deploy.launch [--only exam,registration] [--replicas registration=2,exam=1]
                            [--no-reference-data] [--check] [--base-port 9100]

For every service of deploy/services.py whose folder has a pyproject.toml (in
table order): migrate its database to head (in this process, kernel.migrate;
URLs from kernel.settings: ``<SVC>_DATABASE_URL``, ``SKILLCERT_DATABASE_URL``
or SQLite under the data dir). Then one broker user per service (deploy/broker.py,
where rabbitmqctl is usable; SKILLCERT_BROKER_USERS=0 keeps AMQP_URI for all), and
the replicas, each a
``nameko run --config <folder>/config.yaml <package>.service:<Class>`` process with its
own METRICS_PORT (base port + 10 * table index + replica number, replicas
numbered from 1) and its log in ``<data dir>/log/<name>-<n>.log``, run by a
supervisord this launcher configures (``<data dir>/supervisor/supervisord.conf``,
deploy/supervisor_suite.py) and runs as its child. The data dir is
SKILLCERT_DATA_DIR, default ./var. The replicas it starts are written as a
Prometheus target list with a configuration beside it (``<data dir>/prometheus/``,
deploy/prometheus/__init__.py). Waits until every replica answers ``health``
(60 s at most), calls the reference-data RPCs, prints a summary and stays in
the foreground until Ctrl-C / SIGTERM, which stops every replica (SIGTERM,
SIGKILL after 10 s) and then supervisord. ``--check`` stops everything once it
is up and exits 0.

While it runs, the suite heals itself: a replica that dies (a signal, a crash, a
non-zero exit) is restarted by supervisord, with a backoff when it dies again
within 10 s of starting, and the launcher prints one line per restart saying which
replica and why (``registration-2 died (SIGKILL), restarted in 0.0 s (restart 1,
pid 4242)``); after five quick failures in a row supervisord gives up on that
replica, the launcher says so and the rest goes on. A replica stopped on purpose
(``kill <pid>``, a graceful SIGTERM with exit 0, or
``supervisorctl -c <data dir>/supervisor/supervisord.conf stop registration-2``) stays
down: a scale-down; it leaves the target list and ``supervisorctl ... start
registration-2`` brings it back. During start-up a replica supervisord gives up on
fails the start (exit 1). Nothing outlives the launcher: supervisord gets SIGTERM
when the launcher dies, even of SIGKILL, and every replica when supervisord dies
(PR_SET_PDEATHSIG).
"""
import argparse
import importlib.util
import json
import logging
import os
import signal
import socket
import sys
import time
import urllib.request
import warnings
import xmlrpc.client
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from deploy import prometheus
from deploy import supervisor_suite as supervision
from deploy.services import BY_NAME, ROOT, SERVICES

READY_TIMEOUT = 60        # seconds for every replica of a service to answer health
HEALTH_CALL_TIMEOUT = 5
REFERENCE_DATA_TIMEOUT = 120
MAX_REPLICAS = 10         # a service has 10 metrics ports: base + 10*index + 1..10
LOG_TAIL_LINES = 40


class Stop(BaseException):
    """SIGINT or SIGTERM arrived (BaseException: no `except Exception` eats it)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


class Failed(Exception):
    """Start-up failed; the message says why. Exit code 1."""


@dataclass
class Replica:
    service: object
    number: int
    port: int
    log_path: Path
    pid: int = None           # the current process (supervisord restarts it)
    started: float = 0.0
    http: str = None

    @property
    def label(self):
        return f"{self.service.name}-{self.number}"

    @property
    def metrics_url(self):
        return f"http://127.0.0.1:{self.port}/metrics"


def say(*parts):
    print("launch:", *parts, flush=True)


# --- arguments -----------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m deploy.launch",
        description="Start the SkillCert services present in services/ (Ctrl-C stops them).")
    parser.add_argument("--only", metavar="NAMES",
                        help="comma-separated services to start (default: all present)")
    parser.add_argument("--replicas", metavar="NAME=N,...", default="",
                        help="replicas per service (default 1 each, at most %d)" % MAX_REPLICAS)
    parser.add_argument("--no-reference-data", action="store_true",
                        help="do not call the reference-data RPCs after start")
    parser.add_argument("--check", action="store_true",
                        help="start everything, then stop it all and exit 0 (CI, tests)")
    parser.add_argument("--base-port", type=int, default=9100,
                        help="metrics ports are base + 10 * service index + replica (9100)")
    args = parser.parse_args(argv)

    known = ", ".join(BY_NAME)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            parser.error(f"--only: unknown service(s) {', '.join(unknown)} (known: {known})")
        args.only = set(names)
    replicas = {}
    for item in filter(None, (p.strip() for p in args.replicas.split(","))):
        name, sep, count = item.partition("=")
        name = name.strip()
        if not sep or name not in BY_NAME:
            parser.error(f"--replicas: expected NAME=N with NAME one of {known}, got {item!r}")
        try:
            replicas[name] = int(count)
        except ValueError:
            parser.error(f"--replicas: {item!r}: N must be a number")
        if not 1 <= replicas[name] <= MAX_REPLICAS:
            parser.error(f"--replicas: {item!r}: N must be between 1 and {MAX_REPLICAS}")
    args.replicas = replicas
    if not 1024 <= args.base_port <= 65535 - 10 * len(SERVICES):
        parser.error("--base-port: out of range")
    return args


def selected_services(args):
    chosen = []
    for service in SERVICES:
        if args.only and service.name not in args.only:
            continue
        if not service.present:
            say(f"skip {service.name}: {service.folder}/pyproject.toml does not exist yet")
            continue
        chosen.append(service)
    for name in args.replicas:
        if name not in {s.name for s in chosen}:
            say(f"note: --replicas {name}=... ignored, {name} is not started")
    return chosen


# --- environment, migrations ---------------------------------------------------------

def prepare_environment():
    """Make the data dir absolute (children run from the repo root) and the
    AMQP URI explicit, so this process and every replica see the same values.
    Everything the suite writes (databases, uploads, logs, keys) is for its
    owner only: umask 077 here and in every replica, and the data dir 0700."""
    os.umask(0o077)
    data_dir = Path(os.environ.get("SKILLCERT_DATA_DIR") or "var").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    os.environ["SKILLCERT_DATA_DIR"] = str(data_dir)
    from kernel import settings
    os.environ["AMQP_URI"] = settings.amqp_uri()
    return data_dir


def importable(service):
    """The service's package, installed (make setup) or straight from its folder."""
    if importlib.util.find_spec(service.package) is None:
        sys.path[:0] = [str(service.path), str(ROOT / "shared")]
        importlib.invalidate_caches()
    return importlib.util.find_spec(service.package) is not None


def check_broker():
    from kombu import Connection
    uri = os.environ["AMQP_URI"]
    try:
        with Connection(uri, connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
    except Exception as exc:
        raise Failed(f"cannot use RabbitMQ at {masked(uri)}: {type(exc).__name__}: {exc} "
                     f"(`make infra` starts a local one)")


def migrate(service):
    from kernel import migrate, settings
    from sqlalchemy.engine import make_url
    if not importable(service):
        raise Failed(f"{service.name}: package {service.package!r} cannot be imported "
                     f"(run `make setup` after adding {service.folder}/pyproject.toml)")
    url = settings.database_url(service.name)
    shown = make_url(url).render_as_string(hide_password=True)
    try:
        migrate.upgrade(service.name, service.package, url=url)
    except Exception as exc:
        raise Failed(f"{service.name}: migrating {shown} failed: {type(exc).__name__}: {exc}")
    say(f"{service.name}: database {shown} migrated to head")


# --- processes ------------------------------------------------------------------------

def check_port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            raise Failed(f"metrics port {port} is in use (another launcher running? "
                         f"pick another --base-port)")


def plan_replicas(services, args, log_dir):
    plan = []
    for service in services:
        index = SERVICES.index(service)
        for number in range(1, args.replicas.get(service.name, 1) + 1):
            port = args.base_port + 10 * index + number
            plan.append(Replica(service, number, port, log_dir / f"{service.name}-{number}.log"))
    return plan


def broker_users(data_dir, services):
    """{service: AMQP URI of its own broker user} from deploy/broker.py, or {} (every
    replica then uses AMQP_URI as it is)."""
    if os.environ.get("SKILLCERT_BROKER_USERS", "").strip() == "0":
        say("broker users: SKILLCERT_BROKER_USERS=0, every replica uses AMQP_URI")
        return {}
    try:
        from deploy import broker
    except ImportError:
        return {}
    try:
        return broker.provision(os.environ["AMQP_URI"], data_dir,
                                [s.name for s in services]) or {}
    except Exception as exc:
        raise Failed(f"broker users: {type(exc).__name__}: {exc}")


def drop_broker_users(data_dir, uris):
    if not uris:
        return
    try:
        from deploy import broker
        broker.deprovision(os.environ["AMQP_URI"], data_dir)
    except Exception as exc:
        say(f"warning: removing the broker users failed: {type(exc).__name__}: {exc}")


def program(replica, amqp_uri):
    """The [program] of one replica: ``nameko run`` with its own METRICS_PORT."""
    nameko = Path(sys.executable).parent / "nameko"
    if not nameko.exists():
        raise Failed(f"{nameko} not found: run `make setup`")
    env = {"METRICS_PORT": str(replica.port), "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join(
               [str(replica.service.path), str(ROOT / "shared")]
               + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    if amqp_uri:
        env["AMQP_URI"] = amqp_uri
    return supervision.Program(
        replica.label,
        supervision.child_command([nameko, "run", "--config", replica.service.config,
                                   replica.service.target]),
        env, replica.log_path, ROOT, priority=100 + SERVICES.index(replica.service))


def start_supervisord(replicas, data_dir, uris):
    """Write the configuration, start supervisord (which starts every replica) and wait
    until each replica has a pid."""
    for r in replicas:
        r.log_path.write_bytes(b"")        # this run's log (restarts append to it)
    try:
        conf, sock = supervision.write_config(
            data_dir / "supervisor", [program(r, uris.get(r.service.name)) for r in replicas])
    except ValueError as exc:
        raise Failed(str(exc))
    sup = supervision.Supervisord(conf, sock)
    try:
        pid = sup.start()
    except supervision.SupervisorError as exc:
        raise Failed(str(exc))
    say(f"supervisord is up (pid {pid}, config {conf}; "
        f"{Path(sys.executable).parent / 'supervisorctl'} -c {conf} status)")
    return sup


def follow(sup, watcher, replicas):
    """supervisord's news since the last call: print it, note the pids; answers whether
    the set of wanted replicas changed. A dead supervisord fails the suite."""
    if not sup.alive():
        code = sup.proc.returncode
        how = signal.Signals(-code).name if code < 0 else f"exit {code}"
        raise Failed(f"supervisord ended ({how}); its replicas end with it "
                     f"(PR_SET_PDEATHSIG). End of its log:\n{sup.output_tail()}")
    try:
        lines, changed = watcher.update(supervision.parse(sup.read_log()))
        more, also = watcher.reconcile(sup.processes())
        lines, changed = lines + more, changed or also
    except (OSError, xmlrpc.client.Error) as exc:
        raise Failed(f"supervisord does not answer: {type(exc).__name__}: {exc}")
    for label in watcher.stop_requests:
        watcher.stop_sent(label, time.time())
        try:
            sup.rpc().supervisor.stopProcess(label, False)
        except xmlrpc.client.Fault:          # stopped already
            pass
    watcher.stop_requests.clear()
    for r in replicas:
        r.pid = watcher.states[r.label].pid
    for line in lines:
        say(line)
        if " GAVE UP" in line:
            r = next(r for r in replicas if line.startswith(r.label + " "))
            print(f"    end of {r.log_path}:\n{log_tail(r)}", flush=True)
    return changed


def wait_started(sup, watcher, replicas, timeout=30):
    deadline = time.monotonic() + timeout
    while True:
        follow(sup, watcher, replicas)
        if all(r.pid for r in replicas):
            break
        if time.monotonic() > deadline:
            raise Failed("supervisord did not start " + ", ".join(
                r.label for r in replicas if not r.pid) + f" within {timeout} s:\n"
                + sup.output_tail())
        time.sleep(0.1)
    for r in replicas:
        r.started = time.monotonic()
        say(f"started {r.label} (pid {r.pid}, METRICS_PORT={r.port}, log {r.log_path})")


def log_tail(replica, lines=LOG_TAIL_LINES):
    try:
        text = replica.log_path.read_text(errors="replace").splitlines()
    except OSError as exc:
        return f"    (no log: {exc})"
    return "\n".join("    | " + line for line in text[-lines:]) or "    (log is empty)"


def stop_all(sup, watcher, replicas, grace=supervision.STOPWAITSECS):
    """Every replica SIGTERM at once (SIGKILL after ``grace`` s, by supervisord), then
    supervisord itself; a second signal SIGKILLs what is left."""
    if sup is None:
        return
    try:
        if sup.alive():
            follow_quietly(sup, watcher, replicas)
            table = sup.processes()
            up = [r for r in replicas if r.label in table
                  and table[r.label]["statename"] in supervision.UP]
            if up:
                say(f"stopping {', '.join(r.label for r in up)} (SIGTERM)")
            left = sup.stop_programs([r.label for r in up], grace=grace + 5)
            if left:
                say(f"{', '.join(left)} did not stop: SIGKILL")
                kill_replicas(replicas, left)
            ended = {e.name: e.how for e in supervision.parse(sup.read_log())
                     if e.kind in ("stopped", "exited")}
            if up:
                say("stopped: " + ", ".join(f"{r.label} ({ended.get(r.label, 'stopped')})"
                                            for r in up))
        sup.shutdown()
        wait_replicas_gone(replicas, grace + 5)
    except Stop:
        say("second signal: not waiting any longer (SIGKILL)")
        kill_replicas(replicas)
        sup.kill()
    except (OSError, xmlrpc.client.Error) as exc:
        say(f"supervisord does not answer ({type(exc).__name__}: {exc}): SIGTERM to it")
        sup.shutdown()
        wait_replicas_gone(replicas, grace + 5)


def wait_replicas_gone(replicas, grace):
    """Until no replica process is left (one whose supervisord died got SIGTERM from
    PR_SET_PDEATHSIG and stops by itself), SIGKILL after ``grace`` s: the broker
    users are removed only after this, and a replica whose user is gone would retry
    its login for ever instead of stopping."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        left = [r for r in replicas if r.pid and is_replica(r)]
        if not left:
            return
        time.sleep(0.2)
    left = [r for r in replicas if r.pid and is_replica(r)]
    if left:
        say(f"{', '.join(r.label for r in left)} still running after {grace} s: SIGKILL")
        kill_replicas(left)


def follow_quietly(sup, watcher, replicas):
    try:
        follow(sup, watcher, replicas)
    except Failed:
        pass


def kill_replicas(replicas, labels=None):
    for r in replicas:
        if r.pid and (labels is None or r.label in labels) and is_replica(r):
            try:
                os.killpg(r.pid, signal.SIGKILL)     # supervisord made it a group leader
            except (ProcessLookupError, PermissionError):
                pass


def is_replica(replica):
    """The pid is still this replica's process (not reused by another)."""
    try:
        cmdline = Path(f"/proc/{replica.pid}/cmdline").read_bytes()
    except OSError:
        return False
    return replica.service.target.encode() in cmdline


def wanted(replicas, watcher):
    return [r for r in replicas if watcher.states[r.label].up]


def check_fatal(replicas, watcher):
    """During start-up a replica supervisord gave up on fails the start."""
    for r in replicas:
        if watcher.states[r.label].fatal:
            raise Failed(f"{r.label} kept dying while starting (last: "
                         f"{watcher.states[r.label].died_how or 'see its log'}); end of "
                         f"{r.log_path}:\n{log_tail(r)}")


# --- talking to the services ------------------------------------------------------------

def rpc_proxy(timeout):
    from nameko.standalone.rpc import ClusterRpcProxy
    return ClusterRpcProxy({"AMQP_URI": os.environ["AMQP_URI"]}, timeout=timeout)


def wait_healthy(service, replicas, everyone, proxy, sup, watcher):
    """Until a health reply came from every replica (it reports its metrics port;
    RabbitMQ hands successive calls to the service's consumers in turn)."""
    from nameko.exceptions import RpcTimeout, UnknownService
    waiting = {r.port: r for r in replicas}
    deadline = min(r.started for r in replicas) + READY_TIMEOUT
    last_error = None
    while waiting:
        follow(sup, watcher, everyone)
        check_fatal(everyone, watcher)
        if time.monotonic() > deadline:
            tails = "\n".join(f"  {r.label} (pid {r.pid}), end of {r.log_path}:\n"
                              f"{log_tail(r)}" for r in waiting.values())
            raise Failed(f"{service.name}: no health reply from "
                         f"{', '.join(r.label for r in waiting.values())} within "
                         f"{READY_TIMEOUT} s (last error: {last_error})\n{tails}")
        try:
            reply = proxy[service.name].health()
        except (UnknownService, RpcTimeout) as exc:   # not consuming yet / busy starting
            last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.25)
            continue
        except Exception as exc:                      # e.g. the database is not reachable
            last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.5)
            continue
        replica = waiting.pop(reply.get("metrics_port"), None)
        if replica is not None:
            replica.http = reply.get("http")
            say(f"{replica.label} is up (pid {replica.pid}, "
                f"{time.monotonic() - replica.started:.1f} s)")


def metrics_answer(replica):
    try:
        with urllib.request.urlopen(replica.metrics_url, timeout=3) as response:
            return response.status == 200
    except OSError:
        return False


def load_reference_data(services, proxy):
    for service in services:
        for target, method in service.reference_data:
            started = time.monotonic()
            try:
                result = getattr(proxy[target], method)()
            except Exception as exc:
                raise Failed(f"reference data: {target}.{method}() failed: "
                             f"{type(exc).__name__}: {exc}")
            shown = json.dumps(result, default=str)
            if len(shown) > 400:
                shown = shown[:400] + " ..."
            say(f"reference data: {target}.{method}() -> {shown} "
                f"({time.monotonic() - started:.1f} s)")


def masked(uri):
    if ";" in uri:                          # a cluster's failover list
        return ";".join(masked(u) for u in uri.split(";"))
    parts = urlsplit(uri)
    if parts.password:
        netloc = f"{parts.username}:***@{parts.hostname}" + \
            (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def summary(services, replicas, prometheus_config=None, sup=None):
    amqp = masked(os.environ["AMQP_URI"])
    lines = ["", "SkillCert is running:"]
    for service in services:
        mine = [r for r in replicas if r.service is service]
        lines.append(f"  {service.name}: pids {', '.join(str(r.pid) for r in mine)}")
        for r in mine:
            lines.append(f"    {r.label}: metrics {r.metrics_url}  log {r.log_path}")
            if r.http:
                lines.append(f"    {r.label}: portal {r.http} (open it in a browser; API "
                             f"{r.http}api/, docs {r.http}api/docs, OpenAPI "
                             f"{r.http}api/openapi.json)")
    lines += [f"  AMQP: {amqp}", f"  data: {os.environ['SKILLCERT_DATA_DIR']}"]
    if prometheus_config:
        lines.append(f"  Prometheus: prometheus --config.file={prometheus_config}")
    if sup is not None:
        ctl = Path(sys.executable).parent / "supervisorctl"
        lines.append(f"  supervisord: pid {sup.proc.pid}; {ctl} -c {sup.conf} status "
                     f"(stop NAME takes a replica down, start NAME brings it back)")
        lines.append("  A replica that dies is restarted; each restart is reported here.")
    lines += [f"Stop with Ctrl-C (or: kill {os.getpid()}).", ""]
    print("\n".join(lines), flush=True)


# --- main --------------------------------------------------------------------------------

def run(args):
    services = selected_services(args)
    if not services:
        raise Failed("no service to start")
    data_dir = prepare_environment()
    log_dir = data_dir / "log"
    log_dir.mkdir(parents=True, exist_ok=True)
    replicas = plan_replicas(services, args, log_dir)
    for r in replicas:
        check_port_free(r.port)
    check_broker()
    for service in services:
        migrate(service)

    sup = watcher = None
    uris = {}
    try:
        uris = broker_users(data_dir, services)
        sup = start_supervisord(replicas, data_dir, uris)
        watcher = supervision.Watcher({r.label: r.service.name for r in replicas}, sup.conf)
        wait_started(sup, watcher, replicas)
        prometheus_config = prometheus.write(data_dir, replicas)
        proxy_ctx = rpc_proxy(HEALTH_CALL_TIMEOUT)
        proxy = proxy_ctx.start()
        try:
            for service in services:
                wait_healthy(service, [r for r in replicas if r.service is service],
                             replicas, proxy, sup, watcher)
        finally:
            proxy_ctx.stop()
        for r in replicas:
            if not metrics_answer(r):
                say(f"warning: {r.metrics_url} does not answer")
        if not args.no_reference_data:
            proxy_ctx = rpc_proxy(REFERENCE_DATA_TIMEOUT)
            proxy = proxy_ctx.start()
            try:
                load_reference_data(services, proxy)
            finally:
                proxy_ctx.stop()
        follow(sup, watcher, replicas)
        check_fatal(replicas, watcher)
        summary(services, replicas, prometheus_config, sup)
        if args.check:
            say("--check: everything is up; stopping")
            return 0
        while True:                       # supervisord restarts; we report and keep
            if follow(sup, watcher, replicas):    # the target list to what is wanted
                prometheus.write(data_dir, wanted(replicas, watcher))
            time.sleep(0.5)
    except Failed as exc:
        say(f"FAILED: {exc}")
        return 1
    except Stop as stop:
        say(f"{signal.Signals(stop.signum).name} received")
        return 0
    finally:
        stop_all(sup, watcher, replicas)
        drop_broker_users(data_dir, uris)
        prometheus.clear(data_dir)


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    # py-amqp warns about confirms that arrive while a proxy closes its channel
    logging.getLogger("amqp").setLevel(logging.ERROR)
    args = parse_args(sys.argv[1:] if argv is None else argv)

    def on_signal(signum, _frame):
        raise Stop(signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        return run(args)
    except Failed as exc:
        say(f"FAILED: {exc}")
        return 1
    except Stop as stop:   # before any replica started
        say(f"{signal.Signals(stop.signum).name} received")
        return 0


if __name__ == "__main__":
    sys.exit(main())
