"""Service tests of the certificate service over the real broker and database.

Upstream services are played: the exam service by publishing its events
(kernel.testing.publish_event). Its result_finalized carries what the
certificate needs of the application (sex, channel, institution, photo, project
name, roster status, the session's supervision, #14): the certificate service
asks no one, so no registration runs here. tests/e2e/ runs the real ones.
Each test names the rule it checks (DOMAIN.md IDs)."""
import base64
import csv
import hashlib
import io
import os
import stat
import uuid

import pytest
from sqlalchemy import create_engine, text

from kernel import documents
from kernel.errors import Conflict, Forbidden, NotFound, RuleViolation, ValidationFailed
from kernel.testing import EventTap, publish_event, sample_id_number, sample_photo, wait_until

from certificate import domain
from certificate.service import CertificateService

TODAY = "2026-11-20"            # results of batch 2026-10 (exam 2026-10-24) are final
BATCH, EXAM_DATE = "2026-10", "2026-10-24"
PROJECTS = [{"code": "bigdata-platform-setup", "name_zh": "大数据运行平台搭建"},
            {"code": "business-data-analysis", "name_zh": "商业数据分析"}]


class Registration:
    """What registration knows of the applications, as exam's event carries it
    (the applications and their photos): a plain holder, no service."""
    applications = {}
    photos = {}


@pytest.fixture
def registration():
    Registration.applications, Registration.photos = {}, {}
    return Registration


@pytest.fixture
def db_url(db_url_for):
    return db_url_for("certificate")


@pytest.fixture
def start_certificate(container_factory, service_config, db_url):
    """start_certificate(today=...) -> a running certificate service; the same
    database and keys directory on a second call (a restart)."""
    running = []

    def start(today=TODAY):
        for c in running:
            c.stop()
        container = container_factory(CertificateService,
                                      service_config(db_url, SKILLCERT_TODAY=today))
        container.start()
        running[:] = [container]
        return container
    return start


@pytest.fixture
def service(registration, start_certificate):
    return start_certificate()


@pytest.fixture
def passed(rpc, amqp_uri, registration):
    """passed(**application fields) -> the certificate issued for a new
    application that passed (registration knows it, exam finalizes it)."""
    def make(channel="individual", institution_code=None, name="张三", seq=None,
             project="bigdata-platform-setup", wait=True, result=True):
        seq = uuid.uuid4().int % 500 if seq is None else seq
        photo = sample_photo(seq)
        digest = hashlib.sha256(photo).hexdigest()
        registration.photos[digest] = photo
        app = {"id": str(uuid.uuid4()), "batch_code": BATCH, "project_code": project,
               "channel": channel, "institution_code": institution_code,
               "id_number": sample_id_number("19900101", seq), "name": name, "sex": "M",
               "birth_date": "1990-01-01", "photo": digest, "status": "passed"}
        registration.applications[app["id"]] = app
        event = publish_event(amqp_uri, "exam", "result_finalized", result_of(app, result))
        if not wait:
            return app, event
        number = wait_until(lambda: certificate_of(rpc, app), timeout=30)
        assert number, "no certificate was issued"
        return rpc.certificate.get_certificate(number)
    return make


def result_of(app, passed=True, **extra):
    """exam.result_finalized for an application (its photo from Registration)."""
    photo = Registration.photos.get(app["photo"])
    return dict({"application_id": app["id"], "batch_code": app["batch_code"],
                 "project_code": app["project_code"], "id_number": app["id_number"],
                 "name": app["name"], "passed": passed, "score": 78 if passed else 41,
                 "exam_date": EXAM_DATE, "roster_status": "confirmed", "sex": app["sex"],
                 "channel": app["channel"], "institution_code": app["institution_code"],
                 "project_name": {p["code"]: p["name_zh"] for p in PROJECTS}[
                     app["project_code"]],
                 "photo": app["photo"],
                 "photo_base64": photo and base64.b64encode(photo).decode(),
                 "supervision": {"name": "督导员甲", "at": "2026-10-24T11:00:00+08:00"}},
                **extra)


def certificate_of(rpc, app):
    found = [c for c in rpc.certificate.list_certificates(BATCH)
             if c["application_id"] == app["id"]]
    return found[0]["number"] if found else None


