"""Fixtures for assessor-training's service tests: the service on the real broker
and a fresh migrated database, restartable with another pinned date."""
import pytest

from assessor_training.service import AssessorTrainingService
from assessor_training.testing import APPLYING, sample_unit, upload_files


@pytest.fixture
def start(container_factory, db_url_for, service_config):
    """start(today, **config) -> the running service on this test's database; a
    second call stops the first container and starts another (a later day)."""
    url = db_url_for("assessor_training")
    running = []

    def start(today=APPLYING, **extra):
        if running:
            running.pop().stop()    # graceful: a kill can leave an answered request unacked, and it would run again
        container = container_factory(AssessorTrainingService,
                                      service_config(url, SKILLCERT_TODAY=today, **extra))
        container.start()
        running.append(container)
        return container
    return start


@pytest.fixture
def svc(start, rpc):
    """The service on APPLYING day, with the 2025-2 period and one filed unit in
    Chengdu; returns the uploaded files ({"photo", "scan"})."""
    start()
    rpc.assessor_training.load_reference_data()
    rpc.assessor_training.save_unit(sample_unit())
    return upload_files(rpc)
