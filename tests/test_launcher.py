"""`python -m deploy.launch --check` starts real replicas, waits for health,
loads reference data, prints the summary and stops everything."""
import os
import stat
import random
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

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
