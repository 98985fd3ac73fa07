"""What the operations tests share: free ports, the launcher run in the
background (its own RabbitMQ vhost, data dir and SQLite files, free metrics
ports) for as long as a test needs the suite, and stopping a process."""
import os
import random
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_base_port(offsets):
    """A launcher --base-port whose metrics ports base + offset are all free now."""
    for _ in range(50):
        base = random.randrange(20000, 40000, 100)
        try:
            for offset in offsets:
                with socket.socket() as sock:
                    sock.bind(("0.0.0.0", base + offset))
        except OSError:
            continue
        return base
    pytest.skip("no free port range for the metrics servers")


class Launched:
    """``python -m deploy.launch ARGS`` in the background, its output in a file."""

    def __init__(self, args, amqp_uri, data_dir, offsets):
        self.base = free_base_port(offsets)
        self.data_dir = Path(data_dir)
        self.log = self.data_dir.parent / "launch.out"
        env = {k: v for k, v in os.environ.items()
               if not k.endswith("_DATABASE_URL")}            # SQLite in the data dir
        env.update(AMQP_URI=amqp_uri, SKILLCERT_DATA_DIR=str(self.data_dir))
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "deploy.launch", *args, "--base-port", str(self.base)],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)

    def output(self):
        return self.log.read_text(errors="replace")

    def wait_for(self, text, timeout=60):
        found = wait_until(lambda: text in self.output() or self.proc.poll() is not None,
                           timeout=timeout, interval=0.2)
        assert found and text in self.output(), \
            f"launcher: no {text!r} (exit {self.proc.poll()}):\n{self.output()}"

    def pid(self, label):
        match = re.search(rf"started {re.escape(label)} \(pid (\d+),", self.output())
        assert match, self.output()
        return int(match.group(1))

    def port(self, service_index, replica):
        return self.base + 10 * service_index + replica

    def stop(self):
        stop_process(self.proc, timeout=30)


def stop_process(proc, timeout=15):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
