"""The launcher's replicas under supervisord (Supervisor 4.3, requirements.txt).

deploy/launch.py writes ``<data dir>/supervisor/supervisord.conf`` (owner-only, as
the whole data dir): one ``[program:<service>-<n>]`` per replica with its command,
its environment (METRICS_PORT, PYTHONPATH, AMQP_URI), its log file
``<data dir>/log/<service>-<n>.log`` and the restart policy below; the XML-RPC
interface on a unix socket only its owner may open (``supervisor.sock`` beside
the configuration, or in a private folder under /tmp when that path is too long
for a unix socket). Then it runs supervisord in the foreground as its own child
(``-n``; ``PR_SET_PDEATHSIG``: supervisord gets SIGTERM when the launcher dies, even
of SIGKILL) and follows it over XML-RPC: the process table (``getAllProcessInfo``)
and supervisord's own log (``readLog``), which is where the reason a process ended
is written (``exited: registration-2 (terminated by SIGKILL; not expected)``).

The restart policy, supervisord's:

- ``autorestart=unexpected``, ``exitcodes=0``: a replica that ends other than with
  exit code 0 (a signal, an exception, exit 1) is started again; one that exits 0
  (a graceful SIGTERM: ``kill <pid>``) or is stopped with
  ``supervisorctl -c <conf> stop registration-2`` stays down (a scale-down).
- ``startsecs=10``, ``startretries=5``: a start counts once the process has stayed up
  10 s; one that ends sooner is tried again after 1, 2, 3, 4, 5 s (the backoff), and
  after the fifth such failure in a row supervisord gives up (FATAL) until someone
  starts it again (``supervisorctl -c <conf> start registration-2``). A replica that
  dies after running 10 s is restarted at once.
- ``stopwaitsecs=10``, ``stopasgroup``/``killasgroup``: a stop is SIGTERM to the
  replica's process group, SIGKILL after 10 s.
- every replica runs through deploy/supervisor_child.py, which sets its own
  ``PR_SET_PDEATHSIG``: it gets SIGTERM if supervisord dies, so nothing outlives
  the suite.

``Watcher`` turns supervisord's log into the launcher's lines: one per restart
(``registration-2 died (SIGKILL), restarted in 0.1 s (restart 1, pid 4242)``), one when
a replica is stopped on purpose, one when supervisord gives up on one.
"""
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from supervisor import xmlrpc as supervisor_xmlrpc
from supervisor.datatypes import dict_of_key_value_pairs

STARTSECS = 10
STARTRETRIES = 5
STOPWAITSECS = 10
RPC_TIMEOUT = 10
SOCKET_MAX = 100              # sun_path holds 108 bytes on Linux; keep a margin
CONFIG_NAME = "supervisord.conf"
UP = ("STARTING", "RUNNING", "BACKOFF")          # states of a replica still wanted
DOWN = ("STOPPED", "EXITED", "FATAL")


class SupervisorError(Exception):
    """supervisord could not be started or stopped answering."""


@dataclass
class Program:
    name: str                 # <service>-<n>
    command: list
    env: dict
    log_path: Path
    directory: Path
    priority: int = 999
    startsecs: int = STARTSECS
    startretries: int = STARTRETRIES


# --- the configuration ---------------------------------------------------------------

def _value(text, what):
    """``text`` as it may stand in supervisord's configuration: its ``%`` doubled
    (supervisord expands ``%(name)s``); refused when the config parser would change it
    (a quote, a line break, or an inline comment: whitespace then ``;`` or ``#``)."""
    text = str(text)
    if re.search(r"[\"'\r\n\x00]|\s[;#]", text):
        raise ValueError(f"{what}: {text[:40]!r}... cannot be written into supervisord's "
                         f"configuration (quotes, line breaks or ' ;'/' #')")
    return text.replace("%", "%%")


def environment_line(env):
    """``KEY="value",...`` for a [program]'s ``environment``, checked by reading it back
    as supervisord does."""
    line = ",".join(f'{key}="{_value(value, key)}"' for key, value in env.items())
    back = {k: v.replace("%%", "%") for k, v in dict_of_key_value_pairs(line).items()}
    if back != {k: str(v) for k, v in env.items()}:
        raise ValueError("an environment value cannot be written into supervisord's "
                         "configuration")
    return line


