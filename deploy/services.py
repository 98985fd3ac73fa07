"""The suite's services, in start order, for the launcher (deploy/launch.py).

``name`` is the nameko service name (RPC routing key prefix, ``<name>.events``
exchange, ``<NAME>_DATABASE_URL``); ``folder`` holds ``config.yaml`` and
``pyproject.toml``; ``package`` is the Python package (migrations in
``<package>/migrations``); the service class is ``<package>.service:<cls>``
(named: ``nameko run <package>.service`` alone would also try to run
``ServiceBase``, which that module imports, and fail on its missing ``name``);
``reference_data`` are the (service, method) RPCs the launcher calls, in order,
once every service answers ``health``. A service whose folder has no
``pyproject.toml`` yet is skipped.
"""
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Service:
    name: str
    folder: str
    package: str
    reference_data: tuple = ()
    cls: str = ""   # default: ExamService, AssessorTrainingService, ...

    @property
    def path(self):
        return ROOT / self.folder

    @property
    def config(self):
        return self.path / "config.yaml"

    @property
    def module(self):
        return f"{self.package}.service"

    @property
    def class_name(self):
        return self.cls or "".join(p.title() for p in self.name.split("_")) + "Service"

    @property
    def target(self):
        """What ``nameko run`` is given: ``exam.service:ExamService``."""
        return f"{self.module}:{self.class_name}"

    @property
    def present(self):
        return (self.path / "pyproject.toml").is_file()


SERVICES = (
    Service("exam", "services/exam", "exam",
            (("exam", "load_calendar"),)),
    Service("registration", "services/registration", "registration",
            (("registration", "load_reference_data"), ("registration", "sync_batches"))),
    Service("review", "services/review", "review", (("review", "sync_batches"),)),
    Service("payment", "services/payment", "payment",
            (("payment", "load_fee_schedule"), ("payment", "sync_batches"))),
    Service("certificate", "services/certificate", "certificate"),
    Service("assessor_training", "services/assessor-training", "assessor_training",
            (("assessor_training", "load_reference_data"),)),
    Service("gateway", "services/gateway", "gateway"),
)

BY_NAME = {service.name: service for service in SERVICES}