def flip_one_char(payload, at):
    ch = payload[at]
    return payload[:at] + ("B" if ch == "A" else "A") + payload[at + 1:]


# --- issuance (C1) ------------------------------------------------------------------------

def test_C1_C2_a_pass_is_issued_exactly_once_as_a_signed_record(service, rpc, amqp_uri,
                                                                 registration, passed):
    with EventTap(amqp_uri, "certificate") as tap:
        app, event = passed(wait=False)
        [issued] = tap.wait_for("certificate_issued", timeout=30)
        publish_event(amqp_uri, "exam", "result_finalized", result_of(app),
                      event_id=event["event_id"])                       # a redelivery
        publish_event(amqp_uri, "exam", "result_finalized", result_of(app))   # a re-send
        assert wait_until(lambda: rpc.certificate.application_notes(app["id"]), timeout=30)
        assert len(tap.of_type("certificate_issued")) == 1
    payload = issued["payload"]
    assert payload["application_id"] == app["id"] and payload["name"] == "张三"
    number = payload["certificate_number"]
    assert domain.parse_number(number) == number and number.startswith("512026")
    assert [c["number"] for c in rpc.certificate.list_certificates(BATCH)] == [number]
    [note] = rpc.certificate.application_notes(app["id"])
    assert "already issued" in note["note"]
    cert = rpc.certificate.get_certificate(number)
    assert cert["kid"] == payload["kid"] and cert["project_name"] == "大数据运行平台搭建"
    assert cert["exam_date"] == EXAM_DATE and cert["issued_on"] == TODAY
    verdict = rpc.certificate.verify_number(number)
    assert verdict["result"] == "valid"
    assert verdict["certificate"]["id_number"].count("*") == 13         # masked (3 + 2 kept)


def test_C2_serial_numbers_are_random_not_enumerable_and_a_taken_one_is_drawn_again(
        service, rpc, passed, monkeypatch):
    first = passed()["number"]
    second = passed()["number"]
    assert first[:6] == second[:6] == "512026"
    assert abs(int(second[6:13]) - int(first[6:13])) > 1       # not the next serial
    draws = iter([int(first[6:13]), int(first[6:13]), 4242])   # taken, taken, free
    monkeypatch.setattr(domain, "random_serial", lambda: next(draws))
    third = passed()["number"]
    assert third == domain.make_number("51", 2026, 4242)
    assert rpc.certificate.verify_number(third)["result"] == "valid"


def _as_cert(row):
    from datetime import date
    return dict(row, exam_date=date.fromisoformat(row["exam_date"]),
                issued_on=date.fromisoformat(row["issued_on"]))


def test_C2_name_holding_a_bar_and_a_backslash_is_issued_and_verifies(service, rpc, passed):
    name = "阿依古丽|买买提\\x"
    cert = passed(name=name)
    assert cert["name"] == name and cert["record_format"] == "SC2"
    assert rpc.certificate.verify_number(cert["number"])["result"] == "valid"
    [verdict] = rpc.certificate.find_certificates(cert["id_number"], name)
    assert verdict["result"] == "valid" and verdict["certificate"]["name"] == name
    payload = domain.qr_payload(domain.record_of(_as_cert(cert)), cert["signature"])
    assert rpc.certificate.verify_qr(payload)["result"] == "valid"
    offline = domain.verify_offline(payload, rpc.certificate.public_keys())
    assert offline["result"] == "valid" and offline["certificate"]["name"] == name


def test_certificate_look_ups_normalise_the_name_typed(service, rpc, passed):
    cert = passed(name="阿依古丽·买买提")
    for typed in ("阿依古丽・买买提", " 阿依古丽•买买提 ", "阿依古丽.买买提"):
        [verdict] = rpc.certificate.find_certificates(cert["id_number"], typed)
        assert verdict["result"] == "valid", typed
    pdf = rpc.certificate.download_certificate(cert["number"], cert["id_number"], "阿依古丽 ･ 买买提")
    assert pdf["sha256"] == cert["pdf_sha256"]
    with pytest.raises(ValidationFailed) as err:
        rpc.certificate.find_certificates(cert["id_number"], "阿依古丽\u202e买买提")
    assert err.value.field == "name"


