"""The provincial project catalogue (省级统一项目), shipped once for every service.

``kernel/data/projects.json`` is the one copy: each project's code, Chinese and
English name, the years it is offered, its eligibility condition (E1-E10, which
registration applies) and its project type (which assessor training's A4
groups by). Registration loads it into its ``projects`` table at start and
answers ``list_projects`` from there (exam and certificate ask it); assessor
training reads it directly. This is business data, not plumbing: it is kept in
this one named module rather than copied into each service that reads it, and
a new field goes into this file, never into a service's own copy.
"""
import json
from functools import lru_cache
from pathlib import Path

CATALOGUE = Path(__file__).parent / "data" / "projects.json"


@lru_cache(maxsize=None)
def catalogue():
    """Every project of the catalogue, in the catalogue's order (a list of dicts)."""
    return json.loads(CATALOGUE.read_text("utf-8"))
