"""Issue #14, event contracts: one definition per event, owned by its producer
(``<pkg>/events.py`` on kernel.events), importable without the producer's rules
or database, and the docs' tables of emitted events generated from them."""
import json
import pathlib
import subprocess
import sys

import pytest

from kernel import events

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGES = {source: mod.split(".")[0] for source, (mod, _) in events.PRODUCERS.items()}


def _modules_after_import(module):
    code = (f"import sys, json; import {module}; "
            "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("source", sorted(events.PRODUCERS))
def test_contracts_import_without_their_service(source):
    """#14: importing a producer's events.py pulls in no domain, models, service,
    database layer or broker client, of its own service or any other."""
    loaded = _modules_after_import(events.PRODUCERS[source][0])
    own = {m for m in loaded for pkg in PACKAGES.values()
           if m == pkg + ".events" or m == pkg}
    internals = {m for m in loaded if m.split(".")[0] in PACKAGES.values()} - own
    assert not internals, internals
    assert not {m for m in loaded if m.split(".")[0] in ("sqlalchemy", "kombu", "alembic",
                                                         "psycopg2", "nameko")} - {
        "nameko", "nameko.exceptions"}, "events.py needs only marshmallow and kernel.events"


def test_every_emitted_event_has_one_contract():
    """#14: no two contracts for the same event; every producer has its module."""
    seen = {}
    for source, contracts in events.all_contracts().items():
        assert contracts, source
        for ev in contracts:
            assert ev.SOURCE == source
            assert ev.TYPE not in seen or seen[ev.TYPE] is ev, ev.TYPE
            seen[ev.TYPE] = ev
    assert len({t for t in seen}) == 21


def test_no_emit_site_bypasses_a_contract():
    """#14: emitters construct events through the contract (no dict literal
    handed to kernel.outbox.emit in a service)."""
    offenders = []
    for path in (ROOT / "services").glob("*/*/**/*.py"):
        if "/tests/" in str(path) or path.name == "events.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "from kernel.outbox import emit" in text:
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, offenders


def test_no_consumer_keeps_its_own_copy_of_a_payload_schema():
    """#14: the consumer schema of exam.batch_cancelled existed three times with
    three unknown-field policies; consumers now load with the producer's contract."""
    copies = []
    for path in (ROOT / "services").glob("*/*/schemas.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("BatchProjectEventSchema", "ResultFinalizedSchema", "ApprovedEventSchema",
                     "WithdrawnEventSchema", "ApplicationEventSchema", "CardEventSchema",
                     "PaymentConfirmedSchema", "ApplicationSubmittedSchema"):
            if f"class {name}" in text:
                copies.append(f"{path.relative_to(ROOT)}: {name}")
    assert not copies, copies


def test_build_refuses_a_payload_outside_the_contract():
    """Producer side: a missing required field or an undeclared one is the
    producer's bug, refused before anything is written."""
    from exam.events import BATCH_CANCELLED
    ok = BATCH_CANCELLED.build(batch_code="2026-12", project_code="p", reason=None)
    assert ok == {"batch_code": "2026-12", "project_code": "p", "reason": None}
    with pytest.raises(ValueError):
        BATCH_CANCELLED.build(batch_code="2026-12")
    with pytest.raises(ValueError):
        BATCH_CANCELLED.build(batch_code="2026-12", project_code="p", extra=1)


def test_load_ignores_unknown_fields_and_refuses_a_bad_payload():
    """Consumer side: one policy, unknown fields ignored (a newer producer may add
    some); a missing required field is a ValidationFailed (dead-lettered at once)."""
    from kernel.errors import ValidationFailed
    from exam.events import BATCH_CANCELLED
    data = BATCH_CANCELLED.load({"batch_code": "2026-12", "project_code": "p", "new": 1})
    assert data == {"batch_code": "2026-12", "project_code": "p", "reason": None}
    with pytest.raises(ValidationFailed):
        BATCH_CANCELLED.load({"batch_code": "2026-12"})


def test_docs_event_tables_match_the_contracts():
    """#14: the docs' tables of emitted events are generated from the contracts
    (``python -m kernel.events docs``); this fails when they differ."""
    assert events.differences(ROOT) == [], "run: python -m kernel.events docs"


# --- the gateway on the services' contracts ----------------------------------------

CONTRACTS = {"schemas", "events", "vocabulary"}     # what another service may import


def test_gateway_imports_only_the_services_contracts():
    """#14: the gateway depends on the services' contracts (their request/answer
    schemas, events and the vocabulary both share), not on their rules, models
    or entrypoints: loading the gateway pulls no ``<svc>.domain``/``models``/
    ``service``/``store`` of any service."""
    loaded = _modules_after_import("gateway.service")
    internals = sorted(m for m in loaded if m.split(".")[0] in PACKAGES.values()
                       and "." in m and m.split(".")[1] not in CONTRACTS)
    assert not internals, internals


@pytest.mark.parametrize("package", sorted(PACKAGES.values()))
def test_a_services_schemas_module_is_free_of_its_rules(package):
    """#14: ``<pkg>/schemas.py`` (what the gateway validates requests with)
    imports its service's vocabulary, not its domain, models or service."""
    loaded = _modules_after_import(f"{package}.schemas")
    internals = sorted(m for m in loaded if m.split(".")[0] in PACKAGES.values()
                       and "." in m and m.split(".")[1] not in CONTRACTS)
    assert not internals, internals


def test_the_batch_payload_is_declared_once_by_exam_and_the_copies_load_with_it():
    """#14: the batch of exam.batch_scheduled / batch_updated (and of exam's
    list_batches) was declared twice, exam.events.Batch and a schema of its own
    in kernel.batches; the copies in registration, review and payment now load
    it with exam's contract."""
    from exam import events as exam_events
    from kernel import batches
    from payment.service import PaymentService
    from registration.service import RegistrationService
    from review.service import ReviewService

    assert not hasattr(batches, "BatchEventSchema")
    for service in (RegistrationService, ReviewService, PaymentService):
        assert service.batch_contract is exam_events.Batch, service.name
    copies = [str(p.relative_to(ROOT)) for p in [*(ROOT / "services").glob("*/*/**/*.py"),
                                                  *(ROOT / "shared").glob("kernel/*.py")]
              if "/tests/" not in str(p) and "exam/exam/events.py" not in str(p)
              and "class BatchEventSchema" in p.read_text(encoding="utf-8")]
    assert not copies, copies


def test_a_batch_copy_keeps_what_exams_contract_loads():
    """kernel.batches.keep with exam's contract: windows as {start, end}, status
    and version defaulted when exam leaves them out, unknown fields ignored, a
    batch outside the contract refused, versions only forward."""
    from datetime import date

    from sqlalchemy import create_engine
    from sqlalchemy.orm import DeclarativeBase, Session

    from exam.events import Batch as Contract
    from kernel import batches
    from kernel.errors import ValidationFailed

    class Base(DeclarativeBase):
        pass

    class Batch(batches.BatchCopy, Base):
        pass

    def window(a, b):
        return {"start": a, "end": b}
    raw = {"code": "2026-12", "year": 2026, "seq": 4, "exam_date": "2026-12-05",
           "registration": window("2026-10-26", "2026-11-02"),
           "review": window("2026-11-02", "2026-11-13"),
           "payment": window("2026-11-16", "2026-11-18"),
           "ticket": window("2026-11-30", "2026-12-04"), "re_review_working_days": 10,
           "accepted_id_documents": ["resident_id_card_2g"], "new_field": 1}
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        assert batches.keep(session, Batch, raw, Contract) == 1
        row = session.get(Batch, "2026-12")
        kept = batches.as_dict(row)
        assert kept["review"] == (date(2026, 11, 2), date(2026, 11, 13))
        assert (kept["status"], kept["version"]) == ("scheduled", 1)
        assert batches.to_wire(row)["ticket"] == window("2026-11-30", "2026-12-04")
        assert batches.keep(session, Batch, raw, Contract) == 0
        assert batches.keep(session, Batch, dict(raw, status="cancelled", version=2),
                            Contract) == 1
        assert session.get(Batch, "2026-12").status == "cancelled"
        with pytest.raises(ValidationFailed) as err:
            batches.keep(session, Batch, dict(raw, review={"start": "2026-11-02"}), Contract)
        assert err.value.field == "review.end"
