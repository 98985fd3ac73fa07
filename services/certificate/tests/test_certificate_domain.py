"""Unit tests of certificate/domain.py and signing.py: pure, no broker, no database."""
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, strategies as st

from kernel.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from kernel.testing import sample_id_number

from certificate import domain, signing

# C4: the 2026 setting (config.yaml CERTIFICATE_COLLECTION_WORKING_DAYS)
DELAYS = {2024: {"institution": 60, "individual": 60},
          2026: {"institution": 30, "individual": 30}}

ID = sample_id_number("19950315", 7)


def _cert(**overrides):
    key = overrides.pop("key", None) or signing.generate()
    cert = {"number": domain.make_number("51", 2026, 42), "name": "张三", "id_number": ID,
            "project_name": "大数据运行平台搭建", "exam_date": date(2026, 10, 24),
            "issued_on": date(2026, 11, 20), "kid": signing.key_id(key), "status": "valid",
            "channel": "individual", "institution_code": None, "paper_status": "printed",
            "revoked_on": None}
    cert.update(overrides)
    cert["signature"] = signing.sign(key, domain.record_of(cert).encode())
    return cert, key


def _published(*keys):
    return {"algorithm": "Ed25519", "keys": [
        {"kid": signing.key_id(k), "public_key": signing.b64u(signing.raw_public(k))}
        for k in keys]}


# --- numbering (C2) ---------------------------------------------------------------

def test_C2_number_scheme_province_year_serial_and_mod_11_2_check():
    number = domain.make_number("51", 2026, 123)
    assert len(number) == 14 and number.startswith("512026" + "0000123")
    assert domain.parse_number(number) == number
    assert domain.parse_number(f" {number[:2]}-{number[2:6]} {number[6:]} ") == number
    assert domain.number_year(number) == 2026


@given(serial=st.integers(1, 9_999_999), pos=st.integers(0, 12), delta=st.integers(1, 9))
def test_C2_every_single_mistyped_digit_is_caught_before_lookup(serial, pos, delta):
    number = domain.make_number("51", 2026, serial)
    typo = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1:]
    with pytest.raises(RuleViolation) as err:
        domain.parse_number(typo)
    assert (err.value.code, err.value.rule) == ("CERTIFICATE_NUMBER_MISTYPED", "C2")


@given(serial=st.integers(1, 9_999_999), pos=st.integers(0, 12))
def test_C2_swapped_neighbours_are_caught(serial, pos):
    number = domain.make_number("51", 2026, serial)
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:]
    if swapped != number:
        with pytest.raises(RuleViolation):
            domain.parse_number(swapped)


@pytest.mark.parametrize("raw", ["", "5120260000123", "51202600001230X", "ABCDEFGHIJKLMN",
                                 "5120260000123Y"])
def test_C2_malformed_numbers_are_refused(raw):
    with pytest.raises(RuleViolation) as err:
        domain.parse_number(raw)
    assert err.value.code == "CERTIFICATE_NUMBER_MALFORMED"
    with pytest.raises(ValidationFailed):
        domain.parse_number(51202600001230)


# --- the signed record and QR (C2) ----------------------------------------------------

def test_C2_qr_payload_round_trips_and_carries_the_verify_address():
    cert, key = _cert()
    record = domain.record_of(cert)
    assert record.split("|")[:3] == ["SC1", cert["kid"], cert["number"]]
    text = domain.qr_text("https://verify.example/c", domain.qr_payload(record,
                                                                        cert["signature"]))
    assert text.startswith("https://verify.example/c?p=")
    assert domain.split_qr(text) == (record, cert["signature"])
    assert domain.split_qr(text.split("?p=")[1]) == (record, cert["signature"])   # bare payload
    fields = domain.parse_record(record)
    assert fields["exam_date"] == date(2026, 10, 24) and fields["name"] == "张三"


@pytest.mark.parametrize("text", ["", "hello", "https://x.example/?q=1", "abc.def",
                                  "!!!.sig", "x" * 3000, None])