def socket_path(folder):
    """``<folder>/supervisor.sock``, or one in a private folder under /tmp when that
    path is too long for a unix socket."""
    path = str(Path(folder) / "supervisor.sock")
    if len(path.encode()) <= SOCKET_MAX:
        return path
    private = tempfile.mkdtemp(prefix="skillcert-supervisor-")   # 0700
    return os.path.join(private, "supervisor.sock")


def config_text(folder, programs, sock):
    folder = Path(folder)
    lines = [
        "; written by deploy/launch.py (deploy/supervisor_suite.py) for this run of the suite;",
        f"; supervisorctl -c {folder / CONFIG_NAME} status|stop NAME|start NAME|tail -f NAME",
        "",
        "[unix_http_server]",
        f"file={_value(sock, 'socket')}",
        "chmod=0700",
        "",
        "[supervisord]",
        "nodaemon=true",
        "silent=true",
        f"logfile={_value(folder / 'supervisord.log', 'logfile')}",
        "logfile_maxbytes=0",          # no rotation: the launcher reads it by offset
        "loglevel=info",
        f"pidfile={_value(folder / 'supervisord.pid', 'pidfile')}",
        f"childlogdir={_value(folder, 'childlogdir')}",
        "umask=077",
        "identifier=skillcert",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        f"serverurl=unix://{_value(sock, 'socket')}",
        "",
    ]
    for program in programs:
        command = " ".join(shlex.quote(_value(part, "command")) for part in program.command)
        lines += [
            f"[program:{program.name}]",
            f"command={command}",
            f"directory={_value(program.directory, 'directory')}",
            f"environment={environment_line(program.env)}",
            f"priority={program.priority}",
            "autostart=true",
            "autorestart=unexpected",
            "exitcodes=0",
            f"startsecs={program.startsecs}",
            f"startretries={program.startretries}",
            "stopsignal=TERM",
            f"stopwaitsecs={STOPWAITSECS}",
            "stopasgroup=true",
            "killasgroup=true",
            "umask=077",
            "redirect_stderr=true",
            f"stdout_logfile={_value(program.log_path, 'log')}",
            "stdout_logfile_maxbytes=50MB",
            "stdout_logfile_backups=5",
            "",
        ]
    return "\n".join(lines)


def write_config(folder, programs):
    """Write ``<folder>/supervisord.conf`` (0600); returns (its path, the socket path)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    sock = socket_path(folder)
    conf = folder / CONFIG_NAME
    tmp = conf.with_name(conf.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(config_text(folder, programs, sock))
    os.replace(tmp, conf)
    return conf, sock


def child_command(argv):
    """The command supervisord runs for a replica: through deploy/supervisor_child.py."""
    return [sys.executable, "-m", "deploy.supervisor_child", *map(str, argv)]


# --- supervisord, over XML-RPC ---------------------------------------------------------

class _UnixConnection(supervisor_xmlrpc.UnixStreamHTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.socketfile)


class _Transport(supervisor_xmlrpc.SupervisorTransport):
    """supervisor's own transport with a timeout on the unix socket."""

    def __init__(self, sock, timeout):
        super().__init__(None, None, "unix://" + sock)

        def get_connection():
            conn = _UnixConnection("localhost", timeout=timeout)
            conn.socketfile = sock
            return conn
        self._get_connection = get_connection


