"""Unit tests of the rules of 身份核验 (verification codes) and of who may read an
uploaded file (gateway.domain), and of the SMS senders (gateway.sms): the
Alibaba Cloud request signature against Alibaba Cloud's own documented
examples, the file outbox's permissions. docs/verification.md."""
import http.server
import json
import os
import stat
import threading
import urllib.parse
from datetime import datetime, timezone

import pytest

from kernel.errors import Conflict, DomainError, ValidationFailed

from gateway import domain, sms
from gateway.domain import Principal, PendingCode

KEY = domain.code_key("test-secret")


def pending(code="123456", sent_at=1000.0, attempts=0, username="zhang"):
    return PendingCode(digest=domain.code_digest(KEY, username, "n1", code), nonce="n1",
                       sent_at=sent_at, expires_at=sent_at + domain.CODE_TTL_S,
                       attempts=attempts)


# --- codes -----------------------------------------------------------------------------

def test_a_code_is_six_digits_from_the_random_source_given():
    assert domain.new_code(lambda n: 42) == "000042"
    assert domain.new_code(lambda n: n - 1) == "999999"
    import secrets
    codes = {domain.new_code(secrets.randbelow) for _ in range(50)}
    assert all(len(c) == 6 and c.isdigit() for c in codes) and len(codes) > 40


def test_a_code_is_kept_as_a_keyed_digest_bound_to_the_account_and_nonce():
    digest = domain.code_digest(KEY, "zhang", "n1", "123456")
    assert "123456" not in digest and len(digest) == 64
    assert digest != domain.code_digest(KEY, "li", "n1", "123456")
    assert digest != domain.code_digest(KEY, "zhang", "n2", "123456")
    assert digest != domain.code_digest(domain.code_key("other-secret"), "zhang", "n1",
                                        "123456")


def test_the_right_code_passes_and_a_wrong_one_says_how_many_tries_are_left():
    assert domain.judge_code(pending(attempts=1), "123456", KEY, "zhang") is None
    wrong = domain.judge_code(pending(attempts=1), "654321", KEY, "zhang")
    assert wrong.code == "VERIFICATION_CODE_WRONG" and wrong.details == {"tries_left": 4}
    assert wrong.field == "code"
    # the code of another account does not fit this one
    assert domain.judge_code(pending(attempts=1), "123456", KEY, "li") is not None


def test_the_fifth_wrong_code_locks_it_and_a_locked_code_is_not_compared():
    last = domain.judge_code(pending(attempts=domain.CODE_TRIES), "000000", KEY, "zhang")
    assert last.code == "VERIFICATION_LOCKED"
    with pytest.raises(Conflict) as err:
        domain.check_can_try(pending(attempts=5), 1001.0)
    assert err.value.code == "VERIFICATION_LOCKED"


def test_a_code_expires_after_ten_minutes_and_needs_to_have_been_sent():
    domain.check_can_try(pending(), 1000.0 + domain.CODE_TTL_S - 1)
    with pytest.raises(Conflict) as err:
        domain.check_can_try(pending(), 1000.0 + domain.CODE_TTL_S)
    assert err.value.code == "VERIFICATION_CODE_EXPIRED"
    with pytest.raises(Conflict) as err:
        domain.check_can_try(None, 1000.0)
    assert err.value.code == "VERIFICATION_NOT_REQUESTED"
    assert domain.CODE_TTL_S == 600 and domain.CODE_TRIES == 5


def test_a_new_code_only_a_minute_after_the_last():
    domain.check_can_send(None, 1000.0)
    domain.check_can_send(pending(sent_at=1000.0), 1060.0)
    with pytest.raises(domain.TooManyRequests) as err:
        domain.check_can_send(pending(sent_at=1000.0), 1045.0)
    assert err.value.code == "VERIFICATION_RESEND_TOO_SOON"
    assert err.value.details == {"retry_after_s": 15.0}


def test_only_mobile_numbers_on_file_receive_a_code_shown_masked():
    assert domain.mobiles(["13912345678", "028-85551234", "139 1234 5678", "12345",
                           "13800138000"]) == ["13912345678", "13800138000"]
    assert domain.mask_phone("13912345678") == "139****5678"
    assert domain.choose_phone(["13912345678", "13800138000"], None) == "13912345678"
    assert domain.choose_phone(["13912345678", "13800138000"], 1) == "13800138000"
    with pytest.raises(ValidationFailed) as err:
        domain.choose_phone(["13912345678"], 1)
    assert err.value.field == "phone_index"
    with pytest.raises(Conflict) as err:
        domain.choose_phone([], None)
    assert err.value.code == "NO_PHONE_ON_FILE"


def test_the_message_names_the_code_and_its_ten_minutes():
    text = domain.sms_text("123456")
    assert "123456" in text and "10 分钟" in text


# --- who may read an uploaded file -------------------------------------------------------

ZHANG = Principal(username="zhang", role="candidate", name="张三", id_number="X1")
SQUATTER = Principal(username="squat", role="candidate", name="王五", id_number="X2")
VERIFIED = Principal(username="wang", role="candidate", name="王五", id_number="X2",
                     verified=True)
OPERATOR = Principal(username="op", role="institution_operator", institution_code="inst-01")
OTHER_OP = Principal(username="op2", role="institution_operator", institution_code="inst-02")
REVIEWER = Principal(username="rev", role="reviewer")