def test_C1_fail_gets_no_certificate_and_a_pass_is_issued_from_the_event_alone(
        service, rpc, registration, passed):
    failed, _ = passed(result=False, wait=False)
    cert = passed(name="李四", seq=33)          # nobody is asked: no registration runs here
    assert (cert["status"], cert["sex"], cert["project_name"]) == ("valid", "M",
                                                                  "大数据运行平台搭建")
    [note] = wait_until(lambda: rpc.certificate.application_notes(failed["id"]), timeout=30)
    assert "did not pass" in note["note"]
    assert certificate_of(rpc, failed) is None


def test_T4_no_certificate_for_a_session_without_its_supervision_record(
        service, rpc, amqp_uri, registration):
    # 002 二(九): the signed supervision record is the basis of the certificate
    photo = sample_photo(44)
    digest = hashlib.sha256(photo).hexdigest()
    registration.photos[digest] = photo
    app = {"id": str(uuid.uuid4()), "batch_code": BATCH, "project_code": PROJECTS[0]["code"],
           "channel": "individual", "institution_code": None,
           "id_number": sample_id_number("19900101", 44), "name": "赵六", "sex": "M",
           "photo": digest}
    publish_event(amqp_uri, "exam", "result_finalized", result_of(app, supervision=None))
    [note] = wait_until(lambda: rpc.certificate.application_notes(app["id"]), timeout=30)
    assert "supervision" in note["note"] and certificate_of(rpc, app) is None


def test_C1_certificates_are_found_by_id_number_and_name(service, rpc, passed):
    cert = passed(name="王五", seq=31)
    found = rpc.certificate.find_certificates(cert["id_number"], "王五")
    assert [v["certificate"]["number"] for v in found] == [cert["number"]]
    assert found[0]["result"] == "valid"
    assert rpc.certificate.find_certificates(cert["id_number"], "王六") == []
    with pytest.raises(RuleViolation) as err:
        rpc.certificate.find_certificates(cert["id_number"][:-1] + "0"
                                          if cert["id_number"][-1] != "0"
                                          else cert["id_number"][:-1] + "1", "王五")
    assert err.value.rule == "R2"


# --- verification (C2) ----------------------------------------------------------------------

def test_C2_a_mistyped_number_is_caught_before_lookup_an_unknown_one_is_not_genuine(
        service, rpc, passed):
    number = passed()["number"]
    typo = number[:5] + str((int(number[5]) + 1) % 10) + number[6:]
    with pytest.raises(RuleViolation) as err:
        rpc.certificate.verify_number(typo)
    assert (err.value.code, err.value.rule, err.value.field) == (
        "CERTIFICATE_NUMBER_MISTYPED", "C2", "certificate_number")
    unknown = domain.make_number("51", 2026, 9_999_999)
    verdict = rpc.certificate.verify_number(unknown)
    assert (verdict["result"], verdict["reason"]) == ("not_genuine", "unknown_number")


def test_C2_a_record_altered_in_the_database_fails_its_signature(service, rpc, passed, db_url):
    cert = passed()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE certificates SET project_name = '商业数据分析' "
                          "WHERE number = :n"), {"n": cert["number"]})
    engine.dispose()
    verdict = rpc.certificate.verify_number(cert["number"])
    assert (verdict["result"], verdict["reason"]) == ("not_genuine", "bad_signature")