def _die_with_parent():          # in supervisord, between fork and exec (Linux)
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Supervisord:
    """supervisord for one configuration, run as this process's child."""

    def __init__(self, conf, sock):
        self.conf, self.sock = Path(conf), sock
        self.folder = self.conf.parent
        self.logfile = self.folder / "supervisord.log"
        self.outfile = self.folder / "supervisord.out"
        self.proc = None
        self._offset = 0
        self._partial = b""

    def rpc(self, timeout=RPC_TIMEOUT):
        return xmlrpc.client.ServerProxy("http://localhost",
                                         transport=_Transport(self.sock, timeout))

    def start(self, timeout=30):
        for stale in (self.logfile, Path(self.sock)):
            try:
                stale.unlink()
            except FileNotFoundError:
                pass
        with open(self.outfile, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.conf), "-n"],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,          # Ctrl-C reaches the launcher only
                preexec_fn=_die_with_parent)     # and it goes if the launcher is killed
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SupervisorError(f"supervisord exited with code {self.proc.returncode}: "
                                      f"{self.output_tail()}")
            try:
                if self.rpc(timeout=2).supervisor.getState()["statename"] == "RUNNING":
                    return self.proc.pid
            except (OSError, xmlrpc.client.Error) as exc:
                last = exc
            time.sleep(0.1)
        self.kill()
        raise SupervisorError(f"supervisord did not answer on {self.sock} within {timeout} s "
                              f"({type(last).__name__}: {last}): {self.output_tail()}")

    def output_tail(self, lines=20):
        try:
            text = self.outfile.read_text(errors="replace").splitlines()
            text += self.logfile.read_text(errors="replace").splitlines()
        except OSError:
            return "(no output)"
        return "\n".join("    | " + line for line in text[-lines:]) or "(no output)"

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def processes(self):
        """{name: process info} (getAllProcessInfo)."""
        return {p["name"]: p for p in self.rpc().supervisor.getAllProcessInfo()}

    def read_log(self):
        """The complete lines supervisord logged since the last call."""
        data = self.rpc().supervisor.readLog(self._offset, 0)
        raw = self._partial + data.encode("utf-8", "surrogateescape")
        self._offset += len(data.encode("utf-8", "surrogateescape"))
        *lines, self._partial = raw.split(b"\n")
        return [line.decode("utf-8", "replace") for line in lines]

    def stop_programs(self, names, grace=STOPWAITSECS + 5):
        """Ask for every one to stop at once (SIGTERM; supervisord sends SIGKILL after
        stopwaitsecs); wait until all are down. Returns the names still up."""
        rpc = self.rpc()
        for name in names:
            try:
                rpc.supervisor.stopProcess(name, False)
            except xmlrpc.client.Fault as fault:
                if "NOT_RUNNING" not in fault.faultString:
                    raise
        deadline = time.monotonic() + grace
        while True:
            up = [n for n, p in self.processes().items()
                  if n in names and p["statename"] not in DOWN]
            if not up or time.monotonic() > deadline:
                return up
            time.sleep(0.1)

    def shutdown(self, timeout=STOPWAITSECS + 10):
        """supervisord stops what still runs and exits; SIGTERM, then SIGKILL, if not."""
        if not self.alive():
            return
        try:
            self.rpc(timeout=5).supervisor.shutdown()
        except (OSError, xmlrpc.client.Error):
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()


# --- what happened, from supervisord's log ----------------------------------------------

LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) [A-Z]+ (.*)$")
EVENTS = (
    ("spawned", re.compile(r"^spawned: '(?P<name>[^']+)' with pid (?P<pid>\d+)")),
    ("running", re.compile(r"^success: (?P<name>\S+) entered RUNNING state")),
    ("exited", re.compile(r"^exited: (?P<name>\S+) \((?P<how>.*); "
                          r"(?P<expected>not expected|expected)\)")),
    ("stopped", re.compile(r"^stopped: (?P<name>\S+) \((?P<how>.*)\)")),
    ("fatal", re.compile(r"^gave up: (?P<name>\S+) entered FATAL state")),
)


@dataclass
class Event:
    at: float                 # seconds since the epoch (supervisord's clock)
    kind: str                 # spawned, running, exited, stopped, fatal
    name: str
    pid: int = None
    how: str = ""             # "SIGKILL", "exit 1", ...
    expected: bool = False


def reason(how):
    """supervisord's 'terminated by SIGKILL' / 'exit status 1' -> 'SIGKILL' / 'exit 1'."""
    how = how.strip()
    match = re.match(r"terminated by (SIG\w+)(.*)", how)
    if match:
        return match.group(1) + match.group(2)
    match = re.match(r"exit status (-?\d+)", how)
    if match:
        return f"exit {match.group(1)}"
    return how


def parse(lines):
    events = []
    for line in lines:
        match = LOG_LINE.match(line)
        if not match:
            continue
        stamp, message = match.groups()
        for kind, pattern in EVENTS:
            found = pattern.match(message)
            if found:
                parts = found.groupdict()
                at = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f").timestamp()
                events.append(Event(at, kind, parts["name"],
                                    pid=int(parts["pid"]) if parts.get("pid") else None,
                                    how=reason(parts.get("how") or ""),
                                    expected=parts.get("expected") == "expected"))
                break
    return events


@dataclass
class State:
    """What the launcher knows of one replica."""
    label: str
    service: str
    pid: int = None
    up: bool = True           # wanted: running, starting or being restarted
    fatal: bool = False
    restarts: int = 0
    started_at: float = None
    running: bool = False     # past startsecs
    died_at: float = None
    died_how: str = None
    failed_starts: int = 0
    history: list = field(default_factory=list)   # (restart n, reason), for reports


