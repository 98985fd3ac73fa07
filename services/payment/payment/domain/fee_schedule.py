"""The fee schedule (F1: the amount due is the schedule's amount for the
project, in force on the first day of the batch's payment window) and the
reference data the service ships (payment/data: fees, the center's accounts)."""
import json
from functools import lru_cache
from pathlib import Path

from kernel.errors import NotFound, RuleViolation, ValidationFailed

DATA = Path(__file__).parent.parent / "data"


@lru_cache(maxsize=None)
def default_fee_schedule():
    """payment/data/fees.json: projects with their Chinese names and fee entries."""
    return json.loads((DATA / "fees.json").read_text("utf-8"))


@lru_cache(maxsize=None)
def default_center():
    return json.loads((DATA / "center.json").read_text("utf-8"))


def fee_in_force(entries, project_code, on):
    """The amount (fen) of the latest entry for ``project_code`` effective on or
    before ``on``; entries are {project_code, effective_from, amount_fen}."""
    best = None
    for e in entries:
        if e["project_code"] == project_code and e["effective_from"] <= on:
            if best is None or e["effective_from"] > best["effective_from"]:
                best = e
    if best is None:
        raise RuleViolation("FEE_NOT_CONFIGURED", f"no fee is configured for project "
                            f"{project_code} on {on}; finance sets it with set_fees",
                            field="project_code", rule="F1",
                            details={"project_code": project_code, "on": str(on)})
    return best["amount_fen"]


def fee_date(batch):
    """F1: the fee of a batch is the one in force when its payment window opens."""
    return batch["payment"][0]


def check_fee_entries(entries, known_projects):
    """Entries of one set_fees call: known projects (or a name given), one
    amount per project and date."""
    seen = set()
    for n, e in enumerate(entries):
        key = (e["project_code"], e["effective_from"])
        if key in seen:
            raise ValidationFailed("VALIDATION_FAILED", f"fees.{n}: {e['project_code']} has two "
                                   f"amounts effective from {e['effective_from']}",
                                   field=f"fees.{n}", rule="F1")
        seen.add(key)
        if e["project_code"] not in known_projects and not e.get("project_name"):
            raise NotFound("PROJECT_NOT_FOUND", f"fees.{n}: project {e['project_code']} is "
                           "not in the fee schedule yet: give its project_name (the Chinese "
                           "name written in payment notes)", field=f"fees.{n}.project_name",
                           rule="F1")