def test_C2_text_that_is_no_payload_is_malformed(text):
    with pytest.raises(domain.Malformed):
        domain.split_qr(text)


def test_C2_record_fields_may_not_smuggle_a_separator():
    with pytest.raises(ValueError):
        _cert(name="张|三")


def test_C2_altered_byte_in_a_signed_payload_fails_offline_verification():
    cert, key = _cert()
    payload = domain.qr_payload(domain.record_of(cert), cert["signature"])
    keys = _published(key)
    assert domain.verify_offline(payload, keys)["result"] == "valid"
    for i in range(len(payload)):            # every single character of it
        ch = payload[i]
        altered = payload[:i] + ("A" if ch != "A" else "B") + payload[i + 1:]
        verdict = domain.verify_offline(altered, keys)
        assert verdict["result"] == "not_genuine", i
        assert verdict["reason"] in ("bad_signature", "malformed", "unknown_key")


def test_C2_rotated_keys_old_certificates_still_verify_unknown_keys_do_not():
    old, old_key = _cert()
    new, new_key = _cert(number=domain.make_number("51", 2026, 43))
    keys = _published(old_key, new_key)
    for cert in (old, new):
        payload = domain.qr_payload(domain.record_of(cert), cert["signature"])
        assert domain.verify_offline(payload, keys)["result"] == "valid"
    forged, _ = _cert()                         # signed by a key we never published
    payload = domain.qr_payload(domain.record_of(forged), forged["signature"])
    assert domain.verify_offline(payload, keys)["reason"] == "unknown_key"


def test_R4_signed_status_list_tells_offline_verifiers_of_a_revocation():
    cert, key = _cert()
    payload = domain.qr_payload(domain.record_of(cert), cert["signature"])
    doc = domain.status_list("中心", signing.key_id(key), datetime(2026, 12, 1, tzinfo=timezone.utc),
                             [(cert["number"], date(2026, 11, 30), "falsified_material")])
    status = {"list": doc, "signature": signing.sign(key, domain.canonical(doc))}
    verdict = domain.verify_offline(payload, _published(key), status)
    assert verdict["result"] == "revoked"
    assert verdict["revocation"]["revoked_on"] == "2026-11-30"
    assert verdict["revocation"]["rule"] == "R4"
    tampered = {"list": dict(doc, revoked=[]), "signature": status["signature"]}
    with pytest.raises(domain.StatusListInvalid):
        domain.verify_offline(payload, _published(key), tampered)


def test_C2_public_verdicts_mask_the_id_number():
    cert, _ = _cert()
    view = domain.valid(cert)["certificate"]
    assert view["id_number"] == ID[:3] + "*" * 13 + ID[-2:]
    assert ID[6:14] not in view["id_number"]          # no birth date to brute-force


def test_C2_sc2_record_escapes_a_bar_a_backslash_and_line_breaks():
    for name in ("阿依古丽|买买提", "张\\三", "a\\|b||\\", "x\\n"):
        cert, key = _cert(name=name, record_format="SC2", project_name="数据|分析\n")
        record = domain.record_of(cert)
        assert record.startswith("SC2|") and "\n" not in record
        fields = domain.parse_record(record)
        assert fields["name"] == name and fields["project_name"] == "数据|分析\n"
        assert fields["number"] == cert["number"] and fields["format"] == "SC2"
        payload = domain.qr_payload(record, cert["signature"])
        verdict = domain.verify_offline(payload, _published(key))
        assert verdict["result"] == "valid" and verdict["certificate"]["name"] == name


def test_C2_sc1_records_signed_before_sc2_still_verify():
    cert, key = _cert()                       # no record_format: a row from before SC2
    record = domain.record_of(cert)
    assert record.startswith("SC1|")
    payload = domain.qr_payload(record, cert["signature"])
    assert domain.verify_offline(payload, _published(key))["result"] == "valid"
    assert domain.record_of(dict(cert, record_format="SC1")) == record


