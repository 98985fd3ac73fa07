"""The fault tests run only when asked (SKILLCERT_FAULT_TESTS=1: deploy/test.sh's serial
phase after the PostgreSQL pass): they take minutes, load the machine, stop a
RabbitMQ node's application and make a PostgreSQL database refuse connections."""
import os

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "fault: the suite under faults (SIGKILL, broker stop_app/start_app, a "
        "database refusing connections); runs only with SKILLCERT_FAULT_TESTS=1")


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SKILLCERT_FAULT_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="the fault test runs alone: set SKILLCERT_FAULT_TESTS=1 "
                            "(deploy/test.sh does, in its serial phase)")
    for item in items:
        if "fault" in item.keywords:
            item.add_marker(skip)
