"""What the review end-to-end test borrows from registration's service tests:
its fixtures (``suite``: exam + registration running with the calendar and the
reference data loaded; ``materials``; ``application``) and its constants. The
conftest is loaded under a name of its own, so these are the same fixture
functions without importing registration's test package as ``tests``."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_registration = _load("registration_test_fixtures",
                      ROOT / "services" / "registration" / "tests" / "conftest.py")

start_registration = _registration.start_registration
suite = _registration.suite
materials = _registration.materials
application = _registration.application
TODAY = _registration.TODAY
BATCH = _registration.BATCH