@pytest.mark.parametrize("text", ["SC2|a\\", "SC2|a\\x|b|c|d|e|20260101|20260101",
                                  "SC9|k|n|a|b|c|20260101|20260101"])
def test_C2_record_with_a_bad_escape_or_format_is_malformed(text):
    with pytest.raises(domain.Malformed):
        domain.parse_record(text)


def test_C2_random_serials_are_spread_over_the_whole_range():
    serials = [domain.random_serial() for _ in range(2000)]
    assert all(1 <= s <= 9_999_999 for s in serials)
    assert len(set(serials)) > 1990
    assert max(serials) - min(serials) > 9_000_000


# --- issuance (C1) ------------------------------------------------------------------------

RESULT = {"application_id": "a1", "batch_code": "2026-10", "project_code": "p",
          "id_number": ID, "name": "张三", "passed": True, "score": 80,
          "exam_date": date(2026, 10, 24), "roster_status": "confirmed", "sex": "M",
          "channel": "individual", "institution_code": None, "project_name": "大数据运行平台搭建",
          "photo": "0" * 64, "photo_base64": "AA==",
          "supervision": {"name": "督导员甲", "at": "2026-10-24T10:00:00+08:00"}}


def test_C1_a_pass_with_everything_the_certificate_needs_is_issued_from_the_event_alone():
    # #14: the event carries sex, channel, photo, project name, roster status, supervision
    assert domain.check_issuable(RESULT, date(2026, 11, 20)) is None


def test_C1_fail_or_a_candidate_off_the_roster_is_skipped_with_a_reason():
    assert "did not pass" in domain.check_issuable(dict(RESULT, passed=False),
                                                   date(2026, 11, 20))
    assert "cancelled" in domain.check_issuable(dict(RESULT, roster_status="cancelled"),
                                                date(2026, 11, 20))


@pytest.mark.parametrize("field", domain.ISSUE_FIELDS)
def test_C1_a_result_sent_before_it_carried_the_application_is_noted_not_issued(field):
    assert field in domain.check_issuable(dict(RESULT, **{field: None}), date(2026, 11, 20))


def test_T4_no_certificate_without_the_sessions_signed_supervision_record():
    # 002 二(九): 对质量督导情况如实记录并签字，作为办理专项职业能力证书的依据
    assert "supervision" in domain.check_issuable(dict(RESULT, supervision=None),
                                                  date(2026, 11, 20))


# --- paper certificates (C4) ----------------------------------------------------------------

INST = dict(_cert(channel="institution", institution_code="inst-02")[0])


def test_C4_institution_collects_from_30_working_days_after_the_exam():
    # exam Saturday 2026-10-24: six full working weeks later is Friday 2026-12-04
    assert domain.collectable_from(date(2026, 10, 24), 30) == date(2026, 12, 4)
    # around National Day the holidays do not count: exam 2026-09-19
    assert domain.collectable_from(date(2026, 9, 19), 30) == date(2026, 11, 5)
    with pytest.raises(RuleViolation) as err:
        domain.check_institution_collection(INST, "inst-02", date(2026, 12, 3), DELAYS)
    assert (err.value.code, err.value.rule) == ("COLLECTION_TOO_EARLY", "C4")
    assert err.value.details["collectable_from"] == "2026-12-04"
    domain.check_institution_collection(INST, "inst-02", date(2026, 12, 4), DELAYS)


def test_C4_institution_collects_only_its_own_candidates_certificates():
    with pytest.raises(Forbidden) as err:
        domain.check_institution_collection(INST, "inst-03", date(2026, 12, 7), DELAYS)
    assert (err.value.code, err.value.rule) == ("COLLECTION_OTHER_INSTITUTION", "C4")
    individual, _ = _cert()
    with pytest.raises(Forbidden):
        domain.check_institution_collection(individual, "inst-02", date(2026, 12, 7), DELAYS)


