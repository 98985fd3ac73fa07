"""Fixtures of the operations tests: the Prometheus tools, and a suite started
by the launcher (opskit.Launched)."""
import shutil
import subprocess

import pytest

from opskit import ROOT, Launched

TOOLS = ("promtool", "prometheus")


@pytest.fixture(scope="session")
def prometheus_tools():
    """{name: path} of promtool and prometheus (Debian's `prometheus` package),
    installed by deploy/infra.sh --test-tools when missing (as root). The tests
    that need them skip only when they cannot be had on this machine."""
    if not all(shutil.which(t) for t in TOOLS):
        done = subprocess.run(["bash", str(ROOT / "deploy" / "infra.sh"), "--test-tools"],
                              capture_output=True, text=True, timeout=600)
        missing = [t for t in TOOLS if not shutil.which(t)]
        if missing:
            pytest.skip(f"{', '.join(missing)} not installed and could not be installed "
                        f"here: {(done.stdout + done.stderr).strip()}")
    return {t: shutil.which(t) for t in TOOLS}


@pytest.fixture
def launch(amqp_uri, tmp_path):
    """launch("--only", "exam", ..., offsets=(1,)) -> a running Launched (the
    suite is up: its summary was printed); stopped after the test."""
    started = []

    def start(*args, offsets):
        suite = Launched(args, amqp_uri, tmp_path / "data", offsets)
        started.append(suite)
        suite.wait_for("SkillCert is running:", timeout=90)
        return suite

    yield start
    for suite in started:
        suite.stop()
