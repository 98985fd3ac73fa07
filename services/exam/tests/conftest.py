"""Fixtures for the exam service's tests: the service on the real broker and a
fresh database (restartable with another date, the same database), registration
beside it when photos, project names or institution names are needed, and a
helper that plays payment, registration and assessor_training with
publish_event."""
import base64

import pytest

from kernel.testing import publish_event, sample_photo, wait_until

from exam import testing as t


@pytest.fixture
def start_exam(container_factory, db_url_for, service_config):
    """start_exam(today) -> a running exam container on the same database."""
    return t.exam_starter(container_factory, service_config, db_url_for("exam"))


@pytest.fixture
def registration(container_factory, db_url_for, service_config, rpc):
    """Registration with its catalogue and institutions: photos, project names."""
    from registration.service import RegistrationService
    container = container_factory(RegistrationService,
                                  service_config(db_url_for("registration")))
    container.start()
    rpc.registration.load_reference_data()
    return container


class Play:
    """The upstream services, played: payment's confirmations, registration's
    submissions, assessor_training's cards; and the exam's own steps."""

    def __init__(self, rpc, amqp_uri):
        self.rpc, self.amqp_uri = rpc, amqp_uri

    def publish(self, producer, event, payload):
        return publish_event(self.amqp_uri, producer, event, payload)

    def photo(self, seed=1):
        """A photo uploaded to registration (needs the registration fixture)."""
        return self.rpc.registration.upload_material({
            "purpose": "photo", "content_base64": base64.b64encode(sample_photo(seed)).decode()
        })["hash"]

    def confirm(self, confirmations, photo=None, work_unit="成都某科技有限公司"):
        """registration.application_submitted (with ``photo``) then
        payment.payment_confirmed for each; waits until exam has them all."""
        batch = confirmations[0]["batch_code"]
        before = self.rpc.exam.get_roster(batch)
        for c in confirmations:
            if photo:
                self.publish("registration", "application_submitted",
                             t.submitted(c, photo, work_unit))
            self.publish("payment", "payment_confirmed", c)
        ids = {c["application_id"] for c in confirmations}
        want = len(ids | {c["application_id"] for c in before["candidates"]})
        profiles = before["profiles_known"] + (len(ids) if photo else 0)
        assert wait_until(lambda: (lambda r: len(r["candidates"]) == want
                                   and r["profiles_known"] >= profiles)(
            self.rpc.exam.get_roster(batch)), timeout=15)
        return confirmations

    def cards(self, payloads, event="card_issued"):
        for p in payloads:
            self.publish("assessor_training", event, p)
        status = {"card_issued": "valid", "card_expired": "expired",
                  "card_revoked": "revoked"}[event]
        numbers = {p["card_number"] for p in payloads}
        assert wait_until(lambda: numbers <= {c["card_number"] for c in self.rpc.exam.list_cards()
                                              if c["status"] == status}, timeout=15)

    def seat(self, n=12, rooms=(t.room("R1", 12),), sessions=None, institution_of=None,
             photo=None):
        """``n`` confirmed candidates of PROJECT (candidate i of institution
        ``institution_of(i)``), rosters closed, rooms saved, arranged."""
        confirmations = [t.confirmed(i, institution_code=institution_of(i) if institution_of
                                     else None) for i in range(n)]
        self.confirm(confirmations, photo=photo)
        self.rpc.exam.close_rosters(today=t.AFTER_PAYMENT)
        for room in rooms:
            self.rpc.exam.save_room(room)
        if sessions:
            self.rpc.exam.set_sessions(t.BATCH, sessions)
        self.rpc.exam.arrange({"batch_code": t.BATCH})
        return confirmations

    def seats(self):
        return {s["application_id"]: s for s in
                self.rpc.exam.get_arrangement(t.BATCH)["seats"]}


@pytest.fixture
def play(rpc, amqp_uri):
    return Play(rpc, amqp_uri)


@pytest.fixture
def exam(start_exam, rpc):
    """The exam service on 2026-11-19 (after 2026-12's payment window), calendar loaded."""
    container = start_exam()
    rpc.exam.load_calendar()
    return container
