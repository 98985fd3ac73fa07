"""The suite as operations run it: a real Prometheus (Debian's package) scraping
what the launcher started, and independent scaling (two replicas of
registration share the calls; one stops and no call fails)."""
import json
import os
import signal
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest
import yaml
from nameko.standalone.rpc import ClusterRpcProxy

from deploy.grafana import dashboard
from deploy.prometheus import RULES
from deploy.services import BY_NAME, SERVICES
from kernel.testing import wait_until
from opskit import ROOT, free_port, stop_process

pytestmark = pytest.mark.e2e

EXAM = SERVICES.index(BY_NAME["exam"])                   # metrics port base + 10 * index + n
REGISTRATION = SERVICES.index(BY_NAME["registration"])


def api(port, path, **params):
    url = f"http://127.0.0.1:{port}/api/v1/{path}"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


def targets(port):
    try:
        return api(port, "targets")["data"]["activeTargets"]
    except OSError:
        return None          # Prometheus is still starting


def test_prometheus_scrapes_every_replica_the_launcher_started(launch, prometheus_tools,
                                                                tmp_path):
    # no reference data: not what this test is about, and with two registration
    # replicas sync_batches can meet the other replica's batch_scheduled handler
    # inserting the same batch (a UNIQUE error kernel.batches.keep does not absorb yet)
    suite = launch("--only", "exam,registration", "--replicas", "registration=2",
                   "--no-reference-data",
                   offsets=(EXAM * 10 + 1, REGISTRATION * 10 + 1, REGISTRATION * 10 + 2))
    expected = {("exam", "exam-1", suite.port(EXAM, 1)),
                ("registration", "registration-1", suite.port(REGISTRATION, 1)),
                ("registration", "registration-2", suite.port(REGISTRATION, 2))}

    # the configuration the launcher wrote, as an operator would use it (scraped
    # every second instead of 15 s, to keep the test short)
    written = suite.data_dir / "prometheus" / "prometheus.yml"
    assert f"prometheus --config.file={written}" in suite.output()
    config = yaml.safe_load(written.read_text())
    assert config["rule_files"] == [str(RULES)]
    config["global"]["scrape_interval"] = config["global"]["evaluation_interval"] = "1s"
    config_file = tmp_path / "prometheus.yml"
    config_file.write_text(yaml.safe_dump(config))
    port = free_port()
    with open(tmp_path / "prometheus.log", "wb") as log:
        prometheus = subprocess.Popen(
            [prometheus_tools["prometheus"], f"--config.file={config_file}",
             f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    try:
        def all_up():
            found = targets(port)
            if not found or any(t["health"] != "up" for t in found):
                return None
            return found
        up = wait_until(all_up, timeout=40, interval=0.5)
        assert up, (f"targets: {json.dumps(targets(port), indent=1)}\n"
                    f"{(tmp_path / 'prometheus.log').read_text()}")
        assert {(t["labels"]["job"], t["labels"]["replica"], int(t["labels"]["instance"]
                 .rsplit(":", 1)[1])) for t in up} == expected
        assert all(t["labels"]["suite"] == "skillcert" for t in up)

        # the alert rules are loaded and evaluate; nothing fires on a healthy suite
        groups = api(port, "rules")["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        assert len(rules) == sum(len(g["rules"]) for g in
                                 yaml.safe_load(RULES.read_text())["groups"])
        assert all(r["health"] != "err" for r in rules), rules
        firing = [r["name"] for r in rules if r["state"] == "firing"]
        assert firing == []

        # the kernel's figures arrive per replica: the launcher's health calls
        def health_calls():
            result = api(port, "query", query='sum by (replica) (skillcert_entrypoint_calls_'
                         'total{entrypoint="health", outcome="ok"})')["data"]["result"]
            return {r["metric"]["replica"] for r in result} == \
                {"exam-1", "registration-1", "registration-2"}
        assert wait_until(health_calls, timeout=10, interval=0.5)

        # every query of the Grafana dashboard is accepted by this Prometheus
        for expr in dashboard.queries(dashboard.build()):
            answer = api(port, "query", query=expr.replace("$__rate_interval", "1m"))
            assert answer["status"] == "success", (expr, answer)
    finally:
        stop_process(prometheus)


def test_readiness_probe_of_a_running_replica(launch):
    suite = launch("--only", "exam", "--no-reference-data", offsets=(EXAM * 10 + 1,))
    env = dict(os.environ, SERVICE="exam", METRICS_PORT=str(suite.port(EXAM, 1)))

    def probe(what, **extra):
        return subprocess.run([sys.executable, "-m", "deploy.docker.run", "probe", what],
                              cwd=ROOT, env=dict(env, **extra), capture_output=True,
                              text=True, timeout=30)
    live = probe("live")
    assert live.returncode == 0, live.stderr
    # ready once the 5-second outbox sweep (database and broker) has succeeded
    assert wait_until(lambda: probe("ready").returncode == 0, timeout=20, interval=1), \
        probe("ready").stderr
    down = probe("live", METRICS_PORT=str(free_port()))
    assert down.returncode != 0 and "/metrics does not answer" in down.stderr


def test_two_registration_replicas_share_the_calls_and_one_stops_without_a_failed_call(
        launch, amqp_uri):
    suite = launch("--only", "exam,registration", "--replicas", "registration=2,exam=1",
                   "--no-reference-data",
                   offsets=(EXAM * 10 + 1, REGISTRATION * 10 + 1, REGISTRATION * 10 + 2))
    first, second = suite.port(REGISTRATION, 1), suite.port(REGISTRATION, 2)
    answered, failed = [], []       # (metrics port, stopped already?) per call
    stopped_line = f"registration-2 (pid {suite.pid('registration-2')}) stopped (exit 0)"

    with ClusterRpcProxy({"AMQP_URI": amqp_uri}, timeout=20) as rpc:
        def burst(stopped):
            """Eight calls in flight at once, then their answers."""
            calls = [rpc.registration.health.call_async() for _ in range(8)]
            for call in calls:
                try:
                    answered.append((call.result()["metrics_port"], stopped))
                except Exception as exc:                 # a lost or failed call
                    failed.append(repr(exc))

        while len(answered) < 64:                       # both replicas answer
            burst(False)
        assert {port for port, _ in answered} == {first, second}, answered

        os.kill(suite.pid("registration-2"), signal.SIGTERM)   # a graceful stop
        bursts = 0
        while stopped_line not in suite.output() and bursts < 400:
            burst(False)                                # calls while it stops
            bursts += 1
        assert stopped_line in suite.output(), suite.output()
        for _ in range(8):
            burst(True)                                 # and after

    assert failed == []
    after = [port for port, stopped in answered if stopped]
    assert len(after) == 64 and set(after) == {first}
    assert "registration goes on with registration-1" in suite.output()
    assert suite.proc.poll() is None                    # the suite is still running
    listed = json.loads((suite.data_dir / "prometheus" / "targets.json").read_text())
    assert sorted(g["labels"]["replica"] for g in listed) == ["exam-1", "registration-1"]
