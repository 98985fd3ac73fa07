"""Fixtures for review's service tests: exam + review running on the real broker,
each on its own fresh database, the calendar loaded; registration is played by
publishing its events."""
import uuid

import pytest

from kernel.testing import publish_event, sample_id_number, wait_until

from exam.service import ExamService
from review.service import ReviewService

TODAY = "2026-11-02"   # batch 2026-12: last registration day, first review day


@pytest.fixture
def start_review(container_factory, db_url_for, service_config):
    """start_review(today=...) -> a running review container; the same database
    on a second call (a restart with another date)."""
    url = db_url_for("review")

    def start(today=TODAY):
        container = container_factory(ReviewService, service_config(url, SKILLCERT_TODAY=today))
        container.start()
        return container
    return start


@pytest.fixture
def review(container_factory, db_url_for, service_config, start_review, rpc):
    container = start_review()
    exam = container_factory(ExamService, service_config(db_url_for("exam")))
    exam.start()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.review.list_batches()) == 21, timeout=15)
    return {"review": container, "exam": exam}


@pytest.fixture
def submit(amqp_uri, rpc):
    """submit(**overrides) -> the payload of a registration.application_submitted
    event, published, once review has opened its task."""
    def make(channel="individual", institution_code=None, wait=True, event="submitted",
             **overrides):
        payload = application_payload(channel, institution_code, **overrides)
        publish_event(amqp_uri, "registration", f"application_{event}", payload)
        if wait:
            assert wait_until(lambda: _pending(rpc, payload["application_id"]), timeout=10)
        return payload
    return make


def _pending(rpc, application_id):
    from kernel.errors import NotFound
    try:
        return rpc.review.get_review(application_id)["status"] == "pending"
    except NotFound:
        return False


def application_payload(channel="individual", institution_code=None, **overrides):
    seq = uuid.uuid4().int % 500
    payload = {
        "application_id": str(uuid.uuid4()), "batch_code": "2026-12",
        "project_code": "bigdata-platform-setup", "channel": channel,
        "institution_code": institution_code,
        "id_number": sample_id_number("19950315", seq), "name": "张三", "sex": "M",
        "birth_date": "1995-03-15",
        "person": {"education": "high_school", "major": "", "occupation": "",
                   "phone": "13800138000", "work_unit": "成都某科技有限公司"},
        "claim": {"alternative": "education", "computer_skills": True},
        "precheck": {"condition": "E1", "alternative": "education", "outcome": "needs_review",
                     "checks": [{"check": "education", "ok": True,
                                 "detail": "high_school against at least high_school"}]},
        "first_review": None, "photo": "a" * 64,
        "materials": {"education_proof_kind": "diploma", "application_form": "b" * 64,
                      "integrity_pledge": "c" * 64, "education_proof": "d" * 64,
                      "id_card_front": "e" * 64, "id_card_back": "f" * 64},
        "submitted_at": "2026-11-02T02:00:00+00:00",
    }
    if channel == "institution":
        payload["institution_code"] = institution_code or "inst-02"
        payload["first_review"] = {"reviewer": "王初审", "reviewed_on": "2026-10-30",
                                   "opinion": "pass", "pledge": True}
    payload.update(overrides)
    return payload
