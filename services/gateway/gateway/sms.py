"""Text messages (the verification code, docs/verification.md), through a sender
chosen by a setting:

| SMS_SENDER | what it does |
|---|---|
| `file` (default) | writes each message, owner-only, to `<data dir>/sms-outbox/` (SMS_OUTBOX_DIR): for a single-machine deployment, where the operator reads it there and passes the code on to the person at that number (a phone call), and for tests. Nothing is delivered by itself: it is not a fake that passes. |
| `aliyun` | Alibaba Cloud Short Message Service (阿里云短信服务), API `SendSms` of dysmsapi 2017-05-25, over HTTPS with the RPC signature method (HMAC-SHA1, SignatureVersion 1.0) documented by Alibaba Cloud |

Settings of `aliyun`: ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET
(a RAM user's key allowed only `dysms:SendSms`), ALIYUN_SMS_SIGN_NAME (the
approved 短信签名), ALIYUN_SMS_TEMPLATE_CODE (an approved 验证码 template with
the variable `${code}`), ALIYUN_SMS_ENDPOINT (default
https://dysmsapi.aliyuncs.com/), ALIYUN_SMS_REGION (default cn-hangzhou),
ALIYUN_SMS_TIMEOUT (seconds, default 10).

No sender ever logs a code or a full phone number.
"""
import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests
from nameko.extensions import DependencyProvider

from kernel import settings

from gateway import domain

log = logging.getLogger(__name__)

OUTBOX = "sms-outbox"
ALIYUN_ENDPOINT = "https://dysmsapi.aliyuncs.com/"
ALIYUN_VERSION = "2017-05-25"


def unavailable(message, **details):
    return domain.ServiceUnavailable("SMS_SEND_FAILED", message, details=details)


class FileOutbox:
    """Each message a JSON file of its own in ``directory`` (0700), mode 0600."""
    name = "file"

    def __init__(self, directory):
        self.directory = Path(directory)

    def send(self, phone, code, now=None):
        now = now or datetime.now(timezone.utc)
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"{stamp}-{secrets.token_hex(4)}.json"
        message = {"to": phone, "code": code, "text": domain.sms_text(code),
                   "at": now.isoformat()}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(message, out, ensure_ascii=False)
        log.info("sms: a verification code for %s is in %s", domain.mask_phone(phone),
                 path.name)
        return {"provider": self.name, "id": path.name}


# --- Alibaba Cloud SMS ----------------------------------------------------------------

def percent_encode(value):
    """RFC 3986 as Alibaba Cloud's RPC signature wants it: A-Z a-z 0-9 - _ . ~
    kept, everything else %XY of its UTF-8 bytes (a space is %20)."""
    return urllib.parse.quote(str(value), safe="-_.~")


def string_to_sign(method, params):
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(v)}"
                         for k, v in sorted(params.items()))
    return f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"


def rpc_signature(secret, method, params):
    """Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))."""
    digest = hmac.new((secret + "&").encode("utf-8"),
                      string_to_sign(method, params).encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class AliyunSms:
    """SendSms of dysmsapi, a POST whose form body is the signed parameters."""
    name = "aliyun"

    def __init__(self, access_key_id, access_key_secret, sign_name, template_code,
                 endpoint=ALIYUN_ENDPOINT, region="cn-hangzhou", timeout=10.0, session=None):
        missing = [n for n, v in (("ALIYUN_SMS_ACCESS_KEY_ID", access_key_id),
                                  ("ALIYUN_SMS_ACCESS_KEY_SECRET", access_key_secret),
                                  ("ALIYUN_SMS_SIGN_NAME", sign_name),
                                  ("ALIYUN_SMS_TEMPLATE_CODE", template_code)) if not v]
        if missing:
            raise ValueError(f"SMS_SENDER=aliyun needs {', '.join(missing)}")
        self.access_key_id, self.secret = access_key_id, access_key_secret
        self.sign_name, self.template_code = sign_name, template_code
        self.endpoint, self.region, self.timeout = endpoint, region, float(timeout)
        self.session = session or requests.Session()

    def params(self, phone, code, now=None, nonce=None):
        now = now or datetime.now(timezone.utc)
        params = {
            "AccessKeyId": self.access_key_id, "Action": "SendSms", "Format": "JSON",
            "PhoneNumbers": phone, "RegionId": self.region, "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or str(uuid.uuid4()),
            "SignatureVersion": "1.0", "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"code": code}, separators=(",", ":")),
            "Timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"), "Version": ALIYUN_VERSION,
        }
        params["Signature"] = rpc_signature(self.secret, "POST", params)
        return params

    def send(self, phone, code, now=None):
        body = "&".join(f"{percent_encode(k)}={percent_encode(v)}"
                        for k, v in self.params(phone, code, now).items())
        try:
            r = self.session.post(self.endpoint, data=body.encode("ascii"), timeout=self.timeout,
                                  headers={"Content-Type": "application/x-www-form-urlencoded",
                                           "Accept": "application/json"})
            answer = r.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("sms: Alibaba Cloud SMS did not answer (%s)", type(exc).__name__)
            raise unavailable("the text message could not be sent; try again later")
        if not isinstance(answer, dict) or answer.get("Code") != "OK":
            answer = answer if isinstance(answer, dict) else {}
            log.warning("sms: Alibaba Cloud SMS refused a message to %s: %s (request %s)",
                        domain.mask_phone(phone), answer.get("Code"), answer.get("RequestId"))
            raise unavailable("the text message could not be sent; try again later",
                              provider_code=str(answer.get("Code") or r.status_code))
        log.info("sms: sent a verification code to %s (BizId %s)", domain.mask_phone(phone),
                 answer.get("BizId"))
        return {"provider": self.name, "id": answer.get("BizId")}


def make_sender(config):
    get = settings.get
    kind = str(get(config, "SMS_SENDER", "file") or "file").strip().lower()
    if kind == "file":
        directory = get(config, "SMS_OUTBOX_DIR") or settings.data_dir(config) / OUTBOX
        return FileOutbox(directory)
    if kind == "aliyun":
        return AliyunSms(get(config, "ALIYUN_SMS_ACCESS_KEY_ID"),
                         get(config, "ALIYUN_SMS_ACCESS_KEY_SECRET"),
                         get(config, "ALIYUN_SMS_SIGN_NAME"),
                         get(config, "ALIYUN_SMS_TEMPLATE_CODE"),
                         endpoint=get(config, "ALIYUN_SMS_ENDPOINT", ALIYUN_ENDPOINT),
                         region=get(config, "ALIYUN_SMS_REGION", "cn-hangzhou"),
                         timeout=get(config, "ALIYUN_SMS_TIMEOUT", 10))
    raise ValueError(f"SMS_SENDER is file or aliyun, not {kind!r}")


class Sms(DependencyProvider):
    """``self.sms``: the configured sender (``send(phone, code)``)."""

    def setup(self):
        self.sender = make_sender(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.sender