def test_C2_C3_the_pdf_reads_back_its_text_and_qr_and_verifies(service, rpc, passed):
    cert = passed(name="李四", seq=17)
    with pytest.raises(NotFound):                                  # only for the holder
        rpc.certificate.download_certificate(cert["number"], cert["id_number"], "张三")
    out = rpc.certificate.download_certificate(cert["number"], cert["id_number"], "李四")
    pdf = base64.b64decode(out["content_base64"])
    assert out["media_type"] == "application/pdf" and hashlib.sha256(pdf).hexdigest() == \
        out["sha256"]
    body = documents.pdf_text(pdf)
    for expected in ("专项职业能力证书", "李四", cert["id_number"], "大数据运行平台搭建",
                     cert["number"], "2026年10月24日", "四川省职业技能鉴定指导中心"):
        assert expected in body, expected
    fonts = documents.pdf_fonts(pdf)
    assert fonts and all(embedded for _, embedded in fonts), fonts     # CJK font embedded
    [qr] = documents.decode_qr(documents.render_page(pdf, scale=2))
    assert qr.startswith("http://localhost:8080/certificates/verify?p=")
    verdict = rpc.certificate.verify_qr(qr)
    assert verdict["result"] == "valid" and verdict["certificate"]["name"] == "李四"
    # one byte of the signed payload altered: not genuine
    payload = qr.split("?p=")[1]
    for at in (5, len(payload) // 3, len(payload) - 3):
        verdict = rpc.certificate.verify_qr(flip_one_char(payload, at))
        assert verdict["result"] == "not_genuine", at
    assert rpc.certificate.verify_qr("总之不是证书")["reason"] == "malformed"
    # the genuine payload behind another host's address is not vouched for
    foreign = rpc.certificate.verify_qr(f"https://cert-check.example/verify?p={payload}")
    assert (foreign["result"], foreign["reason"]) == ("not_genuine", "foreign_address")
    # the file itself: the one issued is genuine, a changed one is not
    assert rpc.certificate.verify_pdf(out["content_base64"])["result"] == "valid"
    changed = pdf[:2000] + bytes([pdf[2000] ^ 1]) + pdf[2001:]
    verdict = rpc.certificate.verify_pdf(base64.b64encode(changed).decode())
    assert (verdict["result"], verdict["reason"]) == ("not_genuine", "pdf_altered")
    with pytest.raises(ValidationFailed):
        rpc.certificate.verify_pdf("not base64 at all!")


def test_C2_a_qr_whose_key_id_was_tampered_into_a_nul_is_not_genuine(service, rpc, passed):
    """A flipped character of a QR payload can turn the key id's first digit into a NUL
    (kid '0…': one certificate in 16); PostgreSQL refuses NUL in a literal, so the
    lookup must not reach the database with it: the verdict is not genuine."""
    cert = passed()
    out = rpc.certificate.download_certificate(cert["number"], cert["id_number"], cert["name"])
    [qr] = documents.decode_qr(documents.render_page(base64.b64decode(out["content_base64"]),
                                                     scale=2))
    body, signature = qr.split("?p=")[1].split(".")
    text_ = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()
    fmt, kid, rest = text_.split("|", 2)
    for bad in ("\x00" + kid[1:], kid[:5] + "\x00" + kid[6:], "\x00"):
        tampered = base64.urlsafe_b64encode(f"{fmt}|{bad}|{rest}".encode()).decode() \
            .rstrip("=")
        verdict = rpc.certificate.verify_qr(f"{tampered}.{signature}")
        assert verdict["result"] == "not_genuine", (bad, verdict)
        assert verdict["reason"] in ("unknown_key", "malformed"), verdict


def test_C2_rotated_keys_keep_old_certificates_verifying(service, rpc, passed,
                                                         start_certificate, tmp_path):
    old = passed()
    rotated = rpc.certificate.rotate_signing_key({"actor": "证书科", "idempotency_key":
                                                  "rotate-2026-11"})
    again = rpc.certificate.rotate_signing_key({"actor": "证书科", "idempotency_key":
                                                "rotate-2026-11"})
    assert again == rotated and rotated["kid"] != old["kid"]
    new = passed()
    assert new["kid"] == rotated["kid"]
    keys = rpc.certificate.public_keys()
    assert [k["active"] for k in keys["keys"]] == [False, True]
    assert all(set(k) == {"kid", "algorithm", "public_key", "public_key_pem", "created_at",
                          "retired_at", "active"} for k in keys["keys"])
    # private keys: one file per key, owner-only, never in an answer
    files = sorted((tmp_path / "data" / "certificate" / "keys").glob("*.pem"))
    assert sorted(f.stem for f in files) == sorted([old["kid"], new["kid"]])
    assert all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)
    assert "PRIVATE" not in str(keys)
    start_certificate()                                             # a restart
    for cert in (old, new):
        assert rpc.certificate.verify_number(cert["number"])["result"] == "valid"
        pdf = base64.b64decode(rpc.certificate.download_certificate(
            cert["number"], cert["id_number"], cert["name"])["content_base64"])
        [qr] = documents.decode_qr(documents.render_page(pdf))
        assert domain.verify_offline(qr, keys)["result"] == "valid"     # offline, both keys
    assert passed()["kid"] == rotated["kid"]