def test_C4_paper_must_be_printed_collected_once_and_not_revoked():
    for paper, code in (("none", "NOT_PRINTED"), ("with_institution", "ALREADY_COLLECTED")):
        with pytest.raises(RuleViolation if paper == "none" else Conflict) as err:
            domain.check_institution_collection(dict(INST, paper_status=paper), "inst-02",
                                                date(2026, 12, 7), DELAYS)
        assert err.value.code == code
    with pytest.raises(RuleViolation) as err:
        domain.check_institution_collection(dict(INST, status="revoked",
                                                 revoked_on=date(2026, 12, 1)),
                                            "inst-02", date(2026, 12, 7), DELAYS)
    assert (err.value.code, err.value.rule) == ("CERTIFICATE_REVOKED", "R4")


def test_C4_individual_collects_in_person_with_a_valid_id():
    cert, _ = _cert()
    holder = {"name": "张三", "id_number": ID}
    card = {"kind": "resident_id_card_2g", "valid_until": date(2030, 1, 1), "long_term": False}
    domain.check_individual_collection(cert, holder, card, date(2026, 12, 7), DELAYS)
    with pytest.raises(Forbidden) as err:
        domain.check_individual_collection(cert, dict(holder, id_number=sample_id_number(seq=9)),
                                           card, date(2026, 12, 7), DELAYS)
    assert err.value.code == "NOT_THE_HOLDER"
    with pytest.raises(RuleViolation) as err:
        domain.check_individual_collection(cert, holder, dict(card, valid_until=date(2026, 1, 1)),
                                           date(2026, 12, 7), DELAYS)
    assert err.value.code == "ID_DOCUMENT_EXPIRED"
    domain.check_individual_collection(cert, holder, dict(card, valid_until=None,
                                                          long_term=True), date(2026, 12, 7),
                                       DELAYS)
    with pytest.raises(RuleViolation) as err:
        domain.check_individual_collection(INST, holder, card, date(2026, 12, 7), DELAYS)
    assert err.value.code == "COLLECTED_BY_INSTITUTION"


def test_C4_institution_hands_over_only_what_it_holds_to_the_holder():
    held = dict(INST, paper_status="with_institution")
    holder = {"name": "张三", "id_number": ID}
    domain.check_institution_handover(held, "inst-02", holder)
    with pytest.raises(RuleViolation):
        domain.check_institution_handover(INST, "inst-02", holder)         # still at the center
    with pytest.raises(Forbidden):
        domain.check_institution_handover(held, "inst-02", dict(holder, name="李四"))


def test_R4_revoked_twice_is_a_conflict_and_is_not_downloadable():
    cert = dict(INST, status="revoked", revoked_on=date(2026, 12, 1))
    with pytest.raises(Conflict) as err:
        domain.check_revocable(cert)
    assert err.value.rule == "R4"
    with pytest.raises(RuleViolation):
        domain.check_downloadable(cert)
    domain.check_revocable(INST)


def test_C2_a_qr_address_that_is_not_the_configured_verification_url_is_refused():
    """A genuine payload behind another host's address is not ours to vouch for."""
    cert, _ = _cert()
    payload = domain.qr_payload(domain.record_of(cert), cert["signature"])
    ours = "https://zs.sc-osta.example/certificates/verify"
    assert domain.split_qr(f"{ours}?p={payload}", ours)
    assert domain.split_qr(f"HTTPS://ZS.SC-OSTA.EXAMPLE/certificates/verify/?p={payload}", ours)
    assert domain.split_qr(payload, ours)                              # the bare payload
    for foreign in (f"https://evil.example/certificates/verify?p={payload}",
                    f"http://zs.sc-osta.example/certificates/verify?p={payload}",
                    f"https://zs.sc-osta.example/other?p={payload}",
                    f"https://zs.sc-osta.example.evil.example/certificates/verify?p={payload}"):
        with pytest.raises(domain.ForeignAddress):
            domain.split_qr(foreign, ours)
