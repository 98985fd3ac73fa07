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
    """Figures the notice leaves to the center; set in the service config
    (docs/assessor-training.md, "Configuration", quotes the notice for each)."""
    pass_score: int = 60               # A5: exam pass mark on 100, unless the period sets one
    unit_places: int = 20              # recommendations per unit and period (not in 004)
    returns_for_notice: int = 2        # A7 八(二) "多次推荐被退回": returns that make a unit due
    findings_for_notice: int = 1       # A7 八(二) "审核把关不严、个人信息填报不准确": findings ditto
    ineligible_batch: int = 3          # A7 八(一) "批量不符合申报条件人员": per municipal center, period
    sitting_capacity: int = 100        # A1 "分批组织考试": trainees per sitting, unless the period sets it
    sitting_break_minutes: int = 30    # between two sittings of the exam day
    first_sitting_at: str = "09:00"    # the first sitting's start
    photo_max_kb: int = 2048           # AT2: an assessor's photo, at most (KB of 1,024 bytes)
    scan_max_kb: int = 5120            # AT2: an assessor's scan, at most
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


@lru_cache(maxsize=None)
def project_occupations(code):
    """A3 condition 1: the occupations that correspond to project ``code``
    (data/project_occupations.json: its type's and its own); empty when the
    data has none (a reviewer judges)."""
    data = _load("project_occupations.json")
    kind = projects()[code]["type"]
    return tuple(data["types"].get(kind, [])) + tuple(data["projects"].get(code, []))


def shipped_periods():
    return _load("periods.json")


def project(code):
    found = projects().get(code) if isinstance(code, str) else None
    if found is None:
        raise NotFound("PROJECT_NOT_FOUND", f"no assessment project {code}",
                       field="project_code", details={"project_code": code})
    return found