# --- revocation (R4) ------------------------------------------------------------------------

def test_R4_revocation_with_reason_reaches_online_and_offline_verifiers(service, rpc, amqp_uri,
                                                                         passed):
    cert, other = passed(), passed()
    pdf = base64.b64decode(rpc.certificate.download_certificate(
        cert["number"], cert["id_number"], cert["name"])["content_base64"])
    [qr] = documents.decode_qr(documents.render_page(pdf))
    request = {"certificate_number": cert["number"], "reason_code": "falsified_material",
               "reason": "学历证明系伪造（发证后查实）", "actor": "证书科",
               "idempotency_key": "revoke-" + cert["number"]}
    with EventTap(amqp_uri, "certificate") as tap:
        out = rpc.certificate.revoke_certificate(request)
        [event] = tap.wait_for("certificate_revoked", timeout=30)
    assert out["status"] == "revoked" and out["revoked_on"] == TODAY
    assert rpc.certificate.revoke_certificate(request) == out                # replayed
    assert event["payload"]["certificate_number"] == cert["number"]
    assert event["payload"]["application_id"] == cert["application_id"]
    assert event["payload"]["reason"] == request["reason"] and event["payload"]["revoked_at"]
    with pytest.raises(Conflict) as err:
        rpc.certificate.revoke_certificate(dict(request, idempotency_key="revoke-again"))
    assert (err.value.code, err.value.rule) == ("CERTIFICATE_ALREADY_REVOKED", "R4")
    for verdict in (rpc.certificate.verify_number(cert["number"]),
                    rpc.certificate.verify_qr(qr)):
        assert verdict["result"] == "revoked"
        assert verdict["revocation"]["revoked_on"] == TODAY
        assert verdict["revocation"]["reason"] == request["reason"]
        assert verdict["revocation"]["rule"] == "R4"
    status = rpc.certificate.status_list()
    assert [e["number"] for e in status["list"]["revoked"]] == [cert["number"]]
    keys = rpc.certificate.public_keys()
    assert domain.verify_offline(qr, keys, status)["result"] == "revoked"
    assert rpc.certificate.verify_number(other["number"])["result"] == "valid"
    with pytest.raises(RuleViolation) as err:
        rpc.certificate.download_certificate(cert["number"], cert["id_number"], cert["name"])
    assert err.value.code == "CERTIFICATE_REVOKED"
    with pytest.raises(ValidationFailed) as err:
        rpc.certificate.revoke_certificate(dict(request, reason_code="dislike",
                                                idempotency_key="revoke-bad"))
    assert err.value.field == "reason_code"


# --- paper certificates (C4) -----------------------------------------------------------------

COLLECTOR = {"name": "赵机构", "id_number": sample_id_number("19800101", 401)}


def collection(institution="inst-02", **extra):
    return dict({"institution_code": institution, "batch_code": BATCH,
                 "collector": COLLECTOR, "registration_form": "川核证登-2026-0188",
                 "form_signed_and_stamped": True, "actor": "证书科"}, **extra)


