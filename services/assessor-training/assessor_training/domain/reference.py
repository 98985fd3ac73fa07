"""What the service is given: the reference data it ships (assessor_training/data:
project types, regions, training periods), the project catalogue every service
shares (kernel.projects) and the figures the notice
leaves to the center (Policy, from the service config)."""
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kernel import projects as catalogue
from kernel.errors import NotFound

DATA = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Policy:
    """Figures the notice leaves to the center; set in the service config."""
    pass_score: int = 60               # exam pass mark on 100
    unit_places: int = 20              # A7: recommendations per unit and period
    flag_share: float = 0.2            # A7: rejected share above which a unit is flagged
    bar_share: float = 0.5             # A7: ... and above which it is barred
    min_decided: int = 5               # A7: decided recommendations before shares count
    flagged_places_share: float = 0.5  # A7: share of its places a flagged unit keeps
    renewal_window_days: int = 90      # A6: renewal review from this many days before expiry


def _load(name):
    return json.loads((DATA / name).read_text("utf-8"))


@lru_cache(maxsize=None)
def projects():
    """The projects of the catalogue (kernel.projects, the one copy) with the
    fields assessor training answers: code, names and project type."""
    return {p["code"]: {key: p[key] for key in ("code", "name_zh", "name_en", "type")}
            for p in catalogue.catalogue()}


@lru_cache(maxsize=None)
def project_types():
    return {t["code"]: t for t in _load("project_types.json")}


@lru_cache(maxsize=None)
def regions():
    return {r["code"]: r for r in _load("regions.json")}


def shipped_periods():
    return _load("periods.json")


def project(code):
    found = projects().get(code) if isinstance(code, str) else None
    if found is None:
        raise NotFound("PROJECT_NOT_FOUND", f"no assessment project {code}",
                       field="project_code", details={"project_code": code})
    return found
