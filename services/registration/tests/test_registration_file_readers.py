"""What registration tells the gateway for two of its rules (docs/verification.md):
the phone on file of a person (what institutions entered, never what the
person typed), and who may read an uploaded file (its uploader, and the
applications that hold it)."""
import base64

import pytest
from sqlalchemy import create_engine, text

from kernel.errors import ValidationFailed
from kernel.migrate import alembic_config
from kernel.testing import EventTap, publish_event, sample_id_number, sample_scan, wait_until

REVIEW = {"reviewer": "王审核", "reviewed_on": "2026-10-30", "opinion": "pass", "pledge": True}


def institution(application, number, phone, name="张三", code="inst-02"):
    payload = application(channel="institution", institution_code=code, first_review=REVIEW,
                          project_code="business-data-analysis")
    payload["person"] = dict(payload["person"], id_number=number, name=name, phone=phone)
    return payload


def test_the_phone_on_file_is_what_institutions_entered_for_that_id_number_and_name(
        suite, rpc, application):
    number = sample_id_number("19900101", 301)
    mine = application(project_code="bigdata-platform-setup")
    mine["person"] = dict(mine["person"], id_number=number, phone="13700000001")
    rpc.registration.submit_application(mine)             # typed by the person: not on file
    assert rpc.registration.phones_on_file(number, "张三") == []
    rpc.registration.submit_application(institution(application, number, "13912345678"))
    assert rpc.registration.phones_on_file(number, "张三") == ["13912345678"]
    assert rpc.registration.phones_on_file(number.lower(), "张三 ") == ["13912345678"]
    # the same number under another name, or another number: nothing on file
    assert rpc.registration.phones_on_file(number, "李四") == []
    assert rpc.registration.phones_on_file(sample_id_number("19900101", 302), "张三") == []


def test_a_files_readers_are_its_uploaders_and_the_applications_that_hold_it(
        suite, rpc, amqp_uri, materials, application):
    files = materials(77)
    scan = rpc.registration.upload_material(
        {"purpose": "scan", "content_base64": base64.b64encode(sample_scan(7701)).decode()},
        uploader="candidate:zhang")
    rpc.registration.upload_material(
        {"purpose": "scan", "content_base64": base64.b64encode(sample_scan(7701)).decode()},
        uploader="institution:inst-02")                 # the same bytes, another uploader
    readers = rpc.registration.material_readers([scan["hash"], files["photo"], "0" * 64])
    assert set(readers) == {scan["hash"], files["photo"]}       # unknown: left out
    assert readers[scan["hash"]] == {"uploaders": ["candidate:zhang", "institution:inst-02"],
                                     "applications": []}
    assert readers[files["photo"]] == {"uploaders": [], "applications": []}
    number = sample_id_number("19900101", 303)
    payload = institution(application, number, "13912345678")
    payload["materials"] = files
    app = rpc.registration.submit_application(payload)
    held = rpc.registration.material_readers([files["photo"], files["id_card_back"]])
    for h in (files["photo"], files["id_card_back"]):
        assert held[h]["applications"] == [{"id_number": number, "name": "张三",
                                            "channel": "institution",
                                            "institution_code": "inst-02"}]
    # V2: a resubmitted scan is held too, and the one it replaced still is
    publish_event(amqp_uri, "review", "application_returned", {
        "application_id": app["id"], "reason": "身份证反面不清晰",
        "fields_to_fix": ["materials.id_card_back"]})
    assert wait_until(lambda: rpc.registration.get_application(app["id"])["status"]
                      == "returned")
    rpc.registration.resubmit_application({"application_id": app["id"],
                                           "materials": {"id_card_back": scan["hash"]}})
    held = rpc.registration.material_readers([scan["hash"], files["id_card_back"]])
    assert len(held[scan["hash"]]["applications"]) == 1
    assert len(held[files["id_card_back"]]["applications"]) == 1
    with pytest.raises(ValidationFailed):
        rpc.registration.material_readers("0" * 64)            # a list, not one string


def test_the_migration_indexes_the_files_of_applications_made_before_it(tmp_path):
    """Files already on applications when the file rule arrives stay readable
    by their applications' readers: the revision indexes them."""
    from alembic import command
    url = f"sqlite:///{tmp_path / 'registration-old.db'}"
    cfg = alembic_config("registration", url)
    command.upgrade(cfg, "0403b4270ae7")
    engine = create_engine(url)
    with engine.begin() as conn:
        # (a plain engine: SQLite checks no foreign keys, so no batch or project rows)
        conn.execute(text(
            "INSERT INTO applications (id, batch_code, project_code, channel, id_number, name, "
            "sex, birth_date, person, claim, precheck, photo, materials, status, locked, "
            "submitted_at, updated_at, version) VALUES ('a1', '2026-12', 'p', 'individual', "
            "'X', '张三', 'M', '1990-01-01', '{}', '{}', '{}', :photo, :materials, "
            "'submitted', 0, '2026-10-30 00:00:00', '2026-10-30 00:00:00', 1)"),
            {"photo": "a" * 64, "materials": '{"education_proof_kind": "diploma", '
             '"application_form": "%s", "id_card_front": "%s"}' % ("b" * 64, "a" * 64)})
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT hash, application_id FROM application_files "
                                 "ORDER BY hash")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("a" * 64, "a1"), ("b" * 64, "a1")]