class Watcher:
    """Follows supervisord's events for the replicas; ``update(events)`` answers the
    lines to print and whether the set of wanted replicas changed."""

    def __init__(self, replicas, conf, startsecs=STARTSECS, startretries=STARTRETRIES):
        """``replicas``: {label: service name}."""
        self.startsecs, self.startretries = startsecs, startretries
        self.states = {label: State(label, service) for label, service in replicas.items()}
        self.conf = conf
        self.stop_requests = []      # replicas to stop for good (an exit 0 in start-up)
        self.held = {}               # {label: when we asked for that stop}

    def stop_sent(self, label, at):
        self.held[label] = at

    def ctl(self, action, label):
        return f"{Path(sys.executable).parent / 'supervisorctl'} -c {self.conf} {action} {label}"

    def others(self, state):
        return [s.label for s in self.states.values()
                if s.service == state.service and s is not state and s.up]

    def update(self, events):
        lines, changed = [], False
        for event in events:
            state = self.states.get(event.name)
            if state is None:
                continue
            if event.kind == "spawned":
                line = self._spawned(state, event)
                changed = changed or line[1]
                if line[0]:
                    lines.append(line[0])
            elif event.kind == "running":
                state.running = True
                state.failed_starts = 0
            elif event.kind == "exited" and event.how == "exit 0" and not state.running:
                # a graceful stop within startsecs: supervisord would count it as a
                # failed start and try again; exit 0 is a stop on purpose whenever it
                # comes, so the launcher stops it for good (stop_requests)
                self.stop_requests.append(state.label)
                self.held[state.label] = None       # the time of our stop, once sent
                lines_changed = self._stopped_on_purpose(state, event)
                lines += lines_changed[0]
                changed = changed or lines_changed[1]
            elif event.kind == "exited" and not event.expected:
                state.died_at, state.died_how = event.at, event.how
                if not state.running:
                    state.failed_starts += 1
                state.running = False
            elif event.kind in ("exited", "stopped"):       # on purpose: a scale-down
                more, now_changed = self._stopped_on_purpose(state, event)
                lines += more
                changed = changed or now_changed
            elif event.kind == "fatal":
                state.up, state.fatal, state.running, changed = False, True, False, True
                left = self.others(state)
                lines.append(
                    f"{state.label} GAVE UP: it ended {state.failed_starts} times in a row "
                    f"within {self.startsecs} s of starting (last: {state.died_how}); "
                    + (f"{state.service} goes on with {', '.join(left)}; " if left else
                       f"{state.service} has no replica running; ")
                    + f"{self.ctl('start', state.label)} tries again")
                state.died_at, state.failed_starts = None, 0
        return lines, changed

    def reconcile(self, table):
        """The process table agrees with what the log said: a replica stopped while it
        waited for its backoff's next try leaves no line in supervisord's log."""
        lines, changed = [], False
        for label, info in table.items():
            state = self.states.get(label)
            if state is not None and state.pid and state.up and info["statename"] == "STOPPED":
                more, now = self._stopped_on_purpose(state, Event(time.time(), "stopped",
                                                                  label, how="stopped"))
                lines += more
                changed = changed or now
        return lines, changed

    def _stopped_on_purpose(self, state, event):
        state.running = False
        state.died_at, state.failed_starts = None, 0
        if not state.up:
            return [], False
        state.up = False
        left = self.others(state)
        tail = (f"{state.service} goes on with {', '.join(left)}" if left else
                f"{state.service} has no replica running now "
                f"({self.ctl('start', state.label)} starts it again)")
        return [f"{state.label} (pid {state.pid}) stopped ({event.how}): {tail}"], True

    def _spawned(self, state, event):
        first = state.pid is None
        state.pid, state.started_at, state.running = event.pid, event.at, False
        if first:
            return None, False
        if state.died_at is not None:
            state.restarts += 1
            state.history.append((state.restarts, state.died_how))
            after = (f", it had run less than {self.startsecs} s: backoff try "
                     f"{state.failed_starts} of {self.startretries}"
                     if state.failed_starts else "")
            line = (f"{state.label} died ({state.died_how}), restarted in "
                    f"{max(0.0, event.at - state.died_at):.1f} s "
                    f"(restart {state.restarts}, pid {event.pid}{after})")
            state.died_at = None
            return line, False
        if state.label in self.held:
            asked = self.held[state.label]
            if asked is None or event.at <= asked:   # the backoff's try before our stop
                return None, False
            del self.held[state.label]               # someone started it again
        was_up = state.up
        state.up, state.fatal = True, False
        return f"{state.label} started again (pid {event.pid})", not was_up
