"""End to end: an assessor applicant goes from the declaration form through the
review chain (unit, municipal center, provincial center), the study hours and the
90-minute exam to an assessor card, which the exam service's dispatch then finds
(``valid_assessors``) and learns about from ``assessor_training.card_issued``
(the exam service that consumes it is built separately: a tap on the exchange
plays its queue here)."""
import pytest

from kernel.testing import EventTap

from assessor_training.service import AssessorTrainingService
from assessor_training.testing import (APPLYING, EXAM_DAY, sample_application, sample_unit,
                                       study, upload_files, walk_chain)

pytestmark = pytest.mark.e2e


def test_A1_A5_A6_applicant_to_card_seen_as_valid_assessor(container_factory, db_url_for,
                                                           service_config, rpc, amqp_uri):
    url = db_url_for("assessor_training")

    def start(today):
        container = container_factory(AssessorTrainingService,
                                      service_config(url, SKILLCERT_TODAY=today))
        container.start()
        return container

    training = rpc.assessor_training
    applying = start(APPLYING)
    training.load_reference_data()
    training.save_unit(sample_unit("unit-deyang", region="510600"))
    form = sample_application(upload_files(rpc), unit="unit-deyang",
                              projects=["ai-image-recognition", "ai-text-analysis"])
    app = training.submit_application(form)
    assert app["status"] == "awaiting_unit"
    app = walk_chain(rpc, app)                 # 推荐单位 -> 德阳市职鉴中心 -> 省职鉴中心
    assert app["status"] == "admitted"
    assert [(r["step"], r["authority"]) for r in app["reviews"]] == [
        ("unit", "unit-deyang"), ("municipal", "510600"), ("provincial", "provincial")]

    applying.stop()
    start(EXAM_DAY)
    assert study(rpc, app, 20)["complete"] is True
    with EventTap(amqp_uri, "assessor_training", routing_key="card_issued") as tap:
        passed = training.record_exam_score({"application_id": app["id"], "score": 78})
        [event] = tap.wait_for("card_issued")
    card_number = passed["card_number"]
    assert passed["status"] == "passed" and card_number

    # the exam service's dispatch: the assessor is valid for both projects, with a unit
    for project in ("ai-image-recognition", "ai-text-analysis"):
        [assessor] = training.valid_assessors(project, "2026-03-28")
        assert assessor["card_number"] == card_number
        assert assessor["unit"] == "测试推荐单位unit-deyang"
        assert assessor["id_number"] == app["id_number"]
    assert training.valid_assessors("ai-speech-recognition", "2026-03-28") == []

    # the event carries exactly the brief's payload
    assert event["type"] == "assessor_training.card_issued"
    assert event["producer"] == "assessor_training"
    assert event["payload"] == {
        "card_number": card_number, "id_number": app["id_number"], "name": "李考评",
        "unit": "测试推荐单位unit-deyang",
        "projects": ["ai-image-recognition", "ai-text-analysis"],
        "valid_from": "2025-06-06", "valid_until": "2028-06-06"}
    assert training.verify_card(card_number, "2028-06-06")["valid"] is True