def test_a_file_is_read_by_its_uploader_the_readers_of_its_applications_and_staff():
    unattached = {"uploaders": ["candidate:zhang"], "applications": []}
    assert domain.may_read_file(ZHANG, unattached)
    assert not domain.may_read_file(SQUATTER, unattached)
    assert not domain.may_read_file(OPERATOR, unattached)
    assert domain.may_read_file(REVIEWER, unattached)
    registered = {"uploaders": ["institution:inst-01"],
                  "applications": [{"id_number": "X2", "name": "王五",
                                    "channel": "institution", "institution_code": "inst-01"}]}
    assert domain.may_read_file(OPERATOR, registered)
    assert not domain.may_read_file(OTHER_OP, registered)
    # the person an institution registered: only once verified (PERSON_NOT_VERIFIED)
    assert not domain.may_read_file(SQUATTER, registered)
    assert domain.may_read_file(VERIFIED, registered)
    assert not domain.may_read_file(ZHANG, registered)
    # a file the service does not know: nobody of those held to their own files
    assert not domain.may_read_file(ZHANG, None) and domain.may_read_file(REVIEWER, None)
    assert domain.uploader_key(OPERATOR) == "institution:inst-01"
    assert domain.uploader_key(REVIEWER) is None


def test_a_request_attaches_only_files_its_caller_may_read():
    readers = {"a": {"uploaders": ["candidate:zhang"], "applications": []}}
    refs = [("materials.photo", "a"), ("materials.id_card_front", "b")]
    assert domain.unreadable_files(ZHANG, refs, readers) == [("materials.id_card_front", "b")]
    assert domain.unreadable_files(SQUATTER, refs, readers) == refs


# --- SMS senders ------------------------------------------------------------------------------

def test_the_aliyun_signature_matches_alibaba_clouds_documented_rpc_example():
    """Alibaba Cloud's "Signature mechanism" of RPC APIs (the method every RPC API,
    SMS included, shares; e.g. https://www.alibabacloud.com/help/doc-detail/127287.htm,
    its DescribeRegions example with testid/testsecret also at
    https://developer.aliyun.com/ask/210168)."""
    params = {"TimeStamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid",
              "Action": "DescribeRegions", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
              "Version": "2014-05-26", "SignatureVersion": "1.0"}
    assert sms.string_to_sign("GET", params) == (
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML"
        "%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
        "%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z"
        "%26Version%3D2014-05-26")
    assert sms.rpc_signature("testsecret", "GET", params) == "CT9X0VtwR86fNWSnsc6v8YGOjuE="


def test_the_aliyun_signature_matches_the_sms_services_documented_sendsms_example():
    """https://help.aliyun.com/document_detail/101343 (短信服务 HTTP 协议及签名):
    SendSms with testId/testSecret and a Chinese sign name."""
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou",
              "SignName": "阿里云短信测试专用", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
              "Version": "2017-05-25"}
    assert "SignName%3D%25E9%2598%25BF%25E9%2587%258C" in sms.string_to_sign("GET", params)
    assert sms.rpc_signature("testSecret", "GET", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    assert sms.percent_encode("a b*~") == "a%20b%2A~"


class _Provider(http.server.BaseHTTPRequestHandler):
    """Alibaba Cloud's SendSms as seen from outside, for the unit test only:
    records the form it gets and answers what the test set."""
    answer = {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0",
              "RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990"}
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode("ascii")
        self.seen.append((self.headers["Content-Type"], body))
        out = json.dumps(self.answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def provider():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Provider.seen = []
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_aliyun_sender_posts_a_signed_sendsms_form_and_refuses_a_failed_answer(provider):
    sender = sms.AliyunSms("LTAIkey", "secret-1", "四川技能人才", "SMS_123", endpoint=provider)
    out = sender.send("13912345678", "654321",
                      now=datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc))
    assert out == {"provider": "aliyun", "id": "900619746936498440^0"}
    [(content_type, body)] = _Provider.seen
    assert content_type == "application/x-www-form-urlencoded"
    form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    assert (form["Action"], form["Version"], form["PhoneNumbers"], form["SignName"],
            form["TemplateCode"], form["Timestamp"]) == (
        "SendSms", "2017-05-25", "13912345678", "四川技能人才", "SMS_123", "2026-11-02T08:00:00Z")
    assert json.loads(form["TemplateParam"]) == {"code": "654321"}
    signature = form.pop("Signature")
    assert signature == sms.rpc_signature("secret-1", "POST", form)
    _Provider.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控",
                        "RequestId": "R1"}
    try:
        with pytest.raises(DomainError) as err:
            sender.send("13912345678", "654321")
    finally:
        _Provider.answer = {"Code": "OK", "BizId": "1"}
    assert err.value.code == "SMS_SEND_FAILED" and err.value.status == "unavailable"
    assert err.value.details == {"provider_code": "isv.BUSINESS_LIMIT_CONTROL"}


def test_the_aliyun_sender_needs_its_settings():
    with pytest.raises(ValueError) as err:
        sms.make_sender({"SMS_SENDER": "aliyun", "ALIYUN_SMS_ACCESS_KEY_ID": "k"})
    assert "ALIYUN_SMS_ACCESS_KEY_SECRET" in str(err.value)
    with pytest.raises(ValueError):
        sms.make_sender({"SMS_SENDER": "carrier-pigeon"})


def test_the_file_outbox_keeps_each_message_owner_only(tmp_path):
    sender = sms.make_sender({"SMS_SENDER": "file", "SKILLCERT_DATA_DIR": str(tmp_path)})
    sender.send("13912345678", "123456")
    outbox = tmp_path / sms.OUTBOX
    [path] = list(outbox.iterdir())
    assert stat.S_IMODE(os.stat(outbox).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    message = json.loads(path.read_text(encoding="utf-8"))
    assert (message["to"], message["code"]) == ("13912345678", "123456")
    assert "123456" in message["text"]
