"""The dashboard's stages (数据看板, skillcert_registration_stage): an
application counts at every stage it got to."""
from registration import domain


def test_an_application_counts_at_every_stage_it_reached():
    counts = domain.stage_counts({("2026-12", "a", "submitted"): 3, ("2026-12", "a", "paid"): 2,
                                  ("2026-12", "a", "certified"): 1, ("2026-12", "a", "failed"): 1,
                                  ("2026-12", "a", "withdrawn"): 4,
                                  ("2026-12", "a", "abandoned"): 1})
    got = {stage: counts[("2026-12", "a", stage)] for stage in domain.STAGES}
    assert got == {"registered": 8, "approved": 4, "paid": 4, "passed": 1, "failed": 1,
                   "certified": 1}


def test_a_revoked_certificate_still_counts_as_certified_and_passed():
    counts = domain.stage_counts({("b", "p", "certificate_revoked"): 2})
    assert counts[("b", "p", "certified")] == 2 and counts[("b", "p", "passed")] == 2