def test_C4_print_batch_then_institution_collects_its_own_after_30_working_days(
        registration, start_certificate, rpc, passed):
    start_certificate(today="2026-12-03")            # 29 working days after the exam
    mine = [passed(channel="institution", institution_code="inst-02") for _ in range(2)]
    theirs = passed(channel="institution", institution_code="inst-03")
    alone = passed()
    batch = rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    assert batch["code"] == f"{BATCH}-P1" and batch["count"] == 4
    with pytest.raises(RuleViolation) as err:
        rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    assert (err.value.code, err.value.rule) == ("NOTHING_TO_PRINT", "C4")
    with pytest.raises(RuleViolation) as err:
        rpc.certificate.record_institution_collection(collection())
    assert (err.value.code, err.value.rule) == ("COLLECTION_TOO_EARLY", "C4")
    assert err.value.details["collectable_from"] == "2026-12-04"
    start_certificate(today="2026-12-04")
    with pytest.raises(Forbidden) as err:            # another institution's candidate
        rpc.certificate.record_institution_collection(collection(
            certificate_numbers=[mine[0]["number"], theirs["number"]]))
    assert (err.value.code, err.value.rule) == ("COLLECTION_OTHER_INSTITUTION", "C4")
    assert rpc.certificate.get_certificate(mine[0]["number"])["paper_status"] == "printed"
    with pytest.raises(ValidationFailed):            # the signed and stamped form is required
        rpc.certificate.record_institution_collection(collection(form_signed_and_stamped=False))
    done = rpc.certificate.record_institution_collection(collection())
    assert done["count"] == 2
    assert sorted(h["certificate_number"] for h in done["handovers"]) == \
        sorted(c["number"] for c in mine)
    entry = done["handovers"][0]
    assert entry["kind"] == "center_to_institution" and entry["receiver_name"] == "赵机构"
    assert entry["for_name"] == "张三" and entry["registration_form"] == "川核证登-2026-0188"
    with pytest.raises(Conflict) as err:
        rpc.certificate.record_institution_collection(collection(
            certificate_numbers=[mine[0]["number"]]))
    assert err.value.code == "ALREADY_COLLECTED"
    with pytest.raises(Forbidden) as err:            # individuals collect in person
        rpc.certificate.record_institution_collection(collection(
            certificate_numbers=[alone["number"]]))
    assert err.value.code == "COLLECTION_OTHER_INSTITUTION"


def test_C4_individual_collects_in_person_every_handover_is_in_the_ledger_csv(
        registration, start_certificate, rpc, passed):
    start_certificate(today="2026-12-04")
    alone = passed(name="孙七", seq=77)
    inst = passed(channel="institution", institution_code="inst-02", name="周八", seq=78)
    rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    card = {"kind": "resident_id_card_2g", "valid_until": "2035-06-30"}
    holder = {"name": "孙七", "id_number": alone["id_number"]}
    with pytest.raises(Forbidden) as err:            # someone else's ID
        rpc.certificate.record_individual_collection({
            "certificate_number": alone["number"], "actor": "证书科", "id_document": card,
            "holder": {"name": "周八", "id_number": inst["id_number"]}})
    assert (err.value.code, err.value.rule) == ("NOT_THE_HOLDER", "C4")
    with pytest.raises(RuleViolation) as err:        # an expired card
        rpc.certificate.record_individual_collection({
            "certificate_number": alone["number"], "actor": "证书科", "holder": holder,
            "id_document": dict(card, valid_until="2026-01-31")})
    assert (err.value.code, err.value.rule) == ("ID_DOCUMENT_EXPIRED", "C4")
    got = rpc.certificate.record_individual_collection({
        "certificate_number": alone["number"], "actor": "证书科", "holder": holder,
        "id_document": card, "idempotency_key": "collect-" + alone["number"]})
    assert got["kind"] == "center_to_holder" and got["receiver_name"] == "孙七"
    rpc.certificate.record_institution_collection(collection())
    with pytest.raises(Forbidden):                   # the institution gives it to its holder only
        rpc.certificate.record_institution_handover({
            "institution_code": "inst-02", "certificate_number": inst["number"],
            "receiver": holder, "actor": "机构经办人"})
    rpc.certificate.record_institution_handover({
        "institution_code": "inst-02", "certificate_number": inst["number"],
        "receiver": {"name": "周八", "id_number": inst["id_number"]}, "actor": "机构经办人"})
    trail = rpc.certificate.certificate_ledger(inst["number"])
    assert [h["kind"] for h in trail] == ["center_to_institution", "institution_to_holder"]
    assert rpc.certificate.get_certificate(inst["number"])["paper_status"] == "with_holder"
    export = rpc.certificate.export_ledger({"batch_code": BATCH})
    rows = list(csv.reader(io.StringIO(export["csv"])))
    assert rows[0][:4] == ["序号", "证书编号", "持证人", "持证人身份证号"]
    assert export["count"] == 3 and len(rows) == 4
    assert [r[6] for r in rows[1:]] == ["中心交本人", "中心交报名机构", "报名机构交本人"]
    assert all(r[3].count("*") == 13 and r[9].count("*") == 13 for r in rows[1:])  # masked
    only = rpc.certificate.export_ledger({"institution_code": "inst-02"})
    assert only["count"] == 2 and only["filename"] == "ledger-inst-02.csv"


