"""Fixtures for registration's service tests: exam + registration running on the
real broker, each on its own fresh database, with the calendar loaded."""
import base64
import uuid

import pytest

from kernel.testing import sample_id_number, sample_photo, sample_scan, wait_until

from exam.service import ExamService
from registration.service import RegistrationService

TODAY = "2026-11-02"   # last registration day and first review day of batch 2026-12
BATCH = "2026-12"


@pytest.fixture
def start_registration(container_factory, db_url_for, service_config):
    """start_registration(today=...) -> a running registration container; the
    same database on a second call (a restart with another date)."""
    url = db_url_for("registration")

    def start(today=TODAY):
        container = container_factory(RegistrationService,
                                      service_config(url, SKILLCERT_TODAY=today))
        container.start()
        return container
    return start


@pytest.fixture
def suite(container_factory, db_url_for, service_config, start_registration, rpc):
    exam = container_factory(ExamService, service_config(db_url_for("exam")))
    exam.start()
    registration = start_registration()
    rpc.registration.load_reference_data()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.registration.list_batches()) == 21, timeout=15)
    return {"exam": exam, "registration": registration}


@pytest.fixture
def materials(rpc):
    """Upload a photo and the five scans; returns the materials block."""
    def make(seed=None):
        seed = uuid.uuid4().int % 10**6 if seed is None else seed

        def up(purpose, content):
            return rpc.registration.upload_material({
                "purpose": purpose, "content_base64": base64.b64encode(content).decode()})["hash"]
        out = {"photo": up("photo", sample_photo(seed)), "education_proof_kind": "diploma"}
        for n, kind in enumerate(("application_form", "integrity_pledge", "education_proof",
                                  "id_card_front", "id_card_back")):
            out[kind] = up("scan", sample_scan(seed * 10 + n))
        return out
    return make


@pytest.fixture
def application(materials):
    """application(**overrides) -> an individual application payload for batch 2026-12."""
    shared = {}

    def make(seq=None, birth="19950315", project="bigdata-platform-setup", **overrides):
        if "materials" not in shared:
            shared["materials"] = materials(1)
        seq = uuid.uuid4().int % 500 if seq is None else seq
        payload = {
            "idempotency_key": uuid.uuid4().hex,
            "batch_code": BATCH, "project_code": project, "channel": "individual",
            "person": {"name": "张三", "id_number": sample_id_number(birth, seq),
                       "education": "high_school", "phone": "13800138000",
                       "work_unit": "成都某科技有限公司"},
            "claim": {"alternative": "education", "computer_skills": True},
            "materials": shared["materials"], "candidate_pledge": True,
        }
        payload.update(overrides)
        return payload
    return make
