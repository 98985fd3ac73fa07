"""Fixtures for the gateway's tests: exam, registration and the gateway on the
real broker, each on a fresh database, the gateway on a free port; a
``requests`` client that signs in as any role."""
import base64
import importlib
import uuid

import pytest
import requests

from kernel.testing import sample_id_number, sample_photo, sample_scan, wait_until

from exam.service import ExamService
from registration.service import RegistrationService

from gateway.service import Address, GatewayService

TODAY = "2026-11-02"        # last registration day of batch 2026-12
BATCH = "2026-12"
ADMIN = ("admin", "admin-pass-1")
PASSWORD = "secret-pass-1"
INSTITUTION = "inst-01"


def bound_url(container):
    provider = next(d for d in container.dependencies if isinstance(d, Address))
    return wait_until(provider.url, timeout=10) + "api"


class Client:
    """HTTP to the gateway: client.get("/batches"), client.as_role("reviewer")."""

    def __init__(self, base, token=None, session=None):
        self.base = base.rstrip("/")
        self.token = token
        self.session = session or requests.Session()

    def request(self, method, path, **kwargs):
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.token:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.session.request(method, self.base + path, headers=headers, timeout=30,
                                    **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def login(self, username, password):
        r = self.post("/auth/token", {"username": username, "password": password})
        assert r.status_code == 200, r.text
        return Client(self.base, r.json()["access_token"], self.session)


@pytest.fixture
def start_gateway(container_factory, db_url_for, service_config):
    def start(**extra):
        extra.setdefault("GATEWAY_RATE_LIMIT", "1000/1")
        config = service_config(db_url_for("gateway"), WEB_SERVER_ADDRESS="127.0.0.1:0",
                                GATEWAY_ADMIN_PASSWORD=ADMIN[1], GATEWAY_SCRYPT_N=1024,
                                SKILLCERT_TODAY=TODAY, **extra)
        container = container_factory(GatewayService, config)
        container.start()
        return container
    return start


@pytest.fixture
def services(container_factory, db_url_for, service_config, rpc):
    """exam and registration, the calendar and reference data loaded."""
    exam = container_factory(ExamService, service_config(db_url_for("exam")))
    exam.start()
    registration = container_factory(RegistrationService, service_config(
        db_url_for("registration"), SKILLCERT_TODAY=TODAY))
    registration.start()
    rpc.registration.load_reference_data()
    rpc.exam.load_calendar()
    assert wait_until(lambda: len(rpc.registration.list_batches()) == 21, timeout=15)
    return {"exam": exam, "registration": registration}


@pytest.fixture
def gateway(services, start_gateway):
    return Client(bound_url(start_gateway()))


SUITE = (("exam", "exam", "ExamService"), ("registration", "registration", "RegistrationService"),
         ("review", "review", "ReviewService"), ("payment", "payment", "PaymentService"),
         ("certificate", "certificate", "CertificateService"),
         ("assessor_training", "assessor_training", "AssessorTrainingService"))


@pytest.fixture
def start_suite(container_factory, db_url_for, service_config, rpc):
    """start_suite(today=..., **{service: date}) -> every service of the suite
    running (each on its own database and date), reference data loaded."""
    def start(today=TODAY, **dates):
        for name, package, cls in SUITE:
            service = getattr(importlib.import_module(f"{package}.service"), cls)
            container = container_factory(service, service_config(
                db_url_for(name, package), SKILLCERT_TODAY=dates.get(name, today),
                HANDLER_RETRY_DELAYS="0.2,0.5,1"))
            container.start()
        rpc.registration.load_reference_data()
        rpc.exam.load_calendar()
        rpc.payment.load_fee_schedule()
        rpc.assessor_training.load_reference_data()
        for name in ("registration", "review", "payment"):
            assert wait_until(lambda: len(rpc[name].list_batches()) == 21, timeout=20), name
    return start


@pytest.fixture
def suite_gateway(start_suite, start_gateway):
    """The whole suite behind a gateway."""
    start_suite()
    return Client(bound_url(start_gateway()))


@pytest.fixture
def accounts(request):
    """accounts(role) -> a signed-in Client of a fresh account with that role
    (on ``suite_gateway`` when the test uses it, else on ``gateway``)."""
    name = "suite_gateway" if "suite_gateway" in request.fixturenames else "gateway"
    gateway = request.getfixturevalue(name)
    admin = gateway.login(*ADMIN)
    made = {}

    def make(role, institution_code=INSTITUTION, region="510600", **person):
        username = f"{role[:12]}-{uuid.uuid4().hex[:8]}"
        if role == "public":
            return Client(gateway.base)
        if role == "provincial_center" and not person:
            return admin
        if role == "candidate":
            seq = person.get("seq", uuid.uuid4().int % 500)
            body = {"username": username, "password": PASSWORD,
                    "name": person.get("name", "张三"),
                    "id_number": person.get("id_number") or sample_id_number("19950315", seq)}
            r = gateway.post("/accounts", body)
        else:
            body = {"username": username, "password": PASSWORD, "name": f"{role} staff",
                    "role": role}
            if role == "institution_operator":
                body["institution_code"] = institution_code
            if role == "municipal_center":
                body["region"] = region
            r = admin.post("/admin/accounts", body)
        assert r.status_code == 201, r.text
        client = gateway.login(username, PASSWORD)
        client.account = r.json()
        made[username] = client
        return client
    return make


@pytest.fixture
def upload():
    """upload(client) -> the materials block, every file uploaded over HTTP."""
    def make(client, seed=None):
        seed = uuid.uuid4().int % 10**6 if seed is None else seed

        def up(purpose, content):
            r = client.post("/materials", {"purpose": purpose,
                                           "content_base64": base64.b64encode(content).decode()})
            assert r.status_code == 201, r.text
            return r.json()["hash"]
        out = {"photo": up("photo", sample_photo(seed)), "education_proof_kind": "diploma"}
        for n, kind in enumerate(("application_form", "integrity_pledge", "education_proof",
                                  "id_card_front", "id_card_back")):
            out[kind] = up("scan", sample_scan(seed * 10 + n))
        return out
    return make


def application_body(account, materials, project="bigdata-platform-setup", **overrides):
    body = {"idempotency_key": uuid.uuid4().hex, "batch_code": BATCH, "project_code": project,
            "person": {"name": account["name"], "id_number": account["id_number"],
                       "education": "high_school", "phone": "13800138000",
                       "work_unit": "成都某科技有限公司"},
            "claim": {"alternative": "education", "computer_skills": True},
            "materials": materials, "candidate_pledge": True}
    body.update(overrides)
    return body


def institution_item(materials, seq, project="bigdata-platform-setup", name="李四"):
    return {"batch_code": BATCH, "project_code": project,
            "first_review": {"reviewer": "王老师", "reviewed_on": "2026-10-30",
                             "opinion": "pass", "pledge": True},
            "person": {"name": name, "id_number": sample_id_number("19900101", seq),
                       "education": "high_school", "phone": "13900139000"},
            "claim": {"alternative": "education", "computer_skills": True},
            "materials": materials, "candidate_pledge": True}