def test_C1_invalid_result_event_goes_to_the_dead_letter_queue_and_issues_nothing(
        service, rpc, amqp_uri, registration):
    publish_event(amqp_uri, "exam", "result_finalized", {"application_id": "x", "passed": "?"})
    queue = "evt-exam-result_finalized--certificate.on_result_finalized.dlq"
    assert wait_until(lambda: rpc.certificate.dead_letters()["queues"].get(queue), timeout=30)
    assert rpc.certificate.list_certificates(BATCH) == []


def test_C2_C4_bad_input_gets_structured_answers_and_changes_nothing(service, rpc, passed):
    cert = passed()
    for call, args in (("verify_number", (None,)), ("verify_number", ("51-2026",)),
                       ("certificate_ledger", (12,)), ("export_ledger", ("all",)),
                       ("find_certificates", ("not an id", "张三")),
                       ("download_certificate", (cert["number"], None, None)),
                       ("verify_numbers", ([],)), ("verify_pdf", (None,)),
                       ("create_print_batch", ({"batch_code": BATCH},)),
                       ("record_institution_collection", ({"institution_code": "inst-02"},)),
                       ("revoke_certificate", ("revoke it",))):
        with pytest.raises((ValidationFailed, RuleViolation, NotFound)):
            getattr(rpc.certificate, call)(*args)
    for text in (None, 42, "", "https://verify.example/c?p=", "a.b", "x" * 5000,
                 "SC1|k|n.sig"):
        assert rpc.certificate.verify_qr(text)["reason"] == "malformed"
    verdicts = rpc.certificate.verify_numbers([cert["number"], "123", 5])
    assert [v["result"] for v in verdicts] == ["valid", "invalid_number", "invalid_number"]
    after = rpc.certificate.get_certificate(cert["number"])
    assert (after["status"], after["paper_status"], after["ledger"]) == ("valid", "none", [])


def test_C4_ledger_csv_cells_that_look_like_formulas_are_escaped(registration,
                                                                 start_certificate, rpc,
                                                                 passed):
    start_certificate(today="2026-12-04")
    cert = passed(name="=HYPERLINK(\"http://x\")", seq=79)
    rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    rpc.certificate.record_individual_collection({
        "certificate_number": cert["number"], "actor": "@证书科",
        "holder": {"name": cert["name"], "id_number": cert["id_number"]},
        "id_document": {"kind": "resident_id_card_2g", "valid_until": "2035-06-30"}})
    rows = list(csv.reader(io.StringIO(rpc.certificate.export_ledger({})["csv"])))
    [row] = rows[1:]
    assert row[2] == row[8] == "'=HYPERLINK(\"http://x\")"
    assert row[12] == "'@证书科"


def test_C4_ledger_xlsx_holds_the_csv_rows_and_no_formula(registration, start_certificate, rpc,
                                                          passed):
    from openpyxl import load_workbook

    start_certificate(today="2026-12-04")
    cert = passed(channel="institution", institution_code="inst-02",
                  name="=HYPERLINK(\"http://x\")", seq=80)
    rpc.certificate.create_print_batch({"batch_code": BATCH, "actor": "证书科"})
    rpc.certificate.record_institution_collection(collection())
    out = rpc.certificate.export_ledger_xlsx({"institution_code": "inst-02"})
    assert out["filename"] == "ledger-inst-02.xlsx" and out["count"] == 1
    ws = load_workbook(io.BytesIO(base64.b64decode(out["content_base64"]))).active
    assert ws["A1"].value == "证书台账"
    assert [c.value for c in ws[2]][:4] == ["序号", "证书编号", "持证人", "持证人身份证号"]
    assert ws["B3"].value == cert["number"]
    assert ws["C3"].data_type == "s" and ws["C3"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["G3"].value == "中心交报名机构" and ws["D3"].value.count("*") == 13
