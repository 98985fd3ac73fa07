"""`python -m deploy.launch --check` starts real replicas, waits for health,
loads reference data, prints the summary and stops everything; while it runs,
supervisord restarts a replica that dies and the launcher says which and why, a
graceful stop is a scale-down, and nothing outlives the launcher (SIGTERM or
SIGKILL) or its supervisord."""
import json
import os
import random
import re
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.testing import wait_until

ROOT = Path(__file__).resolve().parent.parent


def free_base_port():
    """A base port whose exam metrics ports (base+1, base+2) are free now."""
    for _ in range(50):
        base = random.randrange(20000, 40000, 10)
        try:
            for port in (base + 1, base + 2):
                with socket.socket() as sock:
                    sock.bind(("0.0.0.0", port))
        except OSError:
            continue
        return base
    pytest.skip("no free port range for the metrics servers")


@pytest.mark.e2e
def test_check_starts_two_exam_replicas_and_loads_the_calendar(amqp_uri, tmp_path):
    base = free_base_port()
    db = tmp_path / "exam-launch.db"
    env = dict(os.environ, AMQP_URI=amqp_uri, SKILLCERT_DATA_DIR=str(tmp_path / "data"),
               EXAM_DATABASE_URL=f"sqlite:///{db}")
    done = subprocess.run(
        [sys.executable, "-m", "deploy.launch", "--only", "exam", "--replicas", "exam=2",
         "--check", "--base-port", str(base)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    for port in (base + 1, base + 2):
        assert f"http://127.0.0.1:{port}/metrics" in out, out
    assert "exam-1 is up" in out and "exam-2 is up" in out, out
    assert re.search(r'exam\.load_calendar\(\) -> \{"created": 21,', out), out
    assert "stopped: exam-1 (exit 0), exam-2 (exit 0)" in out, out
    assert db.exists()                                       # EXAM_DATABASE_URL was used
    logs = tmp_path / "data" / "log"
    assert (logs / "exam-1.log").exists() and (logs / "exam-2.log").exists()
    # personal data at rest is the owner's only: data dir, logs, databases
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    for path in [logs / "exam-1.log", db, *(tmp_path / "data").rglob("*.db")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


# --- the suite heals itself: replicas under supervisord (deploy/supervisor_suite.py) ---

def processes_of(data_dir):
    """Pids of every process started for the suite in ``data_dir`` (the launcher,
    supervisord, the replicas: each has SKILLCERT_DATA_DIR in its environment)."""
    wanted = {f"SKILLCERT_DATA_DIR={data_dir}".encode(),
              f"SKILLCERT_DATA_DIR={Path(data_dir).resolve()}".encode()}
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            env = set((entry / "environ").read_bytes().split(b"\0"))
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if env & wanted and state != "Z":
            found.append(int(entry.name))
    return found


class Suite:
    """``python -m deploy.launch ...`` in the background, its output in a file."""

    def __init__(self, tmp_path, amqp_uri, *args, replicas=2):
        self.base = free_base_port()
        self.data_dir = tmp_path / "data"
        self.out = tmp_path / "launch.out"
        env = dict(os.environ, AMQP_URI=amqp_uri, SKILLCERT_DATA_DIR=str(self.data_dir),
                   EXAM_DATABASE_URL=f"sqlite:///{tmp_path / 'exam.db'}")
        with open(self.out, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "deploy.launch", "--only", "exam", "--replicas",
                 f"exam={replicas}", "--no-reference-data", "--base-port", str(self.base),
                 *args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)

    def output(self):
        return self.out.read_text(errors="replace")

    def wait_for(self, pattern, timeout=60):
        found = wait_until(lambda: re.search(pattern, self.output())
                           or self.proc.poll() is not None, timeout=timeout, interval=0.2)
        match = re.search(pattern, self.output())
        assert found and match, f"no {pattern!r} (exit {self.proc.poll()}):\n{self.output()}"
        return match

    def pid(self, label):
        return int(self.wait_for(rf"started {label} \(pid (\d+),").group(1))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def suite(tmp_path, amqp_uri):
    started = []

    def start(*args, **kw):
        started.append(Suite(tmp_path, amqp_uri, *args, **kw))
        return started[-1]
    yield start
    for s in started:
        s.stop()
        for pid in processes_of(s.data_dir):         # never leave one behind
            os.kill(pid, signal.SIGKILL)


def health_from(amqp_uri, port, timeout=60):
    """A health reply from the replica on metrics port ``port`` (calls go round the
    service's consumers)."""
    from nameko.standalone.rpc import ClusterRpcProxy
    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=5) as rpc:
        def answered():
            try:
                return any(rpc.exam.health()["metrics_port"] == port for _ in range(4))
            except Exception:
                return False
        return wait_until(answered, timeout=timeout, interval=0.2)


@pytest.mark.e2e
def test_a_replica_killed_with_sigkill_is_restarted_and_the_launcher_says_which_and_why(
        suite, amqp_uri):
    # rule (issue 13): a replica that dies is restarted with backoff, the rest goes on,
    # and the launcher names the replica and the reason
    s = suite()
    s.wait_for("SkillCert is running:")
    old = s.pid("exam-2")
    conf = s.data_dir / "supervisor" / "supervisord.conf"
    assert stat.S_IMODE(conf.stat().st_mode) == 0o600
    assert "[program:exam-2]" in conf.read_text()
    os.kill(old, signal.SIGKILL)
    match = s.wait_for(r"exam-2 died \(SIGKILL\), restarted in [\d.]+ s "
                       r"\(restart 1, pid (\d+)")
    new = int(match.group(1))
    assert new != old
    assert health_from(amqp_uri, s.base + 2), s.output()      # back, by itself
    assert health_from(amqp_uri, s.base + 1)                  # and exam-1 went on
    assert s.proc.poll() is None
    assert "exam-1 died" not in s.output()
    s.stop()
    assert s.proc.returncode == 0, s.output()
    assert wait_until(lambda: not processes_of(s.data_dir), timeout=20), \
        (processes_of(s.data_dir), s.output())


@pytest.mark.e2e
def test_sigterm_to_the_launcher_stops_supervisord_and_every_replica(suite):
    s = suite()
    s.wait_for("SkillCert is running:")
    running = processes_of(s.data_dir)
    assert len(running) >= 4                 # launcher, supervisord, two replicas
    s.proc.send_signal(signal.SIGTERM)
    s.proc.wait(timeout=40)
    assert s.proc.returncode == 0
    assert "stopped: exam-1 (exit 0), exam-2 (exit 0)" in s.output(), s.output()
    assert processes_of(s.data_dir) == [], s.output()     # at once: no orphan


@pytest.mark.e2e
def test_sigkill_of_the_launcher_leaves_no_process_behind(suite):
    # supervisord dies with the launcher (PR_SET_PDEATHSIG), the replicas with it
    s = suite(replicas=1)
    s.wait_for("SkillCert is running:")
    assert len(processes_of(s.data_dir)) >= 3
    s.proc.kill()
    s.proc.wait()
    assert wait_until(lambda: not processes_of(s.data_dir), timeout=30), \
        (processes_of(s.data_dir), s.output())


@pytest.mark.e2e
def test_sigkill_of_supervisord_takes_the_replicas_and_fails_the_launcher(suite):
    s = suite(replicas=1)
    s.wait_for("SkillCert is running:")
    supervisord = int(s.wait_for(r"supervisord is up \(pid (\d+)").group(1))
    os.kill(supervisord, signal.SIGKILL)
    s.proc.wait(timeout=30)
    assert s.proc.returncode == 1
    assert "supervisord ended (SIGKILL)" in s.output()
    assert wait_until(lambda: not processes_of(s.data_dir), timeout=30), \
        (processes_of(s.data_dir), s.output())


@pytest.mark.e2e
def test_a_graceful_stop_is_a_scale_down_and_supervisorctl_brings_it_back(suite, amqp_uri):
    s = suite()
    s.wait_for("SkillCert is running:")
    conf = s.data_dir / "supervisor" / "supervisord.conf"
    ctl = [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(conf)]
    done = subprocess.run([*ctl, "stop", "exam-2"], capture_output=True, text=True,
                          timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    s.wait_for(r"exam-2 \(pid \d+\) stopped \([^)]*\): exam goes on with exam-1")
    listed = json.loads((s.data_dir / "prometheus" / "targets.json").read_text())
    assert wait_until(lambda: [g["labels"]["replica"] for g in json.loads(
        (s.data_dir / "prometheus" / "targets.json").read_text())] == ["exam-1"], timeout=5), \
        listed
    subprocess.run([*ctl, "start", "exam-2"], capture_output=True, timeout=30)
    s.wait_for(r"exam-2 started again \(pid \d+\)")
    assert health_from(amqp_uri, s.base + 2)
    assert "died" not in s.output()


def test_supervisord_gives_up_after_the_backoff_budget_and_the_watcher_says_so(tmp_path):
    # a real supervisord with a program that exits 3 at once: tried again after 1 s,
    # then given up (startretries=1, startsecs=2, to keep the test short)
    from deploy import supervisor_suite as sv
    program = sv.Program("broken-1", [sys.executable, "-c", "import sys; sys.exit(3)"],
                         {"X": "1"}, tmp_path / "broken-1.log", tmp_path, startsecs=2,
                         startretries=1)
    conf, sock = sv.write_config(tmp_path / "supervisor", [program])
    sup = sv.Supervisord(conf, sock)
    sup.start()
    watcher = sv.Watcher({"broken-1": "broken"}, conf, startsecs=2, startretries=1)
    lines = []
    try:
        def gave_up():
            lines.extend(watcher.update(sv.parse(sup.read_log()))[0])
            return any("GAVE UP" in line for line in lines)
        assert wait_until(gave_up, timeout=30), lines
    finally:
        sup.shutdown()
    assert sup.proc.returncode == 0
    assert re.match(r"broken-1 died \(exit 3\), restarted in 1\.\d s \(restart 1, pid \d+, "
                    r"it had run less than 2 s: backoff try 1 of 1\)", lines[0]), lines
    assert lines[-1].startswith("broken-1 GAVE UP: it ended 2 times in a row within 2 s of "
                                "starting (last: exit 3); broken has no replica running;"), lines
    assert watcher.states["broken-1"].fatal


def test_environment_values_reach_supervisord_as_they_are_or_are_refused():
    from deploy import supervisor_suite as sv
    from supervisor.datatypes import dict_of_key_value_pairs
    env = {"AMQP_URI": "pyamqp://svc:p%40ss,w0rd@127.0.0.1:5672/v%2Fhost", "N": "1"}
    line = sv.environment_line(env)
    assert {k: v.replace("%%", "%") for k, v in dict_of_key_value_pairs(line).items()} == env
    for bad in ('a"b', "a'b", "a\nb", "x ;comment", "x #comment"):
        with pytest.raises(ValueError):
            sv.environment_line({"V": bad})
