"""#14: the project catalogue exists once (kernel/data/projects.json, kernel.projects),
and every service that reads it reads that one file."""
import subprocess
from pathlib import Path

from kernel import projects

ROOT = Path(__file__).resolve().parents[1]


def test_the_project_catalogue_is_one_file_in_the_tree():
    tracked = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard",
                              "*projects*.json"], cwd=ROOT, check=True,
                             capture_output=True, text=True).stdout.split()
    assert tracked == ["shared/kernel/data/projects.json"]


def test_every_project_has_the_fields_its_readers_take_and_a_code_of_its_own():
    catalogue = projects.catalogue()
    codes = [p["code"] for p in catalogue]
    assert len(codes) == len(set(codes)) == 22
    for p in catalogue:
        assert {"code", "name_zh", "name_en", "type", "condition", "years"} <= set(p), p["code"]


def test_registration_and_assessor_training_read_the_one_catalogue():
    from assessor_training.domain import reference
    from registration import domain
    codes = [p["code"] for p in projects.catalogue()]
    assert [p["code"] for p in domain.catalogue_projects()] == codes
    assert list(reference.projects()) == codes
